//! Faults around what an apply leaves behind: a missing settings file (D1), backups and
//! a clock set back (D2/R8), a journal naming a backup that is gone (exit 7 and
//! `ftpconf recover --discard-journal`), and a SIGKILL between install and verify (R10).

mod common;

use std::time::Duration;

use common::apply::{DaemonGuard, greets, text};
use common::{Sandbox, free_port, proftpd_binary};

fn journal(sandbox: &Sandbox) -> std::path::PathBuf {
    sandbox.paths.state_dir().join("install.journal")
}

#[test]
fn apply_and_rollback_refuse_a_settings_file_that_does_not_exist() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    settings.clients = 17;
    let server = sandbox.serve(&settings);
    sandbox.apply_ok(&settings);
    let live = sandbox.live_config();
    let typo = sandbox.path("etc/ftpconf/ftpconf.tmol");
    let typo_arg = typo.to_str().unwrap();
    for command in [&["apply"][..], &["apply", "--start"], &["rollback"]] {
        let mut args = vec!["--config", typo_arg];
        args.extend_from_slice(command);
        let out = sandbox.ftpconf(&args).output().unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "{command:?}: {all}");
        assert!(all.contains(typo_arg) && all.contains("does not exist"), "{all}");
        assert!(all.contains("ftpconf set") && all.contains("ftpconf import"), "{all}");
        assert_eq!(sandbox.live_config(), live, "{command:?} changed the live file");
        assert!(!typo.exists(), "{command:?} created the mistyped settings file");
    }
    assert!(greets(server.port));
}

/// Ten backups dated in the future (a clock that was ahead, then corrected) must not
/// make each new backup "the oldest": it is kept, and a later failure can roll back.
#[test]
fn backups_made_while_the_clock_is_behind_are_kept_and_used() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _daemon = DaemonGuard(sandbox.paths.clone());
    let mut settings = sandbox.settings();
    let mut server = sandbox.serve(&settings);
    settings.clients = 9;
    let first = sandbox.apply_ok(&settings).backup.unwrap();
    let backups = sandbox.paths.backup_dir();
    for n in 0..10 {
        let id = format!("20300101-00000{n}-000");
        let copy = backups.join(&id);
        let out = std::process::Command::new("cp").arg("-a").arg(&first.dir).arg(&copy).output();
        assert!(out.unwrap().status.success());
        let manifest = copy.join("manifest.json");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, text.replace(first.id(), &id)).unwrap();
    }
    settings.clients = 10;
    let made = sandbox.apply_ok(&settings).backup.unwrap();
    assert!(made.dir.is_dir(), "the apply's own backup {} was pruned at once", made.id());

    // A failure after the reload rolls back onto that backup.
    settings.clients = 11;
    sandbox.save_settings(&settings);
    let child = sandbox.ftpconf_paused_at("verify", &["apply"]);
    assert!(server_kill(&mut server));
    sandbox.resume();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(sandbox.live_config().contains("MaxClients 10"), "{}", sandbox.live_config());
    assert!(!journal(&sandbox).exists(), "the journal outlived a finished rollback");
}

