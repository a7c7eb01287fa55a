//! `apply` against a real proftpd: valid changes go live; everything `proftpd -t` or
//! our checks refuse leaves the running server and its files untouched.

mod common;

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::apply::{DaemonGuard, greets, running_pid, text};
use common::{Sandbox, free_port, port_answers, proftpd_binary};
use ftpconf::proftpd::apply::{self, Step, Verdict};

#[test]
fn a_valid_change_is_seen_by_the_next_connection() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let mut new = old.clone();
    new.port = u32::from(free_port());
    new.display_login = "Welcome to the new configuration".into();
    let started = Instant::now();
    let outcome = sandbox.apply_ok(&new);
    let took = started.elapsed();
    let new_port = u16::try_from(new.port).unwrap();
    // Right after apply returns, a new connection finds the new configuration.
    assert!(greets(new_port), "the new port does not answer");
    assert!(!port_answers(server.port), "the old port still answers");
    assert!(server.is_alive(), "proftpd died");
    assert_eq!(running_pid(&sandbox.paths), Some(server.pid()), "the master pid changed");
    let steps: Vec<Step> = outcome.steps.iter().map(|s| s.step).collect();
    assert_eq!(steps.last(), Some(&Step::Verify), "{steps:?}");
    assert!(outcome.serving);
    assert!(outcome.backup.is_some());
    assert_eq!(
        std::fs::read_to_string(sandbox.paths.login_message()).unwrap(),
        "Welcome to the new configuration\n"
    );
    eprintln!("apply with a port change took {} ms", took.as_millis());
}

#[test]
fn an_unknown_auxiliary_directive_is_refused_before_reload() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.clients = 7;
    new.auxiliary_parameters = "ShowSymlinks on\nFooBarBaz on".into();
    let outcome = sandbox.apply(&new);
    assert_eq!(outcome.verdict, Verdict::Invalid, "{outcome:#?}");
    assert_eq!(outcome.failed, Some(Step::ConfigTest));
    assert!(
        outcome.message.starts_with(
            "auxiliary_parameters line 2: unknown configuration directive 'FooBarBaz'"
        ),
        "{}",
        outcome.message
    );
    assert_eq!(sandbox.live_config(), before, "the live configuration changed");
    assert!(outcome.backup.is_none());
    assert!(server.is_alive());
    assert_eq!(running_pid(&sandbox.paths), Some(server.pid()));
    assert!(greets(server.port));
    // The CLI says the same and exits 1.
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("auxiliary_parameters line 2"), "{}", text(&out));
    assert!(text(&out).contains("nothing was changed"), "{}", text(&out));
}

#[test]
fn a_port_in_use_is_caught_before_reload() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut new = old.clone();
    new.port = u32::from(taken.local_addr().unwrap().port());
    let outcome = sandbox.apply(&new);
    assert_eq!(outcome.verdict, Verdict::Refused, "{outcome:#?}");
    assert_eq!(outcome.failed, Some(Step::CheckPort));
    assert!(outcome.message.contains("already in use"), "{}", outcome.message);
    assert!(
        outcome.message.contains(&format!("pid {}", std::process::id())),
        "the holder is not named: {}",
        outcome.message
    );
    assert_eq!(sandbox.live_config(), before);
    assert!(server.is_alive());
    assert!(greets(server.port));
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    // Re-applying the port proftpd already holds is fine.
    let outcome = sandbox.apply(&old);
    assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
}

#[test]
fn a_key_that_does_not_match_its_certificate_is_caught() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    sandbox.make_certificate("nas", false);
    sandbox.make_certificate("other", false);
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let before = sandbox.live_config();
    // The certificate "nas" now comes with the key of "other"; proftpd -t accepts that.
    std::fs::copy(sandbox.paths.certificate_key("other"), sandbox.paths.certificate_key("nas"))
        .unwrap();
    let mut new = old.clone();
    new.tls_enable = true;
    new.certificate = "nas".into();
    // The Certificate field's own validation catches it first…
    let outcome = sandbox.apply(&new);
    assert_eq!(outcome.verdict, Verdict::Invalid, "{outcome:#?}");
    let problems = format!("{:?}", outcome.problems);
    assert!(problems.contains("does not belong") || problems.contains("key"), "{problems}");
    assert_eq!(sandbox.live_config(), before);
    // …and a pair that only the configuration names (a virtual host in Auxiliary
    // Parameters) is caught by apply's own check before anything changes.
    sandbox.make_certificate("nas", false);
    let mut vhost = new.clone();
    vhost.auxiliary_parameters = format!(
        "<VirtualHost 127.0.0.1>\n  Port {}\n  TLSEngine on\n  TLSRSACertificateFile {}\n  TLSRSACertificateKeyFile {}\n</VirtualHost>",
        common::free_port(),
        sandbox.paths.certificate_file("nas").display(),
        sandbox.paths.certificate_key("other").display(),
    );
    let outcome = sandbox.apply(&vhost);
    assert_eq!(outcome.verdict, Verdict::Refused, "{outcome:#?}");
    assert_eq!(outcome.failed, Some(Step::CheckTls));
    assert!(outcome.message.contains("does not belong"), "{}", outcome.message);
    assert_eq!(sandbox.live_config(), before);
    assert!(server.is_alive());
    // With matching keys everywhere it goes through.
    sandbox.apply_ok(&new);
    assert!(sandbox.live_config().contains("TLSEngine on"));
    assert!(greets(server.port));
}

