//! The apply itself: the steps in order, and the way back when one fails.

use super::backup::{self, Backup};
use super::candidate::{self, Candidate, ConfigFacts, TestError, applied_settings_file};
use super::checks;
use super::install::{self, Phase};
use super::lock::Lock;
use super::logs::LogMark;
use super::service::{self, Expect, Generation};
use super::sources::{read_backup, read_settings};
use super::steps::{Progress, Runner, Step};
use super::undo::{broken_message, recover, undo};
use super::{Outcome, Request, Verdict};
use crate::proftpd::status::{self, State};
use crate::settings::Problem;

/// Applies the settings file. The lock is released when this returns.
pub fn run(request: &Request, progress: &mut dyn FnMut(&Progress)) -> Outcome {
    let (outcome, _lock) = execute(request, Source::Settings, progress);
    outcome
}

/// Puts backup `id` (the newest when `None`) back, settings file included, through the
/// same steps as an apply.
pub fn rollback(
    request: &Request,
    id: Option<&str>,
    progress: &mut dyn FnMut(&Progress),
) -> Outcome {
    let (outcome, _lock) = execute(request, Source::Backup(id.map(str::to_owned)), progress);
    outcome
}

pub(crate) fn pause_marker(paths: &crate::paths::Paths) -> std::path::PathBuf {
    paths.state_dir().join("test-pause")
}

pub(crate) enum Source {
    Settings,
    Backup(Option<String>),
}

/// How a step failed: the verdict it leads to and the message.
pub(crate) type Failure = (Verdict, String);

pub(crate) fn execute(
    request: &Request,
    source: Source,
    progress: &mut dyn FnMut(&Progress),
) -> (Outcome, Option<Lock>) {
    let paths = &request.paths;
    let mut run = Runner::new(progress, pause_marker(paths));
    let log = LogMark::now(&paths.system_log());
    let mut problems = Vec::new();

    let lock = match run.step(Step::Lock, |_| {
        Lock::acquire(paths)
            .map_err(|e| e.to_string())
            .and_then(|l| super::confirm::none_waiting(paths).map(|()| l))
            .map(|l| (l, format!("pid {}", std::process::id())))
    }) {
        Ok(lock) => lock,
        Err(message) => {
            return (
                finish(
                    run,
                    paths,
                    (Verdict::Refused, Some(Step::Lock), message),
                    problems,
                    &log,
                    None,
                ),
                None,
            );
        }
    };
    // A dry run changes nothing, not even to finish what an interrupted apply left.
    let unfinished = super::install::Journal::read(paths).is_some()
        || super::confirm_marker::read(paths).is_some_and(|m| m.abandoned());
    if request.check && unfinished {
        let message = "an interrupted apply (or an unconfirmed one nobody watches) must be \
                       finished first, which changes the live files; a dry run does not do \
                       that: run `ftpconf recover`, then check again"
            .to_owned();
        let fields = (Verdict::Refused, Some(Step::Lock), message);
        return (finish(run, paths, fields, problems, &log, None), Some(lock));
    }
    if let Err(stuck) = recover(&mut run, request) {
        let mut outcome = finish(
            run,
            paths,
            (stuck.verdict, Some(Step::Lock), stuck.message),
            problems,
            &log,
            None,
        );
        outcome.needs_attention = stuck.attention;
        return (outcome, Some(lock));
    }

    let prepared = prepare(&mut run, request, &source, &mut problems);
    let (candidate, staged, rollback_from) = match prepared {
        Ok(found) => found,
        Err((verdict, message)) => {
            let failed = run.reports.last().map(|r| r.step);
            return (
                finish(run, paths, (verdict, failed, message), problems, &log, None),
                Some(lock),
            );
        }
    };
    // Hook (fleet): nothing to do, or a dry run, stops here with nothing installed.
    let from_settings = matches!(source, Source::Settings);
    if let Some(message) = super::plan::stop_before_install(request, from_settings, &candidate) {
        let outcome = finish(run, paths, (Verdict::Applied, None, message), problems, &log, None);
        return (outcome, Some(lock));
    }
    match install_and_reload(&mut run, request, &candidate, staged, rollback_from.as_deref()) {
        Ok((backup, serving)) => {
            let message = match (&source, serving) {
                (Source::Settings, true) => {
                    "applied: proftpd serves the new configuration".to_owned()
                }
                (Source::Settings, false) => {
                    "applied: the new files are in place; proftpd is not running".to_owned()
                }
                (Source::Backup(_), _) => {
                    format!("rolled back to backup {}", rollback_from.as_deref().unwrap_or("?"))
                }
            };
            let mut outcome =
                finish(run, paths, (Verdict::Applied, None, message), problems, &log, Some(backup));
            outcome.serving = serving;
            if serving {
                super::plan::record_served(paths); // Hook (fleet): for `unchanged` later.
            }
            (outcome, Some(lock))
        }
        Err(fatal) => {
            let (verdict, failed, message, backup) = *fatal;
            let outcome =
                finish(run, paths, (verdict, Some(failed), message), problems, &log, backup);
            (outcome, Some(lock))
        }
    }
}

