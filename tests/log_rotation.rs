//! The package's logrotate rule (packaging/logrotate-ftpconf, installed as
//! /etc/logrotate.d/ftpconf) rotates the logs ftpconf's configuration adds, with the real
//! logrotate, while the real proftpd keeps running and writing: nothing is lost, no
//! session is cut, and proftpd writes on into the emptied file.

mod common;
mod doctor_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Sandbox;
use doctor_support::Daemon;

/// One session that asks for a passive port before logging in (refused, and logged) and
/// quits: the data log gets its EPSV and EXIT lines.
fn session(port: u16) {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("220"), "{line}");
    for command in ["EPSV", "QUIT"] {
        writer.write_all(format!("{command}\r\n").as_bytes()).unwrap();
        line.clear();
        reader.read_line(&mut line).unwrap();
    }
}

fn wait_for_exits(path: &std::path::Path, count: usize) -> String {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.matches(" EXIT ").count() >= count || Instant::now() > until {
            return text;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_packaged_rule_rotates_ftpconfs_logs_while_proftpd_keeps_writing() {
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let port = settings.port as u16;
    let data_log = sandbox.paths.data_log();
    session(port);
    let before = wait_for_exits(&data_log, 1);
    assert!(before.contains(" EPSV "), "{before}");

    // The rule as packaged, pointed at the sandbox's log directory.
    let rule = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/packaging/logrotate-ftpconf"
    ))
    .unwrap();
    assert!(
        rule.contains("/var/log/proftpd/data.log") && rule.contains("/var/log/proftpd/tls.log")
    );
    let log_dir = sandbox.paths.log_dir();
    let rule = rule.replace("/var/log/proftpd/", &format!("{}/", log_dir.display()));
    let config = sandbox.write_file("logrotate.conf", rule.as_bytes());
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let state = sandbox.dir.path().join("logrotate.state");
    let out = Command::new("logrotate")
        .arg("--force")
        .arg("--state")
        .arg(&state)
        .arg(&config)
        .output()
        .expect("logrotate is needed for this test (apt-get install logrotate)");
    assert!(out.status.success(), "logrotate: {}", String::from_utf8_lossy(&out.stderr));

    // The old lines moved whole; the live file starts empty and proftpd (same process,
    // same descriptor) writes the next session's lines at its start, not after a hole.
    let rotated = std::fs::read_to_string(log_dir.join("data.log.1")).unwrap();
    assert_eq!(rotated, before);
    session(port);
    let after = wait_for_exits(&data_log, 1);
    assert!(after.starts_with(|c: char| c.is_ascii_digit()), "{after:?}");
    assert!(!after.contains('\0') && after.matches(" EXIT ").count() == 1, "{after:?}");
    // ftpconf created the file 0640 (it names clients); the rotation keeps that.
    let mode = std::fs::metadata(&data_log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "{mode:o}");
}
