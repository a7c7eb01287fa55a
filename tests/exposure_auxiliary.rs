//! Auxiliary Parameters cannot override a field, anywhere (fault audit D10, D20, D3, R1):
//! the `<IfVersion>` and 4096-byte-comment bypasses are refused by every path into the
//! settings, so a real local user of the running proftpd stays chrooted; what proftpd
//! accepts and is not an override (`<Anonymous ~user>`) is accepted and served; `Include`
//! of a FIFO is refused at once; an import that loads modules or runs commands is shown
//! and refused unless trusted.

mod common;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use common::apply::text;
use common::ftp;
use common::users::User;

/// The settings file with `auxiliary_parameters` replaced, as a hand edit would.
fn hand_write_auxiliary(sandbox: &Sandbox, aux: &str) {
    let file = sandbox.paths.settings_file();
    let mut settings = ftpconf::settings::store::load(&file).unwrap();
    settings.auxiliary_parameters = aux.into();
    // store::save is what `set` uses; validation is what the bypass must meet later.
    ftpconf::settings::store::save(&file, &settings).unwrap();
}

fn import(sandbox: &Sandbox, json: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "--truenas", "-"];
    args.extend(extra);
    let mut child = sandbox.ftpconf(&args).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(json.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn always_chroot_holds_against_every_auxiliary_bypass() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let user = User::create(&home, true);
    let mut settings = sandbox.settings();
    settings.local_user_login = true;
    settings.always_chroot = true;
    let server = sandbox.serve(&settings);
    sandbox.save_settings(&settings);
    let pwd = || ftp::login(server.port, &user.name, &user.password).pwd().unwrap();
    assert_eq!(pwd(), "/");

    let long_comment = format!("#{}DefaultRoot /", "x".repeat(4095));
    let bypasses = [
        "LoadModule mod_ifversion.c\n<IfVersion >= 1.3.0>\nDefaultRoot /\n</IfVersion>".to_owned(),
        "<IfUser regex .*>\nDefaultRoot /\n</IfUser>".to_owned(),
        "<IfModule mod_core.c>\n<Global>\nDefaultRoot /\n</Global>\n</IfModule>".to_owned(),
        long_comment,
        "TimeoutLogin 60".to_owned(),
    ];
    for aux in &bypasses {
        let assignment = format!("auxiliary_parameters={aux}");
        let out = sandbox.ftpconf(&["set", &assignment]).output().unwrap();
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "set accepted {aux:.60?}: {said}");
        assert!(said.contains("auxiliary_parameters: line "), "{said}");
        hand_write_auxiliary(&sandbox, aux);
        let out = sandbox.ftpconf(&["apply"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "apply accepted {aux:.60?}: {}", text(&out));
        assert_eq!(pwd(), "/", "the chroot was lifted by {aux:.60?}");
    }
    let out = sandbox
        .ftpconf(&["set", "auxiliary_parameters=<IfVersion >= 1.3.0>\nDefaultRoot /\n</IfVersion>"])
        .output()
        .unwrap();
    assert!(text(&out).contains("Always Chroot"), "the owner is named: {}", text(&out));
}

#[test]
fn anonymous_home_of_a_user_is_accepted_and_served() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let owner = User::create(&home, false);
    std::fs::set_permissions(&owner.home, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(owner.home.join("notes.txt"), "from the home\n").unwrap();
    std::fs::set_permissions(owner.home.join("notes.txt"), std::fs::Permissions::from_mode(0o644))
        .unwrap();
    let mut settings = sandbox.settings();
    settings.connections_per_ip = 0;
    let server = sandbox.serve(&settings);
    settings.auxiliary_parameters = format!(
        "<Anonymous ~{}>\n  User ftp\n  Group nogroup\n  UserAlias anonymous ftp\n  <Limit LOGIN>\n    AllowAll\n  </Limit>\n</Anonymous>",
        owner.name
    );
    let outcome = sandbox.apply(&settings);
    assert_eq!(outcome.verdict, ftpconf::proftpd::apply::Verdict::Applied, "{}", outcome.message);
    let mut anon = ftp::login(server.port, "anonymous", "guest@");
    assert_eq!(ftp::get(&mut anon, "notes.txt").unwrap(), b"from the home\n");
}

#[test]
fn include_of_a_fifo_is_refused_at_once() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path("fifo.conf");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let started = Instant::now();
    let assignment = format!("auxiliary_parameters=Include {}", fifo.display());
    let out = sandbox.ftpconf(&["set", &assignment]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn an_import_that_runs_commands_is_shown_and_refused_unless_trusted() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    let marker = sandbox.path("ran");
    let options = format!(
        "LoadModule mod_exec.c\nExecEngine on\nExecOnConnect /usr/bin/touch {}\nShowSymlinks on",
        marker.display()
    );
    let json = serde_json::json!({ "options": options }).to_string();
    let before = std::fs::read(sandbox.paths.settings_file()).ok();
    let out = import(&sandbox, &json, &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for line in ["options line 1: LoadModule", "options line 3: ExecOnConnect", "--trust-options"] {
        assert!(said.contains(line), "{line:?} missing: {said}");
    }
    assert!(!said.contains("line 4"), "{said}");
    assert_eq!(std::fs::read(sandbox.paths.settings_file()).ok(), before, "nothing written");

    let out = import(&sandbox, &json, &["--trust-options"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let saved = ftpconf::settings::store::load(&sandbox.paths.settings_file()).unwrap();
    assert_eq!(saved.auxiliary_parameters, options);
}
