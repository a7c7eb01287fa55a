//! The desired state as input: `import FILE|-` (ftpconf's TOML) or `--truenas`, merged or
//! `--replace`d, with `--diff`; and `export --truenas-update`. `apply --settings` reads
//! its input through the same functions (see `automation.rs`).

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args};
use serde_json::{Value as Json, json};

use super::commands::{Outcome, emit, open, read_input, save, system};
use super::json::Reply;
use super::{Cli, Status};
use crate::proftpd::{Facts, directives, render, validate};
use crate::settings::{Settings, store, truenas};
use crate::visible;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["file", "truenas"])))]
pub struct ImportArgs {
    /// A settings file in ftpconf's own TOML (whole or partial), or - for stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// TrueNAS's ftp.config JSON instead (FILE or - for stdin)
    #[arg(long, value_name = "FILE")]
    pub truenas: Option<PathBuf>,
    /// The input is the complete desired state: every setting not in it returns to its default
    #[arg(long)]
    pub replace: bool,
    /// Also print the unified diff of the settings file and of proftpd.conf
    #[arg(long)]
    pub diff: bool,
    /// Accept Auxiliary Parameters (options) that load modules, include files, run
    /// commands or hold credentials; without it such lines are shown and refused
    #[arg(long)]
    pub trust_options: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("shape").required(true).args(["truenas", "truenas_update"])))]
pub struct ExportArgs {
    /// TrueNAS's ftp.config shape (with `id`; certificates by name)
    #[arg(long)]
    pub truenas: bool,
    /// What TrueNAS's ftp.update accepts (no `id`; the certificate as --certificate-id)
    #[arg(long)]
    pub truenas_update: bool,
    /// The TrueNAS certificate id to send as ssltls_certificate
    #[arg(long, value_name = "N", requires = "truenas_update")]
    pub certificate_id: Option<u64>,
}

/// The unified diffs of the settings file and of proftpd.conf (empty when equal).
pub struct Diffs {
    pub settings: String,
    pub config: String,
}

impl Diffs {
    pub fn to_json(&self) -> Json {
        json!({ "settings": self.settings, "proftpd.conf": self.config })
    }

    pub fn to_text(&self) -> String {
        format!("{}{}", self.settings, self.config)
    }
}

