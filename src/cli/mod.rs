//! Command-line interface: the same settings as the screen, for scripts.

mod apply;
mod cert;
mod commands;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::paths::Paths;

/// Exit statuses, as documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok = 0,
    /// The settings (or the input given) are invalid; nothing was written.
    Invalid = 1,
    /// The command line itself is wrong (clap uses 2 as well).
    Usage = 2,
    /// Refused before anything changed (lock held, port in use, certificate mismatch…).
    Refused = 3,
    /// Failed after a change and was rolled back: the previous configuration serves.
    RolledBack = 4,
    /// Failed and could not be rolled back: needs attention now.
    Broken = 5,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status as u8)
    }
}

const AFTER_HELP: &str = "\
KEYS name a setting as `section.key` (general.port), a bare key when unique (port), or the
TrueNAS API name (port, clients, ipconnections, filemask, tls_policy, localuserbw, ...).
`ftpconf show` lists them all. Under TrueNAS names, filemask/dirmask are umasks (\"077\");
under ours, file_permissions/directory_permissions are permissions (\"700\").
Bandwidth takes 500 (KiB/s), 500K, 500M, 1.5 GiB, 2 TB ...; 0 means unlimited.

EXIT STATUS: 0 ok, 1 invalid settings (nothing written), 2 usage error,
3 refused before anything changed, 4 failed and rolled back, 5 failed, not rolled back.";

/// `ftpconf apply --help` and the ftpconf-apply(1) man page: the production path.
const APPLY_AFTER_HELP: &str = "\
UNDER SYSTEMD (root /, proftpd.service running): the reload is `systemctl reload proftpd`
and --start is `systemctl start proftpd` (the enabled state is left alone). Afterwards
ftpconf checks that proftpd greets on every address family the configuration listens on
(127.0.0.1 and ::1 for all addresses, or the one address it binds); on failure the
previous files go back and proftpd is reloaded (or restarted) through systemd again.

HAND-WRITTEN CONFIGURATION: a proftpd.conf that is neither ftpconf's last rendering nor
Debian's unmodified shipped file is refused (exit 3) until you pass --replace-foreign;
a copy is kept in /var/lib/ftpconf/replaced-foreign/ and in the backup.

RELOAD GUARD: the Debian package adds a drop-in for proftpd.service
(/usr/lib/systemd/system/proftpd.service.d/ftpconf-reload-guard.conf) so that any
`systemctl reload proftpd` first runs `proftpd --configtest` on the live file and refuses
the reload when it fails: the running proftpd keeps serving its old configuration.";

/// Configure the FTP service (proftpd) of this NAS.
///
/// Without a command, opens the full-screen editor.
#[derive(Debug, Parser)]
#[command(name = "ftpconf", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// Settings file [default: ROOT/etc/ftpconf/ftpconf.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Put every file ftpconf writes or points proftpd at under DIR (a sandbox)
    #[arg(long, global = true, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// Screen size to use when the terminal reports none (serial consoles), e.g. 80x24
    #[arg(long, value_name = "COLSxROWS", value_parser = parse_size)]
    pub size: Option<(u16, u16)>,

    /// Draw borders with ASCII characters only
    #[arg(long)]
    pub ascii: bool,

    /// Enable mouse support in the editor
    #[arg(long)]
    pub mouse: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every setting with its current value
    Show {
        /// As JSON, grouped by section
        #[arg(long)]
        json: bool,
    },
    /// Print one setting's value
    Get {
        /// Setting name (general.port, port, filemask, ...)
        key: String,
    },
    /// Change settings; nothing is written unless the result is valid
    Set {
        /// KEY=VALUE pairs
        #[arg(required = true, value_name = "KEY=VALUE")]
        assignments: Vec<String>,
    },
    /// Check the settings; prints each problem as `KEY: message` (TrueNAS key names)
    Validate,
    /// Print the proftpd.conf the settings produce
    Render,
    /// Read settings from TrueNAS's ftp.config JSON (FILE or - for stdin)
    Import {
        /// The JSON file, or - for standard input
        #[arg(long, value_name = "FILE")]
        truenas: PathBuf,
    },
    /// Print the settings as TrueNAS's ftp.config JSON
    Export {
        /// TrueNAS's ftp.config shape (the only format so far)
        #[arg(long, required = true)]
        truenas: bool,
    },
    /// Manage TLS certificates (list, show, create, import, delete)
    Cert {
        #[command(subcommand)]
        action: cert::CertCommand,
    },
    /// Put the settings into service: check, back up, install, reload, verify (undone on failure)
    #[command(after_long_help = APPLY_AFTER_HELP)]
    Apply {
        /// Start proftpd when it is not running
        #[arg(long)]
        start: bool,
        /// Replace a proftpd.conf that ftpconf did not write (a copy is kept)
        #[arg(long)]
        replace_foreign: bool,
        /// Keep the change only if confirmed (Enter or y on stdin) within SECONDS
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
        confirm: Option<u64>,
    },
    /// List the backups of earlier configurations, newest first
    Backups,
    /// Put a backup back (default: the newest), settings file included
    Rollback {
        /// Backup ID from `ftpconf backups`
        id: Option<String>,
        /// Start proftpd when it is not running
        #[arg(long)]
        start: bool,
        /// Replace a proftpd.conf that ftpconf did not write (a copy is kept)
        #[arg(long)]
        replace_foreign: bool,
    },
    /// Try ftpconf on a private proftpd on 127.0.0.1 under a temporary root (or --root DIR)
    Demo {
        /// Install proftpd with apt-get first when it is missing
        #[arg(long)]
        install: bool,
    },
}

fn parse_size(text: &str) -> Result<(u16, u16), String> {
    let (cols, rows) = text.split_once(['x', 'X']).ok_or("expected COLSxROWS, e.g. 80x24")?;
    let cols: u16 = cols.trim().parse().map_err(|_| "columns must be a number")?;
    let rows: u16 = rows.trim().parse().map_err(|_| "rows must be a number")?;
    if cols < 20 || rows < 5 {
        return Err("the screen must be at least 20x5".into());
    }
    Ok((cols, rows))
}

impl Cli {
    pub fn paths(&self) -> Paths {
        Paths::new(&self.root)
    }

    pub fn settings_file(&self) -> PathBuf {
        self.config.clone().unwrap_or_else(|| self.paths().settings_file())
    }
}

/// Opens the full-screen editor on the settings file `settings_file`, with every other
/// file under `paths`. `ftpconf` without a command and `ftpconf demo` both land here.
pub fn open_editor(cli: &Cli, paths: &Paths, settings_file: &std::path::Path) -> Status {
    crate::tui::run(cli, paths, settings_file)
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    commands::run(&cli).into()
}
