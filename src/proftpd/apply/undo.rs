//! The way back: putting a backup in place again and bringing proftpd back on it, and
//! finishing what a killed ftpconf left half done.

use super::Request;
use super::backup::{self, Backup};
use super::candidate::{self, ConfigFacts};
use super::confirm::confirm_marker;
use super::install;
use super::service::{self, Expect, Generation};
use super::steps::{Runner, Step};
use crate::proftpd::status::{self, State};

/// After taking the lock: undo what a killed ftpconf left half done.
pub(crate) fn recover(run: &mut Runner<'_>, request: &Request) -> Result<(), String> {
    if let Some((backup, settings_file)) = install::interrupted(&request.paths)? {
        run.note(format!(
            "an earlier apply was interrupted while renaming files; putting its backup {} back first",
            backup.id()
        ));
        let serving = matches!(status::state(&request.paths), State::Running { .. });
        undo(run, request, &backup, settings_file, serving)
            .map_err(|message| broken_message(request, &backup, &message))?;
    }
    let marker = confirm_marker(request);
    if let Ok(id) = std::fs::read_to_string(&marker) {
        let backup = backup::find(&request.paths, Some(id.trim()))?;
        run.note(format!(
            "an earlier `apply --confirm` was never confirmed; putting backup {} back first",
            backup.id()
        ));
        let serving = matches!(status::state(&request.paths), State::Running { .. });
        undo(run, request, &backup, false, serving)
            .map_err(|message| broken_message(request, &backup, &message))?;
        let _ = std::fs::remove_file(&marker);
    }
    remove_leftovers(request);
    Ok(())
}

/// Temporary files a killed ftpconf left beside proftpd's files and in its state
/// directory (never in the settings directory, where an editor may be saving now).
fn remove_leftovers(request: &Request) {
    let paths = &request.paths;
    let dirs = [
        (paths.proftpd_conf(), &[".proftpd.conf.", ".proftpd.motd."][..]),
        (
            paths.state_dir().join("x"),
            &[".applied.toml.", ".install.journal.", ".confirm.pending."][..],
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
        install::restore(paths, settings_path, backup)
            .map(|()| ((), format!("{} back", backup.id())))
            .map_err(|e| format!("cannot put backup {} back: {e}", backup.id()))
    })?;
    if !should_serve {
        return Ok("proftpd was not running before and is left stopped".into());
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
                let how = service::reload(paths, systemd)?;
                let expect = Expect { port, reparsed_since: Some(before), same_pid: Some(pid) };
                (how, expect)
            }
            _ => {
                let proftpd = candidate::proftpd_binary().ok_or("proftpd is not installed")?;
                let how = service::start(paths, &proftpd, true)?;
                let expect = Expect { port, reparsed_since: None, same_pid: None };
                (how, expect)
            }
        };
        let verified = service::verify(paths, &expect, request.verify_timeout)?;
        Ok(((), format!("{how}; {verified}")))
    })
    .map(|()| "proftpd serves it again".to_owned())
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
