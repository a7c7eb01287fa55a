//! Command-line interface: the same settings as the screen, for scripts.

pub mod apply;
mod automation;
mod cert;
mod commands;
mod confirm;
mod demo;
mod desired;
mod doctor;
mod json;
mod service;

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
    /// Something needs a person: a check found a problem (`check`, `check-login`), or the
    /// service does (`status`, `kick`: failed, configuration changed by hand).
    Attention = 6,
    /// An interrupted apply left something ftpconf cannot finish or undo by itself (its
    /// journal names a backup that is gone): the message names the one command to run.
    Interrupted = 7,
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
3 refused before anything changed, 4 failed and rolled back, 5 failed, not rolled back,
7 an interrupted apply needs attention (the message names the command that fixes it).
`ftpconf status`: 0 serving, 3 stopped, 6 needs attention (failed, configuration changed by hand);
`check`, `check-login`: 6 a check found a problem.";

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

    /// With --root: the sandbox's proftpd listens on ADDR instead of 127.0.0.1
    #[arg(long, global = true, value_name = "ADDR")]
    pub listen: Option<std::net::IpAddr>,

    /// Screen size to use when the terminal reports none (serial consoles), e.g. 80x24
    #[arg(long, value_name = "COLSxROWS", value_parser = parse_size)]
    pub size: Option<(u16, u16)>,

    /// Draw borders with ASCII characters only
    #[arg(long)]
    pub ascii: bool,

    /// Enable mouse support in the editor
    #[arg(long)]
    pub mouse: bool,

    /// One JSON object on stdout (schema in docs/automation.md), no human text there
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every setting with its current value
    Show,
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
        /// Also print the unified diff of the settings file and of proftpd.conf
        #[arg(long)]
        diff: bool,
    },
    /// Check the settings; prints each problem as `KEY: message` (TrueNAS key names)
    Validate,
    /// Print the proftpd.conf the settings produce
    Render,
    /// Read settings from a settings file (TOML, whole or partial) or TrueNAS's JSON
    Import(desired::ImportArgs),
    /// Print the settings as TrueNAS's ftp.config JSON (or what ftp.update accepts)
    Export(desired::ExportArgs),
    /// Manage TLS certificates (list, show, create, import, delete)
    Cert {
        #[command(subcommand)]
        action: cert::CertCommand,
    },
    /// Put the settings into service: check, back up, install, reload, verify (undone on failure)
    #[command(after_long_help = APPLY_AFTER_HELP)]
    Apply(automation::ApplyArgs),
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
    /// Show the FTP service: running, start at boot, configuration drift, sessions, backups
    Status,
    /// Start, stop, restart proftpd or make it start at boot (enable/disable)
    Service {
        #[arg(value_enum)]
        action: service::ServiceAction,
        /// Stop or restart even though sessions are connected (they are cut)
        #[arg(long)]
        yes: bool,
    },
    /// List connected FTP sessions (user, client, what they do, transfer progress)
    Sessions,
    /// End FTP sessions: one by PID, or all of a user or a client address
    #[command(group = clap::ArgGroup::new("target").required(true).args(["pid", "user", "address"]))]
    Kick {
        /// Session PID (from `ftpconf sessions`)
        pid: Option<u32>,
        /// Every session logged in as NAME
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Every session from client address ADDR
        #[arg(long, value_name = "ADDR")]
        address: Option<String>,
        /// Seconds a session gets to end after SIGTERM before SIGKILL
        #[arg(long, value_name = "SECONDS", default_value_t = 3)]
        grace: u64,
    },
    /// Keep the configuration an `apply --confirm` (or the editor's `c`) waits on
    Confirm,
    /// Put back the configuration an `apply --confirm` (or the editor's `c`) waits on, now
    Revert,
    /// Internal: reverts a pending confirmation at its deadline (started by apply)
    #[command(name = "__watchdog", hide = true)]
    Watchdog { backup: String },
    /// Finish or undo an apply that was interrupted (every apply also does this first)
    Recover {
        /// Forget the journal of an interrupted apply whose backup is gone, keeping the
        /// live files as they are
        #[arg(long)]
        discard_journal: bool,
    },
    /// Act as an FTP client against the service and report each step (exit 6 when one fails)
    Check(doctor::CheckArgs),
    /// Whether an account (or `anonymous`) can log in with these settings, and why not
    CheckLogin {
        /// A local user name, or `anonymous`
        name: String,
    },
    /// proftpd's system and TLS log, with explanations of known failures, and passive
    /// offers no client took (NAT, firewalls) from the data-connection log
    Log(doctor::LogArgs),
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

