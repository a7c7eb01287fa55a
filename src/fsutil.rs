//! Writing files so that a reader sees the old content or the new, never a mix.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tempfile::NamedTempFile;

/// Writes `contents` to `path` atomically with the given mode: a temporary file in the
/// same directory is written, flushed to disk and renamed over `path`, then the
/// directory is flushed so the rename itself survives a crash. Missing parent
/// directories are created (mode 0755, whatever the umask).
pub fn atomic_write(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let file = write_temp_beside(path, contents, mode)?;
    file.persist(path).map_err(|e| e.error)?;
    sync_parent(path)
}

/// Writes `contents` to a new temporary file in `path`'s directory (for checking a
/// candidate before it replaces `path`). The file is removed when dropped.
pub fn write_temp_beside(path: &Path, contents: &[u8], mode: u32) -> io::Result<NamedTempFile> {
    let dir = parent_of(path);
    ensure_dir(dir, 0o755)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut file =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".new").tempfile_in(dir)?;
    file.write_all(contents)?;
    file.as_file().set_permissions(Permissions::from_mode(mode))?;
    file.as_file().sync_all()?;
    Ok(file)
}

/// Flushes `path`'s directory entry to disk.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    File::open(parent_of(path))?.sync_all()
}

/// Creates `dir` with exactly `mode` and its missing parents with 0755 (set explicitly,
/// so the umask never widens or narrows them). Existing directories are left as they are.
pub fn ensure_dir(dir: &Path, mode: u32) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent()
        && !parent.as_os_str().is_empty()
    {
        ensure_dir(parent, 0o755)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => fs::set_permissions(dir, Permissions::from_mode(mode)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens `path` for reading without following a symbolic link in its last component
/// (a planted link fails with "Too many levels of symbolic links").
pub fn open_nofollow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// A span of a growing file (a log): `start` picks the first offset from the file's
/// length (clamped to it), and at most `limit` bytes are read from there. `None`: the
/// file cannot be opened, or is a symbolic link (proftpd never writes its logs through
/// one, so whatever it points at is not proftpd's log). Returns the offset used and the
/// bytes.
pub fn read_span(
    path: &Path,
    start: impl FnOnce(u64) -> u64,
    limit: u64,
) -> Option<(u64, Vec<u8>)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = open_nofollow(path).ok()?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let from = start(len).min(len);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(from)).is_err()
        || file.take(limit).read_to_end(&mut bytes).is_err()
    {
        return Some((from, Vec::new()));
    }
    Some((from, bytes))
}

/// Opens (creating it 0600 if needed) a lock file for reading and writing, never through a
/// symbolic link: a link planted at its name is refused (ELOOP), never truncated.
pub fn open_lock_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// A directory ftpconf keeps private state or keys in must be its own and writable by
/// nobody else: Ok, or what is wrong and the command that fixes it.
pub fn check_private_dir(dir: &Path, what: &str) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{what} {}: {e}", dir.display())),
    };
    let me = rustix::process::geteuid().as_raw();
    let shown = dir.display();
    if !meta.is_dir() {
        return Err(format!(
            "the {what} {shown} is not a directory (a symbolic link or a file); \
             move it away (`mv {shown} {shown}.moved`) and try again"
        ));
    }
    if meta.uid() != me {
        return Err(format!(
            "the {what} {shown} belongs to uid {}, not to the user running ftpconf (uid {me}); \
             another user could plant files there. Fix it with `chown {me} {shown}`",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "the {what} {shown} is writable by {} (mode {:o}); another user could plant files \
             there. Fix it with `chmod go-w {shown}`",
            if meta.mode() & 0o002 != 0 { "everyone" } else { "its group" },
            meta.mode() & 0o7777
        ));
    }
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_with_mode_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.toml");
        atomic_write(&path, b"one", 0o600).unwrap();
        atomic_write(&path, b"two", 0o600).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let entries: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777,
            0o755
        );
    }

    #[test]
    fn spans_of_a_log_are_bounded_and_clamped() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        assert_eq!(read_span(&log, |_| 0, 10), None);
        fs::write(&log, b"0123456789").unwrap();
        assert_eq!(read_span(&log, |len| len - 4, 100), Some((6, b"6789".to_vec())));
        assert_eq!(read_span(&log, |_| 2, 3), Some((2, b"234".to_vec())));
        assert_eq!(read_span(&log, |_| 99, 3), Some((10, Vec::new())));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&log, &link).unwrap();
        assert_eq!(read_span(&link, |_| 0, 10), None, "read through a planted link");
    }

    #[test]
    fn private_dirs_must_be_ours_and_closed() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        ensure_dir(&state, 0o700).unwrap();
        check_private_dir(&state, "state directory").unwrap();
        fs::set_permissions(&state, Permissions::from_mode(0o777)).unwrap();
        let err = check_private_dir(&state, "state directory").unwrap_err();
        assert!(err.contains("chmod go-w"), "{err}");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&state, &link).unwrap();
        assert!(check_private_dir(&link, "state directory").is_err());
        assert!(open_nofollow(&link.join("x")).is_err());
    }
}
