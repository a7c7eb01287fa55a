//! "What would change": whether the live files already are what the settings produce
//! and proftpd serves them (then an apply does nothing), and the dry run (`--check`).
//!
//! proftpd serving the installed bytes is known two ways: the last apply recorded the
//! master's pid with a digest of the proftpd.conf it made it read, or the master was
//! started after proftpd.conf was last written (it then read that file at start).

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::candidate::{Candidate, applied_settings_file};
use super::steps::Step;
use super::{Outcome, Request, Verdict};
use crate::paths::Paths;
use crate::proftpd::status::{self, State};

/// How an apply that found nothing to do, or a dry run, begins its message.
pub const UNCHANGED: &str = "unchanged";
/// How a dry run that found something to do begins its message.
pub const WOULD_CHANGE: &str = "would change";

impl Outcome {
    /// Whether this changed the live state (or, for a dry run, would change it).
    pub fn changed(&self) -> bool {
        self.message.starts_with(WOULD_CHANGE)
            || self.steps.iter().any(|s| s.step == Step::Install && s.ok)
    }

    /// Whether this was a dry run or an apply that found nothing to do.
    pub fn installed_nothing(&self) -> bool {
        self.verdict == Verdict::Applied && !self.steps.iter().any(|s| s.step == Step::Install)
    }
}

/// Where the record of what the running proftpd was last made to read lives.
fn served_record(paths: &Paths) -> PathBuf {
    paths.state_dir().join("served")
}

/// FNV-1a, 64 bits: enough to tell one proftpd.conf from another in a record we write.
fn digest(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

fn running_pid(paths: &Paths) -> Option<u32> {
    match status::state(paths) {
        State::Running { pid } => Some(pid),
        _ => None,
    }
}

/// After an apply or rollback that left proftpd serving: notes which proftpd.conf the
/// running master read. Best effort (a missing record only costs one extra reload).
pub(crate) fn record_served(paths: &Paths) {
    let (Some(pid), Ok(config)) = (running_pid(paths), std::fs::read(paths.proftpd_conf())) else {
        let _ = std::fs::remove_file(served_record(paths));
        return;
    };
    let record = format!("{pid} {:016x}\n", digest(&config));
    let _ = crate::fsutil::atomic_write(&served_record(paths), record.as_bytes(), 0o600);
}

/// Whether the running proftpd serves the live proftpd.conf, whose bytes are `config`.
fn serves(paths: &Paths, config: &[u8]) -> bool {
    let Some(pid) = running_pid(paths) else { return false };
    let recorded = std::fs::read_to_string(served_record(paths)).unwrap_or_default();
    if recorded.trim() == format!("{pid} {:016x}", digest(config)) {
        return true;
    }
    let written = std::fs::metadata(paths.proftpd_conf()).and_then(|m| m.modified()).ok();
    match (written, process_start(pid)) {
        (Some(written), Some(started)) => started > written,
        _ => false,
    }
}

/// When process `pid` started (from /proc: boot time + start ticks).
fn process_start(pid: u32) -> Option<SystemTime> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let ticks: u64 = stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()?;
    let boot: u64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    // /proc counts in USER_HZ, which Linux fixes at 100 for every architecture.
    let since_boot = Duration::from_millis(ticks * 10);
    // Whole seconds of boot time: count a start in the same second as "not after".
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(boot) + since_boot)
}

/// Whether the live files equal `candidate` (configuration, login message, applied
/// settings copy) and the running proftpd serves them; with proftpd stopped and not to be
/// started, equal files are all an apply would give.
pub(crate) fn already_served(request: &Request, candidate: &Candidate) -> bool {
    let paths = &request.paths;
    let read = |p: PathBuf| std::fs::read_to_string(p).ok();
    let Some(live) = read(paths.proftpd_conf()) else { return false };
    let in_place = live == candidate.files.config
        && read(paths.login_message()).unwrap_or_default() == candidate.files.login_message
        && (candidate.files.settings.is_none()
            || read(applied_settings_file(paths)) == candidate.files.settings);
    let stopped = matches!(status::state(paths), State::Stopped) && !request.start;
    in_place && (stopped || serves(paths, live.as_bytes()))
}

/// After the checks: the message to stop with instead of installing (nothing to do, or
/// a dry run), or `None` to go on.
pub(crate) fn stop_before_install(
    request: &Request,
    from_settings: bool,
    candidate: &Candidate,
) -> Option<String> {
    if !from_settings {
        return request.check.then(|| format!("{WOULD_CHANGE}: the backup would be put back"));
    }
    let unchanged = already_served(request, candidate);
    match (request.check, unchanged, request.force) {
        (true, true, false) => Some(format!("{UNCHANGED}: {}", unchanged_why(request))),
        (true, _, _) => Some(format!(
            "{WOULD_CHANGE}: every check passed; apply would install the new configuration and reload proftpd"
        )),
        (false, true, false) => Some(format!(
            "{UNCHANGED}: {}; nothing was done (--force applies anyway)",
            unchanged_why(request)
        )),
        (false, _, _) => None,
    }
}

fn unchanged_why(request: &Request) -> &'static str {
    match status::state(&request.paths) {
        State::Running { .. } => "proftpd already serves these settings",
        _ => "the files are in place already; proftpd is not running (apply --start starts it)",
    }
}
