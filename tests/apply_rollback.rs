//! The way back: a failure after the reload is undone, `--confirm` without an answer
//! reverts, and `rollback` restores a backup (settings file included).

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::process::Stdio;

use common::apply::{DaemonGuard, greets, running_pid, text};
use common::{Sandbox, free_port, port_answers, proftpd_binary};
use ftpconf::proftpd::apply::{self, Verdict};
use ftpconf::settings::store;

#[test]
fn a_failure_after_the_reload_is_rolled_back_and_proftpd_brought_back() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _guard = DaemonGuard(sandbox.paths.clone());
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.port = u32::from(free_port());
    sandbox.save_settings(&new);
    // Someone takes the new port between the checks and the reload: proftpd cannot
    // bind it on reload and exits.
    let child = sandbox.ftpconf_paused_at("reload", &["apply"]);
    let thief = TcpListener::bind(("127.0.0.1", u16::try_from(new.port).unwrap())).unwrap();
    sandbox.resume();
    let out = child.wait_with_output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(4), "{all}");
    assert!(all.contains("exited after the reload"), "{all}");
    assert!(all.contains("previous configuration is back"), "{all}");
    assert_eq!(sandbox.live_config(), before, "the old configuration is not back");
    assert!(!server.is_alive(), "the reloaded proftpd should have exited");
    // A fresh proftpd (daemon mode) serves the old configuration.
    let pid = running_pid(&sandbox.paths).expect("proftpd was brought back");
    assert_ne!(pid, server.pid());
    assert!(greets(server.port), "the old port does not answer");
    drop(thief);
}