impl Command {
    /// The command's name, as `command` in JSON replies.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Show => "show",
            Command::Get { .. } => "get",
            Command::Set { .. } => "set",
            Command::Validate => "validate",
            Command::Render => "render",
            Command::Import(_) => "import",
            Command::Export(_) => "export",
            Command::Cert { .. } => "cert",
            Command::Apply(_) => "apply",
            Command::Backups => "backups",
            Command::Rollback { .. } => "rollback",
            Command::Demo { .. } => "demo",
            Command::Status => "status",
            Command::Service { .. } => "service",
            Command::Sessions => "sessions",
            Command::Kick { .. } => "kick",
            Command::Confirm => "confirm",
            Command::Revert => "revert",
            Command::Watchdog { .. } => "__watchdog",
            Command::Recover { .. } => "recover",
            Command::Check(_) => "check",
            Command::CheckLogin { .. } => "check-login",
            Command::Log(_) => "log",
        }
    }
}

impl Cli {
    pub fn paths(&self) -> Paths {
        Paths::new(&self.root).listening_on(self.listen).with_settings_file(self.config.clone())
    }

    pub fn settings_file(&self) -> PathBuf {
        self.paths().settings_file()
    }
}

/// Opens the full-screen editor on the settings file `settings_file`, with every other
/// file under `paths`. `ftpconf` without a command and `ftpconf demo` both land here.
pub fn open_editor(cli: &Cli, paths: &Paths, settings_file: &std::path::Path) -> Status {
    crate::editor::open(cli, paths, settings_file)
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Err(message) = cli.check_and_resolve() {
        eprintln!("ftpconf: {message}");
        return Status::Usage.into();
    }
    commands::run(&cli).into()
}

impl Cli {
    /// Refuses a `--root`, `--config` or host name that could break a line of
    /// proftpd.conf, and resolves `--root` and `--config` (links, `..`) so that "sandbox
    /// or real system" is decided on where they really lead.
    fn check_and_resolve(&mut self) -> Result<(), String> {
        for (option, path) in [("--root", Some(&self.root)), ("--config", self.config.as_ref())] {
            let Some(path) = path else { continue };
            let text = path.to_string_lossy();
            if let Some(c) = text.chars().find(|&c| crate::paths::breaks_lines(c)) {
                return Err(format!(
                    "{option} {}: contains the control character {}; use a path without \
                     control characters (newline, carriage return, escape, ...)",
                    crate::visible::line(&text),
                    crate::visible::line(&c.to_string())
                ));
            }
        }
        let renders = matches!(
            self.command,
            None | Some(Command::Render | Command::Apply { .. } | Command::Demo { .. })
        );
        let host = crate::proftpd::render::hostname();
        if renders && let Some(c) = host.chars().find(|&c| crate::paths::breaks_lines(c)) {
            return Err(format!(
                "this machine's host name {} contains the control character {}, which \
                 cannot go into proftpd.conf (ServerName); set a plain host name \
                 (`hostnamectl set-hostname NAME`) and try again",
                crate::visible::line(&host),
                crate::visible::line(&c.to_string())
            ));
        }
        let resolve = |option: &str, path: &std::path::Path| {
            crate::paths::resolve(path)
                .map_err(|e| format!("{option} {}: cannot be resolved: {e}", path.display()))
        };
        self.root = resolve("--root", &self.root)?;
        // Only the directory part: a linked settings file stays the link the admin named.
        if let Some(config) = &self.config {
            let name = config.file_name().ok_or_else(|| {
                format!("--config {}: names a directory, not a file", config.display())
            })?;
            let dir = config.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = resolve("--config", dir.unwrap_or(std::path::Path::new(".")))?;
            self.config = Some(dir.join(name));
        }
        Ok(())
    }
}