/// Steps up to (not including) the backup: nothing live changes here.
fn prepare(
    run: &mut Runner<'_>,
    request: &Request,
    source: &Source,
    problems: &mut Vec<Problem>,
) -> Result<(Candidate, candidate::Staged, Option<String>), Failure> {
    let paths = &request.paths;
    let (candidate, from) = match source {
        Source::Settings => (read_settings(run, request, problems)?, None),
        Source::Backup(id) => {
            let (candidate, id) = read_backup(run, request, id.as_deref())?;
            (candidate, Some(id))
        }
    };
    not_cancelled(request)?;
    let staged = run
        .step(Step::Render, |r| {
            match super::foreign::check(paths, request.replace_foreign) {
                Ok(Some(note)) => r.note(note),
                Ok(None) => {}
                Err(refusal) => {
                    r.foreign = refusal.hand_written;
                    return Err(refusal.message);
                }
            }
            crate::proftpd::ensure_runtime_dirs(paths)
                .map_err(|e| format!("cannot create proftpd's directories: {e}"))?;
            let staged = candidate.stage(paths, &request.settings_file).map_err(|e| {
                format!("cannot write beside {}: {e}", paths.proftpd_conf().display())
            })?;
            let lines = candidate.files.config.lines().count();
            Ok((staged, format!("{lines} lines")))
        })
        .map_err(|m| (Verdict::Refused, m))?;
    not_cancelled(request)?;
    run.step(Step::ConfigTest, |_| {
        let proftpd = candidate::proftpd_binary().ok_or((
            "proftpd is not installed (apt-get install proftpd-core proftpd-mod-crypto)".to_owned(),
            false,
        ))?;
        let cancel = request.cancel.as_deref();
        candidate::config_test(&proftpd, staged.config.path(), request.child_limit, cancel)
            .map(|()| ((), "accepted".to_owned()))
            .map_err(|e| match e {
                TestError::Refused(stderr) => {
                    candidate::explain(&stderr, candidate.rendered.as_ref())
                }
                TestError::NoVerdict(why) => (why, false),
            })
    })
    .map_err(|(m, in_settings)| {
        (if in_settings && from.is_none() { Verdict::Invalid } else { Verdict::Refused }, m)
    })?;
    not_cancelled(request)?;
    let facts = ConfigFacts::read(&candidate.files.config);
    let state = status::state(paths);
    let ours = match state {
        State::Running { pid } => Some(pid),
        _ => None,
    };
    run.step(Step::CheckPort, |_| {
        if let State::NotOurs { pid, why } = &state {
            return Err(format!(
                "the pid file {} names pid {pid}, which is not the proftpd ftpconf may signal: \
                 {why}. It was not signalled. Find the real proftpd (`pgrep -a proftpd`) and \
                 fix or remove the pid file",
                paths.pid_file().display()
            ));
        }
        if let Some(pid) = ours {
            service::may_signal(pid)?;
        }
        checks::check_port(&facts, ours).map(|d| ((), d))
    })
    .map_err(|m| (Verdict::Refused, m))?;
    not_cancelled(request)?;
    run.step(Step::CheckTls, |r| {
        crate::fsutil::check_private_dir(&paths.certificate_dir(), "certificate directory")?;
        checks::check_tls(&facts, &mut |note| r.note(note)).map(|d| ((), d))
    })
    .map_err(|m| (Verdict::Refused, m))?;
    not_cancelled(request)?;
    run.step(Step::CheckFiles, |r| {
        let (detail, notes) = checks::check_files(&facts, staged.login_message.path())?;
        notes.into_iter().for_each(|n| r.note(n));
        Ok(((), detail))
    })
    .map_err(|m| (Verdict::Refused, m))?;
    not_cancelled(request)?;
    Ok((candidate, staged, from))
}

