//! `ftpconf check` against the real proftpd: every step passes on a working service
//! (FTP and FTPS, with --write), and each failure names its cause and its fix.

mod common;
mod doctor_support;

use std::time::Instant;

use common::Sandbox;
use common::ftps::tls_sandbox;
use common::users::User;
use doctor_support::{Daemon, check_json, ftpconf, save, stdout, step};

fn local_settings(sandbox: &Sandbox) -> ftpconf::settings::Settings {
    let mut s = sandbox.settings();
    s.passive_port_min = 41000 + (std::process::id() % 400) as u16 as u32 * 20;
    s.passive_port_max = s.passive_port_min + 19;
    s
}

#[test]
fn a_working_service_passes_every_step_within_two_seconds() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let settings = local_settings(&sandbox);
    let _daemon = Daemon::serve(&sandbox, &settings);
    let started = Instant::now();
    let (code, json) = check_json(
        sandbox.dir.path(),
        &["--user", &user.name, "--password-stdin", "--write"],
        &format!("{}\n", user.password),
    );
    let took = started.elapsed();
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["passed"], true);
    for name in
        ["connect", "login", "pwd", "epsv", "list", "pasv", "upload", "mode", "download", "delete"]
    {
        assert_eq!(step(&json, name)["outcome"], "ok", "{name}: {json:#}");
    }
    assert!(step(&json, "pwd")["detail"].as_str().unwrap().starts_with("/ (confined"));
    assert!(step(&json, "mode")["detail"].as_str().unwrap().starts_with("600"));
    let forward = step(&json, "forward")["detail"].as_str().unwrap().to_owned();
    assert!(
        forward.contains(&format!(
            "{} (control) and {}-{}",
            settings.port, settings.passive_port_min, settings.passive_port_max
        )),
        "{forward}"
    );
    assert!(took.as_secs_f64() < 2.0, "the check took {took:?}");
    assert!(!user.home.join(format!("ftpconf-check-{}.txt", std::process::id())).exists());
}

#[test]
fn ftps_checks_the_certificate_and_session_reuse() {
    let (sandbox, user) = tls_sandbox();
    let mut settings = local_settings(&sandbox);
    settings.tls_enable = true;
    settings.certificate = "ftps".into();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let (code, json) = check_json(
        sandbox.dir.path(),
        &["--user", &user.name, "--password-stdin", "--write"],
        &user.password,
    );
    assert_eq!(code, 0, "{json:#}");
    let tls = step(&json, "tls")["detail"].as_str().unwrap().to_owned();
    let expected = ftpconf::proftpd::certs::inspect(&sandbox.paths, "ftps");
    assert!(tls.starts_with("TLS 1.3, certificate SHA-256 "), "{tls}");
    assert!(expected.details().is_some());
    assert!(step(&json, "list")["detail"].as_str().unwrap().contains("control session reused"));
    let reuse = step(&json, "tls-reuse");
    assert_eq!(reuse["outcome"], "note");
    assert!(reuse["detail"].as_str().unwrap().starts_with("yes"), "{reuse}");
    assert!(reuse["fix"].as_str().unwrap().contains("tls.no_session_reuse_required"));
    // The fingerprint is the configured certificate's (openssl's own computation).
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(sandbox.paths.certificate_file("ftps"))
        .output()
        .unwrap();
    let finger = String::from_utf8_lossy(&out.stdout).trim().rsplit('=').next().unwrap().to_owned();
    assert!(tls.contains(&finger), "{tls} vs {finger}");
}

#[test]
fn without_session_reuse_required_the_note_says_old_clients_get_in() {
    let (sandbox, user) = tls_sandbox();
    let mut settings = local_settings(&sandbox);
    settings.tls_enable = true;
    settings.certificate = "ftps".into();
    settings.tls_no_session_reuse_required = true;
    let _daemon = Daemon::serve(&sandbox, &settings);
    let (code, json) =
        check_json(sandbox.dir.path(), &["--user", &user.name, "--password-stdin"], &user.password);
    assert_eq!(code, 0, "{json:#}");
    assert!(step(&json, "tls-reuse")["detail"].as_str().unwrap().starts_with("no:"));
}

#[test]
fn a_stale_certificate_names_apply() {
    let (sandbox, user) = tls_sandbox();
    let mut settings = local_settings(&sandbox);
    settings.tls_enable = true;
    settings.certificate = "ftps".into();
    let _daemon = Daemon::serve(&sandbox, &settings);
    // The settings now name another certificate; the running server still has the old one.
    ftpconf::proftpd::certs::create(
        &sandbox.paths,
        "newer",
        &common::ftps::localhost_cert(ftpconf::proftpd::certs::KeyChoice::Ec),
        false,
    )
    .unwrap();
    settings.certificate = "newer".into();
    save(&sandbox.paths, &settings);
    let (code, json) =
        check_json(sandbox.dir.path(), &["--user", &user.name, "--password-stdin"], &user.password);
    assert_eq!(code, 6);
    let tls = step(&json, "tls");
    assert_eq!(tls["outcome"], "fail");
    assert!(tls["cause"].as_str().unwrap().contains("another certificate"), "{tls}");
    assert!(tls["fix"].as_str().unwrap().contains("ftpconf apply"));
}

