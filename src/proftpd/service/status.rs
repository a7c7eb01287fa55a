//! Everything `ftpconf status` reports, gathered without changing anything.

use std::os::unix::fs::MetadataExt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::drift::{self, ConfigState, ConfigVerdict};
use super::systemd::{self, Unit};
use super::{control, log, pending, process, scoreboard, sessions};
use crate::paths::Paths;
use crate::proftpd::apply::{self, ConfigFacts};
use crate::proftpd::status::{self, State};

/// The service as a whole. Serialized as the documented `ftpconf status --json` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStatus {
    pub state: RunState,
    /// The master process, when running.
    pub pid: Option<u32>,
    /// When the master started (seconds since the epoch).
    pub started: Option<i64>,
    pub uptime_seconds: Option<u64>,
    /// Why it is not running (failed: systemd's result or the log's last error).
    pub reason: Option<String>,
    /// "systemd" when systemd manages proftpd.service here, else "none".
    pub manager: &'static str,
    pub start_at_boot: Boot,
    pub configuration: Configuration,
    /// "ADDRESS:PORT" it listens on (from its sockets when running, else the configuration).
    pub listening: Vec<String>,
    pub listening_from: &'static str,
    /// Connected sessions (`None` when the scoreboard cannot be read).
    pub sessions: Option<usize>,
    pub pending_confirmation: Option<pending::PendingConfirmation>,
    pub newest_backup: Option<BackupInfo>,
    /// Anything that needs a person (each also makes `health` Attention).
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Running,
    Stopped,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Boot {
    /// systemd's UnitFileState ("enabled", "disabled", "masked", ...) or "unknown".
    pub state: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Configuration {
    #[serde(flatten)]
    pub drift: ConfigState,
    /// proftpd.conf changed after the running proftpd last read it (not reloaded yet).
    pub reload_pending: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub id: String,
    pub created: u64,
    pub reason: String,
}

/// What the status means for a script: `ftpconf status` exits 0, 3 or 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Serving,
    Stopped,
    Attention,
}

impl ServiceStatus {
    pub fn health(&self) -> Health {
        if self.state == RunState::Failed || !self.problems.is_empty() {
            Health::Attention
        } else if self.state == RunState::Running {
            Health::Serving
        } else {
            Health::Stopped
        }
    }
}

/// The few facts a title line shows, without the costlier checks of [`status()`] (no
/// systemctl, no rendering, no socket tables): a PidFile check and the scoreboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    /// The master's pid when proftpd runs.
    pub running: Option<u32>,
    /// Connected sessions (`None` when they cannot be read).
    pub sessions: Option<usize>,
    pub pending_confirmation: Option<pending::PendingConfirmation>,
}

pub fn brief(paths: &Paths) -> Brief {
    let running = match status::state(paths) {
        State::Running { pid } => Some(pid),
        _ => None,
    };
    Brief {
        running,
        sessions: sessions::sessions(paths).ok().map(|l| l.len()),
        pending_confirmation: pending::read(paths),
    }
}

