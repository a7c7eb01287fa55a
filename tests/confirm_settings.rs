//! Unconfirmed means undone in the settings file too (audit R4). After a revert — by the
//! watchdog at the deadline of a session that is gone, or by `ftpconf revert` — the
//! settings file holds the settings that serve again, so the next apply (anyone's, for
//! any reason) does not quietly put the unconfirmed ones back into service; they are kept
//! aside in the state directory and `ftpconf import` brings them back. An edit made to
//! the settings file after the apply is the admin's newer word and is left alone. Real
//! binary, real proftpd.

mod common;

use std::time::{Duration, Instant};

use common::apply::text;
use common::{Sandbox, Server, proftpd_binary};
use ftpconf::proftpd::apply::{pending_confirmation, unconfirmed_settings_file};
use ftpconf::settings::{Settings, store};

/// proftpd serving settings that `ftpconf apply` put into service (so ftpconf knows them
/// as the applied ones), then `set general.clients=22`, saved but not applied.
fn scene() -> (Sandbox, Server, Settings) {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    sandbox.save_settings(&old);
    run_ok(&sandbox, &["apply"]);
    run_ok(&sandbox, &["set", "general.clients=22"]);
    (sandbox, server, old)
}

fn run_ok(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.ftpconf(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn saved(sandbox: &Sandbox) -> Settings {
    store::load(&sandbox.paths.settings_file()).unwrap()
}

#[test]
fn the_watchdogs_revert_puts_the_settings_back_and_the_next_apply_keeps_them_out() {
    let (sandbox, _server, old) = scene();
    // A detached confirmation models the session that is gone: nobody answers, the
    // watchdog owns the deadline.
    run_ok(&sandbox, &["apply", "--confirm", "2", "--detach"]);
    assert!(sandbox.live_config().contains("MaxClients 22"));
    let until = Instant::now() + Duration::from_secs(20);
    while pending_confirmation(&sandbox.paths).is_some() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(pending_confirmation(&sandbox.paths).is_none(), "never reverted");
    let log = std::fs::read_to_string(sandbox.paths.state_dir().join("confirm.log")).unwrap();
    assert!(log.contains("the settings file is back to the settings that serve"), "{log}");
    assert!(!sandbox.live_config().contains("MaxClients 22"));
    assert_eq!(
        saved(&sandbox).clients,
        old.clients,
        "the settings file kept the unconfirmed value"
    );
    let kept = unconfirmed_settings_file(&sandbox.paths);
    let kept_text = std::fs::read_to_string(&kept).unwrap();
    assert!(kept_text.contains("clients = 22"), "{kept_text}");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&kept).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    // The next apply, by anyone, changes nothing: the lock-out stays undone.
    let next = run_ok(&sandbox, &["apply"]);
    assert!(next.contains("unchanged"), "{next}");
    assert!(!sandbox.live_config().contains("MaxClients 22"));
    // The way back, on purpose.
    run_ok(&sandbox, &["import", kept.to_str().unwrap()]);
    assert_eq!(saved(&sandbox).clients, 22);
}

#[test]
fn revert_leaves_a_settings_file_edited_after_the_apply_alone() {
    let (sandbox, _server, _old) = scene();
    run_ok(&sandbox, &["apply", "--confirm", "120", "--detach"]);
    // While it waits, the admin changes something else in the settings file.
    run_ok(&sandbox, &["set", "general.timeout=123"]);
    let out = run_ok(&sandbox, &["revert"]);
    assert!(out.contains("changed after that apply and is left as it is"), "{out}");
    assert!(!sandbox.live_config().contains("MaxClients 22"));
    let now = saved(&sandbox);
    assert_eq!((now.clients, now.timeout), (22, 123), "the newer edit was lost");
    assert!(!unconfirmed_settings_file(&sandbox.paths).exists());
}

#[test]
fn the_next_apply_undoes_a_confirmation_nobody_watches_settings_included() {
    let (sandbox, _server, old) = scene();
    run_ok(&sandbox, &["apply", "--confirm", "120", "--detach"]);
    // The watchdog dies too (an OOM kill, say): nobody watches the confirmation any more.
    let watchdog = pending_confirmation(&sandbox.paths).unwrap().watchdog_pid.unwrap();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(watchdog as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while std::path::Path::new(&format!("/proc/{watchdog}")).exists() && Instant::now() < until {
        // Reaped by init once it is gone; a zombie still counts as gone for ftpconf.
        let stat = std::fs::read_to_string(format!("/proc/{watchdog}/stat")).unwrap_or_default();
        if stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = run_ok(&sandbox, &["apply"]);
    assert!(out.contains("never confirmed") && out.contains("settings file is back"), "{out}");
    assert!(out.contains("unchanged"), "{out}");
    assert!(!sandbox.live_config().contains("MaxClients 22"));
    assert_eq!(saved(&sandbox).clients, old.clients);
}

#[test]
fn a_revert_killed_before_the_settings_went_back_is_finished_by_the_next_one() {
    let (sandbox, _server, old) = scene();
    run_ok(&sandbox, &["apply", "--confirm", "120", "--detach"]);
    // `ftpconf revert` killed after the live files went back, before the settings file did
    // (the applied copy is already the old one then).
    let mut cut = sandbox.ftpconf_paused_at("revert-settings", &["revert"]);
    cut.kill().unwrap();
    let _ = cut.wait();
    sandbox.resume();
    assert!(!sandbox.live_config().contains("MaxClients 22"), "the live files went back");
    assert_eq!(saved(&sandbox).clients, 22, "the settings had not gone back yet");
    assert!(pending_confirmation(&sandbox.paths).is_some(), "the marker went with the kill");
    // The next revert finishes the job: the marker knows what was applied.
    let out = run_ok(&sandbox, &["revert"]);
    assert!(out.contains("the settings file is back to the settings that serve"), "{out}");
    assert_eq!(saved(&sandbox).clients, old.clients);
    assert!(pending_confirmation(&sandbox.paths).is_none());
}
