//! Applying settings to the running proftpd without ever leaving FTP down.
//!
//! [`run`] takes the lock, validates, renders beside the live files, asks `proftpd -t`,
//! checks what `-t` misses (port, key/certificate, files), backs the live files up,
//! renames the new ones into place, reloads proftpd and checks that it serves. Any
//! failure after the rename puts the backup back and brings proftpd back on it.
//! Every step is reported through a progress callback (the CLI prints it; the TUI draws
//! it) and the result is a typed [`Outcome`].
//!
//! [`run_pending`] is the same apply held open for confirmation (`--confirm`): the
//! caller then calls [`Pending::confirm`] or [`Pending::revert`]. [`rollback`] puts a
//! backup back through the same steps.

mod backup;
mod candidate;
mod checks;
mod confirm;
mod confirm_marker;
mod foreign;
mod install;
mod listen;
mod lock;
mod logs;
mod pipeline;
mod plan;
mod recovery;
mod revert_settings;
mod service;
mod sources;
mod steps;
mod unconfirmed;
mod undo;
mod watchdog;

pub use backup::{Backup, KEEP as BACKUPS_KEPT, Manifest, find as find_backup, list as backups};
pub use candidate::{ConfigFacts, applied_settings_file, explain_config_error, proftpd_binary};
pub use confirm::{
    CONFIRM_ENV, Pending, PendingInfo, confirm_wait_from_env, none_waiting, pending_confirmation,
    run_pending, settle_pending,
};
pub use lock::{Fingerprint, Lock, LockError, read_with_fingerprint, settings_changed_since};
pub use logs::LogMark;
pub use pipeline::{rollback, run};
pub use plan::{UNCHANGED, WOULD_CHANGE};
pub use recovery::{discard_journal, recover_now};
pub use revert_settings::unconfirmed_settings_file;
pub use service::{VERIFY_TIMEOUT, stop as stop_proftpd};
pub use steps::{PAUSE_ENV, Progress, Step, StepReport};
pub use unconfirmed::{Unconfirmed, revert_all};
pub use watchdog::{
    SUBCOMMAND as WATCHDOG_SUBCOMMAND, set_watchdog_program, watch as run_watchdog,
};

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::paths::Paths;
use crate::settings::Problem;

/// What to apply, and how.
#[derive(Debug, Clone)]
pub struct Request {
    pub paths: Paths,
    /// The settings file to read (apply) or write back (rollback).
    pub settings_file: PathBuf,
    /// Start proftpd when it is not running (otherwise the files are put in place and
    /// proftpd is left stopped).
    pub start: bool,
    /// Refuse when the settings file no longer matches this fingerprint (the editor
    /// passes what it loaded, so an apply never uses a file changed behind its back).
    pub expected: Option<Fingerprint>,
    /// Why, for the backup's manifest ("apply", "demo", ...).
    pub reason: String,
    /// How long proftpd gets to answer after a reload or start.
    pub verify_timeout: Duration,
    /// How long [`run_pending`] keeps the result open before its watchdog reverts it
    /// (default: [`confirm_wait_from_env`]). Plain applies ignore it.
    pub confirm_within: Duration,
    /// Set by [`run_pending`]: record the pending confirmation and start its watchdog
    /// before installing.
    pub(crate) arm_watchdog: bool,
    /// How long each helper program (`proftpd -t`, `systemctl`, `proftpd` start) may run
    /// before it is killed with its process group ([`child_limit_default`]).
    pub child_limit: Duration,
    /// Set it to true to stop the apply: honoured by `proftpd -t` and between the steps up
    /// to the install; once files are being installed the apply runs to its end.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Install and reload even when proftpd already serves these settings.
    pub force: bool,
    /// Dry run: every step up to the checks, nothing installed (see `plan`).
    pub check: bool,
    /// Go ahead over a hand-written proftpd.conf (a copy is kept); refused otherwise.
    pub replace_foreign: bool,
}

/// Environment variable overriding the helper-program time limit (milliseconds); for
/// tests and for very slow machines.
pub const CHILD_TIMEOUT_ENV: &str = "FTPCONF_CHILD_TIMEOUT_MS";

/// 10 s, or `FTPCONF_CHILD_TIMEOUT_MS` when set.
pub fn child_limit_default() -> Duration {
    std::env::var(CHILD_TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis)
        .unwrap_or(crate::proftpd::child::DEFAULT_LIMIT)
}

impl Request {
    pub fn new(paths: Paths, settings_file: PathBuf) -> Request {
        Request {
            paths,
            settings_file,
            start: false,
            expected: None,
            reason: "apply".into(),
            verify_timeout: VERIFY_TIMEOUT,
            confirm_within: confirm_wait_from_env(),
            arm_watchdog: false,
            child_limit: child_limit_default(),
            cancel: None,
            force: false,
            check: false,
            replace_foreign: false,
        }
    }

    /// Whether the caller asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst))
    }
}

/// How an apply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The new configuration is in place (and serving, when proftpd runs).
    Applied,
    /// The settings are invalid (validation, or `proftpd -t` traced to a setting).
    Invalid,
    /// Refused before anything changed (lock, port in use, key mismatch, ...).
    Refused,
    /// Failed after the change; the previous configuration is back and serving.
    RolledBack,
    /// Failed and the previous state could not be brought back: needs a person now.
    Broken,
}

/// The result of [`run`], [`rollback`] or [`Pending::revert`].
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Every step that ran, in order, with its time.
    pub steps: Vec<StepReport>,
    /// The step that failed first.
    pub failed: Option<Step>,
    /// One paragraph for people: what happened and, on failure, where and what to do.
    pub message: String,
    /// Validation problems (for [`Verdict::Invalid`]).
    pub problems: Vec<Problem>,
    /// Things worth telling that are not failures (warnings, "proftpd not running").
    pub notes: Vec<String>,
    /// proftpd's SystemLog lines written while this ran.
    pub log: Vec<String>,
    /// The backup of what was live before (when one was made).
    pub backup: Option<Backup>,
    /// Whether proftpd was serving when this finished.
    pub serving: bool,
    /// An earlier, interrupted apply left something this run could not finish or undo
    /// (exit status 7); `message` says what and the one command that fixes it.
    pub needs_attention: bool,
    /// Refused because the live proftpd.conf is hand-written: the same request with
    /// `replace_foreign` set goes ahead (and keeps a copy). Set by the pipeline, so
    /// callers never read it from the message.
    pub foreign: bool,
    /// A revert of an unconfirmed apply also put the settings file back to the settings
    /// that serve (the unconfirmed ones kept aside): an editor takes the file as its
    /// saved values again.
    pub settings_put_back: bool,
}