fn unified(old: &str, new: &str, name: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// What storing `after` over `before` (read from `old_text`) changes in the settings
/// file, and what the proftpd.conf it renders changes in the live one.
pub fn diffs(cli: &Cli, old_text: Option<&str>, before: &Settings, after: &Settings) -> Diffs {
    let new_text = match old_text {
        Some(text) => {
            store::edit_in_place(text, before, after).unwrap_or_else(|| store::to_toml(after))
        }
        None => store::to_toml(after),
    };
    let name = cli.settings_file().file_name().map(|n| n.to_string_lossy().into_owned());
    let settings =
        unified(old_text.unwrap_or(""), &new_text, &name.unwrap_or_else(|| "ftpconf.toml".into()));
    let system = system(cli);
    let config = if validate(after, &system).has_errors() {
        String::new()
    } else {
        let live = std::fs::read_to_string(cli.paths().proftpd_conf()).unwrap_or_default();
        unified(&live, &render(after, &Facts::gather(after, &system)).config, "proftpd.conf")
    };
    Diffs { settings, config }
}

/// Reads the desired settings (TOML or TrueNAS JSON) over `current`, or over the
/// defaults with `replace`; problems go to `reply`.
pub fn desired(
    source: (&Path, bool),
    replace: bool,
    current: &Settings,
    reply: &mut Reply,
) -> Result<Settings, Status> {
    let (path, is_truenas) = source;
    let text = read_input(path).map_err(|e| {
        reply.error(&format!("cannot read {}: {e}", path.display()));
        Status::Invalid
    })?;
    let base = if replace { Settings::default() } else { current.clone() };
    let origin = if path == Path::new("-") { "stdin".into() } else { path.display().to_string() };
    let merged = if is_truenas {
        truenas::import(&text, &base).map(|i| {
            i.notes.iter().for_each(|n| reply.note(n));
            i.settings
        })
    } else {
        store::parse_over(&text, &origin, base).map_err(|e| e.problems)
    };
    merged.map_err(|problems| {
        problems.iter().for_each(|p| reply.error(p));
        reply.error("nothing was imported");
        Status::Invalid
    })
}

/// Validates `settings`; every problem goes to `reply` under its ftpconf name (or
/// TrueNAS's when the input was TrueNAS JSON).
pub fn check_valid(cli: &Cli, settings: &Settings, truenas_names: bool, reply: &mut Reply) -> bool {
    let report = validate(settings, &system(cli));
    reply.problems(&report.problems, |f| {
        if truenas_names { f.truenas_key().to_owned() } else { f.path() }
    });
    !report.has_errors()
}

/// `ftpconf import FILE|- | --truenas FILE|- [--replace] [--diff]`.
pub fn import(cli: &Cli, how: &ImportArgs, reply: &mut Reply) -> Outcome {
    let source = match (&how.file, &how.truenas) {
        (_, Some(json)) => (json.as_path(), true),
        (Some(toml), None) => (toml.as_path(), false),
        (None, None) => unreachable!("clap requires one source"),
    };
    let (mut file, current) = open(cli, reply)?;
    let wanted = desired(source, how.replace, &current, reply)?;
    trusted_options(&wanted, &current, how.trust_options, reply)?;
    if !check_valid(cli, &wanted, source.1, reply) {
        reply.error("the imported settings are invalid; nothing was imported");
        return Err(Status::Invalid);
    }
    let diffs = how.diff.then(|| diffs(cli, file.text(), &current, &wanted));
    save(cli, &mut file, &wanted, diffs, reply)
}

/// `ftpconf export --truenas | --truenas-update [--certificate-id N]`.
pub fn export(cli: &Cli, how: &ExportArgs, reply: &mut Reply) -> Outcome {
    let settings = store::load(&cli.settings_file()).map_err(|e| {
        e.problems.iter().for_each(|p| reply.error(p));
        Status::Invalid
    })?;
    let mut object = truenas::export(&settings);
    if how.truenas_update
        && let Json::Object(map) = &mut object
    {
        map.remove("id");
        match (how.certificate_id, map.get("ssltls_certificate").is_some_and(|c| !c.is_null())) {
            (Some(id), _) => {
                map.insert("ssltls_certificate".into(), Json::from(id));
            }
            (None, named) => {
                map.remove("ssltls_certificate");
                if named {
                    eprintln!(
                        "ftpconf: ssltls_certificate left out: TrueNAS wants its certificate id (--certificate-id N)"
                    );
                }
            }
        }
    }
    let text = serde_json::to_string_pretty(&object).unwrap_or_default();
    // Export's output is JSON already: `--json` does not wrap it.
    reply.json = false;
    Ok(emit(&format!("{text}\n")))
}

/// An import is a trust boundary: new Auxiliary Parameters that load modules, include
/// files, run commands or carry credentials are shown and refused unless `trust` says so.
pub fn trusted_options(
    wanted: &Settings,
    current: &Settings,
    trust: bool,
    reply: &mut Reply,
) -> Result<(), Status> {
    let options = &wanted.auxiliary_parameters;
    let risky = directives::risky_lines(options);
    if risky.is_empty() || *options == current.auxiliary_parameters {
        return Ok(());
    }
    let lines: Vec<&str> = options.lines().collect();
    for (n, why) in &risky {
        let text = lines.get(n - 1).copied().unwrap_or("");
        reply.note(&format!("options line {n}: {}  ({why})", visible::line(text.trim())));
    }
    if trust {
        reply.note("importing the lines above, as --trust-options says");
        return Ok(());
    }
    reply.error(
        "the options (Auxiliary Parameters) above reach beyond the FTP configuration; nothing \
         was imported. Check them, then import again with --trust-options",
    );
    Err(Status::Invalid)
}
