//! proftpd's own words: the SystemLog lines written since an apply began.

use std::path::{Path, PathBuf};

/// At most this many log lines are reported.
pub const MAX_LINES: usize = 30;

/// A position in the SystemLog to read new lines from.
#[derive(Debug, Clone)]
pub struct LogMark {
    path: PathBuf,
    offset: u64,
}

impl LogMark {
    pub fn now(path: &Path) -> LogMark {
        let offset = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        LogMark { path: path.to_path_buf(), offset }
    }

    /// Lines written since the mark (the last [`MAX_LINES`]); a rotated or truncated
    /// log is read from its start.
    pub fn new_lines(&self) -> Vec<String> {
        let start = |len: u64| if len < self.offset { 0 } else { self.offset };
        let Some((_, bytes)) = crate::fsutil::read_span(&self.path, start, 1 << 20) else {
            return Vec::new();
        };
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<String> =
            text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
        lines[lines.len().saturating_sub(MAX_LINES)..].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_after_the_mark_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        std::fs::write(&log, "old line\n").unwrap();
        let mark = LogMark::now(&log);
        std::fs::write(&log, "old line\nnew one\nnew two\n").unwrap();
        assert_eq!(mark.new_lines(), vec!["new one", "new two"]);
        std::fs::write(&log, "x\n").unwrap();
        assert_eq!(mark.new_lines(), vec!["x"]);
    }
}
