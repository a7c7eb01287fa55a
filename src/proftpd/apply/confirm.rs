//! `apply --confirm` and the editor's `c`: an applied configuration that is undone unless
//! confirmed in time, whatever happens to the process that applied it.
//!
//! Before the new files are installed, the pending confirmation is recorded in the state
//! directory and a detached watchdog is started ([`super::watchdog`]); both happen under
//! the apply lock. From then on the marker is the only truth: the ftpconf that applied,
//! `ftpconf confirm`/`revert` from any shell, the watchdog at the deadline and the next
//! apply all take the lock, read the marker and settle it (keep: remove it; revert: put
//! the backup back, then remove it). Whoever comes second finds it settled.

use std::time::{Duration, Instant, SystemTime};

use super::backup::{self, Backup};
use super::confirm_marker::{self as marker, Marker};
use super::lock::{Lock, LockError};
use super::logs::LogMark;
use super::pipeline::{Source, execute, finish, pause_marker};
use super::steps::{Progress, Runner};
use super::undo::{broken_message, undo};
use super::{Outcome, Request, Verdict, revert_settings, watchdog};
use crate::paths::Paths;
use crate::proftpd::status::{self, State};

/// Seconds the editor's timed confirmation waits (1–3600), when not the default 30.
pub const CONFIRM_ENV: &str = "FTPCONF_CONFIRM_SECONDS";

/// [`CONFIRM_ENV`] when it holds a number of seconds in range, else 30 s.
pub fn confirm_wait_from_env() -> Duration {
    match std::env::var(CONFIRM_ENV).ok().and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(s @ 1..=3600) => Duration::from_secs(s),
        _ => Duration::from_secs(30),
    }
}

/// How long confirming or reverting waits for an apply lock held by someone else (a
/// watchdog reverting right now needs a reload and a verify).
const PATIENCE: Duration = Duration::from_secs(20);

/// A pending confirmation, for status lines (read without the lock; may be stale a
/// moment later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInfo {
    /// The backup a revert puts back.
    pub backup_id: String,
    /// When the watchdog reverts it (wall clock, for display).
    pub deadline: SystemTime,
    pub watchdog_pid: Option<u32>,
}

/// The apply waiting for confirmation under `paths`, if any.
pub fn pending_confirmation(paths: &Paths) -> Option<PendingInfo> {
    marker::read(paths).map(|m| PendingInfo {
        deadline: m.deadline(),
        backup_id: m.backup,
        watchdog_pid: m.watchdog_pid,
    })
}

/// An applied configuration waiting for the user's confirmation. The apply lock is not
/// held while it waits (so `ftpconf confirm`/`revert` work from another shell); other
/// applies are refused until it is settled. Dropped without [`Pending::confirm`] or
/// [`Pending::revert`], it is left to the watchdog: reverted at the deadline.
pub struct Pending {
    request: Request,
    outcome: Outcome,
    backup: Backup,
}

