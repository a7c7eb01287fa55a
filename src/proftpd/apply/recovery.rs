//! `ftpconf recover`: finishing or undoing an interrupted apply on request, and the way
//! out when its journal names a backup that can no longer be used.

use super::backup::find as find_backup;
use super::confirm_marker;
use super::install::{Journal, clear_journal, journal_path};
use super::lock::Lock;
use super::logs::LogMark;
use super::pipeline::{finish, pause_marker};
use super::steps::{Progress, Runner, Step};
use super::undo::{describe_live, recover};
use super::{Outcome, Request, Verdict};

/// Takes the lock and finishes or undoes whatever an interrupted apply (or an
/// unconfirmed `apply --confirm`) left, as every apply does first; nothing else.
pub fn recover_now(request: &Request, progress: &mut dyn FnMut(&Progress)) -> Outcome {
    let paths = &request.paths;
    let mut run = Runner::new(progress, pause_marker(paths));
    let log = LogMark::now(&paths.system_log());
    let Some(_lock) = take_lock(&mut run, request) else {
        return locked(run, request, &log);
    };
    let journal = Journal::read(paths);
    match recover(&mut run, request) {
        Err(stuck) => {
            let fields = (stuck.verdict, Some(Step::Lock), stuck.message);
            let mut outcome = finish(run, paths, fields, Vec::new(), &log, None);
            outcome.needs_attention = stuck.attention;
            outcome
        }
        Ok(()) => {
            let message = match journal {
                None if run.notes.is_empty() => {
                    format!(
                        "nothing to recover: no apply was interrupted. {}",
                        describe_live(request)
                    )
                }
                _ => format!("recovered. {}", describe_live(request)),
            };
            finish(run, paths, (Verdict::Applied, None, message), Vec::new(), &log, None)
        }
    }
}

/// Takes the lock and removes the install journal without touching the live files (for a
/// journal that names a backup which is gone or was not written by ftpconf).
pub fn discard_journal(request: &Request, progress: &mut dyn FnMut(&Progress)) -> Outcome {
    let paths = &request.paths;
    let mut run = Runner::new(progress, pause_marker(paths));
    let log = LogMark::now(&paths.system_log());
    let Some(_lock) = take_lock(&mut run, request) else {
        return locked(run, request, &log);
    };
    let file = journal_path(paths);
    // A confirmation marker naming a backup that cannot be used wedges the same way.
    let stale_marker =
        confirm_marker::read(paths).filter(|m| find_backup(paths, Some(&m.backup)).is_err());
    if let Some(marker) = stale_marker {
        // Its watchdog finds no marker at the deadline and ends without touching anything.
        confirm_marker::remove(paths);
        run.note(format!(
            "removed the pending confirmation (it named backup {}, which cannot be used)",
            marker.backup
        ));
    }
    let (verdict, message) = match Journal::read(paths) {
        None => {
            (Verdict::Applied, format!("there is no journal ({} does not exist)", file.display()))
        }
        Some(journal) => match clear_journal(paths) {
            Ok(()) => (
                Verdict::Applied,
                format!(
                    "removed {} (it named backup {}); the live files are kept as they are: {}",
                    file.display(),
                    journal.backup_id,
                    describe_live(request)
                ),
            ),
            Err(e) => (Verdict::Refused, format!("cannot remove {}: {e}", file.display())),
        },
    };
    finish(run, paths, (verdict, None, message), Vec::new(), &log, None)
}

fn take_lock(run: &mut Runner<'_>, request: &Request) -> Option<Lock> {
    run.step(Step::Lock, |_| {
        Lock::acquire(&request.paths)
            .map(|l| (l, format!("pid {}", std::process::id())))
            .map_err(|e| e.to_string())
    })
    .ok()
}

fn locked(run: Runner<'_>, request: &Request, log: &LogMark) -> Outcome {
    let message = run.reports.last().map(|r| r.detail.clone()).unwrap_or_default();
    finish(
        run,
        &request.paths,
        (Verdict::Refused, Some(Step::Lock), message),
        Vec::new(),
        log,
        None,
    )
}
