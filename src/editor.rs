//! Wires the full-screen editor into the command line: the CLI's options become
//! [`tui::Options`], the editor's errors become exit statuses. The CLI and the editor
//! never import each other; this module (and the demo) sit above both.

use std::path::Path;

use crate::cli::{Cli, Status};
use crate::paths::Paths;
use crate::tui;

/// Opens the editor on `settings_file`, every other file under `paths`.
pub fn open(cli: &Cli, paths: &Paths, settings_file: &Path) -> Status {
    match tui::run(&options(cli), paths, settings_file) {
        Ok(()) => Status::Ok,
        Err(e) => report(e, settings_file),
    }
}

/// The editor's options from the command line's.
pub fn options(cli: &Cli) -> tui::Options {
    tui::Options { ascii: cli.ascii, mouse: cli.mouse, size: cli.size }
}

/// Says why the editor stopped, and the exit status for it.
pub fn report(error: tui::Error, settings_file: &Path) -> Status {
    match error {
        tui::Error::Load(problems) => {
            problems.iter().for_each(|p| eprintln!("ftpconf: {p}"));
            eprintln!("ftpconf: fix the settings file first (`ftpconf validate` explains)");
            Status::Invalid
        }
        tui::Error::Unreadable(why) => {
            eprintln!("ftpconf: {}: {why}", settings_file.display());
            Status::Invalid
        }
        e @ tui::Error::NotATerminal => {
            eprintln!("ftpconf: {e}");
            Status::Usage
        }
        e => {
            eprintln!("ftpconf: {e}");
            Status::Refused
        }
    }
}