/// Gathers the status of the proftpd that uses `paths`' configuration.
pub fn status(paths: &Paths) -> ServiceStatus {
    let mut problems = Vec::new();
    let unit = systemd::unit(paths).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let local = status::state(paths);
    let (state, pid, reason) = run_state(paths, unit.as_ref(), &local);
    if let Some(reason) = reason.as_ref().filter(|_| state == RunState::Failed) {
        problems.push(format!("proftpd failed: {reason}"));
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let started = pid.and_then(|pid| {
        let config = std::fs::read_to_string(paths.proftpd_conf()).unwrap_or_default();
        let board = scoreboard::read(&sessions::scoreboard_file(paths, &config)).ok()?;
        (board.master_pid == pid).then_some(board.started)
    });
    let drift = drift::check(paths);
    if drift.state == ConfigVerdict::Changed {
        problems.push(drift.detail.clone());
    }
    let sessions = match sessions::sessions(paths) {
        Ok(list) => Some(list.len()),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let (listening, listening_from) = listening(paths, pid);
    ServiceStatus {
        state,
        pid,
        started,
        uptime_seconds: started.map(|s| (now - s).max(0) as u64),
        reason,
        manager: if unit.is_some() { "systemd" } else { "none" },
        start_at_boot: boot(paths, unit.as_ref()),
        configuration: Configuration {
            drift,
            reload_pending: pid.and_then(|_| drift::changed_since_read(paths)),
        },
        listening,
        listening_from,
        sessions,
        pending_confirmation: pending::read(paths),
        newest_backup: apply::find_backup(paths, None).ok().map(|b| BackupInfo {
            id: b.manifest.id,
            created: b.manifest.created,
            reason: b.manifest.reason,
        }),
        problems,
    }
}

fn run_state(
    paths: &Paths,
    unit: Option<&Unit>,
    local: &State,
) -> (RunState, Option<u32>, Option<String>) {
    if let Some(unit) = unit {
        return match (unit.active.as_str(), local) {
            ("failed", _) => (RunState::Failed, None, Some(systemd_reason(unit))),
            (_, State::Running { pid }) => (RunState::Running, Some(*pid), None),
            ("active" | "activating" | "reloading", _) => {
                (RunState::Running, (unit.main_pid > 0).then_some(unit.main_pid), None)
            }
            (active, _) => {
                (RunState::Stopped, None, Some(format!("systemd: {active} ({})", unit.sub)))
            }
        };
    }
    match local {
        State::Running { pid } => (RunState::Running, Some(*pid), None),
        State::NotOurs { pid, why } => {
            let why = format!("the PidFile names pid {pid}, which is not this proftpd: {why}");
            (RunState::Failed, None, Some(why))
        }
        // A master that exited but was not reaped yet (its parent is init) is a zombie.
        State::Stale { pid } if process::parent_and_state(*pid).is_none_or(|(_, s)| s != 'Z') => {
            let why = format!("the PidFile names pid {pid}, which is not proftpd");
            (RunState::Failed, None, Some(with_cause(paths, why)))
        }
        State::Stale { .. } => {
            let why = "proftpd exited without removing its PidFile".to_owned();
            (RunState::Failed, None, Some(with_cause(paths, why)))
        }
        State::Stopped if paths.pid_file().exists() => {
            // A daemon that stops cleanly removes its PidFile.
            let why = "proftpd exited without removing its PidFile (killed, crashed, or a \
                       reload with a configuration it could not use)";
            (RunState::Failed, None, Some(with_cause(paths, why.into())))
        }
        State::Stopped => (RunState::Stopped, None, None),
    }
}

/// Adds the likely cause: the configuration test's complaint when the live configuration
/// fails it (a reload with a bad configuration ends proftpd without a word in its
/// SystemLog), else the log's last error.
fn with_cause(paths: &Paths, why: String) -> String {
    match control::config_test(paths) {
        Err(e) if e.refused => format!("{why}; {}", e.message),
        _ => with_log(why, log::last_problem(&paths.system_log())),
    }
}

fn with_log(why: String, log_line: Option<String>) -> String {
    match log_line {
        Some(line) => format!("{why}; its log says: {line}"),
        None => why,
    }
}

fn systemd_reason(unit: &Unit) -> String {
    // ExecMainStatus stays 0 when a step before the main process (the configuration
    // test in ExecStartPre) is what failed: only a real status says anything.
    let status = unit
        .exit_status
        .filter(|s| *s != 0)
        .map(|s| format!(", exit status {s}"))
        .unwrap_or_default();
    let why = format!("systemd reports {} (result {}{status})", unit.active, unit.result);
    let journal = systemd::journal_tail(5);
    let line =
        journal.iter().rev().find(|l| l.contains("fatal") || l.contains("rror")).or(journal.last());
    with_log(why, line.map(|l| crate::visible::line(l).into_owned()))
}

fn boot(paths: &Paths, unit: Option<&Unit>) -> Boot {
    match unit {
        Some(unit) => Boot {
            state: unit.enabled.clone(),
            detail: format!("systemd: {} is {}", systemd::UNIT, unit.enabled),
        },
        None if systemd::runs_here(paths) => {
            Boot { state: "unknown".into(), detail: format!("systemd knows no {}", systemd::UNIT) }
        }
        None => Boot {
            state: "unknown".into(),
            detail: "not managed by systemd: systemd does not run here, or --root is a sandbox"
                .into(),
        },
    }
}

fn listening(paths: &Paths, pid: Option<u32>) -> (Vec<String>, &'static str) {
    if let Some(pid) = pid {
        let sockets = process::listening_sockets(pid);
        if !sockets.is_empty() {
            return (sockets.iter().map(|a| a.to_string()).collect(), "sockets");
        }
    }
    let Ok(text) = std::fs::read_to_string(paths.proftpd_conf()) else {
        return (Vec::new(), "none");
    };
    let facts = ConfigFacts::read(&text);
    let port = facts.port.unwrap_or(21);
    let address = facts.bind_only.unwrap_or_else(|| "*".into());
    (vec![format!("{address}:{port}")], "configuration")
}

/// Seconds since the epoch of a file's last change.
pub(super) fn modified(path: &std::path::Path) -> Option<i64> {
    std::fs::metadata(path).ok().map(|m| m.mtime())
}