/// Stops before the next step when the caller cancelled (only up to the install).
fn not_cancelled(request: &Request) -> Result<(), Failure> {
    if request.cancelled() {
        return Err((Verdict::Refused, "cancelled before anything changed".to_owned()));
    }
    Ok(())
}

/// A failure after the backup: verdict, failed step, message, the backup made.
type Fatal = Box<(Verdict, Step, String, Option<Backup>)>;

/// Backup, install, reload, verify; on failure after the install, undo.
fn install_and_reload(
    run: &mut Runner<'_>,
    request: &Request,
    candidate: &Candidate,
    staged: candidate::Staged,
    rollback_from: Option<&str>,
) -> Result<(Backup, bool), Fatal> {
    let paths = &request.paths;
    let unapplied = rollback_from.and_then(|_| unapplied_settings(request));
    let reason = match rollback_from {
        Some(id) => format!("before rollback to {id}"),
        None => format!("before {}", request.reason),
    };
    let backup = run
        .step(Step::Backup, |r| {
            let made = backup::create(paths, &reason, unapplied.as_deref())
                .map_err(|e| format!("cannot back up the live files: {e}"))?;
            if let Some(note) = made.prune_note {
                r.note(note);
            }
            let detail = made.backup.id().to_owned();
            Ok((made.backup, detail))
        })
        .map_err(|m| (Verdict::Refused, Step::Backup, m, None))?;
    if request.cancelled() {
        return Err(Box::new((
            Verdict::Refused,
            Step::Install,
            "cancelled before anything changed".to_owned(),
            Some(backup),
        )));
    }
    let touches_settings = candidate.settings_file.is_some();
    let fail = |run: &mut Runner<'_>, step: Step, message: String, running: bool| -> Fatal {
        Box::new(match undo(run, request, &backup, touches_settings, running) {
            Ok(detail) => (
                Verdict::RolledBack,
                step,
                format!(
                    "{} failed: {message}. The previous configuration is back ({detail}).",
                    step.title()
                ),
                Some(backup.clone()),
            ),
            Err(undo_error) => (
                Verdict::Broken,
                step,
                format!(
                    "{} failed: {message}. {}",
                    step.title(),
                    broken_message(request, &backup, &undo_error)
                ),
                Some(backup.clone()),
            ),
        })
    };
    // Before anything could lock the admin out: the deadline must not depend on us.
    if request.arm_watchdog {
        let armed = super::watchdog::arm(request, &backup, candidate.files.settings.as_deref());
        let armed = armed.map_err(|m| Box::new((Verdict::Refused, Step::Install, m, None)))?;
        run.note(armed);
    }
    let systemd = service::systemd_manages(paths);
    let state = status::state(paths);
    let serve = systemd || request.start || matches!(state, State::Running { .. });
    let journal = match run.step(Step::Install, |_| {
        // Recorded first: a kill right after the rename must not make it look foreign.
        super::foreign::record_installed(paths, &candidate.files.config)
            .map_err(|e| format!("cannot record what ftpconf installs: {e}"))?;
        install::install(paths, &request.settings_file, staged, &backup, serve)
            .map(|journal| (journal, "proftpd.conf renamed last".to_owned()))
            .map_err(|e| format!("cannot put the new files in place: {e}"))
    }) {
        Ok(journal) => journal,
        Err(message) => {
            let was_running = matches!(status::state(paths), State::Running { .. });
            return Err(fail(run, Step::Install, message, was_running));
        }
    };
    let cleared = |run: &mut Runner<'_>| {
        if let Err(e) = install::clear_journal(paths) {
            run.note(format!("cannot remove the install journal: {e}; the next run checks it"));
        }
    };
    let facts = ConfigFacts::read(&candidate.files.config);
    let port = facts.port.unwrap_or(21);
    let (expect, running_before) = match (&state, systemd) {
        (_, true) | (State::Running { .. }, _) => {
            let same_pid = match state {
                State::Running { pid } => Some(pid),
                _ => None,
            };
            let before = Generation::now(paths);
            let limit = request.child_limit;
            if let Err(message) = run.step(Step::Reload, |_| {
                let done = service::reload(paths, systemd, limit)?;
                let _ = journal.clone().advance(paths, Phase::Reloaded);
                Ok(((), done))
            }) {
                return Err(fail(run, Step::Reload, message, true));
            }
            (Expect { port, reparsed_since: Some(before), same_pid }, true)
        }
        (other, false) => {
            if let State::Stale { pid } = other {
                run.note(format!(
                    "the pid file names pid {pid}, which is not proftpd; it was not signalled"
                ));
            }
            if !request.start {
                run.step(Step::Reload, |_| -> Result<_, String> {
                    Ok(((), "not running: skipped".to_owned()))
                })
                .ok();
                run.note("proftpd is not running; the new configuration is used when it starts (apply --start starts it)");
                cleared(run);
                return Ok((backup, false));
            }
            let Some(proftpd) = candidate::proftpd_binary() else {
                return Err(fail(run, Step::Reload, "proftpd is not installed".into(), false));
            };
            if let Err(message) = run.step(Step::Reload, |_| {
                let done = service::start(paths, &proftpd, false, request.child_limit)?;
                let _ = journal.clone().advance(paths, Phase::Reloaded);
                Ok(((), done))
            }) {
                return Err(fail(run, Step::Reload, message, false));
            }
            (Expect { port, reparsed_since: None, same_pid: None }, false)
        }
    };
    if let Err(message) = run.step(Step::Verify, |_| {
        service::verify(paths, &expect, request.verify_timeout).map(|d| ((), d))
    }) {
        return Err(fail(run, Step::Verify, message, running_before));
    }
    cleared(run);
    Ok((backup, true))
}

/// The settings file's content when it holds changes that were never applied.
fn unapplied_settings(request: &Request) -> Option<String> {
    let current = std::fs::read_to_string(&request.settings_file).ok()?;
    let applied = std::fs::read_to_string(applied_settings_file(&request.paths)).ok();
    (applied.as_deref() != Some(current.as_str())).then_some(current)
}

pub(crate) fn finish(
    run: Runner<'_>,
    paths: &crate::paths::Paths,
    (verdict, failed, message): (Verdict, Option<Step>, String),
    problems: Vec<Problem>,
    log: &LogMark,
    backup: Option<Backup>,
) -> Outcome {
    let serving = matches!(status::state(paths), State::Running { .. });
    Outcome {
        verdict,
        steps: run.reports,
        failed,
        message,
        problems,
        notes: run.notes,
        log: log.new_lines(),
        backup,
        serving,
        needs_attention: false,
        foreign: run.foreign,
        settings_put_back: false,
    }
}
