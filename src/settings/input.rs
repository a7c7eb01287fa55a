//! Reading files that come from outside (settings, JSON imports, certificates, keys):
//! only regular files, only up to a limit, and never blocking on a FIFO or a device.

use std::fs::OpenOptions;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The most a settings file or a JSON import may hold.
pub const MAX_SETTINGS: u64 = 1024 * 1024;
/// The most a PEM certificate (with its chain) or key file may hold.
pub const MAX_PEM: u64 = 1024 * 1024;

/// Why an input file was not read.
#[derive(Debug)]
pub enum InputError {
    NotFound,
    /// Everything else, already worded ("is a FIFO, not a regular file").
    Refused(String),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::NotFound => f.write_str("does not exist"),
            InputError::Refused(why) => f.write_str(why),
        }
    }
}

/// Reads `path` (following symlinks: the admin may keep the file elsewhere) when it is a
/// regular file of at most `limit` bytes. The open does not block on a FIFO and the read
/// stops at `limit + 1` bytes, so a file that grows while read is refused too.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => InputError::NotFound,
            _ => InputError::Refused(format!("cannot be opened ({e})")),
        })?;
    let meta = file.metadata().map_err(|e| InputError::Refused(format!("cannot be read ({e})")))?;
    let kind = meta.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO (named pipe)"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "not a file"
        };
        return Err(InputError::Refused(format!("is {what}, not a regular file")));
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    read_limited(file, limit)
}

/// Reads at most `limit` bytes from `reader` (such as stdin); more is refused.
pub fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Refused(format!("cannot be read ({e})")))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, InputError> {
    utf8(read_bounded(path, limit)?)
}

/// Bytes as UTF-8 text, or the reason they are not.
pub fn utf8(bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        InputError::Refused(format!(
            "is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn too_large(limit: u64) -> InputError {
    InputError::Refused(format!("is larger than {} KiB, which no valid file is", limit / 1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifos_devices_directories_and_huge_files_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from_raw_mode(0o600))
            .unwrap();
        let refused = |path: &Path| read_bounded(path, 1024).unwrap_err().to_string();
        assert!(refused(&fifo).contains("FIFO"), "{}", refused(&fifo));
        assert!(refused(Path::new("/dev/zero")).contains("device"));
        assert!(refused(dir.path()).contains("directory"));
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 1025]).unwrap();
        assert!(refused(&big).contains("larger than 1 KiB"));
        std::fs::write(&big, vec![b'a'; 1024]).unwrap();
        assert_eq!(read_bounded(&big, 1024).unwrap().len(), 1024);
        assert!(matches!(read_bounded(&dir.path().join("none"), 9), Err(InputError::NotFound)));
        assert!(read_limited(&[0u8; 10][..], 9).is_err());
    }
}
