//! Unconfirmed means undone, whatever happens to the session: `apply --confirm` hands its
//! deadline to a detached watchdog, so a `kill -9` of ftpconf still ends in the previous
//! configuration serving at the deadline; `ftpconf confirm` and `ftpconf revert` settle
//! it from any other shell; a failed apply leaves no watchdog. Real binary, real
//! proftpd, real signals.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::apply::{greets, text};
use common::{Sandbox, Server, free_port, port_answers, proftpd_binary};
use ftpconf::proftpd::apply::{self, pending_confirmation};
use rustix::process::{Pid, Signal, kill_process};

/// proftpd serving `old` on one port, and settings for another port saved (not applied).
struct Scene {
    sandbox: Sandbox,
    server: Server,
    before: String,
    old_port: u16,
    new_port: u16,
}

fn scene() -> Scene {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.port = u32::from(free_port());
    new.clients = 7;
    sandbox.save_settings(&new);
    let old_port = u16::try_from(old.port).unwrap();
    let new_port = u16::try_from(new.port).unwrap();
    Scene { sandbox, server, before, old_port, new_port }
}

/// `ftpconf apply --confirm SECONDS`, its stdin held open, its stdout collected; with
/// `pause_at`, returns once it waits before that step.
struct Waiting {
    child: Child,
    _stdin: ChildStdin,
    out: Arc<Mutex<String>>,
}

fn apply_confirm(sandbox: &Sandbox, seconds: &str, pause_at: Option<&str>) -> Waiting {
    let mut command = sandbox.ftpconf(&["apply", "--confirm", seconds]);
    command.stdin(Stdio::piped());
    if let Some(step) = pause_at {
        let _ = std::fs::remove_file(sandbox.pause_marker());
        command.env(apply::PAUSE_ENV, step);
    }
    let mut child = command.spawn().expect("run ftpconf");
    let stdin = child.stdin.take().unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&out);
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    if let Some(step) = pause_at {
        wait_until(Duration::from_secs(20), &format!("the pause at {step}"), || {
            sandbox.pause_marker().exists()
        });
    }
    Waiting { child, _stdin: stdin, out }
}

impl Waiting {
    fn wait_for_prompt(&mut self) {
        wait_until(Duration::from_secs(20), "the confirmation question", || {
            self.out.lock().unwrap().contains("Keep this configuration?")
        });
    }

    fn signal(&self, signal: Signal) {
        kill_process(Pid::from_raw(self.child.id() as i32).unwrap(), signal).unwrap();
    }
}

fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
    start.elapsed()
}

/// Gone, or a zombie nobody reaped yet (it runs no code any more).
fn process_gone(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
        .unwrap_or(true)
}

fn watchdog_of(sandbox: &Sandbox) -> u32 {
    let info = pending_confirmation(&sandbox.paths).expect("a pending confirmation");
    info.watchdog_pid.expect("a watchdog pid")
}

fn marker_exists(sandbox: &Sandbox) -> bool {
    sandbox.paths.state_dir().join("confirm.pending").exists()
}

/// The previous configuration is live and serving, nothing is pending, no watchdog left.
fn assert_reverted(scene: &Scene, watchdog: u32) {
    assert_eq!(scene.sandbox.live_config(), scene.before, "the previous proftpd.conf is not back");
    assert!(greets(scene.old_port), "the previous port does not answer");
    assert!(!port_answers(scene.new_port), "the unconfirmed port still answers");
    assert!(!marker_exists(&scene.sandbox), "the marker is left");
    wait_until(Duration::from_secs(5), "the watchdog to exit", || process_gone(watchdog));
}