#[test]
fn a_wrong_password_fails_the_login_and_points_at_check_login() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let settings = local_settings(&sandbox);
    let _daemon = Daemon::serve(&sandbox, &settings);
    let file = sandbox.write_file("pw", b"not-the-password\n");
    let (code, json) = check_json(
        sandbox.dir.path(),
        &["--user", &user.name, "--password-file", file.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 6);
    let login = step(&json, "login");
    assert_eq!(login["outcome"], "fail");
    assert!(login["detail"].as_str().unwrap().starts_with("Login incorrect"), "{login}");
    assert!(login["fix"].as_str().unwrap().contains(&format!("ftpconf check-login {}", user.name)));
}

#[test]
fn nothing_listening_names_the_port_and_apply_start() {
    let sandbox = Sandbox::new();
    let settings = local_settings(&sandbox);
    save(&sandbox.paths, &settings);
    let out = ftpconf(sandbox.dir.path(), &["--ascii", "check"], "");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(6), "{text}");
    assert!(text.starts_with("FAIL Connect to 127.0.0.1 port"), "{text}");
    assert!(text.contains("proftpd is not running"), "{text}");
    assert!(text.contains("ftpconf apply --start"), "{text}");
    assert!(text.is_ascii(), "--ascii output is plain ASCII: {text}");
}

#[test]
fn anonymous_sessions_are_checked_when_anonymous_login_is_on() {
    let sandbox = Sandbox::new();
    let mut settings = local_settings(&sandbox);
    settings.anonymous_login = true;
    settings.anonymous_path = sandbox.mkdir("anon").to_string_lossy().into_owned();
    sandbox.write_file("anon/readme.txt", b"hello\n");
    let _daemon = Daemon::serve(&sandbox, &settings);
    let out = ftpconf(sandbox.dir.path(), &["check"], "");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("✓ Log in as anonymous"), "{text}");
    assert!(text.contains("1 entries"), "{text}");
}

#[test]
fn the_password_is_never_taken_from_the_command_line_nor_prompted_without_a_terminal() {
    let sandbox = Sandbox::new();
    save(&sandbox.paths, &local_settings(&sandbox));
    // setsid: no controlling terminal, so there is nowhere to prompt.
    let out = std::process::Command::new("setsid")
        .arg("-w")
        .arg(env!("CARGO_BIN_EXE_ftpconf"))
        .arg("--root")
        .arg(sandbox.dir.path())
        .args(["check", "--user", "someone"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--password-stdin or --password-file"), "{err}");
    let help = stdout(&ftpconf(sandbox.dir.path(), &["check", "--help"], ""));
    assert!(!help.contains("--password "), "{help}");
}

/// A hostile server: its greeting and replies carry terminal escapes.
fn hostile_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{BufRead, Write};
        for stream in listener.incoming().take(2) {
            let mut stream = stream.unwrap();
            stream.write_all(b"220 evil\x1b]0;owned\x07 \xe2\x80\xae server\r\n").unwrap();
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                let _ = stream.write_all(b"530 no\x1b[2J\r\n");
                line.clear();
            }
        }
    });
    port
}

#[test]
fn server_text_is_escaped_and_user_names_cannot_smuggle_commands() {
    let sandbox = Sandbox::new();
    let mut settings = local_settings(&sandbox);
    settings.port = u32::from(hostile_server());
    save(&sandbox.paths, &settings);
    let out = ftpconf(
        sandbox.dir.path(),
        &["check", "--user", "a\r\nDELE x", "--password-stdin"],
        "pw\n",
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(6), "{text}");
    assert!(
        !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("evil\\x1b]0;owned\\x07 \\u202e server"), "{text}");
    assert!(text.contains("contains a line break"), "{text}");
}

#[test]
fn listen_is_only_for_a_sandbox_and_moves_the_listen_address() {
    let sandbox = Sandbox::new();
    save(&sandbox.paths, &local_settings(&sandbox));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ftpconf"))
        .args(["--listen", "10.199.0.2", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--root"));
    let rendered = stdout(&ftpconf(sandbox.dir.path(), &["--listen", "10.199.0.2", "render"], ""));
    assert!(
        rendered.contains("DefaultAddress 10.199.0.2\nSocketBindTight on\nUseIPv6 off\n"),
        "{rendered}"
    );
    let rendered = stdout(&ftpconf(sandbox.dir.path(), &["render"], ""));
    assert!(rendered.contains("DefaultAddress 127.0.0.1\n"), "{rendered}");
}
