//! systemd's view of proftpd.service, when systemd runs this machine and ftpconf works on
//! the real root (a `--root` sandbox is never handed to systemd).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::paths::Paths;
use crate::proftpd::child;

pub const UNIT: &str = "proftpd.service";

/// How long systemctl may take for start/stop/restart (systemd's own unit timeouts are
/// longer, but an admin at a console should not wait minutes without an answer).
pub const ACTION_LIMIT: Duration = Duration::from_secs(30);

/// What `systemctl show proftpd.service` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    /// "active", "inactive", "failed", "activating", ...
    pub active: String,
    pub sub: String,
    /// "success", "exit-code", "timeout", ...
    pub result: String,
    /// "enabled", "disabled", "masked", "static", ...
    pub enabled: String,
    pub main_pid: u32,
    pub exit_status: Option<i32>,
}

/// Whether systemd manages services here (real root, systemd is pid 1).
pub fn runs_here(paths: &Paths) -> bool {
    paths.root() == Path::new("/") && Path::new("/run/systemd/system").exists()
}

/// proftpd.service as systemd sees it; `Ok(None)` when systemd does not run here or
/// knows no such unit.
pub fn unit(paths: &Paths) -> Result<Option<Unit>, String> {
    if !runs_here(paths) {
        return Ok(None);
    }
    let properties = "LoadState,ActiveState,SubState,Result,UnitFileState,MainPID,ExecMainStatus";
    let out = systemctl(&["show", UNIT, "--property", properties], child::DEFAULT_LIMIT)?;
    let mut unit = Unit::default();
    let mut loaded = false;
    for line in out.lines() {
        let Some((key, value)) = line.split_once('=') else { continue };
        let value = value.trim().to_owned();
        match key {
            "LoadState" => loaded = value != "not-found",
            "ActiveState" => unit.active = value,
            "SubState" => unit.sub = value,
            "Result" => unit.result = value,
            "UnitFileState" => unit.enabled = value,
            "MainPID" => unit.main_pid = value.parse().unwrap_or(0),
            "ExecMainStatus" => unit.exit_status = value.parse().ok(),
            _ => {}
        }
    }
    Ok(loaded.then_some(unit))
}

/// The last lines systemd's journal holds for the unit (why it failed).
pub fn journal_tail(lines: usize) -> Vec<String> {
    let limit = Duration::from_secs(5);
    let mut command = Command::new("journalctl");
    command.args(["--no-pager", "--output", "cat", "--lines", &lines.to_string(), "--unit", UNIT]);
    match child::run(&mut command, limit, None) {
        Ok(done) if done.status.success() => done.stdout.lines().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// `systemctl VERB proftpd.service`; Ok: what was done.
pub fn action(verb: &str) -> Result<String, String> {
    systemctl(&[verb, UNIT], ACTION_LIMIT).map(|_| format!("systemctl {verb} {UNIT}"))
}

fn systemctl(args: &[&str], limit: Duration) -> Result<String, String> {
    let shown = format!("systemctl {}", args.join(" "));
    let done = child::run(Command::new("systemctl").args(args), limit, None)
        .map_err(|e| format!("{shown} {e}"))?;
    if done.status.success() {
        Ok(done.stdout)
    } else {
        Err(format!("{shown} failed ({}): {}", done.status, done.stderr.trim()))
    }
}
