//! `ftpconf log`: every known failure pattern is produced by a real client against the
//! real proftpd, and the command prints the line with its explanation and setting.

mod common;
mod doctor_support;

use std::net::TcpListener;
use std::time::Duration;

use common::Sandbox;
use common::ftps::tls_sandbox;
use common::raw::Raw;
use common::users::User;
use doctor_support::ftpusers::Listed;
use doctor_support::{Daemon, assert_explained, ftpconf, python, sh, stdout};

fn log(sandbox: &Sandbox) -> String {
    let out = ftpconf(sandbox.dir.path(), &["log"], "");
    assert_eq!(out.status.code(), Some(0));
    stdout(&out)
}

/// A failed login (USER + PASS); the session ends (Login Attempts is 1).
fn fail_login(port: u16, user: &str, password: &str) -> String {
    let (mut raw, _) = Raw::open(port);
    let reply = raw.login(user, password);
    assert!(!reply.starts_with("230"), "{user} logged in: {reply}");
    reply
}

#[test]
fn login_refusals_are_explained() {
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let member = User::create(&home, true);
    let outsider = User::create(&home, false);
    let homeless = User::create(&home, true);
    std::fs::remove_dir_all(&homeless.home).unwrap();
    let listed_user = User::create(&home, true);
    let _listed = Listed::add(&listed_user.name);
    let expired = User::create(&home, true);
    sh("chage", &["-E", "2020-01-01", &expired.name]);
    let settings = sandbox.settings();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let port = settings.port as u16;
    fail_login(port, &member.name, "wrong");
    fail_login(port, "nosuchuser-doctor", "x");
    fail_login(port, "root", "x");
    fail_login(port, &outsider.name, &outsider.password);
    fail_login(port, &homeless.name, &homeless.password);
    fail_login(port, &listed_user.name, &listed_user.password);
    fail_login(port, &expired.name, &expired.password);
    let out = log(&sandbox);
    for id in [
        "wrong-password",
        "login-attempts",
        "unknown-user",
        "root-login",
        "login-gate",
        "chroot-failed",
        "default-root-unusable",
        "ftpusers",
        "account-expired",
    ] {
        assert_explained(&out, id);
    }
}

#[test]
fn limits_fxp_passive_ports_and_timeouts_are_explained() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.clients = 2;
    settings.connections_per_ip = 3;
    settings.notransfer_timeout = 2;
    // Two passive ports, both taken below.
    let blockers: Vec<TcpListener> = (0..)
        .map(|_| common::free_port())
        .filter_map(|p| {
            let a = TcpListener::bind(("127.0.0.1", p)).ok()?;
            let b = TcpListener::bind(("127.0.0.1", p + 1)).ok()?;
            Some(vec![a, b])
        })
        .next()
        .unwrap();
    settings.passive_port_min = u32::from(blockers[0].local_addr().unwrap().port());
    settings.passive_port_max = settings.passive_port_min + 1;
    let _daemon = Daemon::serve(&sandbox, &settings);
    let port = settings.port as u16;
    // Clients: two sessions logged in, the third login is refused.
    let mut sessions: Vec<Raw> = (0..2)
        .map(|_| {
            let (mut raw, _) = Raw::open(port);
            assert!(raw.login(&user.name, &user.password).starts_with("230"));
            raw
        })
        .collect();
    assert!(
        Raw::open(port)
            .0
            .login(&user.name, &user.password)
            .contains("maximum number of allowed clients")
    );
    // FXP: PORT to another address; no free passive port.
    assert!(sessions[0].cmd("PORT 127,0,0,2,200,10").starts_with("500"));
    assert!(sessions[0].cmd("PASV").starts_with("227"));
    drop(blockers);
    std::thread::sleep(Duration::from_millis(500)); // the refused session's process ends
    // Per address: with two sessions open, the next two connect and the fourth is refused.
    let _third = Raw::open(port);
    let (_, banner) = Raw::open(port);
    assert!(banner.contains("for your host"), "{banner}");
    // No transfer timeout: commands but no transfer for longer than 2 s.
    let session = &mut sessions[1];
    let mut closed = false;
    for _ in 0..8 {
        std::thread::sleep(Duration::from_millis(500));
        let reply = session.cmd("NOOP");
        if reply.starts_with("421") || reply.is_empty() {
            closed = true;
            break;
        }
    }
    assert!(closed, "the session outlived TimeoutNoTransfer");
    // A second proftpd on the same port cannot bind it.
    let second = std::process::Command::new(common::proftpd_binary())
        .args(["-n", "-q", "-c"])
        .arg(sandbox.paths.proftpd_conf())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let out = log(&sandbox);
    for id in [
        "max-clients",
        "max-per-host",
        "fxp-refused",
        "no-passive-port",
        "no-transfer-timeout",
        "port-in-use",
    ] {
        assert_explained(&out, id);
    }
}

const TLS_EVENTS: &str = r#"
import ftplib, ssl, sys
port = int(sys.argv[1]); user = sys.argv[2]; password = sys.argv[3]
def ctx(max_version=None, ciphers=None):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
    if ciphers: c.set_ciphers(ciphers)
    if max_version:
        c.set_ciphers((ciphers or 'DEFAULT') + ':@SECLEVEL=0'); c.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED; c.maximum_version = max_version
    return c
def attempt(name, f):
    try: print(name, f())
    except Exception as e: print(name, 'refused', e)
