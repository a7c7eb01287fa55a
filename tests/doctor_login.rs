//! `ftpconf check-login`: each verdict is confirmed by a real login attempt against the
//! real proftpd, with real accounts in every state the check knows about.

mod common;
mod doctor_support;

use std::os::unix::fs::PermissionsExt;

use common::Sandbox;
use common::raw::Raw;
use common::users::User;
use doctor_support::ftpusers::Listed;
use doctor_support::{Daemon, ftpconf, save, sh};
use ftpconf::settings::Settings;

/// `check-login NAME --json`: the exit code and every reason's cause and fix, as text.
fn verdict(sandbox: &Sandbox, name: &str) -> (i32, String) {
    let out = ftpconf(sandbox.dir.path(), &["check-login", name, "--json"], "");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let code = out.status.code().unwrap();
    assert_eq!(json["can_login"] == true, code == 0, "{json:#}");
    (code, json.to_string())
}

/// Whether a real login with `password` succeeds (a fresh connection each time).
fn logs_in(port: u16, name: &str, password: &str) -> bool {
    let (mut raw, _) = Raw::open(port);
    raw.login(name, password).starts_with("230")
}

fn settings(sandbox: &Sandbox) -> Settings {
    let mut s = sandbox.settings();
    s.timeout = 2; // a session proftpd leaves hanging ends soon
    s.login_attempts = 0;
    s
}

#[test]
fn every_refusal_of_a_local_user_is_named_and_real() {
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let _daemon = Daemon::serve(&sandbox, &settings(&sandbox));
    let port = _daemon.port;
    let member = User::create(&home, true);
    let outsider = User::create(&home, false);
    let listed = User::create(&home, true);
    let _listing = Listed::add(&listed.name);
    let locked = User::create(&home, true);
    sh("usermod", &["-L", &locked.name]);
    let empty = User::create(&home, true);
    sh("passwd", &["-d", &empty.name]);
    let expired = User::create(&home, true);
    sh("chage", &["-E", "2020-01-01", &expired.name]);
    let stale_password = User::create(&home, true);
    sh("chage", &["-d", "0", &stale_password.name]);
    let homeless = User::create(&home, true);
    std::fs::remove_dir_all(&homeless.home).unwrap();
    let closed = sandbox.mkdir("closed");
    let unreachable = User::create(&closed, true);
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();

    let cases: [(&User, &str, Option<&str>); 8] = [
        (&member, &member.password, None),
        (&outsider, &outsider.password, Some(&format!("usermod -aG ftp {}", outsider.name))),
        (&listed, &listed.password, Some("/etc/ftpusers")),
        (&locked, &locked.password, Some(&format!("usermod -U {}", locked.name))),
        (&empty, "", Some("empty password")),
        (&expired, &expired.password, Some(&format!("chage -E -1 {}", expired.name))),
        (&homeless, &homeless.password, Some("does not exist")),
        (&unreachable, &unreachable.password, Some(&format!("may not enter {}", closed.display()))),
    ];
    for (user, password, reason) in cases {
        let (code, text) = verdict(&sandbox, &user.name);
        let real = logs_in(port, &user.name, password);
        match reason {
            None => assert!(code == 0 && real, "{}: {text}, real login {real}", user.name),
            Some(reason) => {
                assert_eq!(code, 6, "{text}");
                assert!(text.contains(reason), "{}: {reason:?} not in {text}", user.name);
                assert!(!real, "{} logged in although check-login said no: {text}", user.name);
            }
        }
    }
    // An expired password alone does not stop proftpd: a note, and the login works.
    let (code, text) = verdict(&sandbox, &stale_password.name);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("password of") && text.contains("has expired"), "{text}");
    assert!(logs_in(port, &stale_password.name, &stale_password.password));
    // Unknown and root.
    let (code, text) = verdict(&sandbox, "nosuchuser-doctor");
    assert!(code == 6 && text.contains("useradd -m nosuchuser-doctor"), "{text}");
    assert!(!logs_in(port, "nosuchuser-doctor", "x"));
    let (code, text) = verdict(&sandbox, "root");
    assert!(code == 6 && text.contains("proftpd refuses root logins"), "{text}");
    // The fix named for the outsider works.
    sh("usermod", &["-aG", "ftp", &outsider.name]);
    assert_eq!(verdict(&sandbox, &outsider.name).0, 0);
    assert!(logs_in(port, &outsider.name, &outsider.password));
}

#[test]
fn with_local_user_login_on_group_ftp_is_not_needed() {
    let sandbox = Sandbox::new();
    let mut s = settings(&sandbox);
    s.local_user_login = true;
    let daemon = Daemon::serve(&sandbox, &s);
    let outsider = User::create(&sandbox.mkdir("home"), false);
    assert_eq!(verdict(&sandbox, &outsider.name).0, 0);
    assert!(logs_in(daemon.port, &outsider.name, &outsider.password));
}

#[test]
fn anonymous_needs_the_setting_and_a_reachable_root() {
    let sandbox = Sandbox::new();
    let mut s = settings(&sandbox);
    let (code, text) = {
        save(&sandbox.paths, &s);
        verdict(&sandbox, "anonymous")
    };
    assert!(code == 6 && text.contains("access.anonymous_login"), "{text}");
    let closed = sandbox.mkdir("closed");
    let root = sandbox.mkdir("closed/anon");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
    s.anonymous_login = true;
    s.anonymous_path = root.to_string_lossy().into_owned();
    {
        let _daemon = Daemon::serve(&sandbox, &s);
        let (code, text) = verdict(&sandbox, "anonymous");
        assert!(code == 6 && text.contains(&format!("chmod o+x {}", closed.display())), "{text}");
        assert!(!logs_in(_daemon.port, "anonymous", "x"));
        std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(verdict(&sandbox, "anonymous").0, 0);
        assert!(logs_in(_daemon.port, "anonymous", "x"));
    }
    s.anonymous_login = false;
    let _daemon = Daemon::serve(&sandbox, &s);
    assert!(!logs_in(_daemon.port, "anonymous", "x"));
}
