//! Reaching the running proftpd: systemd when it manages proftpd, otherwise the PidFile
//! (only ever signalling a pid that really is proftpd), and checking that it serves.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::paths::Paths;
use crate::proftpd::child;
use crate::proftpd::status::{self, State};

/// How long to wait for proftpd to answer after a reload or start. proftpd sleeps
/// ~0.4 s after a signal before it re-reads its configuration.
pub const VERIFY_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether systemd manages proftpd here: the real root (resolved, so `/tmp/..` counts),
/// systemd running, unit active.
pub fn systemd_manages(paths: &Paths) -> bool {
    paths.is_real_system()
        && Path::new("/run/systemd/system").exists()
        && child::run(
            Command::new("systemctl").args(["is-active", "--quiet", "proftpd"]),
            child::DEFAULT_LIMIT,
            None,
        )
        .is_ok_and(|done| done.status.success())
}

fn systemctl(verb: &str, limit: Duration) -> Result<String, String> {
    let out = child::run(Command::new("systemctl").args([verb, "proftpd"]), limit, None)
        .map_err(|e| format!("`systemctl {verb} proftpd` {e}"))?;
    if out.status.success() {
        Ok(format!("systemctl {verb} proftpd"))
    } else {
        Err(format!("systemctl {verb} proftpd failed: {}", out.stderr.trim()))
    }
}

/// How long after a reload verify waits when the reparse cannot be observed.
const UNOBSERVED_SETTLE: Duration = Duration::from_millis(800);

/// Something that changes each time proftpd re-reads its configuration: its
/// ControlsSocket is re-created at every (re)start (file identity and times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(Option<(u64, i64, i64, i64, i64)>);

/// The ControlsSocket path the renderer writes.
pub fn controls_socket(paths: &Paths) -> PathBuf {
    paths.controls_socket()
}

impl Generation {
    pub fn now(paths: &Paths) -> Generation {
        Generation(
            std::fs::metadata(controls_socket(paths))
                .ok()
                .map(|m| (m.ino(), m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec())),
        )
    }
}

/// Whether this process may signal `pid` (checked before anything changes, so an
/// unprivileged run is refused instead of failing half way).
pub fn may_signal(pid: u32) -> Result<(), String> {
    let target = Pid::from_raw(pid as i32).ok_or("invalid pid")?;
    rustix::process::test_kill_process(target)
        .map_err(|e| format!("cannot signal proftpd (pid {pid}): {e}; run ftpconf as root"))
}

/// Sends SIGHUP to the running proftpd (or `systemctl reload`, within `limit`).
/// Returns what was done.
pub fn reload(paths: &Paths, systemd: bool, limit: Duration) -> Result<String, String> {
    if systemd {
        return systemctl("reload", limit);
    }
    match status::state(paths) {
        State::Running { pid } => {
            let target = Pid::from_raw(pid as i32).ok_or("invalid pid")?;
            kill_process(target, Signal::HUP)
                .map_err(|e| format!("cannot signal proftpd (pid {pid}): {e}"))?;
            Ok(format!("SIGHUP to pid {pid}"))
        }
        other => Err(format!("{} (nothing was signalled)", other.describe())),
    }
}

/// Starts proftpd on `paths`' configuration: `systemctl start` under systemd (real root
/// only), else `proftpd -c CONF` in daemon mode. Daemon mode reports success even when
/// the port cannot be bound, so always [`verify`] afterwards.
/// `limit` bounds the starting command (the daemon itself detaches and closes its
/// standard streams, so the pipes end when it has started).
pub fn start(
    paths: &Paths,
    proftpd: &Path,
    restart: bool,
    limit: Duration,
) -> Result<String, String> {
    if paths.is_real_system() && Path::new("/run/systemd/system").exists() {
        return systemctl(if restart { "restart" } else { "start" }, limit);
    }
    let mut command = Command::new(proftpd);
    command.arg("-c").arg(paths.proftpd_conf());
    let out = child::run(&mut command, limit, None).map_err(|e| {
        format!("`{} -c {}` {e}", proftpd.display(), paths.proftpd_conf().display())
    })?;
    if out.status.success() {
        Ok("started (daemon mode)".to_owned())
    } else {
        Err(format!("proftpd did not start ({}): {}", out.status, out.stderr.trim()))
    }
}

