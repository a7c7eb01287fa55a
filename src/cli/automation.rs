//! The declarative side of `apply`, for automation engines (Ansible):
//! `apply --settings FILE|--truenas FILE [--replace]` (store and apply in one step, or
//! change nothing), `apply --check` and `--force`, `--diff`; and the JSON replies of
//! apply, backups and rollback. The input side is in `desired.rs`.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value as Json, json};

use super::commands::emit;
use super::desired::{Diffs, check_valid, desired, diffs};
use super::json::Reply;
use super::{Cli, Status};
use crate::proftpd::apply::{self, Outcome as Applied, Request, Verdict};
use crate::settings::{Field, Severity, store};

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Start proftpd when it is not running
    #[arg(long)]
    pub start: bool,
    /// Replace a proftpd.conf that ftpconf did not write (a copy is kept)
    #[arg(long)]
    pub replace_foreign: bool,
    /// Keep the change only if confirmed (Enter or y on stdin) within SECONDS
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub confirm: Option<u64>,
    /// With --confirm: return once the change serves instead of waiting for an answer; a
    /// later `ftpconf confirm` keeps it, otherwise the watchdog reverts it at the deadline
    #[arg(long, requires = "confirm")]
    pub detach: bool,
    /// Reload even when proftpd already serves these settings
    #[arg(long)]
    pub force: bool,
    /// Dry run: every step up to and including the checks; nothing is installed or stored
    #[arg(long, conflicts_with = "confirm")]
    pub check: bool,
    /// Also print the unified diff of proftpd.conf (and of the settings file)
    #[arg(long)]
    pub diff: bool,
    /// Store these settings (ftpconf's TOML, - for stdin) and apply them in one step
    #[arg(long, value_name = "FILE", conflicts_with = "truenas")]
    pub settings: Option<PathBuf>,
    /// Like --settings, from TrueNAS's ftp.config JSON
    #[arg(long, value_name = "FILE")]
    pub truenas: Option<PathBuf>,
    /// With --settings/--truenas: accept Auxiliary Parameters that load modules, include
    /// files, run commands or hold credentials (shown and refused otherwise)
    #[arg(long)]
    pub trust_options: bool,
    /// With --settings/--truenas: the complete desired state, not a merge
    #[arg(long)]
    pub replace: bool,
}

/// The settings file as it was before `apply --settings` stored the desired state, to
/// put back if the apply does not go through (so a failed rollout changes nothing).
struct Stored {
    file: store::SettingsFile,
    previous: Option<String>,
}

impl Stored {
    fn put_back(mut self, reply: &mut Reply) {
        let target = self.file.target().to_path_buf();
        let restored = match &self.previous {
            Some(text) => self.file.replace_text(text).map(drop),
            None => std::fs::remove_file(&target),
        };
        match restored {
            Ok(()) => reply.note(&format!("{} is back as it was", target.display())),
            Err(e) => reply.error(&format!("cannot put {} back as it was: {e}", target.display())),
        }
    }
}

/// `ftpconf apply [--settings FILE|--truenas FILE [--replace]] [--check] [--force] [--diff]`.
pub fn apply(cli: &Cli, how: &ApplyArgs, reply: &mut Reply) -> Status {
    let source = match (&how.settings, &how.truenas) {
        (Some(toml), _) => Some((toml.as_path(), false)),
        (None, Some(json)) => Some((json.as_path(), true)),
        (None, None) => None,
    };
    if how.replace && source.is_none() {
        reply.error("--replace needs --settings FILE or --truenas FILE");
        return Status::Usage;
    }
    if how.confirm.is_some() && reply.json {
        reply.error("--confirm reads the confirmation from stdin and does not combine with --json");
        return Status::Usage;
    }
    let mut request = super::apply::request(cli, how.start);
    request.force = how.force;
    request.check = how.check;
    let prepared = match prepare(cli, how, source, &mut request, reply) {
        Ok(prepared) => prepared,
        Err(status) => return status,
    };
    let (stored, _lock_or_copy, diffs) = prepared;
    if let Some(diffs) = &diffs {
        if reply.json {
            reply.set("diff", diffs.to_json());
        } else {
            emit(&diffs.to_text());
        }
    }
    if how.confirm.is_some() {
        let status = super::apply::apply(cli, how.start, how.confirm, how.detach);
        if status != Status::Ok
            && let Some(stored) = stored
        {
            stored.put_back(reply);
        }
        return status;
    }
    let outcome = if reply.json {
        apply::run(&request, &mut |_| {})
    } else {
        let mut printer = super::apply::StepPrinter::new(cli);
        apply::run(&request, &mut |e| printer.show(e))
    };
    if outcome.verdict != Verdict::Applied
        && let Some(stored) = stored
    {
        stored.put_back(reply);
    }
    answer(&outcome, how.check, reply)
}

/// What `prepare` leaves for the apply: the stored settings to put back on failure, the
/// held settings lock (or the dry run's private copy of the desired settings), the diffs.
type Prepared = (Option<Stored>, Option<Box<dyn std::any::Any>>, Option<Diffs>);

