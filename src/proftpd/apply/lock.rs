//! One ftpconf at a time: an exclusive lock on the apply lock file, and a fingerprint
//! that tells an editor whether the settings file changed on disk since it was loaded.

use std::fs::{File, TryLockError};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::paths::Paths;

/// The held apply lock; released when dropped (and by the kernel if ftpconf dies).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Another ftpconf holds it; its pid, when it wrote one.
    InUse {
        pid: Option<u32>,
    },
    Io(String),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::InUse { pid: Some(pid) } => write!(
                f,
                "the configuration is in use by pid {pid} (another ftpconf is applying); try again when it has finished"
            ),
            LockError::InUse { pid: None } => write!(
                f,
                "the configuration is in use by another ftpconf; try again when it has finished"
            ),
            LockError::Io(message) => f.write_str(message),
        }
    }
}

impl Lock {
    /// Takes the lock without waiting and records our pid in it. The state directory is
    /// created 0700 and refused when another user could write into it; the lock file is
    /// opened without following a symbolic link, so a planted link is never truncated.
    pub fn acquire(paths: &Paths) -> Result<Lock, LockError> {
        let path = paths.lock_file();
        let io = |e: std::io::Error| LockError::Io(format!("{}: {e}", path.display()));
        let state = paths.state_dir();
        crate::fsutil::ensure_dir(&state, 0o700).map_err(io)?;
        crate::fsutil::check_private_dir(&state, "state directory").map_err(LockError::Io)?;
        crate::fsutil::check_private_dir(&paths.backup_dir(), "backup directory")
            .map_err(LockError::Io)?;
        let mut file = crate::fsutil::open_lock_file(&path).map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                LockError::Io(format!(
                    "{} is a symbolic link, not ftpconf's lock file; remove it (`rm {}`) \
                         and try again",
                    path.display(),
                    path.display()
                ))
            } else {
                io(e)
            }
        })?;
        if !file.metadata().map_err(io)?.is_file() {
            return Err(LockError::Io(format!("{} is not a regular file", path.display())));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::InUse { pid: text.trim().parse().ok() });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Lock { _file: file })
    }
}

/// What a settings file looked like when it was read: enough to notice any change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// `None` when the file did not exist.
    pub content: Option<(u64, i64, i64, u64)>,
}

impl Fingerprint {
    /// The fingerprint of `path` now (length, mtime, inode and a hash of the content).
    pub fn of_file(path: &Path) -> std::io::Result<Fingerprint> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let meta = std::fs::metadata(path)?;
                Ok(Fingerprint::of_bytes(&bytes, &meta))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Fingerprint { content: None }),
            Err(e) => Err(e),
        }
    }

    fn of_bytes(bytes: &[u8], meta: &std::fs::Metadata) -> Fingerprint {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        Fingerprint {
            content: Some((bytes.len() as u64, meta.mtime(), meta.mtime_nsec(), hasher.finish())),
        }
    }

    /// Whether the content differs (ignores a touch that left the bytes alone).
    fn same_content(&self, other: &Fingerprint) -> bool {
        match (self.content, other.content) {
            (Some((len_a, _, _, hash_a)), Some((len_b, _, _, hash_b))) => {
                len_a == len_b && hash_a == hash_b
            }
            (None, None) => true,
            _ => false,
        }
    }
}

/// Whether the settings file at `path` changed since `then` was taken. An unreadable
/// file counts as changed.
pub fn settings_changed_since(path: &Path, then: &Fingerprint) -> bool {
    Fingerprint::of_file(path).map(|now| !now.same_content(then)).unwrap_or(true)
}

/// Reads `path` once, returning its text and the matching fingerprint (`None` text when
/// the file does not exist).
pub fn read_with_fingerprint(path: &Path) -> std::io::Result<(Option<String>, Fingerprint)> {
    use crate::settings::input::{InputError, MAX_SETTINGS, read_bounded};
    match read_bounded(path, MAX_SETTINGS) {
        Ok(bytes) => {
            let meta = std::fs::metadata(path)?;
            let fingerprint = Fingerprint::of_bytes(&bytes, &meta);
            let text = String::from_utf8(bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
            Ok((Some(text), fingerprint))
        }
        Err(InputError::NotFound) => Ok((None, Fingerprint { content: None })),
        Err(InputError::Refused(why)) => Err(std::io::Error::other(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        let held = Lock::acquire(&paths).unwrap();
        let again = Lock::acquire(&paths).unwrap_err();
        assert_eq!(again, LockError::InUse { pid: Some(std::process::id()) });
        assert!(again.to_string().contains(&format!("in use by pid {}", std::process::id())));
        drop(held);
        Lock::acquire(&paths).unwrap();
    }

    #[test]
    fn fingerprint_notices_content_changes_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        let missing = Fingerprint::of_file(&path).unwrap();
        assert!(!settings_changed_since(&path, &missing));
        std::fs::write(&path, "a = 1\n").unwrap();
        assert!(settings_changed_since(&path, &missing));
        let (text, fp) = read_with_fingerprint(&path).unwrap();
        assert_eq!(text.as_deref(), Some("a = 1\n"));
        assert!(!settings_changed_since(&path, &fp));
        std::fs::write(&path, "a = 2\n").unwrap();
        assert!(settings_changed_since(&path, &fp));
    }
}
