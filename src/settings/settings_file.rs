//! Changing the settings file safely: one writer at a time, through symlinks, only when
//! something changed, never leaving a temporary file behind for good.
//!
//! Every writer (`set`, `import`, `cert delete`'s check, the editor's save, `rollback`)
//! opens a [`SettingsFile`], which holds an exclusive `flock` on `.NAME.lock` beside the
//! real file from before it reads until after it writes, so two writers cannot both read
//! the old file and each write their own change over the other's.

use std::fs::{DirBuilder, File, Permissions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::fields::Settings;
use super::store::{self, LoadError};
use crate::fsutil;

/// How long a writer waits for another to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// The file already held these settings; it was not touched.
    Unchanged,
    /// The file was written; one `section.key: old -> new` line per changed field
    /// (empty when raw text replaced it).
    Changed(Vec<String>),
}

/// The settings file, locked against other writers while this value lives.
#[derive(Debug)]
pub struct SettingsFile {
    /// The real file: the settings path with symlinks followed.
    target: PathBuf,
    text: Option<String>,
    _lock: File,
}

impl SettingsFile {
    /// Locks the settings file at `path` (waiting up to 30 s for another writer) and reads
    /// it. A symlinked file is read and later written through the link.
    pub fn open(path: &Path) -> Result<SettingsFile, LoadError> {
        let fail = |why: String| LoadError { problems: vec![why] };
        let target = resolve(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        let lock = lock(&target).map_err(fail)?;
        let text = store::read_text(&target)?;
        Ok(SettingsFile { target, text, _lock: lock })
    }

    /// The file's text as read (`None` when it does not exist yet).
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The file the writes go to (the link's target when the settings path is a symlink).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The stored settings (the defaults when there is no file yet).
    pub fn settings(&self) -> Result<Settings, LoadError> {
        match &self.text {
            Some(text) => store::parse(text, &self.target.display().to_string()),
            None => Ok(Settings::default()),
        }
    }

    /// Writes `settings`: nothing when the file exists and holds equal ones; otherwise
    /// only the changed values are edited in place (a new or unreadable file gets the
    /// commented template). Mode 0600 whatever the umask.
    pub fn save(&mut self, settings: &Settings) -> io::Result<Saved> {
        let (text, changes) = match (&self.text, self.settings()) {
            (Some(text), Ok(old)) => {
                if &old == settings {
                    return Ok(Saved::Unchanged);
                }
                let edited = store::edit_in_place(text, &old, settings)
                    .unwrap_or_else(|| store::to_toml(settings));
                (edited, store::changes(&old, settings))
            }
            (None, _) => {
                let mut changes = vec![format!("created {}", self.target.display())];
                changes.extend(store::changes(&Settings::default(), settings));
                (store::to_toml(settings), changes)
            }
            // Unreadable as settings (only the editor's "overwrite" gets here).
            (Some(_), Err(_)) => {
                (store::to_toml(settings), vec![format!("rewrote {}", self.target.display())])
            }
        };
        self.write(text)?;
        Ok(Saved::Changed(changes))
    }

    /// Replaces the file with `text` as it is (a backup's copy being put back); nothing is
    /// written when the file already holds exactly that.
    pub fn replace_text(&mut self, text: &str) -> io::Result<Saved> {
        if self.text.as_deref() == Some(text) {
            return Ok(Saved::Unchanged);
        }
        self.write(text.to_owned())?;
        Ok(Saved::Changed(Vec::new()))
    }

    fn write(&mut self, text: String) -> io::Result<()> {
        remove_leftovers(&self.target);
        fsutil::atomic_write(&self.target, text.as_bytes(), 0o600)?;
        self.text = Some(text);
        Ok(())
    }
}

/// `path` with symlinks followed to the file they name (which need not exist yet).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                let base = current.parent().unwrap_or(Path::new("/"));
                current = base.join(link);
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Creates `dir` (and its parents) 0755 whatever the umask; an existing one is left alone.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dir(parent)?;
    }
    match DirBuilder::new().mode(0o755).create(dir) {
        Ok(()) => std::fs::set_permissions(dir, Permissions::from_mode(0o755)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn lock_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.lock"))
}

/// Takes the exclusive lock for `target`, waiting up to [`LOCK_WAIT`].
fn lock(target: &Path) -> Result<File, String> {
    let path = lock_path(target);
    let io = |e: io::Error| format!("cannot lock the settings file ({}): {e}", path.display());
    create_dir(path.parent().unwrap_or(Path::new("."))).map_err(io)?;
    let mut file = fsutil::open_lock_file(&path).map_err(io)?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let by =
                    holder.trim().parse::<u32>().map(|p| format!(" (pid {p})")).unwrap_or_default();
                return Err(format!(
                    "another ftpconf{by} has been changing {} for {} s; nothing was changed, try again when it has finished",
                    target.display(),
                    LOCK_WAIT.as_secs()
                ));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
    // The holder's pid, for the message above; the lock matters, not this text.
    let _ = file.set_len(0).and_then(|()| file.rewind());
    let _ = writeln!(file, "{}", std::process::id());
    Ok(file)
}

/// Removes temporary files a killed save left beside `target`: only ftpconf's own name
/// pattern (`.NAME.XXXXXX.new`). Called under the lock, so no save is writing one now.
fn remove_leftovers(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    remove_own_temporaries(dir, &[format!(".{}.", name.to_string_lossy())]);
}

/// Removes the files in `dir` named `PREFIX` + six letters or digits + `.new` (the names
/// [`fsutil::write_temp_beside`] gives) for one of `prefixes`: only regular files, only
/// ours, never through a symlink.
pub fn remove_own_temporaries(dir: &Path, prefixes: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let me = rustix::process::geteuid().as_raw();
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|prefix| {
            file.strip_prefix(prefix.as_str())
                .and_then(|rest| rest.strip_suffix(".new"))
                .is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        });
        // DirEntry::metadata does not follow a symlink.
        let Ok(meta) = entry.metadata() else { continue };
        if ours && meta.file_type().is_file() && meta.uid() == me {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
#[path = "settings_file_tests.rs"]
mod tests;