#[test]
fn apply_confirm_without_an_answer_reverts() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.port = u32::from(free_port());
    let new_port = u16::try_from(new.port).unwrap();
    sandbox.save_settings(&new);

    // End of input: no answer is possible, so it reverts at once.
    let out = sandbox.ftpconf(&["apply", "--confirm", "30"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert_eq!(sandbox.live_config(), before);
    assert!(greets(server.port) && !port_answers(new_port));

    // No answer within the time: reverts when the time is up.
    let mut child =
        sandbox.ftpconf(&["apply", "--confirm", "1"]).stdin(Stdio::piped()).spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(text(&out).contains("not confirmed"), "{}", text(&out));
    assert_eq!(sandbox.live_config(), before);
    assert!(greets(server.port));

    // "y" keeps it.
    let mut child =
        sandbox.ftpconf(&["apply", "--confirm", "30"]).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(greets(new_port));
    assert!(server.is_alive());
    assert_eq!(running_pid(&sandbox.paths), Some(server.pid()));
    // The settings file was never rewritten by any of this.
    assert_eq!(store::load(&sandbox.paths.settings_file()).unwrap(), new);
}

#[test]
fn the_library_confirm_and_revert_pieces() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.clients = 3;
    sandbox.save_settings(&new);
    let pending = apply::run_pending(&sandbox.request(), &mut |_| {}).expect("applied");
    assert!(sandbox.live_config().contains("MaxClients 3"));
    // While it waits for confirmation, nobody else can apply.
    let other = apply::run(&sandbox.request(), &mut |_| {});
    assert_eq!(other.verdict, Verdict::Refused);
    let outcome = pending.revert(&mut |_| {});
    assert_eq!(outcome.verdict, Verdict::RolledBack, "{outcome:#?}");
    assert_eq!(sandbox.live_config(), before);
    assert!(greets(server.port));

    // A confirmation abandoned by a dead ftpconf and its dead watchdog is undone by the
    // next apply (while the watchdog lives, the next apply is refused: see
    // tests/confirm_watchdog.rs).
    let mut child =
        sandbox.ftpconf(&["apply", "--confirm", "60"]).stdin(Stdio::piped()).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while apply::pending_confirmation(&sandbox.paths).is_none_or(|p| p.watchdog_pid.is_none())
        || !sandbox.live_config().contains("MaxClients 3")
    {
        assert!(std::time::Instant::now() < deadline, "apply --confirm never got to waiting");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let watchdog = apply::pending_confirmation(&sandbox.paths).unwrap().watchdog_pid.unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    sandbox.save_settings(&old);
    assert_eq!(apply::run(&sandbox.request(), &mut |_| {}).verdict, Verdict::Refused);
    let watchdog = rustix::process::Pid::from_raw(watchdog as i32).unwrap();
    rustix::process::kill_process(watchdog, rustix::process::Signal::KILL).unwrap();
    while std::fs::read_to_string(format!("/proc/{}/stat", watchdog.as_raw_nonzero()))
        .is_ok_and(|stat| !stat.contains(") Z"))
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let outcome = apply::run(&sandbox.request(), &mut |_| {});
    assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
    assert!(outcome.notes.iter().any(|n| n.contains("never confirmed")), "{:?}", outcome.notes);
    assert!(outcome.steps.iter().any(|s| s.step == apply::Step::Restore));
    assert_eq!(sandbox.live_config(), before);
    assert!(greets(server.port));
}

#[test]
fn rollback_restores_the_previous_configuration_and_settings() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let first = sandbox.settings();
    let mut server = sandbox.serve(&first);
    sandbox.apply_ok(&first);
    let first_config = sandbox.live_config();
    let mut second = first.clone();
    second.port = u32::from(free_port());
    second.clients = 4;
    sandbox.apply_ok(&second);
    let second_port = u16::try_from(second.port).unwrap();
    assert!(greets(second_port));

    let listing = sandbox.ftpconf(&["backups"]).output().unwrap();
    assert_eq!(listing.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    assert!(listing.contains(&format!("{}", server.port)), "{listing}");
    assert!(listing.contains("before apply"), "{listing}");

    // Unapplied edits to the settings file are kept in the backup rollback makes.
    let mut edited = second.clone();
    edited.timeout = 123;
    sandbox.save_settings(&edited);
    let out = sandbox.ftpconf(&["rollback"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(sandbox.live_config(), first_config);
    assert_eq!(store::load(&sandbox.paths.settings_file()).unwrap(), first);
    assert!(greets(server.port), "the first port does not answer");
    assert!(!port_answers(second_port));
    assert!(server.is_alive());
    let newest = apply::find_backup(&sandbox.paths, None).unwrap();
    assert!(newest.manifest.reason.starts_with("before rollback to"), "{newest:?}");
    let kept = newest.read("unapplied-settings.toml").unwrap().expect("unapplied edits kept");
    assert_eq!(store::parse(&kept, "kept").unwrap(), edited);

    // Rolling back again returns to the second configuration (the edits stay in the backup).
    let out = sandbox.ftpconf(&["rollback", newest.id()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(greets(second_port));
    let out = sandbox.ftpconf(&["rollback", "no-such-id"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

#[test]
fn when_the_way_back_fails_too_it_says_so_loudly_with_exit_5() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _guard = DaemonGuard(sandbox.paths.clone());
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let old_port = server.port;
    let mut new = old.clone();
    new.port = u32::from(free_port());
    sandbox.save_settings(&new);
    let child = sandbox.ftpconf_paused_at("reload", &["apply"]);
    // The new port is taken (the reload kills proftpd), and the old one is grabbed as
    // soon as proftpd lets go of it (so it cannot come back either).
    let _new_thief = TcpListener::bind(("127.0.0.1", u16::try_from(new.port).unwrap())).unwrap();
    let old_thief = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Ok(listener) = TcpListener::bind(("127.0.0.1", old_port)) {
                return Some(listener);
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    });
    sandbox.resume();
    let out = child.wait_with_output().unwrap();
    let _old_listener = old_thief.join().unwrap().expect("the old port was freed");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(5), "{all}");
    assert!(all.contains("FTP MAY BE DOWN"), "{all}");
    assert!(all.contains("Failed binding"), "proftpd's own log lines are missing: {all}");
    // The files are the previous ones all the same.
    assert_eq!(std::fs::read_to_string(sandbox.paths.proftpd_conf()).unwrap(), {
        let system = sandbox.system();
        ftpconf::proftpd::render(&old, &ftpconf::proftpd::Facts::gather(&old, &system)).config
    });
    drop(server);
}

#[test]
fn ctrl_c_or_sigterm_during_the_confirmation_wait_reverts_at_once() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.clients = 8;
    sandbox.save_settings(&new);
    let mut child =
        sandbox.ftpconf(&["apply", "--confirm", "60"]).stdin(Stdio::piped()).spawn().unwrap();
    let stdin = child.stdin.take();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !sandbox.paths.state_dir().join("confirm.pending").exists() {
        assert!(std::time::Instant::now() < deadline, "apply --confirm never got to waiting");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let started = std::time::Instant::now();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(child.id() as i32).unwrap(),
        rustix::process::Signal::INT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "it waited for the timeout");
    assert_eq!(sandbox.live_config(), before);
    assert!(!sandbox.paths.state_dir().join("confirm.pending").exists());
    assert!(greets(server.port));
}

#[test]
fn reverting_while_proftpd_is_stopped_only_puts_the_files_back() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let first = sandbox.settings();
    sandbox.apply_ok(&first); // proftpd not running: files only
    let before = sandbox.live_config();
    let mut second = first.clone();
    second.clients = 2;
    sandbox.save_settings(&second);
    let pending = apply::run_pending(&sandbox.request(), &mut |_| {}).expect("applied");
    assert!(!pending.outcome().serving);
    let outcome = pending.revert(&mut |_| {});
    assert_eq!(outcome.verdict, Verdict::RolledBack, "{outcome:#?}");
    assert_eq!(sandbox.live_config(), before);
    assert_eq!(running_pid(&sandbox.paths), None, "revert started proftpd");
    assert!(!port_answers(u16::try_from(first.port).unwrap()));
}
