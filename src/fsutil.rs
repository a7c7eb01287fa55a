//! Writing files so that a reader sees the old content or the new, never a mix.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tempfile::NamedTempFile;

/// Writes `contents` to `path` atomically with the given mode: a temporary file in the
/// same directory is written, flushed to disk and renamed over `path`, then the
/// directory is flushed so the rename itself survives a crash. Missing parent
/// directories are created (mode 0755).
pub fn atomic_write(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let file = write_temp_beside(path, contents, mode)?;
    file.persist(path).map_err(|e| e.error)?;
    sync_parent(path)
}

/// Writes `contents` to a new temporary file in `path`'s directory (for checking a
/// candidate before it replaces `path`). The file is removed when dropped.
pub fn write_temp_beside(path: &Path, contents: &[u8], mode: u32) -> io::Result<NamedTempFile> {
    let dir = parent_of(path);
    fs::create_dir_all(dir)?;
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
    }
}
