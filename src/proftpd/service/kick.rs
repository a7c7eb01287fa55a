//! Ending sessions. Only a process that is, at the moment it is signalled, a session
//! child of the verified proftpd master (its parent is the master, it runs the same
//! program, the scoreboard lists it) is ever signalled. A pidfd is opened before the
//! checks, so the pid cannot be reused by another process between check and signal.

use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use rustix::process::{Pid, PidfdFlags, Signal, pidfd_open, pidfd_send_signal};
use serde::Serialize;

use super::process;
use super::sessions::{Session, sessions};
use crate::paths::Paths;
use crate::proftpd::status::{self, State};

/// How long a session gets to end after SIGTERM before SIGKILL.
pub const GRACE: Duration = Duration::from_secs(3);

/// Which sessions to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Pid(u32),
    /// Every session logged in as this user ("anonymous": every anonymous session).
    User(String),
    /// Every session from this client address.
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KickResult {
    pub pid: u32,
    pub user: Option<String>,
    pub client_address: Option<String>,
    pub outcome: KickOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "snake_case")]
pub enum KickOutcome {
    /// Ended after SIGTERM.
    Ended,
    /// Did not end within the grace period and was killed (SIGKILL).
    Killed,
    /// Not signalled: not a session of this proftpd.
    NotASession(String),
    /// Signalled, but it did not go away (or could not be signalled).
    Failed(String),
}

impl KickOutcome {
    pub fn ended(&self) -> bool {
        matches!(self, KickOutcome::Ended | KickOutcome::Killed)
    }
}

/// Ends the sessions `target` names; one result per session (empty: nothing matched).
/// `Err` when proftpd is not running or its sessions cannot be read.
pub fn kick(paths: &Paths, target: &Target, grace: Duration) -> Result<Vec<KickResult>, String> {
    let State::Running { pid: master } = status::state(paths) else {
        return Err(format!("{}: there are no sessions to end", status::state(paths).describe()));
    };
    let listed = sessions(paths)?;
    let chosen: Vec<&Session> = listed.iter().filter(|s| matches(s, target)).collect();
    if let (Target::Pid(pid), true) = (target, chosen.is_empty()) {
        let why = format!(
            "pid {pid} is not a session of proftpd (pid {master}); `ftpconf sessions` lists them"
        );
        return Ok(vec![result(*pid, None, KickOutcome::NotASession(why))]);
    }
    // Signal every chosen session first, then wait for them together.
    let mut signalled = Vec::new();
    let mut results = Vec::new();
    for s in chosen {
        match terminate(s.pid, master) {
            Ok(fd) => signalled.push((s, fd)),
            Err(outcome) => results.push(result(s.pid, Some(s), outcome)),
        }
    }
    let deadline = Instant::now() + grace;
    wait_until(deadline, || signalled.iter().all(|(s, _)| !process::is_session_of(s.pid, master)));
    let mut killed = Vec::new();
    for (s, fd) in &signalled {
        if !process::is_session_of(s.pid, master) {
            results.push(result(s.pid, Some(s), KickOutcome::Ended));
        } else if let Err(e) = pidfd_send_signal(fd, Signal::KILL) {
            results.push(result(
                s.pid,
                Some(s),
                KickOutcome::Failed(format!("SIGKILL failed: {e}")),
            ));
        } else {
            killed.push(*s);
        }
    }
    wait_until(Instant::now() + Duration::from_secs(2), || {
        killed.iter().all(|s| !process::is_session_of(s.pid, master))
    });
    for s in killed {
        let outcome = if process::is_session_of(s.pid, master) {
            KickOutcome::Failed("still running after SIGKILL".into())
        } else {
            KickOutcome::Killed
        };
        results.push(result(s.pid, Some(s), outcome));
    }
    results.sort_by_key(|r| r.pid);
    Ok(results)
}

fn matches(session: &Session, target: &Target) -> bool {
    match target {
        Target::Pid(pid) => session.pid == *pid,
        Target::User(name) => {
            session.user.as_deref() == Some(name.as_str())
                || (name == "anonymous" && session.anonymous)
        }
        Target::Address(address) => same_address(&session.client_address, address),
    }
}

/// Addresses compare as IPs when both parse ("::ffff:192.0.2.1" equals "192.0.2.1").
fn same_address(recorded: &str, wanted: &str) -> bool {
    let ip = |s: &str| s.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_canonical());
    match (ip(recorded), ip(wanted)) {
        (Some(a), Some(b)) => a == b,
        _ => recorded == wanted,
    }
}

/// Opens a pidfd on `pid`, checks it is a session of `master`, sends SIGTERM through it.
fn terminate(pid: u32, master: u32) -> Result<OwnedFd, KickOutcome> {
    let target = Pid::from_raw(pid as i32)
        .ok_or_else(|| KickOutcome::NotASession(format!("{pid} is not a process id")))?;
    let fd = pidfd_open(target, PidfdFlags::empty())
        .map_err(|e| KickOutcome::NotASession(format!("no process {pid}: {e}")))?;
    if !process::is_session_of(pid, master) {
        return Err(KickOutcome::NotASession(format!(
            "pid {pid} is no longer a session of proftpd (pid {master})"
        )));
    }
    pidfd_send_signal(&fd, Signal::TERM).map_err(|e| {
        KickOutcome::Failed(format!("cannot signal pid {pid}: {e}; run ftpconf as root"))
    })?;
    Ok(fd)
}

fn wait_until(deadline: Instant, mut done: impl FnMut() -> bool) {
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn result(pid: u32, session: Option<&Session>, outcome: KickOutcome) -> KickResult {
    KickResult {
        pid,
        user: session.and_then(|s| s.user.clone()),
        client_address: session.map(|s| s.client_address.clone()),
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_compare_as_ips() {
        assert!(same_address("::ffff:192.0.2.1", "192.0.2.1"));
        assert!(same_address("127.0.0.1", "127.0.0.1"));
        assert!(!same_address("127.0.0.1", "127.0.0.2"));
        assert!(same_address("host.example", "host.example"));
    }
}
