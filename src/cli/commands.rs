//! What each subcommand does. Output goes to stdout; problems to stderr.

use std::path::Path;

use serde_json::{Map, Value as Json};

use super::json::Reply;
use super::{Cli, Command, Status};
use crate::proftpd::{Facts, System, render, validate};
use crate::settings::{Dialect, Field, Problem, Section, Settings, Severity, input, store};
use crate::visible;
use store::{Saved, SettingsFile};

pub fn run(cli: &Cli) -> Status {
    let Some(command) = &cli.command else {
        return super::open_editor(cli, &cli.paths(), &cli.settings_file());
    };
    if cli.listen.is_some() && cli.root == Path::new("/") {
        eprintln!("ftpconf: --listen is only for a sandbox: give --root DIR too");
        return Status::Usage;
    }
    // These print for people only (or stream): JSON would be mixed with text.
    let text_only = matches!(
        command,
        Command::Render
            | Command::Cert { .. }
            | Command::Demo { .. }
            | Command::Service { .. }
            | Command::Confirm
            | Command::Revert
            | Command::Watchdog { .. }
            | Command::Recover { .. }
            | Command::Log(_)
    );
    if cli.json && text_only {
        eprintln!("ftpconf: --json is not available for `{}`", command.name());
        return Status::Usage;
    }
    // These write their own JSON document (shapes in docs/service.md and docs/doctor.md).
    let own_json = matches!(
        command,
        Command::Status
            | Command::Sessions
            | Command::Kick { .. }
            | Command::Check(_)
            | Command::CheckLogin { .. }
    );
    let mut reply = Reply::new(cli.json, command.name());
    let r = &mut reply;
    let outcome = match command {
        Command::Show => show(cli, r),
        Command::Get { key } => get(cli, key, r),
        Command::Set { assignments, diff } => set(cli, assignments, *diff, r),
        Command::Validate => validate_command(cli, r),
        Command::Render => render_command(cli, r),
        Command::Import(how) => super::desired::import(cli, how, r),
        Command::Export(how) => super::desired::export(cli, how, r),
        Command::Cert { action } => Ok(super::cert::run(cli, action)),
        Command::Apply(how) => Ok(super::automation::apply(cli, how, r)),
        Command::Backups if cli.json => Ok(super::automation::backups(cli, r)),
        Command::Backups => Ok(super::apply::backups(cli)),
        Command::Rollback { id, start, .. } if cli.json => {
            Ok(super::automation::rollback(cli, id.as_deref(), *start, r))
        }
        Command::Rollback { id, start, .. } => {
            let status = super::apply::rollback(cli, id.as_deref(), *start);
            // A rollback that went through always put files back.
            Ok(if status == Status::Ok { emit("changed\n") } else { status })
        }
        Command::Recover { discard_journal } => Ok(super::apply::recover(cli, *discard_journal)),
        Command::Check(args) => Ok(super::doctor::check(cli, args)),
        Command::CheckLogin { name } => Ok(super::doctor::check_login(cli, name, cli.json)),
        Command::Log(args) => Ok(super::doctor::log(cli, args)),
        Command::Demo { install } => Ok(super::demo::demo(cli, *install)),
        Command::Status => Ok(super::service::status(cli, cli.json)),
        Command::Service { action, yes } => Ok(super::service::service_action(cli, *action, *yes)),
        Command::Sessions => Ok(super::service::sessions(cli, cli.json)),
        Command::Kick { pid, user, address, grace } => Ok(super::service::kick(
            cli,
            super::service::target(*pid, user, address),
            *grace,
            cli.json,
        )),
        Command::Confirm => Ok(super::confirm::settle(cli, true)),
        Command::Revert => Ok(super::confirm::settle(cli, false)),
        Command::Watchdog { backup } => Ok(super::confirm::watchdog(cli, backup)),
    };
    let status = outcome.unwrap_or_else(|status| status);
    if own_json { status } else { reply.finish(status) }
}

pub(super) type Outcome = Result<Status, Status>;

pub(super) fn system(cli: &Cli) -> System {
    System::new(cli.paths())
}

