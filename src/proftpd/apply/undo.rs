//! The way back: putting a backup in place again and bringing proftpd back on it, and
//! finishing what a killed ftpconf left half done.

use super::backup::{self, Backup};
use super::candidate::{self, ConfigFacts};
use super::install::{self, Journal, Phase, clear_journal, journal_path};
use super::service::{self, Expect, Generation};
use super::steps::{Runner, Step};
use super::{Request, Verdict};
use crate::proftpd::status::{self, State};

/// Why [`recover`] stopped: verdict, message, and whether it needs a person (exit 7).
pub(crate) struct Stuck {
    pub verdict: Verdict,
    pub message: String,
    pub attention: bool,
}

/// After taking the lock: finish or undo what a killed ftpconf left half done.
pub(crate) fn recover(run: &mut Runner<'_>, request: &Request) -> Result<(), Stuck> {
    let paths = &request.paths;
    if let Some(journal) = Journal::read(paths) {
        let backup = backup::find(paths, Some(&journal.backup_id)).map_err(|why| Stuck {
            verdict: Verdict::Refused,
            message: attention_message(request, &journal, &why),
            attention: true,
        })?;
        let running = matches!(status::state(paths), State::Running { .. });
        let undone = match journal.phase {
            Phase::Reloaded => match serving_live(request) {
                Ok(detail) => {
                    run.note(format!(
                        "an earlier apply was interrupted after reloading proftpd; proftpd serves \
                         its configuration ({detail}), so it is kept"
                    ));
                    clear_journal(paths).map_err(|e| Stuck {
                        verdict: Verdict::Refused,
                        message: format!("cannot remove {}: {e}", journal_path(paths).display()),
                        attention: true,
                    })?;
                    Ok(String::new())
                }
                Err(why) => {
                    run.note(format!(
                        "an earlier apply was interrupted after reloading proftpd, which does not \
                         serve its configuration ({why}); putting backup {} back first",
                        backup.id()
                    ));
                    undo(run, request, &backup, journal.settings, true)
                }
            },
            // proftpd was not told yet: it runs (or not) as before that apply.
            Phase::Renaming | Phase::Installed => {
                run.note(format!(
                    "an earlier apply was interrupted before proftpd was told; putting its \
                     backup {} back first",
                    backup.id()
                ));
                undo(run, request, &backup, journal.settings, running)
            }
            Phase::Restoring => {
                run.note(format!(
                    "an earlier run was interrupted while putting backup {} back; finishing that first",
                    backup.id()
                ));
                undo(run, request, &backup, journal.settings, journal.serve || running)
            }
        };
        undone.map_err(|message| Stuck {
            verdict: Verdict::Broken,
            message: broken_message(request, &backup, &message),
            attention: false,
        })?;
    }
    super::confirm::undo_abandoned(run, &request.paths).map_err(|message| Stuck {
        verdict: Verdict::Broken,
        message,
        attention: false,
    })?;
    remove_leftovers(request);
    Ok(())
}

/// Whether proftpd serves the live configuration: Ok (a detail) or why not.
fn serving_live(request: &Request) -> Result<String, String> {
    let paths = &request.paths;
    let State::Running { pid } = status::state(paths) else {
        return Err(status::state(paths).describe());
    };
    let config = std::fs::read_to_string(paths.proftpd_conf()).map_err(|e| e.to_string())?;
    let facts = ConfigFacts::read(&config);
    let expect =
        Expect { port: facts.port.unwrap_or(21), reparsed_since: None, same_pid: Some(pid) };
    service::verify(paths, &expect, request.verify_timeout)
}

/// What the live files are, in one sentence (for messages that leave them as they are).
pub(crate) fn describe_live(request: &Request) -> String {
    let conf = request.paths.proftpd_conf();
    let verdict = match candidate::proftpd_binary() {
        None => "cannot be checked (proftpd is not installed)".to_owned(),
        Some(proftpd) if conf.exists() => {
            match candidate::config_test(&proftpd, &conf, request.child_limit, None) {
                Ok(()) => "passes `proftpd -t`".to_owned(),
                Err(candidate::TestError::Refused(lines)) => {
                    format!("is refused by `proftpd -t` ({})", candidate::explain(&lines, None).0)
                }
                Err(candidate::TestError::NoVerdict(why)) => why,
            }
        }
        Some(_) => "does not exist".to_owned(),
    };
    format!("{} {verdict}; {}", conf.display(), status::state(&request.paths).describe())
}

/// The journal names a backup that cannot be used: what happened and the one fix.
fn attention_message(request: &Request, journal: &Journal, why: &str) -> String {
    format!(
        "an earlier apply was interrupted and left {journal_file}, which names backup {id}, \
         but that backup cannot be used ({why}). This run changed nothing. The live files are \
         as that apply left them: {live}. To keep them as they are and go on, run \
         `ftpconf recover --discard-journal` (then `ftpconf apply`, or `ftpconf rollback ID` \
         for an older configuration)",
        journal_file = journal_path(&request.paths).display(),
        id = journal.backup_id,
        live = describe_live(request)
    )
}

