//! Running helper programs (`proftpd -t`, `systemctl`, `proftpd` itself) with a time limit.
//!
//! A child that hangs (a configuration that `Include`s a FIFO, a wedged systemd) must never
//! hold ftpconf — and its lock — forever, and must never outlive it: each child runs in its
//! own process group, and on timeout or cancellation the whole group is killed with SIGKILL
//! (proftpd ignores SIGTERM while it parses) and reaped before we return. Children start
//! with umask 022.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process_group};

/// How long a helper program may run unless the caller says otherwise.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(10);

/// Output kept from each stream; more is read and dropped, so a chatty child cannot fill
/// memory or block on a full pipe.
const KEEP_BYTES: usize = 64 * 1024;

/// What a finished child left behind.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Why a child did not finish by itself.
#[derive(Debug)]
pub enum ChildError {
    /// It could not be started at all.
    Spawn(std::io::Error),
    /// It ran past the limit and was killed (with its whole process group).
    TimedOut(Duration),
    /// The caller asked to stop it; it was killed.
    Cancelled,
}

impl std::fmt::Display for ChildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChildError::Spawn(e) => write!(f, "cannot be started: {e}"),
            ChildError::TimedOut(limit) => {
                write!(f, "did not finish within {} s and was stopped", limit.as_secs())
            }
            ChildError::Cancelled => write!(f, "was cancelled"),
        }
    }
}

/// Runs `command` to completion, with no standard input, in its own process group. After
/// `limit`, or as soon as `cancel` becomes true, the group is killed and an error returned.
pub fn run(
    command: &mut Command,
    limit: Duration,
    cancel: Option<&AtomicBool>,
) -> Result<Finished, ChildError> {
    use std::os::unix::process::CommandExt;
    // Umask 022 whatever ftpconf's own: what a child creates (proftpd's delay table and
    // logs, even from `proftpd -t`) must not be writable by others because ftpconf ran
    // under umask 000.
    // SAFETY: between fork and exec only umask(2) runs: async-signal-safe, no allocation.
    unsafe {
        command.pre_exec(|| {
            rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
            Ok(())
        });
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(ChildError::Spawn)?;
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let started = Instant::now();
    let outcome = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(ChildError::Spawn(e)),
        }
        if cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            break Err(ChildError::Cancelled);
        }
        if started.elapsed() >= limit {
            break Err(ChildError::TimedOut(limit));
        }
        thread::sleep(poll_interval(started.elapsed()));
    };
    if outcome.is_err() {
        if let Some(pid) = Pid::from_raw(child.id() as i32) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    // The readers end when every holder of the pipes is gone; after a group kill that is
    // at once. A grandchild that left the group could keep a pipe open: do not wait on it.
    let collect = |reader: Option<thread::JoinHandle<String>>| {
        reader
            .map(|r| {
                if outcome.is_ok() || r.is_finished() {
                    r.join().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .unwrap_or_default()
    };
    let (stdout, stderr) = (collect(stdout), collect(stderr));
    outcome.map(|status| Finished { status, stdout, stderr })
}

/// Short polls first (most children finish in milliseconds), then at most 50 ms.
fn poll_interval(elapsed: Duration) -> Duration {
    if elapsed < Duration::from_millis(20) {
        Duration::from_millis(1)
    } else {
        Duration::from_millis(50).min(elapsed / 4)
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = KEEP_BYTES.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        String::from_utf8_lossy(&kept).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_status_come_back() {
        let done = run(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            DEFAULT_LIMIT,
            None,
        )
        .expect("sh runs");
        assert_eq!(done.status.code(), Some(3));
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.stderr, "err\n");
    }

    #[test]
    fn a_hanging_group_is_killed_at_the_limit_and_leaves_nothing() {
        let marker = std::env::temp_dir().join(format!("ftpconf-child-{}", std::process::id()));
        let script = format!(
            "trap '' TERM; (trap '' TERM; sleep 30) & echo $! > {}; sleep 30",
            marker.display()
        );
        let started = Instant::now();
        let err = run(Command::new("sh").args(["-c", &script]), Duration::from_millis(300), None)
            .expect_err("must time out");
        assert!(matches!(err, ChildError::TimedOut(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
        let grandchild: i32 = std::fs::read_to_string(&marker).unwrap().trim().parse().unwrap();
        let _ = std::fs::remove_file(&marker);
        // The grandchild was in the same group: it is gone (or a zombie of init).
        thread::sleep(Duration::from_millis(100));
        let state = std::fs::read_to_string(format!("/proc/{grandchild}/stat")).unwrap_or_default();
        assert!(state.is_empty() || state.contains(") Z "), "grandchild still runs: {state}");
    }

    #[test]
    fn cancellation_stops_the_child() {
        let cancel = AtomicBool::new(true);
        let err = run(Command::new("sleep").arg("30"), DEFAULT_LIMIT, Some(&cancel)).unwrap_err();
        assert!(matches!(err, ChildError::Cancelled));
    }
}