/// Reads and stores the desired settings (a dry run only points the request at a
/// private copy), and works out the diffs.
fn prepare(
    cli: &Cli,
    how: &ApplyArgs,
    source: Option<(&Path, bool)>,
    request: &mut Request,
    reply: &mut Reply,
) -> Result<Prepared, Status> {
    let Some(source) = source else {
        // A plain apply reads the file in the pipeline; it takes no writer's lock.
        let diffs = match how.diff {
            true => {
                let text = store::read_text(&cli.settings_file()).ok().flatten();
                let current = store::load(&cli.settings_file()).unwrap_or_default();
                Some(diffs(cli, text.as_deref(), &current, &current))
            }
            false => None,
        };
        return Ok((None, None, diffs));
    };
    let opened = store::SettingsFile::open(&cli.settings_file())
        .and_then(|file| file.settings().map(|current| (file, current)));
    let (mut file, current) = opened.map_err(|e| {
        e.problems.iter().for_each(|p| reply.error(p));
        // Another writer holds the settings file: refused, like a held apply lock.
        match e.problems.iter().any(|p| p.contains("another ftpconf")) {
            true => Status::Refused,
            false => Status::Invalid,
        }
    })?;
    let wanted = desired(source, how.replace, &current, reply)?;
    super::desired::trusted_options(&wanted, &current, how.trust_options, reply)?;
    if !check_valid(cli, &wanted, source.1, reply) {
        reply.error("the settings are invalid; nothing was changed");
        return Err(Status::Invalid);
    }
    let diffs = how.diff.then(|| diffs(cli, file.text(), &current, &wanted));
    if wanted == current {
        return Ok((None, Some(Box::new(file)), diffs));
    }
    if how.check {
        let text = match file.text() {
            Some(text) => store::edit_in_place(text, &current, &wanted)
                .unwrap_or_else(|| store::to_toml(&wanted)),
            None => store::to_toml(&wanted),
        };
        let copy = write_private_copy(&text).map_err(|e| {
            reply.error(&format!("cannot write a private copy of the settings: {e}"));
            Status::Refused
        })?;
        request.settings_file = copy.path().to_path_buf();
        return Ok((None, Some(Box::new(copy)), diffs));
    }
    let previous = file.text().map(str::to_owned);
    file.save(&wanted).map_err(|e| {
        reply.error(&format!("cannot write {}: {e}; nothing was changed", file.target().display()));
        Status::Refused
    })?;
    Ok((Some(Stored { file, previous }), None, diffs))
}

fn write_private_copy(text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut copy = tempfile::Builder::new().prefix("ftpconf-check.").suffix(".toml").tempfile()?;
    copy.write_all(text.as_bytes())?;
    copy.flush()?;
    Ok(copy)
}

/// Reports an apply (or dry run, or rollback): human lines, or the JSON fields.
fn answer(outcome: &Applied, check: bool, reply: &mut Reply) -> Status {
    let changed = outcome.changed();
    let word = match (outcome.verdict, check, changed) {
        (Verdict::Applied, true, true) => "would_change",
        (Verdict::Applied, _, false) => "unchanged",
        (Verdict::Applied, false, true) => "applied",
        _ => "failed",
    };
    if !reply.json {
        let status = super::apply::report(outcome);
        if outcome.verdict == Verdict::Applied && !check {
            emit(if changed { "changed\n" } else { "unchanged\n" });
        }
        return status;
    }
    for problem in &outcome.problems {
        let name = problem.field.path();
        reply.problem(Some(problem.field), &name, problem.severity, &problem.message);
    }
    if outcome.verdict != Verdict::Applied && outcome.problems.is_empty() {
        match field_named_by(&outcome.message) {
            Some((field, name)) => {
                reply.problem(Some(field), name, Severity::Error, &outcome.message);
            }
            None => reply.error(&outcome.message),
        }
    }
    outcome.notes.iter().for_each(|n| reply.note(n));
    let steps: Vec<Json> = outcome
        .steps
        .iter()
        .map(|s| {
            json!({
                "step": s.step.name(),
                "ok": s.ok,
                "ms": s.elapsed.as_millis() as u64,
                "detail": s.detail,
            })
        })
        .collect();
    reply.set("steps", steps);
    reply.set("backup", outcome.backup.as_ref().map(|b| b.id().to_owned()));
    reply.set("serving", outcome.serving);
    reply.set("log", outcome.log.clone());
    reply.outcome(word, changed, outcome.message.clone());
    super::apply::status_of(outcome.verdict)
}

/// The setting a refusal starts with (`tls.certificate: ...`, `auxiliary_parameters line
/// 2: ...`), so that the JSON problem carries its key.
fn field_named_by(message: &str) -> Option<(Field, &str)> {
    let name = message.split([':', ' ']).next()?;
    let rest = &message[name.len()..];
    if !(rest.starts_with(':') || rest.starts_with(" line ")) {
        return None;
    }
    Field::lookup(name).map(|(field, _)| (field, name))
}

/// `ftpconf backups --json`.
pub fn backups(cli: &Cli, reply: &mut Reply) -> Status {
    let all: Vec<Json> = apply::backups(&cli.paths())
        .iter()
        .map(|b| {
            json!({
                "id": b.id(),
                "time": b.time(),
                "created": b.manifest.created,
                "port": b.manifest.port,
                "reason": b.manifest.reason,
                "files": b.manifest.files,
            })
        })
        .collect();
    reply.message = format!("{} backup(s)", all.len());
    reply.set("backups", all);
    Status::Ok
}

/// `ftpconf rollback [ID] --json`.
pub fn rollback(cli: &Cli, id: Option<&str>, start: bool, reply: &mut Reply) -> Status {
    let request = super::apply::request(cli, start);
    let outcome = apply::rollback(&request, id, &mut |_| {});
    answer(&outcome, false, reply)
}
