//! proftpd's system and TLS logs, read from the configured paths, merged by time, each
//! line escaped for the terminal and explained when it matches a known failure; and
//! from the data-connection log, the passive offers no client took (`passive_log`).

use std::path::PathBuf;

use serde::Serialize;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::passive_log::Tracker;
use super::patterns::{self, Pattern};
use crate::paths::Paths;

/// Which log a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    System,
    Tls,
    /// A line ftpconf wrote for a passive offer found unused in the data-connection log.
    Data,
}

#[derive(Debug, Clone)]
pub struct LogLine {
    pub source: Source,
    /// The time proftpd wrote at the start of the line (its local time).
    pub time: Option<PrimitiveDateTime>,
    /// The line, control characters escaped.
    pub text: String,
    pub explanation: Option<&'static Pattern>,
}

/// At most this much of each log is read at the start; older lines are skipped.
const FIRST_READ: u64 = 16 * 1024 * 1024;

struct File {
    source: Source,
    path: PathBuf,
    offset: Option<u64>,
    partial: Vec<u8>,
    exists: bool,
}

/// Reads the logs, and on later calls only what was added since (for `--follow`).
pub struct Reader {
    files: Vec<File>,
    /// Sessions followed through the data-connection log, across reads.
    passive: Tracker,
}

impl Reader {
    pub fn new(paths: &Paths) -> Reader {
        let file =
            |source, path| File { source, path, offset: None, partial: Vec::new(), exists: false };
        Reader {
            files: vec![
                file(Source::System, paths.system_log()),
                file(Source::Tls, paths.tls_log()),
                file(Source::Data, paths.data_log()),
            ],
            passive: Tracker::default(),
        }
    }

    /// Whether neither the system nor the TLS log existed at the last read.
    pub fn missing_all(&self) -> bool {
        self.files.iter().filter(|f| f.source != Source::Data).all(|f| !f.exists)
    }

    /// New complete lines from every log, from `since` on, oldest first.
    pub fn read(&mut self, since: Option<PrimitiveDateTime>) -> Vec<LogLine> {
        let mut lines = Vec::new();
        for file in &mut self.files {
            if file.source == Source::Data {
                // Every line feeds the sessions; only what they show is kept.
                for raw in file.new_lines() {
                    let Some(unused) = self.passive.feed(&raw) else { continue };
                    if since.is_some_and(|s| unused.time.is_none_or(|t| t < s)) {
                        continue;
                    }
                    let (time, text) = (unused.time, unused.text);
                    lines.push(LogLine {
                        source: file.source,
                        time,
                        text,
                        explanation: Some(unused.pattern),
                    });
                }
                continue;
            }
            // Continuation lines (OpenSSL's error stack) carry no time: they take their
            // first line's, so sorting and --since keep them together.
            let mut last = None;
            for raw in file.new_lines() {
                let time = timestamp(&raw).or(last);
                last = time;
                if since.is_some_and(|s| time.is_none_or(|t| t < s)) {
                    continue;
                }
                let explanation = patterns::explain(&raw);
                let text = crate::visible::line(&raw).into_owned();
                lines.push(LogLine { source: file.source, time, text, explanation });
            }
        }
        // Stable: lines of one time keep their order.
        lines.sort_by_key(|l| l.time);
        lines
    }
}

impl File {
    fn new_lines(&mut self) -> Vec<String> {
        let start = |len: u64| match self.offset {
            // Rotated or truncated: start over.
            Some(offset) if offset > len => 0,
            Some(offset) => offset,
            None => len.saturating_sub(FIRST_READ),
        };
        let Some((start, bytes)) = crate::fsutil::read_span(&self.path, start, u64::MAX) else {
            self.exists = false;
            return Vec::new();
        };
        self.exists = true;
        if start == 0 {
            self.partial.clear();
        }
        self.offset = Some(start + bytes.len() as u64);
        self.partial.extend_from_slice(&bytes);
        let Some(end) = self.partial.iter().rposition(|&b| b == b'\n') else { return Vec::new() };
        let complete: Vec<u8> = self.partial.drain(..=end).collect();
        String::from_utf8_lossy(&complete)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// "2026-11-28 23:40:01,123 ..." → the time at the start of a proftpd log line.
pub fn timestamp(line: &str) -> Option<PrimitiveDateTime> {
    parse_time(line.get(..19)?)
}

fn parse_time(text: &str) -> Option<PrimitiveDateTime> {
    let numbers: Vec<u32> =
        text.split(['-', ' ', ':', 'T']).map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (y, mo, d) = (*numbers.first()?, *numbers.get(1)?, *numbers.get(2)?);
    let date = Date::from_calendar_date(y as i32, Month::try_from(mo as u8).ok()?, d as u8).ok()?;
    let part = |i: usize| numbers.get(i).copied().unwrap_or(0) as u8;
    if numbers.len() > 6 || numbers.len() == 4 {
        return None;
    }
    Some(PrimitiveDateTime::new(date, Time::from_hms(part(3), part(4), part(5)).ok()?))
}

/// `--since`: "30s", "10m", "2h", "1d" ago, or "YYYY-MM-DD[ HH:MM[:SS]]" as proftpd writes
/// (local time).
pub fn parse_since(text: &str) -> Result<PrimitiveDateTime, String> {
    let accepted = "expected 30s, 10m, 2h, 1d, or YYYY-MM-DD[ HH:MM[:SS]]";
    let text = text.trim();
    if let Some(unit) = text.chars().last().filter(|c| "smhd".contains(*c))
        && let Ok(n) = text[..text.len() - 1].parse::<i64>()
    {
        let seconds = n.saturating_mul(match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 86_400,
        });
        let now = OffsetDateTime::now_local().unwrap_or_else(|_| OffsetDateTime::now_utc());
        let then = now.checked_sub(Duration::seconds(seconds)).ok_or(accepted)?;
        return Ok(PrimitiveDateTime::new(then.date(), then.time()));
    }
    parse_time(text).ok_or_else(|| format!("{:?}: {accepted}", crate::visible::line(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse() {
        let t = timestamp("2026-11-28 23:40:01,123 nas proftpd[1]: x").unwrap();
        assert_eq!(t.to_string(), "2026-11-28 23:40:01.0");
        assert_eq!(parse_since("2026-11-28").unwrap().to_string(), "2026-11-28 0:00:00.0");
        assert_eq!(parse_since("2026-11-28 10:05").unwrap().to_string(), "2026-11-28 10:05:00.0");
        assert!(parse_since("10m").is_ok());
        assert!(parse_since("yesterday").unwrap_err().contains("expected"));
        assert!(parse_since("2026-13-01").is_err());
    }
}