/// Kills the test's proftpd as a bad reload would.
fn server_kill(server: &mut common::Server) -> bool {
    let pid = rustix::process::Pid::from_raw(server.pid() as i32).unwrap();
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    for _ in 0..100 {
        if !server.is_alive() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_journal_naming_a_missing_backup_needs_attention_and_one_command_fixes_it() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    let server = sandbox.serve(&settings);
    sandbox.apply_ok(&settings);
    let live = sandbox.live_config();
    std::fs::write(journal(&sandbox), "20261128-214610-565\n\n").unwrap();
    settings.clients = 12;
    sandbox.save_settings(&settings);
    for command in [&["apply"][..], &["rollback"], &["recover"]] {
        let out = sandbox.ftpconf(command).output().unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(7), "{command:?}: {all}");
        assert!(all.contains("20261128-214610-565"), "{all}");
        assert!(all.contains("ftpconf recover --discard-journal"), "{all}");
        assert!(all.contains("passes `proftpd -t`"), "says what the live files are: {all}");
        assert_eq!(sandbox.live_config(), live);
    }
    let out = sandbox.ftpconf(&["recover", "--discard-journal"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!journal(&sandbox).exists());
    assert_eq!(sandbox.live_config(), live);
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(sandbox.live_config().contains("MaxClients 12"));
    assert!(greets(server.port));
}

/// SIGKILL after the reload, before verify; then proftpd dies of it. The journal is
/// still there, so the next run puts the backup back and brings proftpd back.
#[test]
fn a_kill_between_reload_and_verify_is_recovered_by_the_next_run() {
    proftpd_binary();
    for next in ["recover", "apply"] {
        let sandbox = Sandbox::new();
        let _daemon = DaemonGuard(sandbox.paths.clone());
        let old = sandbox.settings();
        let mut server = sandbox.serve(&old);
        let old_config = sandbox.live_config();
        let mut new = old.clone();
        new.port = u32::from(free_port());
        sandbox.save_settings(&new);
        let mut child = sandbox.ftpconf_paused_at("verify", &["apply"]);
        child.kill().unwrap();
        let _ = child.wait();
        assert!(journal(&sandbox).exists(), "no journal after a kill before verify");
        assert!(server_kill(&mut server), "the test proftpd did not die");

        let out = sandbox.ftpconf(&[next]).output().unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(0), "{next}: {all}");
        assert!(all.contains("interrupted"), "{next}: {all}");
        assert!(!journal(&sandbox).exists(), "{next}: journal left");
        let new_port = u16::try_from(new.port).unwrap();
        if next == "recover" {
            // The backup is back and proftpd serves it again.
            assert_eq!(sandbox.live_config(), old_config);
            assert!(greets(server.port), "recover: the old port does not answer: {all}");
        } else {
            // Undone first, then applied again: proftpd serves the new settings.
            assert!(greets(new_port), "apply: the new port does not answer: {all}");
        }
    }
}

/// Clears the immutable flag again, whatever happens to the test.
struct Mutable(std::path::PathBuf);

impl Drop for Mutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// R8: an old backup that cannot be removed (an immutable file in it) is a note; the
/// apply that made a new backup still applies.
#[test]
fn a_backup_that_cannot_be_pruned_never_fails_an_apply() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    for clients in 1..=10 {
        settings.clients = clients;
        sandbox.apply_ok(&settings);
    }
    let oldest = ftpconf::proftpd::apply::backups(&sandbox.paths).pop().unwrap();
    let stuck = oldest.dir.join("manifest.json");
    let status = std::process::Command::new("chattr").arg("+i").arg(&stuck).status();
    assert!(status.expect("chattr (e2fsprogs) is needed").success());
    let _guard = Mutable(stuck);
    settings.clients = 11;
    let outcome = sandbox.apply_ok(&settings);
    assert!(
        outcome.notes.iter().any(|n| n.contains("could not be removed")),
        "{:?}",
        outcome.notes
    );
    assert!(sandbox.live_config().contains("MaxClients 11"));
    assert!(outcome.backup.unwrap().dir.is_dir());
}

/// The confirmation marker of an `apply --confirm` killed while waiting can name a
/// backup that is gone too. It wedges nothing: `recover --discard-journal` drops it, and an
/// apply says what it found and replaces the unconfirmed configuration with its own.
#[test]
fn a_confirmation_marker_naming_a_missing_backup_does_not_wedge() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    sandbox.apply_ok(&settings);
    let marker = sandbox.paths.state_dir().join("confirm.pending");
    std::fs::write(&marker, "20261128-000000-001").unwrap();
    let out = sandbox.ftpconf(&["recover", "--discard-journal"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("20261128-000000-001"), "{all}");
    assert!(!marker.exists());

    std::fs::write(&marker, "20261128-000000-001").unwrap();
    settings.clients = 13;
    sandbox.save_settings(&settings);
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("cannot be read"), "{all}");
    assert!(!marker.exists());
    assert!(sandbox.live_config().contains("MaxClients 13"));
}

