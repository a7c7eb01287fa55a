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
mod foreign;
mod install;
mod listen;
mod lock;
mod logs;
mod pipeline;
mod service;
mod sources;
mod steps;
mod undo;

pub use backup::{Backup, KEEP as BACKUPS_KEPT, Manifest, find as find_backup, list as backups};
pub use candidate::{ConfigFacts, applied_settings_file, explain_config_error, proftpd_binary};
pub use confirm::{Pending, run_pending};
pub use lock::{Fingerprint, Lock, LockError, read_with_fingerprint, settings_changed_since};
pub use pipeline::{rollback, run};
pub use service::{VERIFY_TIMEOUT, stop as stop_proftpd};
pub use steps::{PAUSE_ENV, Progress, Step, StepReport};

use std::path::PathBuf;
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
    /// Go ahead over a hand-written proftpd.conf (a copy is kept); refused otherwise.
    pub replace_foreign: bool,
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
            replace_foreign: false,
        }
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
}
