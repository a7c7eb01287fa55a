//! `apply --confirm`: an applied configuration held open until confirmed or reverted.

use super::backup::Backup;
use super::lock::Lock;
use super::logs::LogMark;
use super::pipeline::{Source, execute, finish, pause_marker};
use super::steps::{Progress, Runner};
use super::undo::{broken_message, undo};
use super::{Outcome, Request, Verdict};
use crate::fsutil;
use crate::proftpd::status::{self, State};

/// An applied configuration waiting for the user's confirmation. The apply lock stays
/// held until [`Pending::confirm`] or [`Pending::revert`]. If ftpconf dies while waiting,
/// the next apply finds the marker and reverts first (unconfirmed means undone).
pub struct Pending {
    request: Request,
    outcome: Outcome,
    backup: Backup,
    _lock: Lock,
}

/// Applies like [`run`](super::run), but keeps the result open for confirmation. `Err` is an apply
/// that did not succeed (nothing to confirm).
pub fn run_pending(
    request: &Request,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Pending, Box<Outcome>> {
    let (outcome, lock) = execute(request, Source::Settings, progress);
    match (outcome.verdict, lock, outcome.backup.clone()) {
        (Verdict::Applied, Some(lock), Some(backup)) => {
            let marker = confirm_marker(request);
            if let Err(e) = fsutil::atomic_write(&marker, backup.id().as_bytes(), 0o600) {
                let mut outcome = outcome;
                outcome.notes.push(format!(
                    "cannot record the pending confirmation in {}: {e}",
                    marker.display()
                ));
                return Ok(Pending { request: request.clone(), outcome, backup, _lock: lock });
            }
            Ok(Pending { request: request.clone(), outcome, backup, _lock: lock })
        }
        _ => Err(Box::new(outcome)),
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

    /// Keeps the new configuration.
    pub fn confirm(self) -> Outcome {
        let _ = std::fs::remove_file(confirm_marker(&self.request));
        self.outcome
    }

    /// Puts the previous configuration back (the settings file is left as it is) and
    /// brings proftpd back on it.
    pub fn revert(self, progress: &mut dyn FnMut(&Progress)) -> Outcome {
        let paths = &self.request.paths;
        let mut run = Runner::new(progress, pause_marker(paths));
        let log = LogMark::now(&paths.system_log());
        // Reload only a proftpd that runs; a stopped one just gets its files back.
        let serving = matches!(status::state(paths), State::Running { .. });
        let undone = undo(&mut run, &self.request, &self.backup, false, serving);
        let _ = std::fs::remove_file(confirm_marker(&self.request));
        let (verdict, message) = match undone {
            Ok(detail) => (
                Verdict::RolledBack,
                format!(
                    "not confirmed: the previous configuration (backup {}) is back; {detail}",
                    self.backup.id()
                ),
            ),
            Err(message) => {
                (Verdict::Broken, broken_message(&self.request, &self.backup, &message))
            }
        };
        finish(run, paths, (verdict, None, message), Vec::new(), &log, Some(self.backup))
    }
}

pub(crate) fn confirm_marker(request: &Request) -> std::path::PathBuf {
    request.paths.state_dir().join("confirm.pending")
}
