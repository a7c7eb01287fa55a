//! The doctor: proves the FTP service works the way a client sees it, explains why a
//! login would be refused, and explains proftpd's log lines. Nothing here prints: every
//! check returns typed results that the command line and the editor show their own way.
//!
//! - [`check`]: a real FTP(S) session against the configured service, step by step;
//! - [`login::check_login`]: whether an account can log in, and every reason if not;
//! - [`log`] and [`patterns`]: proftpd's log lines, with explanations of known failures;
//!   [`passive_log`] finds passive offers no client took (NAT, firewalls);
//! - [`nat`]: advice for clients outside the LAN (ports to forward, private addresses).

pub mod client;
mod data;
pub mod log;
pub mod login;
mod login_anonymous;
pub mod nat;
pub mod passive_log;
pub mod patterns;
mod steps;
mod tls;

use std::time::Duration;

use serde::Serialize;

use crate::paths::Paths;
use crate::settings::{Field, Settings};

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Fail,
    /// Worth knowing, not a failure.
    Note,
    /// Not run (an earlier step failed, or it does not apply).
    Skipped,
}

/// One step of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepResult {
    /// Stable name for scripts: "connect", "tls", "login", "pwd", "epsv", "list", "pasv", ...
    pub step: &'static str,
    /// What was done, in words.
    pub title: String,
    pub outcome: Outcome,
    pub millis: u64,
    /// What was seen (server text escaped for the terminal).
    pub detail: String,
    /// Why it failed, in plain words (failures and notes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The setting or command that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A password never comes from the command line; the caller reads it from stdin, a file
/// or a prompt.
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials {{ user: {:?}, password: <hidden> }}", self.user)
    }
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Where to connect: an address or name; 127.0.0.1 when `None`.
    pub host: Option<String>,
    /// A local user to log in as; anonymous (when on) otherwise.
    pub credentials: Option<Credentials>,
    /// Upload, compare, download and delete a small file.
    pub write: bool,
    /// Limit for each network operation.
    pub timeout: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            host: None,
            credentials: None,
            write: false,
            timeout: Duration::from_secs(5),
        }
    }
}

/// Runs the check against the service configured by `settings` (files under `paths`),
/// calling `progress` after each step so a screen can show steps as they finish.
pub fn check(
    settings: &Settings,
    paths: &Paths,
    options: &CheckOptions,
    progress: &mut dyn FnMut(&StepResult),
) -> Vec<StepResult> {
    steps::run(settings, paths, options, progress)
}

/// Whether every step passed (notes and skipped steps do not count as failures).
pub fn all_passed(results: &[StepResult]) -> bool {
    results.iter().all(|r| r.outcome != Outcome::Fail)
}

/// "Label (section.key)", how fixes name a setting.
pub fn setting(field: Field) -> String {
    format!("{} ({})", field.label(), field.path())
}
