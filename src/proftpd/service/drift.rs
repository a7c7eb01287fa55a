//! Is the live proftpd.conf the one ftpconf last applied, or was it edited by hand since?
//!
//! Apply records the settings it put into service (`applied.toml`), not the text it
//! rendered; rendering those settings again gives that text, so a difference is a change
//! made outside ftpconf (or a change in the facts the renderer reads: the host name, a
//! certificate that vanished).

use std::os::unix::fs::MetadataExt;

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::paths::Paths;
use crate::proftpd::System;
use crate::proftpd::{Facts, apply, render};
use crate::settings::store;

/// How the live configuration relates to what ftpconf applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigState {
    pub state: ConfigVerdict,
    /// One line for people.
    pub detail: String,
    /// The lines that differ (when `state` is `changed`), live file's line numbers.
    pub changed_lines: Vec<LineChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigVerdict {
    /// The live file is exactly what ftpconf applied.
    Applied,
    /// The live file differs from what ftpconf applied.
    Changed,
    /// There is no live proftpd.conf.
    Missing,
    /// ftpconf has not applied anything here (or its record cannot be read).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    /// "added" (in the live file, not in ftpconf's) or "removed" (the reverse).
    pub change: &'static str,
    /// Line number in the live file (added) or in ftpconf's rendering (removed).
    pub line: usize,
    pub text: String,
}

/// At most this many changed lines are listed.
const MAX_LINES: usize = 50;

/// Compares the live proftpd.conf with the rendering of the applied settings.
pub fn check(paths: &Paths) -> ConfigState {
    let conf = paths.proftpd_conf();
    let Ok(live) = std::fs::read_to_string(&conf) else {
        return verdict(ConfigVerdict::Missing, format!("{} does not exist", conf.display()));
    };
    let record = apply::applied_settings_file(paths);
    if !record.exists() {
        return verdict(
            ConfigVerdict::Unknown,
            format!(
                "ftpconf has not applied a configuration here ({} is missing)",
                record.display()
            ),
        );
    }
    let settings = match store::load(&record) {
        Ok(settings) => settings,
        Err(e) => {
            return verdict(
                ConfigVerdict::Unknown,
                format!("cannot read {}: {e}", record.display()),
            );
        }
    };
    let system = System::new(paths.clone());
    let expected = render(&settings, &Facts::gather(&settings, &system)).config;
    let changed_lines = differences(&expected, &live);
    if changed_lines.is_empty() {
        return verdict(ConfigVerdict::Applied, "proftpd.conf is what ftpconf applied".into());
    }
    let count = changed_lines.len();
    ConfigState {
        state: ConfigVerdict::Changed,
        detail: format!(
            "{} was changed outside ftpconf ({count} line(s) differ from what ftpconf applied; \
             `ftpconf apply` puts ftpconf's version back)",
            conf.display()
        ),
        changed_lines,
    }
}

fn verdict(state: ConfigVerdict, detail: String) -> ConfigState {
    ConfigState { state, detail, changed_lines: Vec::new() }
}

fn differences(expected: &str, live: &str) -> Vec<LineChange> {
    let diff = TextDiff::from_lines(expected, live);
    diff.iter_all_changes()
        .filter_map(|c| {
            let (change, line) = match c.tag() {
                ChangeTag::Equal => return None,
                ChangeTag::Insert => ("added", c.new_index()?),
                ChangeTag::Delete => ("removed", c.old_index()?),
            };
            let text = c.value().trim_end_matches('\n').to_owned();
            Some(LineChange { change, line: line + 1, text })
        })
        .take(MAX_LINES)
        .collect()
}

/// Whether proftpd.conf changed after the running master last read it: its controls
/// socket is re-created at every (re)start and reload. `None` when that cannot be told.
pub fn changed_since_read(paths: &Paths) -> Option<bool> {
    let conf = std::fs::metadata(paths.proftpd_conf()).ok()?;
    let socket = std::fs::metadata(paths.controls_socket()).ok()?;
    let nanos = |secs: i64, nsec: i64| secs as i128 * 1_000_000_000 + nsec as i128;
    Some(nanos(conf.mtime(), conf.mtime_nsec()) > nanos(socket.mtime(), socket.mtime_nsec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_live_and_expected_lines() {
        let changes = differences("A 1\nB 2\nC 3\n", "A 1\nB 20\nC 3\nD 4\n");
        let shown: Vec<(&str, usize, &str)> =
            changes.iter().map(|c| (c.change, c.line, c.text.as_str())).collect();
        assert_eq!(shown, vec![("removed", 2, "B 2"), ("added", 2, "B 20"), ("added", 4, "D 4")]);
        assert!(differences("same\n", "same\n").is_empty());
    }
}