fn load(cli: &Cli, reply: &mut Reply) -> Result<Settings, Status> {
    store::load(&cli.settings_file()).map_err(|e| {
        e.problems.iter().for_each(|p| reply.error(p));
        Status::Invalid
    })
}

/// Every setting's value, grouped by section, as JSON.
pub(super) fn settings_json(settings: &Settings) -> Json {
    let mut sections = Map::new();
    for section in Section::ALL {
        let values: Map<String, Json> = section
            .fields()
            .map(|f| {
                let value = match f.get(settings) {
                    crate::settings::Value::Number(n) => Json::from(n),
                    crate::settings::Value::Bool(b) => Json::from(b),
                    other => Json::from(other.to_input(Dialect::Ftpconf)),
                };
                (f.key().to_owned(), value)
            })
            .collect();
        sections.insert(section.key().to_owned(), Json::Object(values));
    }
    Json::Object(sections)
}

fn show(cli: &Cli, reply: &mut Reply) -> Outcome {
    let settings = load(cli, reply)?;
    if reply.json {
        reply.set("settings", settings_json(&settings));
        return Ok(Status::Ok);
    }
    let mut out = String::new();
    for section in Section::ALL {
        out += &format!("[{}]\n", section.title());
        for field in section.fields() {
            let value = visible::line(&field.get(&settings).display()).into_owned();
            let hidden = if field.is_visible(&settings) { "" } else { "  (hidden)" };
            out += &format!("  {:<34} {:<22} {}{hidden}\n", field.label(), value, field.path());
        }
    }
    Ok(emit(&out))
}

/// Writes command output; a closed pipe (`| head`) is not an error worth a panic.
pub(super) fn emit(text: &str) -> Status {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Status::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
        Err(e) => {
            eprintln!("ftpconf: cannot write output: {e}");
            Status::Refused
        }
    }
}

fn lookup(key: &str, reply: &mut Reply) -> Result<(Field, Dialect), Status> {
    Field::lookup(key).ok_or_else(|| {
        reply.error(&format!("unknown key {key:?}; `ftpconf show` lists the settings"));
        Status::Usage
    })
}

fn get(cli: &Cli, key: &str, reply: &mut Reply) -> Outcome {
    let (field, dialect) = lookup(key, reply)?;
    let settings = load(cli, reply)?;
    let text = field.get_text(&settings, dialect);
    if reply.json {
        reply.set("key", field.path());
        reply.set("truenas_key", field.truenas_key());
        reply.set("value", settings_json(&settings)[field.section().key()][field.key()].clone());
        reply.set("text", text);
        return Ok(Status::Ok);
    }
    Ok(emit(&format!("{text}\n")))
}

/// Locks the settings file against other writers and reads it; the lock is held until
/// the returned value is dropped, so a read-modify-write cannot lose another's change.
pub(super) fn open(cli: &Cli, reply: &mut Reply) -> Result<(SettingsFile, Settings), Status> {
    let mut report = |e: store::LoadError| {
        e.problems.iter().for_each(|p| reply.error(p));
        Status::Invalid
    };
    let file = SettingsFile::open(&cli.settings_file()).map_err(&mut report)?;
    let settings = file.settings().map_err(&mut report)?;
    Ok((file, settings))
}

fn set(cli: &Cli, assignments: &[String], diff: bool, reply: &mut Reply) -> Outcome {
    let (mut file, mut settings) = open(cli, reply)?;
    let before = settings.clone();
    let mut named = Vec::new();
    let mut named_dialects = Vec::new();
    let mut errors = Vec::new();
    for assignment in assignments {
        let Some((key, value)) = assignment.split_once('=') else {
            reply.error(&format!("{assignment:?} is not KEY=VALUE"));
            return Err(Status::Usage);
        };
        let (field, dialect) = lookup(key, reply)?;
        named.push((field, key.trim().to_owned()));
        named_dialects.push(dialect);
        if let Err(message) = field.set_text(&mut settings, value, dialect) {
            errors.push((field, key.trim().to_owned(), message));
        }
    }
    let report = validate(&settings, &system(cli));
    // Fields the user named keep that name; others follow the naming the user chose.
    let truenas_names = named_dialects.first() == Some(&Dialect::TrueNas);
    let name_of = |field: Field| match named.iter().find(|(f, _)| *f == field) {
        Some((_, key)) => key.clone(),
        None if truenas_names => field.truenas_key().to_owned(),
        None => field.path(),
    };
    for (field, key, message) in &errors {
        reply.problem(Some(*field), key, Severity::Error, message);
    }
    reply.problems(&report.problems, name_of);
    if !errors.is_empty() || report.has_errors() {
        reply.error("nothing was changed");
        return Err(Status::Invalid);
    }
    let diffs = diff.then(|| super::desired::diffs(cli, file.text(), &before, &settings));
    save(cli, &mut file, &settings, diffs, reply)
}

