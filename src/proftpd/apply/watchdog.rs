//! The confirmation watchdog: a detached `ftpconf __watchdog` that owns the deadline of
//! an apply waiting for confirmation, so that it is reverted at the deadline even when
//! the ftpconf that applied is gone (SSH dropped, `kill -9`, terminal closed).
//!
//! It runs in its own session with no terminal (SIGHUP cannot reach it and is ignored
//! anyway), inherits no descriptor of its parent (std opens everything close-on-exec,
//! the apply lock included), sleeps on CLOCK_BOOTTIME until the deadline, then takes
//! the apply lock and reverts unless the marker was settled meanwhile. SIGTERM (or
//! SIGINT) means "decide now": it reverts at once if the marker still waits, and just
//! exits if it was settled.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::Request;
use super::backup::Backup;
use super::confirm_marker::{self as marker, Marker};
use super::lock::{Lock, LockError};
use crate::paths::Paths;
use crate::proftpd::status::{self, State};

/// The hidden subcommand the watchdog runs as.
pub const SUBCOMMAND: &str = "__watchdog";

/// How often the watchdog looks at the marker and the clock.
const TICK: Duration = Duration::from_millis(200);

static PROGRAM: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The ftpconf executable to run the watchdog with, for programs that link ftpconf as a
/// library (tests): the default is this very executable.
pub fn set_watchdog_program(path: impl Into<PathBuf>) {
    *PROGRAM.lock().unwrap_or_else(PoisonError::into_inner) = Some(path.into());
}

fn program() -> std::io::Result<PathBuf> {
    match PROGRAM.lock().unwrap_or_else(PoisonError::into_inner).clone() {
        Some(path) => Ok(path),
        None => std::env::current_exe(),
    }
}

fn log_file(paths: &Paths) -> PathBuf {
    paths.state_dir().join("confirm.log")
}

/// Records the pending confirmation and starts its watchdog. Call with the apply lock
/// held, after the backup and before anything is installed. Err: nothing is armed.
pub(crate) fn arm(
    request: &Request,
    backup: &Backup,
    applied_settings: Option<&str>,
) -> Result<String, String> {
    let paths = &request.paths;
    let serving = matches!(status::state(paths), State::Running { .. });
    let mut record =
        Marker::new(backup.id(), request.confirm_within, request, serving, applied_settings);
    record.write(paths)?;
    super::unconfirmed::note_root(paths);
    match spawn(paths, backup.id()) {
        Ok(pid) => {
            record.watchdog_pid = Some(pid);
            record.write(paths).inspect_err(|_| {
                // Settled first, so the watchdog just leaves.
                marker::remove(paths);
                stop(pid);
            })?;
            Ok(format!("watchdog pid {pid} reverts at the deadline unless confirmed"))
        }
        Err(e) => {
            marker::remove(paths);
            Err(format!("cannot start the confirmation watchdog: {e}"))
        }
    }
}

/// Starts `ftpconf --root ROOT __watchdog BACKUP` detached and waits until it says it
/// watches the marker. Returns its pid.
fn spawn(paths: &Paths, backup_id: &str) -> std::io::Result<u32> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(log_file(paths))?;
    let mut command = Command::new(program()?);
    command
        .arg("--root")
        .arg(paths.root())
        .arg(SUBCOMMAND)
        .arg(backup_id)
        .env_remove(super::PAUSE_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log);
    // SAFETY: setsid is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| rustix::process::setsid().map(drop).map_err(Into::into));
    }
    let mut child = command.spawn()?;
    let pid = child.id();
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let answer = rx.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
    if answer.trim() != format!("armed {pid}") {
        let _ = child.kill();
        let _ = child.wait();
        let why = if answer.is_empty() { "no answer".to_owned() } else { answer.trim().to_owned() };
        return Err(std::io::Error::other(format!(
            "{} {SUBCOMMAND} did not start ({why})",
            program()?.display()
        )));
    }
    // Reaped whenever it ends, so it never lingers as a zombie of a long-lived editor.
    std::thread::spawn(move || child.wait());
    Ok(pid)
}

/// Tells watchdog `pid` to decide now, and waits (a little) until it has gone. Only a
/// process that is an ftpconf watchdog is signalled.
pub(crate) fn stop(pid: u32) {
    if pid == std::process::id() || !marker::is_watchdog(pid) {
        return;
    }
    if let Some(p) = rustix::process::Pid::from_raw(pid as i32) {
        let _ = rustix::process::kill_process(p, rustix::process::Signal::TERM);
    }
    let until = Instant::now() + Duration::from_secs(3);
    while marker::alive(pid) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Tells watchdog `pid` to revert now, without waiting (for an ftpconf about to exit
/// while its apply is still running: the watchdog gets the lock once it is gone).
pub(crate) fn revert_now(pid: u32) {
    if pid != std::process::id()
        && marker::is_watchdog(pid)
        && let Some(p) = rustix::process::Pid::from_raw(pid as i32)
    {
        let _ = rustix::process::kill_process(p, rustix::process::Signal::TERM);
    }
}

/// The watchdog itself (`ftpconf __watchdog BACKUP`). Prints `armed PID` once it has
/// found the marker, then waits; returns what it did, for its log.
pub fn watch(paths: &Paths, backup_id: &str) -> String {
    let now = Arc::new(AtomicBool::new(false));
    for signal in [SIGTERM, SIGINT] {
        let _ = signal_hook::flag::register(signal, Arc::clone(&now));
    }
    // Ignored in effect: a handler that nobody reads.
    let _ = signal_hook::flag::register(SIGHUP, Arc::new(AtomicBool::new(false)));
    let ours = || marker::read(paths).filter(|m| m.backup == backup_id);
    if ours().is_none() {
        println!("no confirmation pending for backup {backup_id}");
        return format!("nothing to watch: no confirmation pending for backup {backup_id}");
    }
    println!("armed {}", std::process::id());
    let mut lock_trouble = None;
    loop {
        let Some(record) = ours() else {
            return format!("backup {backup_id}: settled elsewhere (confirmed or reverted)");
        };
        let asked = now.load(Ordering::SeqCst);
        if !asked && !record.due() {
            std::thread::sleep(TICK);
            continue;
        }
        let lock = match Lock::acquire(paths) {
            Ok(lock) => lock,
            Err(e @ LockError::Io(_)) => {
                // Said once; the watchdog keeps trying (the deadline is not forgotten).
                if lock_trouble.replace(e.to_string()).is_none() {
                    eprintln!("ftpconf watchdog: cannot take the apply lock: {e}; retrying");
                }
                std::thread::sleep(TICK);
                continue;
            }
            Err(LockError::InUse { .. }) => {
                std::thread::sleep(TICK);
                continue;
            }
        };
        // Under the lock, look again: it may have been settled, or its deadline moved.
        match ours() {
            None => return format!("backup {backup_id}: settled elsewhere"),
            Some(record) if !asked && !record.due() => {
                drop(lock);
                continue;
            }
            Some(_) => {}
        }
        let why = if asked { "told to decide now" } else { "deadline passed" };
        let outcome = super::confirm::settle_locked(paths, Some(backup_id), false, &mut |_| {});
        drop(lock);
        return match outcome {
            Some(outcome) => format!("{why}: {}", outcome.message),
            None => format!("backup {backup_id}: settled elsewhere"),
        };
    }
}