#[test]
fn kill_9_of_apply_confirm_is_reverted_by_the_watchdog_at_the_deadline() {
    let scene = scene();
    let mut waiting = apply_confirm(&scene.sandbox, "3", None);
    waiting.wait_for_prompt();
    let asked = Instant::now();
    let watchdog = watchdog_of(&scene.sandbox);
    assert!(greets(scene.new_port), "the new configuration serves while it waits");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(scene.sandbox.paths.state_dir().join("confirm.pending"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "the marker is private");
    // The watchdog holds none of its parent's files: not the apply lock, not the pipes.
    let fds: Vec<_> = std::fs::read_dir(format!("/proc/{watchdog}/fd"))
        .unwrap()
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .collect();
    assert!(!fds.iter().any(|f| f.ends_with("apply.lock")), "{fds:?}");
    assert!(fds.iter().any(|f| f.ends_with("confirm.log")), "stderr goes to the log: {fds:?}");
    // Its own session (no controlling terminal to hang up): state ppid pgrp session tty.
    let stat = std::fs::read_to_string(format!("/proc/{watchdog}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    assert_eq!(fields[3], watchdog.to_string(), "not a session leader: {stat}");
    assert_eq!(fields[4], "0", "it has a controlling terminal: {stat}");
    waiting.signal(Signal::KILL);
    let _ = waiting.child.wait();
    assert!(!process_gone(watchdog), "the watchdog died with its parent");
    // Not before the deadline: the new configuration still serves a second later.
    std::thread::sleep(Duration::from_millis(1000));
    assert!(scene.sandbox.live_config().contains("MaxClients 7"));
    assert!(greets(scene.new_port));
    wait_until(Duration::from_secs(15), "the revert at the deadline", || {
        !marker_exists(&scene.sandbox) && greets(scene.old_port)
    });
    let took = asked.elapsed();
    assert!(took >= Duration::from_millis(2500), "reverted before the deadline: {took:?}");
    assert!(took < Duration::from_secs(10), "reverted long after the deadline: {took:?}");
    assert_reverted(&scene, watchdog);
    let log = std::fs::read_to_string(scene.sandbox.paths.state_dir().join("confirm.log")).unwrap();
    assert!(log.contains("deadline passed") && log.contains("is back"), "{log}");
}

#[test]
fn sighup_while_paused_at_verify_and_then_kill_9_is_reverted_by_the_watchdog() {
    let scene = scene();
    let waiting = apply_confirm(&scene.sandbox, "2", Some("verify"));
    // Reloaded onto the new configuration, not verified yet: the SSH session drops and
    // its processes are killed before ftpconf ever gets to the question.
    let watchdog = watchdog_of(&scene.sandbox);
    assert!(scene.sandbox.live_config().contains("MaxClients 7"));
    waiting.signal(Signal::HUP);
    std::thread::sleep(Duration::from_millis(200));
    let mut child = waiting.child;
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(scene.sandbox.pause_marker());
    wait_until(Duration::from_secs(15), "the revert at the deadline", || {
        !marker_exists(&scene.sandbox) && greets(scene.old_port)
    });
    assert_reverted(&scene, watchdog);
}

#[test]
fn sighup_while_paused_at_verify_reverts_at_once_when_ftpconf_survives_it() {
    let scene = scene();
    let waiting = apply_confirm(&scene.sandbox, "60", Some("verify"));
    let watchdog = watchdog_of(&scene.sandbox);
    waiting.signal(Signal::HUP);
    scene.sandbox.resume();
    let started = Instant::now();
    let out = waiting.child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(started.elapsed() < Duration::from_secs(20), "it waited for the deadline");
    assert_reverted(&scene, watchdog);
}

#[test]
fn confirm_from_another_shell_keeps_it_past_the_deadline() {
    let scene = scene();
    let mut waiting = apply_confirm(&scene.sandbox, "2", None);
    waiting.wait_for_prompt();
    let watchdog = watchdog_of(&scene.sandbox);
    // While it waits, other applies are refused with the way out.
    let other = scene.sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(other.status.code(), Some(3), "{}", text(&other));
    assert!(text(&other).contains("ftpconf confirm"), "{}", text(&other));
    // The session dies; the admin confirms from another shell.
    waiting.signal(Signal::KILL);
    let _ = waiting.child.wait();
    let out = scene.sandbox.ftpconf(&["confirm"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("confirmed: keeping the new configuration"), "{}", text(&out));
    wait_until(Duration::from_secs(5), "the watchdog to exit", || process_gone(watchdog));
    assert!(!marker_exists(&scene.sandbox));
    // Well past the deadline (and the grace), the new configuration still serves.
    std::thread::sleep(Duration::from_secs(6));
    assert!(scene.sandbox.live_config().contains("MaxClients 7"));
    assert!(greets(scene.new_port) && !port_answers(scene.old_port));
    // Nothing is left to confirm or revert.
    for command in ["confirm", "revert"] {
        let out = scene.sandbox.ftpconf(&[command]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(text(&out).contains(&format!("nothing to {command}")), "{}", text(&out));
    }
}

#[test]
fn revert_from_another_shell_undoes_it_at_once() {
    let scene = scene();
    let mut waiting = apply_confirm(&scene.sandbox, "60", None);
    waiting.wait_for_prompt();
    let watchdog = watchdog_of(&scene.sandbox);
    let started = Instant::now();
    let out = scene.sandbox.ftpconf(&["revert"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("the previous configuration (backup"), "{}", text(&out));
    assert!(started.elapsed() < Duration::from_secs(15), "it waited for the deadline");
    assert_reverted(&scene, watchdog);
    // The waiting ftpconf notices and says so instead of waiting out its 60 s.
    let mut child = waiting.child;
    let status = child.wait().unwrap();
    let said = waiting.out.lock().unwrap().clone();
    assert_eq!(status.code(), Some(4), "{said}");
    assert!(said.contains("was already put back"), "{said}");
}

#[test]
fn a_failed_apply_leaves_no_watchdog_and_no_marker() {
    let scene = scene();
    let _guard = common::apply::DaemonGuard(scene.sandbox.paths.clone());
    // Someone takes the new port between the checks and the reload: the reload fails
    // after the install, the apply is rolled back, and the watchdog goes with it.
    let waiting = apply_confirm(&scene.sandbox, "60", Some("reload"));
    let watchdog = watchdog_of(&scene.sandbox);
    let thief = std::net::TcpListener::bind(("127.0.0.1", scene.new_port)).unwrap();
    scene.sandbox.resume();
    let out = waiting.child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    drop(thief);
    assert!(!marker_exists(&scene.sandbox), "{}", text(&out));
    wait_until(Duration::from_secs(5), "the watchdog to exit", || process_gone(watchdog));
    assert_eq!(scene.sandbox.live_config(), scene.before);
}

#[test]
fn a_confirmation_nobody_watches_cannot_be_confirmed_late_and_is_reverted_on_request() {
    let scene = scene();
    let mut waiting = apply_confirm(&scene.sandbox, "1", None);
    waiting.wait_for_prompt();
    let watchdog = watchdog_of(&scene.sandbox);
    // Both the session and the watchdog die before the deadline.
    waiting.signal(Signal::KILL);
    let _ = waiting.child.wait();
    kill_process(Pid::from_raw(watchdog as i32).unwrap(), Signal::KILL).unwrap();
    wait_until(Duration::from_secs(5), "the watchdog to die", || process_gone(watchdog));
    std::thread::sleep(Duration::from_millis(1500));
    let late = scene.sandbox.ftpconf(&["confirm"]).output().unwrap();
    assert_eq!(late.status.code(), Some(3), "{}", text(&late));
    assert!(text(&late).contains("too late to confirm"), "{}", text(&late));
    assert!(scene.sandbox.live_config().contains("MaxClients 7"));
    let out = scene.sandbox.ftpconf(&["revert"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_reverted(&scene, watchdog);
}

#[test]
fn proftpd_dead_of_the_new_configuration_and_ftpconf_killed_is_brought_back_by_the_watchdog() {
    // Audit R10: killed between install and verify, and proftpd died meanwhile. The
    // marker remembers that proftpd served before, so the revert starts it again.
    let mut scene = scene();
    let _guard = common::apply::DaemonGuard(scene.sandbox.paths.clone());
    let waiting = apply_confirm(&scene.sandbox, "2", Some("verify"));
    let watchdog = watchdog_of(&scene.sandbox);
    let mut child = waiting.child;
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(scene.sandbox.pause_marker());
    kill_process(Pid::from_raw(scene.server.pid() as i32).unwrap(), Signal::KILL).unwrap();
    wait_until(Duration::from_secs(5), "proftpd to die", || !scene.server.is_alive());
    assert!(!greets(scene.old_port) && !greets(scene.new_port), "FTP should be down now");
    wait_until(Duration::from_secs(15), "the revert at the deadline", || {
        !marker_exists(&scene.sandbox) && greets(scene.old_port)
    });
    assert_reverted(&scene, watchdog);
}