def no_reuse():
    f = ftplib.FTP_TLS(context=ctx(), timeout=5); f.connect('127.0.0.1', port); f.login(user, password); f.prot_p(); return f.nlst()
def plain():
    f = ftplib.FTP(timeout=5); f.connect('127.0.0.1', port); return f.login(user, password)
def old_tls():
    f = ftplib.FTP_TLS(context=ctx(ssl.TLSVersion.TLSv1_1), timeout=5); f.connect('127.0.0.1', port); return f.auth()
def cipher():
    f = ftplib.FTP_TLS(context=ctx(ssl.TLSVersion.TLSv1_2, 'ADH-AES128-SHA'), timeout=5); f.connect('127.0.0.1', port); return f.auth()
for name, f in [('no_reuse', no_reuse), ('plain', plain), ('old_tls', old_tls), ('cipher', cipher)]:
    attempt(name, f)
"#;

#[test]
fn tls_failures_are_explained() {
    let (sandbox, user) = tls_sandbox();
    let mut settings = sandbox.settings();
    settings.tls_enable = true;
    settings.certificate = "ftps".into();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let printed = python(TLS_EVENTS, &[&settings.port.to_string(), &user.name, &user.password]);
    assert!(printed.contains("no_reuse refused 425"), "{printed}");
    assert!(printed.contains("plain refused 550"), "{printed}");
    let out = log(&sandbox);
    for id in [
        "tls-no-session-reuse",
        "tls-required",
        "tls-protocol-version",
        "tls-no-shared-cipher",
        "tls-cipher-list",
    ] {
        assert_explained(&out, id);
    }
}

#[test]
fn control_characters_are_escaped_and_since_and_follow_are_bounded() {
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let port = settings.port as u16;
    fail_login(port, "evil\x1b]0;owned\x07name", "x");
    let out = log(&sandbox);
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(out.contains("evil\\x1b]0;owned\\x07name"), "{out}");
    assert_explained(&out, "unknown-user");
    // --since in the future shows nothing; a bad --since is a usage error.
    let later = ftpconf(sandbox.dir.path(), &["log", "--since", "2999-01-01"], "");
    assert_eq!(stdout(&later), "");
    let bad = ftpconf(sandbox.dir.path(), &["log", "--since", "yesterday"], "");
    assert_eq!(bad.status.code(), Some(2));
    // --follow prints lines written after it started, and stops after --follow-for.
    let root = sandbox.dir.path().to_owned();
    let follower = std::thread::spawn(move || {
        ftpconf(&root, &["log", "--since", "2999-01-01", "--follow", "--follow-for", "3"], "")
    });
    std::thread::sleep(Duration::from_millis(800));
    fail_login(port, "root", "x");
    let started = std::time::Instant::now();
    let followed = stdout(&follower.join().unwrap());
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_explained(&followed, "root-login");
}

#[test]
fn a_missing_home_without_chroot_is_explained() {
    let sandbox = Sandbox::new();
    let homeless = User::create(&sandbox.mkdir("home"), true);
    std::fs::remove_dir_all(&homeless.home).unwrap();
    let mut settings = sandbox.settings();
    settings.always_chroot = false;
    let _daemon = Daemon::serve(&sandbox, &settings);
    fail_login(settings.port as u16, &homeless.name, &homeless.password);
    assert_explained(&log(&sandbox), "chdir-failed");
}

/// The data-connection log ftpconf adds costs a few short lines per session and holds
/// no password or login name: budget 600 bytes for a session that lists, downloads or
/// uploads one file (docs/doctor.md records the measured numbers).
#[test]
fn the_data_connection_log_costs_a_few_lines_per_session() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    std::fs::write(user.home.join("file.txt"), b"some bytes\n").unwrap();
    let mut settings = sandbox.settings();
    settings.local_user_login = true;
    let _daemon = Daemon::serve(&sandbox, &settings);
    let url = format!("ftp://127.0.0.1:{}/", settings.port);
    let login = format!("{}:{}", user.name, user.password);
    let upload = sandbox.write_file("up.txt", b"uploaded\n");
    for extra in [vec![url.clone()], vec![format!("{url}file.txt")], {
        vec!["-T".into(), upload.display().to_string(), format!("{url}up.txt")]
    }] {
        let out = std::process::Command::new("curl")
            .args(["-sS", "--max-time", "10", "-o", "/dev/null", "--user", &login])
            .args(&extra)
            .output()
            .expect("curl");
        assert!(out.status.success(), "{extra:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let data_log = sandbox.paths.data_log();
    let mut text = String::new();
    for _ in 0..50 {
        text = std::fs::read_to_string(&data_log).unwrap_or_default();
        if text.matches(" EXIT ").count() == 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(text.matches(" EXIT ").count(), 3, "{text}");
    let (bytes, lines) = (text.len(), text.lines().count());
    let xferlog = std::fs::metadata(sandbox.paths.transfer_log()).map_or(0, |m| m.len());
    eprintln!(
        "data log: {bytes} bytes, {lines} lines for 3 sessions (list, download, upload); xferlog: {xferlog} bytes"
    );
    assert!(bytes <= 3 * 600, "{bytes} bytes:\n{text}");
    assert!(!text.contains(&user.password) && !text.contains(&user.name), "{text}");
    // Used offers from a real client are no finding.
    assert!(!log(&sandbox).contains("never opened it"));
}