/// Applies like [`run`](super::run), but keeps the result open for confirmation within
/// `request.confirm_within`, guarded by a watchdog. `Err` is an apply that did not
/// succeed (nothing to confirm, no watchdog left running).
pub fn run_pending(
    request: &Request,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Pending, Box<Outcome>> {
    let mut request = request.clone();
    request.arm_watchdog = true;
    let (mut outcome, lock) = execute(&request, Source::Settings, progress);
    let paths = &request.paths;
    let ours = outcome.backup.as_ref().and_then(|b| {
        marker::read(paths).filter(|m| m.backup == b.id() && m.starter_pid == std::process::id())
    });
    match (outcome.verdict, lock, outcome.backup.clone(), ours) {
        (Verdict::Applied, Some(lock), Some(backup), Some(mut record)) => {
            // The caller's countdown starts now; so does the watchdog's.
            record.restart(request.confirm_within);
            if let Err(e) = record.write(paths) {
                outcome
                    .notes
                    .push(format!("{e}; the watchdog reverts earlier, at {}", record.clock()));
            }
            drop(lock);
            Ok(Pending { request, outcome, backup })
        }
        (_, lock, _, ours) => {
            if let (Some(_lock), Some(record)) = (lock, ours) {
                disarm(paths, &record);
            }
            Err(Box::new(outcome))
        }
    }
}

impl Pending {
    /// The apply's outcome (always [`Verdict::Applied`]).
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The backup that [`Pending::revert`] would put back.
    pub fn backup(&self) -> &Backup {
        &self.backup
    }

    /// When the watchdog reverts it if nobody settles it first.
    pub fn deadline(&self) -> Option<SystemTime> {
        pending_confirmation(&self.request.paths)
            .filter(|p| p.backup_id == self.backup.id())
            .map(|p| p.deadline)
    }

    /// Keeps the new configuration (unless it was settled elsewhere meanwhile: the
    /// outcome then says what is live).
    pub fn confirm(self) -> Outcome {
        match settle(&self.request.paths, Some(self.backup.id()), true, &mut |_| {}) {
            Ok(Some(_)) => self.outcome,
            Ok(None) => settled_elsewhere(&self.request.paths, &self.backup),
            Err(outcome) => *outcome,
        }
    }

    /// Puts the previous configuration back, brings proftpd back on it, and the settings
    /// file back to the settings that serve (`revert_settings`).
    pub fn revert(self, progress: &mut dyn FnMut(&Progress)) -> Outcome {
        match settle(&self.request.paths, Some(self.backup.id()), false, progress) {
            Ok(Some(outcome)) => outcome,
            Ok(None) => settled_elsewhere(&self.request.paths, &self.backup),
            Err(outcome) => *outcome,
        }
    }
}

/// `ftpconf confirm` (`keep`) or `ftpconf revert`: settles whatever waits. `None`:
/// nothing was waiting. A confirmation after the deadline does not count (refused).
pub fn settle_pending(
    paths: &Paths,
    keep: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Option<Outcome> {
    let record = marker::read(paths)?;
    if keep && record.expired() {
        let message = format!(
            "too late to confirm: the deadline passed at {} and the configuration is being \
             put back (backup {}); `ftpconf revert` does it now",
            record.clock(),
            record.backup
        );
        return Some(plain(paths, Verdict::Refused, message, None));
    }
    settle(paths, None, keep, progress).unwrap_or_else(|refused| Some(*refused))
}

/// Takes the lock (waiting a while for it), then [`settle_locked`]. Err: no lock.
fn settle(
    paths: &Paths,
    only: Option<&str>,
    keep: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Option<Outcome>, Box<Outcome>> {
    let until = Instant::now() + PATIENCE;
    let _lock = loop {
        match Lock::acquire(paths) {
            Ok(lock) => break lock,
            Err(LockError::InUse { .. }) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => {
                let message = format!("cannot settle the pending confirmation: {e}");
                return Err(Box::new(plain(paths, Verdict::Refused, message, None)));
            }
        }
    };
    Ok(settle_locked(paths, only, keep, progress))
}

/// With the apply lock held: keeps or reverts the pending confirmation (the one for
/// backup `only`, or any), removes the marker and stops its watchdog. `None`: there was
/// none (or it names another backup).
pub(crate) fn settle_locked(
    paths: &Paths,
    only: Option<&str>,
    keep: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Option<Outcome> {
    let record = marker::read(paths).filter(|m| only.is_none_or(|id| m.backup == id))?;
    let found = backup::find(paths, Some(&record.backup));
    if keep {
        disarm(paths, &record);
        let message = format!(
            "confirmed: keeping the new configuration (backup {} holds the previous one)",
            record.backup
        );
        return Some(plain(paths, Verdict::Applied, message, found.ok()));
    }
    let backup = match found {
        Ok(backup) => backup,
        Err(e) => {
            disarm(paths, &record);
            let message = format!(
                "the pending confirmation names backup {}, which cannot be read ({e}); the \
                 unconfirmed configuration stays live: `ftpconf backups` lists the others and \
                 `ftpconf rollback ID` puts one back",
                record.backup
            );
            return Some(plain(paths, Verdict::Broken, message, None));
        }
    };
    let mut run = Runner::new(progress, pause_marker(paths));
    let log = LogMark::now(&paths.system_log());
    let (verdict, message, settings_put_back) = revert_locked(&mut run, paths, &record, &backup);
    disarm(paths, &record);
    let mut outcome = finish(run, paths, (verdict, None, message), Vec::new(), &log, Some(backup));
    outcome.settings_put_back = settings_put_back;
    Some(outcome)
}

/// Puts `backup` back and brings proftpd back on it when it served before the apply
/// (or serves now), then the settings file; the last value: whether it was rewritten.
fn revert_locked(
    run: &mut Runner<'_>,
    paths: &Paths,
    record: &Marker,
    backup: &Backup,
) -> (Verdict, String, bool) {
    let mut request = Request::new(paths.clone(), record.settings_file.clone());
    request.verify_timeout = record.verify_timeout();
    let running = matches!(status::state(paths), State::Running { .. });
    // A marker from before digests were kept: the applied copy, read before it goes back.
    let applied_copy = match record.settings_sha256 {
        Some(_) => None,
        None => revert_settings::applied_text(paths),
    };
    let is_unconfirmed = |text: &str| match &record.settings_sha256 {
        Some(digest) => marker::sha256_hex(text) == *digest,
        None => applied_copy.as_deref() == Some(text),
    };
    match undo(run, &request, backup, false, record.was_serving || running) {
        Ok(detail) => {
            // The next apply of the same settings then knows proftpd serves them already.
            super::plan::record_served(paths);
            super::steps::pause_point("revert-settings", &pause_marker(paths));
            let (put, settings) =
                revert_settings::put_back(paths, &record.settings_file, backup, &is_unconfirmed);
            let id = backup.id();
            let message = format!(
                "not confirmed: the previous configuration (backup {id}) is back; {detail}{settings}"
            );
            (Verdict::RolledBack, message, put)
        }
        Err(message) => (Verdict::Broken, broken_message(&request, backup, &message), false),
    }
}

/// Removes the marker, then stops its watchdog (which, finding no marker, just leaves).
fn disarm(paths: &Paths, record: &Marker) {
    marker::remove(paths);
    if let Some(pid) = record.watchdog_pid {
        watchdog::stop(pid);
    }
}

/// What a [`Pending`] finds when someone else settled it first.
fn settled_elsewhere(paths: &Paths, backup: &Backup) -> Outcome {
    let live = std::fs::read_to_string(paths.proftpd_conf()).ok();
    let previous = backup.read(backup::CONFIG).ok().flatten();
    let (verdict, message) = if live.is_some() && live == previous {
        (
            Verdict::RolledBack,
            format!(
                "not confirmed: the previous configuration (backup {}) was already put back \
                 (by `ftpconf revert`, the watchdog at the deadline, or another apply)",
                backup.id()
            ),
        )
    } else {
        (
            Verdict::Applied,
            "already settled elsewhere (`ftpconf confirm`): the new configuration stays".into(),
        )
    };
    plain(paths, verdict, message, Some(backup.clone()))
}

fn plain(paths: &Paths, verdict: Verdict, message: String, backup: Option<Backup>) -> Outcome {
    Outcome {
        verdict,
        steps: Vec::new(),
        failed: None,
        message,
        problems: Vec::new(),
        notes: Vec::new(),
        log: Vec::new(),
        backup,
        serving: matches!(status::state(paths), State::Running { .. }),
        needs_attention: false,
        foreign: false,
        settings_put_back: false,
    }
}

/// For the lock step of every apply (and of service start/stop): refuses while another apply waits for
/// confirmation and someone (its ftpconf or its watchdog) still watches it.
pub fn none_waiting(paths: &Paths) -> Result<(), String> {
    match marker::read(paths) {
        Some(m) if !m.abandoned() => Err(format!(
            "an earlier apply waits for confirmation until {} (backup {}): `ftpconf confirm` \
             keeps it, `ftpconf revert` puts the previous configuration back",
            m.clock(),
            m.backup
        )),
        _ => Ok(()),
    }
}

/// After taking the lock: a confirmation nobody watches any more (its time is up, or
/// its ftpconf and watchdog are gone) is undone first: unconfirmed means undone.
pub(crate) fn undo_abandoned(run: &mut Runner<'_>, paths: &Paths) -> Result<(), String> {
    let Some(record) = marker::read(paths) else { return Ok(()) };
    let backup = match backup::find(paths, Some(&record.backup)) {
        Ok(backup) => backup,
        Err(e) => {
            disarm(paths, &record);
            run.note(format!(
                "an earlier `apply --confirm` was never confirmed, but its backup {} cannot be \
                 read ({e}); it is replaced by this apply instead",
                record.backup
            ));
            return Ok(());
        }
    };
    run.note(format!(
        "an earlier `apply --confirm` was never confirmed; putting backup {} back first",
        backup.id()
    ));
    match revert_locked(run, paths, &record, &backup) {
        (Verdict::RolledBack, message, _) => {
            disarm(paths, &record);
            run.note(message);
            Ok(())
        }
        (_, message, _) => Err(message),
    }
}