/// Stops the proftpd named by the PidFile (SIGTERM) and waits up to 3 s for it to go.
pub fn stop(paths: &Paths) -> Result<String, String> {
    let State::Running { pid } = status::state(paths) else {
        return Ok("proftpd was not running".into());
    };
    let target = Pid::from_raw(pid as i32).ok_or("invalid pid")?;
    kill_process(target, Signal::TERM).map_err(|e| format!("cannot stop pid {pid}: {e}"))?;
    let deadline = Instant::now() + VERIFY_TIMEOUT;
    while Instant::now() < deadline {
        if !status::is_proftpd(pid) {
            return Ok(format!("stopped proftpd (pid {pid})"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("proftpd (pid {pid}) did not stop within 3 s"))
}

/// What [`verify`] waits for.
pub struct Expect {
    pub port: u16,
    /// The generation before a reload: wait until it changes (the reparse happened).
    pub reparsed_since: Option<Generation>,
    /// The pid that was signalled: it must still be the master afterwards.
    pub same_pid: Option<u32>,
}

/// Polls until proftpd has re-read its configuration (the ControlsSocket was re-created),
/// its master process holds the listening socket on the expected port, and a fresh
/// connection there is greeted with 220, the PidFile still naming that live proftpd.
pub fn verify(paths: &Paths, expect: &Expect, timeout: Duration) -> Result<String, String> {
    // The live file is the configuration being verified (new, or restored by undo).
    let live = std::fs::read_to_string(paths.proftpd_conf()).unwrap_or_default();
    let addresses: Vec<SocketAddr> = super::listen::addresses_to_verify(&live)
        .into_iter()
        .map(|ip| SocketAddr::new(ip, expect.port))
        .collect();
    let start = Instant::now();
    let mut last = String::from("proftpd did not answer");
    while start.elapsed() < timeout {
        let state = status::state(paths);
        let pid = match state {
            State::Running { pid } => pid,
            _ => {
                if let Some(old) = expect.same_pid
                    && !status::is_proftpd(old)
                {
                    return Err(format!(
                        "proftpd (pid {old}) exited after the reload (its log says why)"
                    ));
                }
                last = state.describe();
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        if let Some(old) = expect.same_pid
            && old != pid
        {
            return Err(format!("the PidFile now names pid {pid}, not the reloaded pid {old}"));
        }
        // The re-created ControlsSocket shows the reparse. Without it (ControlsEngine
        // off, socket removed) wait past proftpd's post-signal pause instead: a bad
        // configuration kills proftpd within ~0.4 s of the signal.
        let waiting = expect.reparsed_since.is_some_and(|before| {
            Generation::now(paths) == before && start.elapsed() < UNOBSERVED_SETTLE
        });
        if waiting {
            last = format!("proftpd (pid {pid}) has not re-read its configuration yet");
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        // The listener must be proftpd's own: another program may hold the port.
        if !super::checks::listens_on(pid, expect.port) {
            last = format!("proftpd (pid {pid}) is not listening on port {}", expect.port);
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        match greet_all(&addresses, timeout.saturating_sub(start.elapsed())) {
            Ok(busy) if status::state(paths) == (State::Running { pid }) => {
                let busy = if busy { ", busy" } else { "" };
                // One address (a sandbox's 127.0.0.1) goes unnamed to keep the line short.
                let on = match addresses.as_slice() {
                    [_] => String::new(),
                    all => {
                        let ips = all.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>();
                        format!(" on {}", ips.join(" and "))
                    }
                };
                return Ok(format!("port {} answers{on} (pid {pid}{busy})", expect.port));
            }
            Ok(_) => last = format!("proftpd (pid {pid}) went away after greeting"),
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("{last} (waited {} s)", timeout.as_secs_f32()))
}

/// Greets proftpd on each address. Ok(whether some greeting was a busy refusal): 421/530
/// banners are proftpd turning a connection away (MaxInstances, MaxConnectionsPerHost
/// already reached by other local sessions), so it serves.
fn greet_all(addresses: &[SocketAddr], left: Duration) -> Result<bool, String> {
    let budget = left.min(Duration::from_secs(1));
    let mut busy = false;
    for address in addresses {
        let port = address.port();
        match greeting(*address, budget) {
            Ok(line) if line.starts_with("220") => {}
            Ok(line) if line.starts_with("421") || line.starts_with("530") => busy = true,
            Ok(line) => {
                return Err(format!("port {port} on {} answered {:?}", address.ip(), line.trim()));
            }
            Err(e) => return Err(format!("port {port} on {}: {e}", address.ip())),
        }
    }
    Ok(busy)
}

/// Connects and reads the first reply line.
fn greeting(address: SocketAddr, budget: Duration) -> std::io::Result<String> {
    let budget = budget.max(Duration::from_millis(200));
    let stream = TcpStream::connect_timeout(&address, budget)?;
    stream.set_read_timeout(Some(budget))?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(line)
}
