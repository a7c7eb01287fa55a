//! SIGKILL of `ftpconf apply` at every step leaves the live files entirely old or
//! entirely new, proftpd serving, and the next apply working.

mod common;

use std::time::Duration;

use common::apply::{greets, running_pid, text};
use common::{Sandbox, free_port, proftpd_binary};
use ftpconf::proftpd::apply::{Step, Verdict};
use ftpconf::proftpd::{Facts, render};

/// What the live files hold: ("old" | "new"), panicking on any mix.
fn which(sandbox: &Sandbox, old: &(String, String), new: &(String, String)) -> &'static str {
    let config = std::fs::read_to_string(sandbox.paths.proftpd_conf()).unwrap();
    let motd = std::fs::read_to_string(sandbox.paths.login_message()).unwrap();
    let live = (config, motd);
    if live == *old {
        "old"
    } else if live == *new {
        "new"
    } else {
        panic!("the live files are a mix of old and new:\n{live:#?}")
    }
}

#[test]
fn sigkill_at_each_step_leaves_old_or_new_files_and_proftpd_serving() {
    proftpd_binary();
    let steps = &Step::ALL[..Step::ALL.iter().position(|s| *s == Step::Verify).unwrap() + 1];
    for step in steps {
        let sandbox = Sandbox::new();
        let old_settings = sandbox.settings();
        let mut server = sandbox.serve(&old_settings);
        let old_files = (
            sandbox.live_config(),
            std::fs::read_to_string(sandbox.paths.login_message()).unwrap(),
        );
        let mut new_settings = old_settings.clone();
        new_settings.port = u32::from(free_port());
        new_settings.display_login = format!("new message for {}", step.name());
        let system = sandbox.system();
        let rendered = render(&new_settings, &Facts::gather(&new_settings, &system));
        let new_files = (rendered.config, rendered.login_message);
        sandbox.save_settings(&new_settings);

        let mut child = sandbox.ftpconf_paused_at(step.name(), &["apply"]);
        child.kill().expect("SIGKILL ftpconf");
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), None, "ftpconf was not killed: {}", text(&out));
        let state = which(&sandbox, &old_files, &new_files);
        // proftpd keeps serving: the old port until the reload, the new one after it.
        std::thread::sleep(Duration::from_millis(50));
        assert!(server.is_alive(), "proftpd died after a kill at {}", step.name());
        let old_port = server.port;
        let new_port = u16::try_from(new_settings.port).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        while !(greets(old_port) || greets(new_port)) {
            assert!(
                std::time::Instant::now() < deadline,
                "proftpd does not answer after a kill at {}",
                step.name()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("killed at {:<12} -> live files {state}", step.name());
        let before_install = Step::ALL.iter().position(|s| s == step)
            <= Step::ALL.iter().position(|s| *s == Step::Install);
        if before_install {
            assert_eq!(state, "old", "killed before the install at {}", step.name());
        } else {
            assert_eq!(state, "new", "killed after the install at {}", step.name());
        }

        // The lock died with the process: the next apply goes through.
        let outcome = sandbox.apply(&new_settings);
        assert_eq!(
            outcome.verdict,
            Verdict::Applied,
            "after a kill at {}: {outcome:#?}",
            step.name()
        );
        assert_eq!(which(&sandbox, &old_files, &new_files), "new");
        assert!(greets(new_port), "the new port does not answer after a kill at {}", step.name());
        assert_eq!(running_pid(&sandbox.paths), Some(server.pid()));
        // No temporary files are left beside proftpd's.
        let mut names: Vec<String> =
            std::fs::read_dir(sandbox.paths.proftpd_conf().parent().unwrap())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        assert_eq!(names, ["proftpd.conf", "proftpd.motd"], "after a kill at {}", step.name());
    }
}

#[test]
fn a_kill_between_two_renames_is_undone_by_the_next_apply() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old_settings = sandbox.settings();
    let server = sandbox.serve(&old_settings);
    let old_files =
        (sandbox.live_config(), std::fs::read_to_string(sandbox.paths.login_message()).unwrap());
    let mut new_settings = old_settings.clone();
    new_settings.display_login = "half way".into();
    new_settings.clients = 6;
    sandbox.save_settings(&new_settings);
    let mut child = sandbox.ftpconf_paused_at("install-between-renames", &["apply"]);
    child.kill().unwrap();
    let _ = child.wait();
    // The login message is new, proftpd.conf still old: the journal records it.
    assert_eq!(sandbox.live_config(), old_files.0);
    assert_eq!(std::fs::read_to_string(sandbox.paths.login_message()).unwrap(), "half way\n");
    assert!(sandbox.paths.state_dir().join("install.journal").exists());
    // The next apply first puts the old set back, then applies.
    let outcome = sandbox.apply(&old_settings);
    assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
    assert!(outcome.notes.iter().any(|n| n.contains("interrupted")), "{:?}", outcome.notes);
    assert_eq!(sandbox.live_config(), old_files.0);
    assert_eq!(std::fs::read_to_string(sandbox.paths.login_message()).unwrap(), old_files.1);
    assert!(!sandbox.paths.state_dir().join("install.journal").exists());
    assert!(greets(server.port));
}
