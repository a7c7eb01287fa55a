//! What each subcommand does. Output goes to stdout; problems to stderr.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value as Json};

use super::{Cli, Command, Status};
use crate::proftpd::{Facts, render};
use crate::settings::{
    Dialect, Field, Problem, Section, Settings, Severity, System, store, truenas, validate,
};

pub fn run(cli: &Cli) -> Status {
    let Some(command) = &cli.command else {
        return super::open_editor(cli, &cli.paths(), &cli.settings_file());
    };
    let outcome = match command {
        Command::Show { json } => show(cli, *json),
        Command::Get { key } => get(cli, key),
        Command::Set { assignments } => set(cli, assignments),
        Command::Validate => validate_command(cli),
        Command::Render => render_command(cli),
        Command::Import { truenas } => import(cli, truenas),
        Command::Export { .. } => export(cli),
        Command::Cert { action } => Ok(super::cert::run(cli, action)),
        Command::Apply { start, confirm, .. } => Ok(super::apply::apply(cli, *start, *confirm)),
        Command::Backups => Ok(super::apply::backups(cli)),
        Command::Rollback { id, start, .. } => {
            Ok(super::apply::rollback(cli, id.as_deref(), *start))
        }
        Command::Demo { install } => Ok(super::demo::demo(cli, *install)),
    };
    outcome.unwrap_or_else(|status| status)
}

type Outcome = Result<Status, Status>;

fn system(cli: &Cli) -> System {
    System::new(cli.paths())
}

fn load(cli: &Cli) -> Result<Settings, Status> {
    store::load(&cli.settings_file()).map_err(|e| {
        for problem in &e.problems {
            eprintln!("ftpconf: {problem}");
        }
        Status::Invalid
    })
}

fn show(cli: &Cli, json: bool) -> Outcome {
    let settings = load(cli)?;
    if json {
        let mut sections = Map::new();
        for section in Section::ALL {
            let values: Map<String, Json> = section
                .fields()
                .map(|f| {
                    let value = match f.get(&settings) {
                        crate::settings::Value::Number(n) => Json::from(n),
                        crate::settings::Value::Bool(b) => Json::from(b),
                        other => Json::from(other.to_input(Dialect::Ftpconf)),
                    };
                    (f.key().to_owned(), value)
                })
                .collect();
            sections.insert(section.key().to_owned(), Json::Object(values));
        }
        let text = serde_json::to_string_pretty(&Json::Object(sections)).unwrap_or_default();
        return Ok(emit(&format!("{text}\n")));
    }
    let mut out = String::new();
    for section in Section::ALL {
        out += &format!("[{}]\n", section.title());
        for field in section.fields() {
            let value = field.get(&settings).display();
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

fn lookup(key: &str) -> Result<(Field, Dialect), Status> {
    Field::lookup(key).ok_or_else(|| {
        eprintln!("ftpconf: unknown key {key:?}; `ftpconf show` lists the settings");
        Status::Usage
    })
}

fn get(cli: &Cli, key: &str) -> Outcome {
    let (field, dialect) = lookup(key)?;
    let settings = load(cli)?;
    Ok(emit(&format!("{}\n", field.get_text(&settings, dialect))))
}

fn set(cli: &Cli, assignments: &[String]) -> Outcome {
    let mut settings = load(cli)?;
    let mut named = Vec::new();
    let mut named_dialects = Vec::new();
    let mut errors = Vec::new();
    for assignment in assignments {
        let Some((key, value)) = assignment.split_once('=') else {
            eprintln!("ftpconf: {assignment:?} is not KEY=VALUE");
            return Err(Status::Usage);
        };
        let (field, dialect) = lookup(key)?;
        named.push((field, key.trim().to_owned()));
        named_dialects.push(dialect);
        if let Err(message) = field.set_text(&mut settings, value, dialect) {
            errors.push(format!("{}: {message}", key.trim()));
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
    errors.iter().for_each(|e| eprintln!("{e}"));
    print_problems(&report.problems, name_of, true);
    if !errors.is_empty() || report.has_errors() {
        eprintln!("ftpconf: nothing was changed");
        return Err(Status::Invalid);
    }
    save(cli, &settings)?;
    eprintln!(
        "saved {}; run `ftpconf apply` to put it into service",
        cli.settings_file().display()
    );
    Ok(Status::Ok)
}

fn save(cli: &Cli, settings: &Settings) -> Result<(), Status> {
    let path = cli.settings_file();
    store::save(&path, settings).map_err(|e| {
        eprintln!("ftpconf: cannot write {}: {e}", path.display());
        Status::Refused
    })
}

/// Prints problems as `KEY: message`, errors first, to stderr (or stdout for `validate`).
fn print_problems(problems: &[Problem], name_of: impl Fn(Field) -> String, to_stderr: bool) {
    let mut sorted: Vec<&Problem> = problems.iter().collect();
    sorted.sort_by_key(|p| p.severity);
    for p in sorted {
        let tag = if p.severity == Severity::Warning { "warning: " } else { "" };
        let line = format!("{}: {tag}{}", name_of(p.field), p.message);
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

fn validate_command(cli: &Cli) -> Outcome {
    let settings = load(cli)?;
    let report = validate(&settings, &system(cli));
    print_problems(&report.problems, |f| f.truenas_key().to_owned(), false);
    let (errors, warnings) = (report.errors().count(), report.warnings().count());
    eprintln!("{errors} error(s), {warnings} warning(s)");
    if errors > 0 { Err(Status::Invalid) } else { Ok(Status::Ok) }
}

fn render_command(cli: &Cli) -> Outcome {
    let settings = load(cli)?;
    let system = system(cli);
    let report = validate(&settings, &system);
    if report.has_errors() {
        print_problems(&report.problems, |f| f.truenas_key().to_owned(), true);
        eprintln!("ftpconf: the settings are invalid; nothing rendered");
        return Err(Status::Invalid);
    }
    let rendered = render(&settings, &Facts::gather(&settings, &system));
    Ok(emit(&rendered.config))
}

fn import(cli: &Cli, source: &Path) -> Outcome {
    let text = read_input(source).map_err(|e| {
        eprintln!("ftpconf: cannot read {}: {e}", source.display());
        Status::Invalid
    })?;
    let current = load(cli)?;
    let imported = truenas::import(&text, &current).map_err(|problems| {
        problems.iter().for_each(|p| eprintln!("{p}"));
        eprintln!("ftpconf: nothing was imported");
        Status::Invalid
    })?;
    imported.notes.iter().for_each(|n| eprintln!("{n}"));
    let report = validate(&imported.settings, &system(cli));
    print_problems(&report.problems, |f| f.truenas_key().to_owned(), true);
    if report.has_errors() {
        eprintln!("ftpconf: the imported settings are invalid; nothing was imported");
        return Err(Status::Invalid);
    }
    save(cli, &imported.settings)?;
    eprintln!(
        "imported into {}; run `ftpconf apply` to put it into service",
        cli.settings_file().display()
    );
    Ok(Status::Ok)
}

fn read_input(source: &Path) -> std::io::Result<String> {
    if source == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(source)
    }
}

fn export(cli: &Cli) -> Outcome {
    let settings = load(cli)?;
    let text = serde_json::to_string_pretty(&truenas::export(&settings)).unwrap_or_default();
    Ok(emit(&format!("{text}\n")))
}
