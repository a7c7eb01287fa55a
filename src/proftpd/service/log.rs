//! The last problem proftpd wrote to its SystemLog (why it stopped or did not start).

use std::path::Path;

/// How much of the log's end is searched.
const TAIL_BYTES: u64 = 64 * 1024;

/// The newest line that reports a failure since the last clean shutdown (older ones
/// belong to an earlier run), made safe to print (log lines carry client-chosen text).
pub fn last_problem(log: &Path) -> Option<String> {
    let tail = tail(log)?;
    tail.lines()
        .rev()
        .take_while(|l| !l.contains("mode SHUTDOWN"))
        .find(|l| {
            let lower = l.to_ascii_lowercase();
            ["fatal", "error", "failed", "unable to"].iter().any(|w| lower.contains(w))
        })
        .map(|l| crate::visible::line(l.trim()).into_owned())
}

fn tail(log: &Path) -> Option<String> {
    let (_, bytes) =
        crate::fsutil::read_span(log, |len| len.saturating_sub(TAIL_BYTES), TAIL_BYTES)?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_failure_is_found_and_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("proftpd.log");
        assert_eq!(last_problem(&log), None);
        std::fs::write(
            &log,
            "a: fatal: old\nb: Failed binding to 0.0.0.0 \x1b[2J\nc: session opened\n",
        )
        .unwrap();
        assert_eq!(last_problem(&log).as_deref(), Some("b: Failed binding to 0.0.0.0 \\x1b[2J"));
        let earlier = "x: fatal: old run\nx: ProFTPD 1.3.8 standalone mode SHUTDOWN\ny: STARTUP\n";
        std::fs::write(&log, earlier).unwrap();
        assert_eq!(last_problem(&log), None);
    }
}
