//! Starting, stopping, restarting proftpd and making it start at boot: through systemd
//! when it manages proftpd.service here, otherwise by the PidFile (a `--root` sandbox,
//! a machine without systemd).

use std::process::Command;
use std::time::{Duration, Instant};

use rustix::process::{Pid, PidfdFlags, Signal, pidfd_open, pidfd_send_signal};

use super::{pending, process, systemd};
use crate::paths::Paths;
use crate::proftpd::apply::{self, ConfigFacts};
use crate::proftpd::child;
use crate::proftpd::status::{self, State};
use crate::visible;

/// How long a stopping master may take (it ends its sessions first).
pub const STOP_LIMIT: Duration = Duration::from_secs(10);
/// How long a started master may take to listen.
pub const START_LIMIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
    Enable,
    Disable,
}

impl Action {
    /// Whether the action ends connected sessions (ask first).
    pub fn cuts_sessions(self) -> bool {
        matches!(self, Action::Stop | Action::Restart)
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Enable => "enable",
            Action::Disable => "disable",
        }
    }
}

/// Why an action did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    /// Refused before anything changed (configuration test failed, no service manager).
    pub refused: bool,
    pub message: String,
}

fn refused(message: String) -> ControlError {
    ControlError { refused: true, message }
}

fn failed(message: String) -> ControlError {
    ControlError { refused: false, message }
}

/// Performs `action`; Ok: what was done, for people.
pub fn perform(paths: &Paths, action: Action) -> Result<String, ControlError> {
    let managed = systemd::unit(paths).map_err(refused)?.is_some();
    // Never start or stop proftpd in the middle of an apply (or under a pending
    // confirmation, whose revert expects the proftpd it left).
    let _lock = match action {
        Action::Start | Action::Stop | Action::Restart => Some(lock(paths)?),
        Action::Enable | Action::Disable => None,
    };
    if matches!(action, Action::Start | Action::Restart) {
        config_test(paths).map_err(|e| refused(format!("{}; nothing was changed", e.message)))?;
    }
    match (action, managed) {
        (Action::Enable | Action::Disable, false) => Err(refused(format!(
            "there is no service manager here: systemd {}, so nothing can make proftpd start at \
             boot; start it with `ftpconf service start`",
            if systemd::runs_here(paths) {
                "knows no proftpd.service"
            } else {
                "does not run on this machine (or --root is a sandbox)"
            }
        ))),
        (_, true) => systemd::action(action.name()).map_err(failed),
        (Action::Start, false) => start(paths),
        (Action::Stop, false) => stop(paths),
        (_, false) => {
            let stopped = stop(paths)?;
            let started = start(paths)?;
            Ok(format!("{stopped}; {started}"))
        }
    }
}

fn lock(paths: &Paths) -> Result<apply::Lock, ControlError> {
    // A confirmation waits without holding the lock; its watchdog must find proftpd as
    // the apply left it.
    apply::none_waiting(paths).map_err(refused)?;
    apply::Lock::acquire(paths).map_err(|e| match (pending::read(paths), e) {
        (Some(p), apply::LockError::InUse { .. }) => refused(format!(
            "an `apply --confirm` is waiting for its confirmation (backup {} comes back unless \
             confirmed); confirm it or let it revert first",
            p.backup
        )),
        (_, e) => refused(e.to_string()),
    })
}

/// `proftpd -t` on the live configuration.
pub fn config_test(paths: &Paths) -> Result<(), ControlError> {
    let binary =
        apply::proftpd_binary().ok_or_else(|| refused("proftpd is not installed".into()))?;
    let conf = paths.proftpd_conf();
    let done = child::run(
        Command::new(&binary).arg("-t").arg("-c").arg(&conf),
        child::DEFAULT_LIMIT,
        None,
    )
    .map_err(|e| refused(format!("proftpd -t {e}")))?;
    if done.status.success() {
        return Ok(());
    }
    let lines: Vec<String> =
        done.stderr.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect();
    let why = apply::explain_config_error(&lines, None);
    Err(refused(format!(
        "{} does not pass proftpd's configuration test: {}",
        conf.display(),
        crate::visible::line(&why)
    )))
}

fn start(paths: &Paths) -> Result<String, ControlError> {
    if let State::Running { pid } = status::state(paths) {
        return Ok(format!("proftpd is already running (pid {pid})"));
    }
    let binary =
        apply::proftpd_binary().ok_or_else(|| refused("proftpd is not installed".into()))?;
    crate::proftpd::ensure_runtime_dirs(paths)
        .map_err(|e| refused(format!("cannot create proftpd's directories: {e}")))?;
    let mark = apply::LogMark::now(&paths.system_log());
    // Daemon mode: the parent returns once the daemon forked (it closes our pipes).
    let done = child::run(
        Command::new(&binary).arg("-c").arg(paths.proftpd_conf()),
        child::DEFAULT_LIMIT,
        None,
    )
    .map_err(|e| failed(format!("proftpd {e}")))?;
    if !done.status.success() {
        return Err(failed(format!(
            "proftpd did not start ({}): {}",
            done.status,
            done.stderr.trim()
        )));
    }
    let port = std::fs::read_to_string(paths.proftpd_conf())
        .map(|t| ConfigFacts::read(&t).port.unwrap_or(21))
        .unwrap_or(21);
    let deadline = Instant::now() + START_LIMIT;
    loop {
        if let State::Running { pid } = status::state(paths) {
            let sockets = process::listening_sockets(pid);
            if sockets.iter().any(|a| a.port() == port) {
                let shown: Vec<String> = sockets.iter().map(|a| a.to_string()).collect();
                return Ok(format!(
                    "started proftpd (pid {pid}), listening on {}",
                    shown.join(", ")
                ));
            }
        }
        if Instant::now() >= deadline {
            let said = mark.new_lines();
            let tail: Vec<_> = said.iter().rev().take(3).rev().map(|l| visible::line(l)).collect();
            let tail = tail.join(" / ");
            return Err(failed(format!(
                "proftpd did not listen on port {port} within {} s; its log says: {tail}",
                START_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stop(paths: &Paths) -> Result<String, ControlError> {
    let pid = match status::state(paths) {
        State::Running { pid } => pid,
        State::Stopped => return Ok("proftpd was not running".into()),
        State::Stale { pid } => {
            return Ok(format!(
                "proftpd was not running (the PidFile names pid {pid}, not proftpd; nothing was signalled)"
            ));
        }
        State::NotOurs { pid, why } => {
            return Err(refused(format!(
                "nothing was signalled: pid {pid} is not this proftpd ({why})"
            )));
        }
    };
    let target = Pid::from_raw(pid as i32).ok_or_else(|| failed(format!("invalid pid {pid}")))?;
    // The pidfd pins the process: the check below and the signal concern the same one.
    let fd =
        pidfd_open(target, PidfdFlags::empty()).map_err(|e| failed(format!("pid {pid}: {e}")))?;
    if !status::is_proftpd(pid) {
        return Ok(format!("proftpd (pid {pid}) exited meanwhile"));
    }
    pidfd_send_signal(&fd, Signal::TERM).map_err(|e| {
        refused(format!("cannot signal proftpd (pid {pid}): {e}; run ftpconf as root"))
    })?;
    let deadline = Instant::now() + STOP_LIMIT;
    while status::is_proftpd(pid) {
        if Instant::now() >= deadline {
            return Err(failed(format!(
                "proftpd (pid {pid}) did not stop within {} s",
                STOP_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(format!("stopped proftpd (pid {pid})"))
}
