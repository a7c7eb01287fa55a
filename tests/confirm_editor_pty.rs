//! The editor's `c` (keep only if confirmed) in a real terminal: the SSH session drops
//! (SIGHUP) while the apply is between reload and verify, before any "Keep these
//! settings?" exists. The editor exits, and the watchdog that the apply armed before
//! installing puts the previous configuration back (audit D4: this stayed live for good).

mod common;
mod pty_support;

use std::time::{Duration, Instant};

use common::apply::{DaemonGuard, text};
use common::{Sandbox, free_port, proftpd_binary};
use ftpconf::proftpd::apply::{PAUSE_ENV, pending_confirmation};
use pty_support::{Session, assert_restored, greets};

fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sighup_at_verify_after_the_editors_c_is_reverted_by_the_deadline() {
    // The editor's handler tells the watchdog to revert once the editor has exited.
    killed_at_verify(rustix::process::Signal::HUP, 128 + 1);
}

#[test]
fn kill_9_at_verify_after_the_editors_c_is_reverted_at_the_deadline() {
    // Nothing runs in the editor: the watchdog acts at the deadline on its own.
    killed_at_verify(rustix::process::Signal::KILL, -1);
}

/// `c` in the editor, paused before verify, then `signal`; `code` is the editor's exit
/// code (-1: killed by the signal).
fn killed_at_verify(signal: rustix::process::Signal, code: i32) {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _stop = DaemonGuard(sandbox.paths.clone());
    let mut settings = sandbox.settings();
    let old_port = u16::try_from(settings.port).unwrap();
    sandbox.save_settings(&settings);
    let started = sandbox.ftpconf(&["apply", "--start"]).output().unwrap();
    assert!(started.status.success(), "{}", text(&started));
    let before = sandbox.live_config();
    settings.port = u32::from(free_port());
    let new_port = u16::try_from(settings.port).unwrap();

    let vars = [("FTPCONF_CONFIRM_SECONDS", "3"), (PAUSE_ENV, "verify")];
    let mut s = Session::start_env(sandbox.dir.path(), (24, 80), &[], true, &vars);
    s.wait_for("Timeout", 24, 80);
    s.review_new_port(new_port);
    s.send(b"c");
    wait_until(Duration::from_secs(20), "the pause at verify", || sandbox.pause_marker().exists());
    let watchdog = pending_confirmation(&sandbox.paths)
        .and_then(|p| p.watchdog_pid)
        .expect("a watchdog armed before the install");
    assert!(sandbox.live_config().contains(&format!("Port {new_port}\n")), "not installed yet");
    s.signal(signal);
    let status = s.wait_exit();
    if code >= 0 {
        assert_eq!(status.exit_code() as i32, code, "{status:?}");
        assert_restored(&s.bytes());
    } else {
        assert!(!status.success(), "{status:?}");
    }
    let _ = std::fs::remove_file(sandbox.pause_marker());
    // At the latest at the deadline (3 s from the install, plus the watchdog's tick).
    wait_until(Duration::from_secs(10), "the revert", || {
        pending_confirmation(&sandbox.paths).is_none() && greets(old_port)
    });
    assert_eq!(sandbox.live_config(), before, "the previous proftpd.conf is not back");
    assert!(greets(old_port), "the previous port does not answer");
    assert!(!greets(new_port), "the unconfirmed port still answers");
    wait_until(Duration::from_secs(5), "the watchdog to exit", || {
        std::fs::read_to_string(format!("/proc/{watchdog}/stat"))
            .map(|stat| stat.contains(") Z"))
            .unwrap_or(true)
    });
}