/// Saves under the held lock and says `changed` (with what changed) or `unchanged`;
/// `diffs` (asked for with `--diff`) follow on stdout.
pub(super) fn save(
    cli: &Cli,
    file: &mut SettingsFile,
    settings: &Settings,
    diffs: Option<super::desired::Diffs>,
    reply: &mut Reply,
) -> Outcome {
    let path = cli.settings_file();
    let saved = file.save(settings).map_err(|e| {
        reply.error(&format!("cannot write {}: {e}; nothing was changed", file.target().display()));
        Status::Refused
    })?;
    let changes = match &saved {
        Saved::Unchanged => Vec::new(),
        Saved::Changed(changes) => changes.clone(),
    };
    let changed = saved != Saved::Unchanged;
    let word = if changed { "changed" } else { "unchanged" };
    if reply.json {
        reply.set("changes", changes);
        if let Some(diffs) = diffs {
            reply.set("diff", diffs.to_json());
        }
        reply.outcome(word, changed, format!("{word}: {}", path.display()));
        return Ok(Status::Ok);
    }
    let mut out = format!("{word}\n");
    changes.iter().for_each(|c| out += &format!("  {c}\n"));
    if let Some(diffs) = diffs {
        out += &diffs.to_text();
    }
    emit(&out);
    if changed {
        eprintln!("saved {}; run `ftpconf apply` to put it into service", path.display());
    } else {
        eprintln!("{} already holds these settings; the file was not rewritten", path.display());
    }
    Ok(Status::Ok)
}

fn validate_command(cli: &Cli, reply: &mut Reply) -> Outcome {
    let settings = load(cli, reply)?;
    let report = validate(&settings, &system(cli));
    let (errors, warnings) = (report.errors().count(), report.warnings().count());
    if reply.json {
        reply.problems(&report.problems, |f| f.truenas_key().to_owned());
        reply.message = format!("{errors} error(s), {warnings} warning(s)");
    } else {
        let mut sorted: Vec<&Problem> = report.problems.iter().collect();
        sorted.sort_by_key(|p| p.severity);
        let mut out = String::new();
        for p in sorted {
            let tag = if p.severity == Severity::Warning { "warning: " } else { "" };
            out += &format!("{}: {tag}{}\n", p.field.truenas_key(), p.message);
        }
        emit(&out);
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
    if errors > 0 { Err(Status::Invalid) } else { Ok(Status::Ok) }
}

fn render_command(cli: &Cli, reply: &mut Reply) -> Outcome {
    let settings = load(cli, reply)?;
    let system = system(cli);
    let report = validate(&settings, &system);
    if report.has_errors() {
        reply.problems(&report.problems, |f| f.truenas_key().to_owned());
        reply.error("the settings are invalid; nothing rendered");
        return Err(Status::Invalid);
    }
    let rendered = render(&settings, &Facts::gather(&settings, &system));
    Ok(emit(&rendered.config))
}

/// The input to import: a regular file or stdin, at most [`input::MAX_SETTINGS`] bytes.
pub(super) fn read_input(source: &Path) -> Result<String, input::InputError> {
    if source == Path::new("-") {
        input::utf8(input::read_limited(std::io::stdin().lock(), input::MAX_SETTINGS)?)
    } else {
        input::read_text(source, input::MAX_SETTINGS)
    }
}