/// Temporary files a killed ftpconf left beside proftpd's files and in its state
/// directory (never in the settings directory, where an editor may be saving now).
fn remove_leftovers(request: &Request) {
    let paths = &request.paths;
    let dirs = [
        (paths.proftpd_conf(), &[".proftpd.conf.", ".proftpd.motd."][..]),
        (
            paths.state_dir().join("x"),
            &[".applied.toml.", ".install.journal.", ".confirm.pending.", ".backup.seq."][..],
        ),
        (paths.backup_dir().join("x"), &[".new-backup."][..]),
    ];
    for (file, prefixes) in dirs {
        let Some(dir) = file.parent() else { continue };
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| name.starts_with(p)) {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

/// Puts `backup` back and, when proftpd should be serving, brings it back on those
/// files. Ok: a detail line; Err: why the previous state could not be restored.
pub(crate) fn undo(
    run: &mut Runner<'_>,
    request: &Request,
    backup: &Backup,
    settings_file: bool,
    should_serve: bool,
) -> Result<String, String> {
    let paths = &request.paths;
    let settings_path = settings_file.then_some(request.settings_file.as_path());
    run.step(Step::Restore, |_| {
        install::restore(paths, settings_path, backup, should_serve)
            .map(|()| ((), format!("{} back", backup.id())))
            .map_err(|e| format!("cannot put backup {} back: {e}", backup.id()))
    })?;
    let done = |detail: &str| {
        clear_journal(paths)
            .map(|()| detail.to_owned())
            .map_err(|e| format!("cannot remove {}: {e}", journal_path(paths).display()))
    };
    if !should_serve {
        // A proftpd this apply started (`--start`) on the failed configuration goes too.
        if matches!(status::state(paths), State::Running { .. }) {
            let stopped =
                run.step(Step::Recover, |_| stop_started(paths, request).map(|how| ((), how)));
            stopped?;
            return done("proftpd was not running before: the one this apply started is stopped");
        }
        return done("proftpd was not running before and is left stopped");
    }
    if !paths.proftpd_conf().exists() && !matches!(status::state(paths), State::Running { .. }) {
        return done("there was no configuration before; proftpd is left stopped");
    }
    run.step(Step::Recover, |_| {
        let config = std::fs::read_to_string(paths.proftpd_conf())
            .map_err(|e| format!("the restored configuration cannot be read: {e}"))?;
        let facts = ConfigFacts::read(&config);
        let port = facts.port.unwrap_or(21);
        let systemd = service::systemd_manages(paths);
        let (how, expect) = match status::state(paths) {
            State::Running { pid } => {
                let before = Generation::now(paths);
                let how = service::reload(paths, systemd, request.child_limit)?;
                let expect = Expect { port, reparsed_since: Some(before), same_pid: Some(pid) };
                (how, expect)
            }
            _ => {
                let proftpd = candidate::proftpd_binary().ok_or("proftpd is not installed")?;
                let how = service::start(paths, &proftpd, true, request.child_limit)?;
                let expect = Expect { port, reparsed_since: None, same_pid: None };
                (how, expect)
            }
        };
        let verified = service::verify(paths, &expect, request.verify_timeout)?;
        Ok::<_, String>(((), format!("{how}; {verified}")))
    })?;
    done("proftpd serves it again")
}

/// What to tell a person when FTP could not be brought back.
pub(crate) fn broken_message(request: &Request, backup: &Backup, why: &str) -> String {
    let conf = request.paths.proftpd_conf();
    let restored =
        backup.read(backup::CONFIG).ok().flatten().is_some_and(|previous| {
            std::fs::read_to_string(&conf).is_ok_and(|live| live == previous)
        });
    let files = if restored {
        format!("The previous files are back in place ({} is the backed-up one). ", conf.display())
    } else {
        format!(
            "The backup is in {}; copy its proftpd.conf to {}. ",
            backup.dir.display(),
            conf.display()
        )
    };
    format!(
        "FTP MAY BE DOWN: proftpd could not be brought back ({why}). {files}\
         To recover by hand: find what holds the port or what the log below says, check the \
         file with `proftpd -t -c {conf}`, start proftpd (`systemctl restart proftpd`, or \
         `proftpd -c {conf}`), and read {log}.",
        conf = conf.display(),
        log = request.paths.system_log().display()
    )
}

/// Stops the proftpd an apply started itself: through systemd when it manages proftpd (so
/// the unit is inactive, not failed), otherwise by signalling the verified master.
fn stop_started(paths: &crate::paths::Paths, request: &Request) -> Result<String, String> {
    if service::systemd_manages(paths) {
        let mut command = std::process::Command::new("systemctl");
        command.args(["stop", "proftpd.service"]);
        let done = crate::proftpd::child::run(&mut command, request.child_limit, None)
            .map_err(|e| format!("systemctl stop proftpd {e}"))?;
        return if done.status.success() {
            Ok("systemctl stop proftpd".to_owned())
        } else {
            Err(format!("systemctl stop proftpd failed: {}", done.stderr.trim()))
        };
    }
    service::stop(paths)
}