/// Rollback puts the settings back the way every writer does: through the admin's
/// symlink (kept), mode 0600; and an apply never reads a settings file without bound.
#[test]
fn rollback_writes_settings_through_a_symlink_and_apply_refuses_a_fifo() {
    use std::os::unix::fs::PermissionsExt;
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    let real = sandbox.mkdir("persist").join("real.toml");
    let link = sandbox.paths.settings_file();
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    ftpconf::settings::store::save(&real, &settings).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    settings.clients = 21;
    sandbox.apply_ok(&settings);
    settings.clients = 22;
    sandbox.apply_ok(&settings);
    let out = sandbox.ftpconf(&["rollback"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let kept = std::fs::read_to_string(&real).unwrap();
    assert!(kept.contains("clients = 21"), "{kept}");
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);

    let fifo = sandbox.path("settings.fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let started = std::time::Instant::now();
    let out = sandbox.ftpconf(&["--config", fifo.to_str().unwrap(), "apply"]).output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("FIFO"), "{}", text(&out));
}

/// A dry run never finishes an interrupted apply for you: that would change the live
/// files. It says so (exit 3) and leaves everything as it was; after `recover` it checks.
#[test]
fn a_dry_run_refuses_to_finish_an_interrupted_apply() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _daemon = DaemonGuard(sandbox.paths.clone());
    let old = sandbox.settings();
    let _server = sandbox.serve(&old);
    let mut new = old.clone();
    new.clients = 17;
    sandbox.save_settings(&new);
    let mut child = sandbox.ftpconf_paused_at("verify", &["apply"]);
    child.kill().unwrap();
    let _ = child.wait();
    assert!(journal(&sandbox).exists(), "no journal after a kill before verify");
    let live = sandbox.live_config();
    let out = sandbox.ftpconf(&["apply", "--check"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("ftpconf recover"), "{all}");
    assert!(journal(&sandbox).exists(), "the dry run touched the journal");
    assert_eq!(sandbox.live_config(), live);
    let out = sandbox.ftpconf(&["recover"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = sandbox.ftpconf(&["apply", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// `apply --start` on a stopped proftpd whose verify fails: the files go back and the
/// proftpd this apply started on the failed configuration is stopped again, so FTP is as
/// it was (stopped), not serving a configuration that failed.
#[test]
fn a_failed_start_leaves_proftpd_stopped_as_it_was() {
    use rustix::process::{Pid, Signal, kill_process};
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _daemon = DaemonGuard(sandbox.paths.clone());
    let settings = sandbox.settings();
    sandbox.save_settings(&settings);
    let child = sandbox.ftpconf_paused_at("verify", &["apply", "--start"]);
    let master = common::apply::running_pid(&sandbox.paths).expect("started before verify");
    let pid = Pid::from_raw(master as i32).unwrap();
    // A master that does not answer fails verify; it gets SIGTERM while stopped.
    kill_process(pid, Signal::STOP).unwrap();
    sandbox.resume();
    std::thread::sleep(Duration::from_secs(4));
    kill_process(pid, Signal::CONT).unwrap();
    let out = child.wait_with_output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(4), "{all}");
    assert!(all.contains("stopped"), "{all}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !std::path::Path::new(&format!("/proc/{master}")).exists() || {
            let stat = std::fs::read_to_string(format!("/proc/{master}/stat")).unwrap_or_default();
            stat.contains(") Z ")
        },
        "the proftpd started by the failed apply still runs"
    );
    assert!(!sandbox.paths.proftpd_conf().exists(), "there was no configuration before");
}
