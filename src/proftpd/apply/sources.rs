//! Where a candidate configuration comes from: the settings file (apply) or a backup
//! (rollback). Both end as the same [`Candidate`] so the later steps treat them alike.

use std::path::Path;

use super::backup;
use super::candidate::{Candidate, Files};
use super::lock::{read_with_fingerprint, settings_changed_since};
use super::pipeline::Failure;
use super::steps::{Runner, Step};
use super::{Request, Verdict};
use crate::proftpd::{Facts, System, render, validate};
use crate::settings::{Problem, store};

const MISSING: &str = "the settings file";

/// The settings file is not there: never fall back to built-in defaults, which would
/// put a different configuration (port 21, TLS off) into service without a word.
fn missing(path: &Path) -> String {
    format!(
        "{MISSING} {} does not exist, so there is nothing to apply (the built-in defaults \
         are never applied silently). Check the path given with --config; or create the \
         settings with `ftpconf set KEY=VALUE`, `ftpconf import --truenas FILE`, or the \
         editor (`ftpconf`), then apply again",
        path.display()
    )
}

pub(crate) fn read_settings(
    run: &mut Runner<'_>,
    request: &Request,
    problems: &mut Vec<Problem>,
) -> Result<Candidate, Failure> {
    let paths = &request.paths;
    let path = &request.settings_file;
    let read = run.step(Step::Validate, |r| {
        let (text, fingerprint) = read_with_fingerprint(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if let Some(expected) = &request.expected
            && *expected != fingerprint
            && settings_changed_since(path, expected)
        {
            return Err(format!(
                "{} changed on disk since it was loaded; load it again before applying",
                path.display()
            ));
        }
        let text = text.ok_or_else(|| missing(path))?;
        let settings =
            store::parse(&text, &path.display().to_string()).map_err(|e| e.problems.join("\n"))?;
        let system = System::new(paths.clone());
        let report = validate(&settings, &system);
        for warning in report.warnings() {
            r.note(format!("warning: {}: {}", warning.field.path(), warning.message));
        }
        if report.has_errors() {
            let lines: Vec<String> =
                report.errors().map(|p| format!("{}: {}", p.field.path(), p.message)).collect();
            problems.extend(report.problems.iter().cloned());
            return Err(lines.join("\n"));
        }
        let rendered = render(&settings, &Facts::gather(&settings, &system));
        let settings_text = text;
        let detail = format!("{} settings valid", crate::settings::Field::ALL.len());
        Ok(((rendered, settings_text), detail))
    });
    let (rendered, settings_text) = read.map_err(|m| {
        let refused = m.contains("changed on disk") || m.starts_with(MISSING);
        (if refused { Verdict::Refused } else { Verdict::Invalid }, m)
    })?;
    Ok(Candidate {
        files: Files {
            config: rendered.config.clone(),
            login_message: rendered.login_message.clone(),
            settings: Some(settings_text),
        },
        rendered: Some(rendered),
        settings_file: None,
    })
}

pub(crate) fn read_backup(
    run: &mut Runner<'_>,
    request: &Request,
    id: Option<&str>,
) -> Result<(Candidate, String), Failure> {
    run.step(Step::Validate, |r| {
        // A rollback writes the settings file back: a mistyped --config would create a
        // second, unseen settings file.
        if !request.settings_file.exists() {
            return Err(missing(&request.settings_file));
        }
        let backup = backup::find(&request.paths, id)?;
        let io = |e: std::io::Error| format!("backup {}: {e}", backup.id());
        let config = backup.read(backup::CONFIG).map_err(io)?.ok_or_else(|| {
            format!("backup {} holds no proftpd.conf (there was none before)", backup.id())
        })?;
        let login_message = backup.read(backup::LOGIN_MESSAGE).map_err(io)?.unwrap_or_default();
        let settings = backup.read(backup::SETTINGS).map_err(io)?;
        if settings.is_none() {
            r.note(format!(
                "backup {} has no settings copy; the settings file is left as it is",
                backup.id()
            ));
        }
        let files = Files { config, login_message, settings: settings.clone() };
        let candidate = Candidate { files, rendered: None, settings_file: settings };
        Ok(((candidate, backup.id().to_owned()), format!("backup {}", backup.id())))
    })
    .map_err(|m| (Verdict::Refused, m))
}