#[test]
fn a_stale_pid_file_naming_another_process_is_never_signalled() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut sleeper = Command::new("sleep").arg("30").stdin(Stdio::null()).spawn().unwrap();
    std::fs::write(sandbox.paths.pid_file(), format!("{}\n", sleeper.id())).unwrap();
    let settings = sandbox.settings();
    let outcome = sandbox.apply(&settings);
    assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
    assert!(!outcome.serving);
    let notes = outcome.notes.join("\n");
    assert!(notes.contains(&format!("pid {}", sleeper.id())), "{notes}");
    assert!(notes.contains("proftpd is not running"), "{notes}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(sleeper.try_wait().unwrap().is_none(), "the unrelated process was signalled");
    // --start starts a real proftpd instead, still leaving the sleeper alone.
    let _guard = DaemonGuard(sandbox.paths.clone());
    let out = sandbox.ftpconf(&["apply", "--start"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(greets(u16::try_from(settings.port).unwrap()));
    assert!(sleeper.try_wait().unwrap().is_none(), "the unrelated process was signalled");
    let _ = sleeper.kill();
    let _ = sleeper.wait();
}

#[test]
fn a_second_apply_is_refused_while_one_runs() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let mut new = old.clone();
    new.clients = 9;
    sandbox.save_settings(&new);
    let first = sandbox.ftpconf_paused_at("backup", &["apply"]);
    let second = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(second.status.code(), Some(3), "{}", text(&second));
    assert!(text(&second).contains(&format!("in use by pid {}", first.id())), "{}", text(&second));
    // The library says the same, typed.
    let outcome = apply::run(&sandbox.request(), &mut |_| {});
    assert_eq!((outcome.verdict, outcome.failed), (Verdict::Refused, Some(Step::Lock)));
    sandbox.resume();
    let out = first.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(sandbox.live_config().contains("MaxClients 9"));
    assert!(greets(server.port));
}

#[test]
fn apply_refuses_a_settings_file_changed_behind_the_editor() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    sandbox.save_settings(&settings);
    let path = sandbox.paths.settings_file();
    let (_, loaded) = apply::read_with_fingerprint(&path).unwrap();
    assert!(!apply::settings_changed_since(&path, &loaded));
    let mut changed = settings.clone();
    changed.clients = 11;
    sandbox.save_settings(&changed);
    assert!(apply::settings_changed_since(&path, &loaded));
    let mut request = sandbox.request();
    request.expected = Some(loaded);
    let outcome = apply::run(&request, &mut |_| {});
    assert_eq!((outcome.verdict, outcome.failed), (Verdict::Refused, Some(Step::Validate)));
    assert!(outcome.message.contains("changed on disk"), "{}", outcome.message);
    assert!(!sandbox.paths.proftpd_conf().exists(), "something was written");
    let (_, now) = apply::read_with_fingerprint(&path).unwrap();
    request.expected = Some(now);
    assert_eq!(apply::run(&request, &mut |_| {}).verdict, Verdict::Applied);
}

#[test]
fn without_a_controls_socket_verify_waits_past_the_reload_pause() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let mut server = sandbox.serve(&old);
    let mut new = old.clone();
    new.auxiliary_parameters = "ControlsEngine off".into();
    sandbox.apply_ok(&new);
    new.clients = 12;
    let outcome = sandbox.apply_ok(&new);
    let verify = outcome.steps.iter().find(|s| s.step == Step::Verify).unwrap();
    assert!(verify.elapsed >= std::time::Duration::from_millis(800), "{verify:?}");
    assert!(server.is_alive());
    assert!(greets(server.port));
    // A bad file is still caught by proftpd -t, and a reload that kills proftpd would be
    // seen by the settle wait; the configuration in place is the new one.
    assert!(sandbox.live_config().contains("MaxClients 12"));
}

#[test]
fn a_proftpd_started_from_another_configuration_is_named_as_such() {
    proftpd_binary();
    let other = Sandbox::new();
    let settings = other.settings();
    let _foreign = other.serve(&settings);
    let sandbox = Sandbox::new();
    let outcome = sandbox.apply(&settings);
    assert_eq!((outcome.verdict, outcome.failed), (Verdict::Refused, Some(Step::CheckPort)));
    assert!(outcome.message.contains("(proftpd)"), "{}", outcome.message);
    assert!(outcome.message.contains("not started from this configuration"), "{}", outcome.message);
}

#[test]
fn a_full_per_host_limit_does_not_fail_the_check() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut old = sandbox.settings();
    old.connections_per_ip = 1;
    let server = sandbox.serve(&old);
    // One local session holds the only slot for 127.0.0.1.
    let (_session, greeting) = common::raw::Raw::open(server.port);
    assert!(greeting.starts_with("220"), "{greeting}");
    let mut new = old.clone();
    new.clients = 13;
    let outcome = sandbox.apply_ok(&new);
    let verify = outcome.steps.iter().find(|s| s.step == Step::Verify).unwrap();
    assert!(verify.detail.contains("busy"), "{verify:?}");
    assert!(sandbox.live_config().contains("MaxClients 13"));
}

#[test]
fn an_ec_certificate_with_its_own_key_goes_live() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    sandbox.make_certificate("ec", true);
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let mut new = old.clone();
    new.tls_enable = true;
    new.certificate = "ec".into();
    let outcome = sandbox.apply_ok(&new);
    let tls = outcome.steps.iter().find(|s| s.step == Step::CheckTls).unwrap();
    assert!(tls.ok && tls.detail.contains("matches"), "{tls:?}");
    assert!(sandbox.live_config().contains("TLSECCertificateFile"));
    assert!(greets(server.port));
}
