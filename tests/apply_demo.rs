//! `ftpconf demo`: a private proftpd that answers, and is stopped on every way out.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::apply::{greets, running_pid};
use common::{Sandbox, proftpd_binary};
use ftpconf::proftpd::status::is_proftpd;

/// Starts the demo on the sandbox and reads its output until it serves.
fn start_demo(sandbox: &Sandbox) -> (Child, Vec<String>) {
    let mut child = sandbox.ftpconf(&["demo"]).stdin(Stdio::piped()).spawn().unwrap();
    let mut lines = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "demo ended early: {lines:#?}");
        lines.push(line.trim_end().to_owned());
        if line.starts_with("Serving until") {
            break;
        }
        assert!(Instant::now() < deadline, "demo never served: {lines:#?}");
    }
    // Keep draining stdout so the demo never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, lines)
}

#[test]
fn demo_serves_until_input_ends_then_stops_proftpd() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    sandbox.save_settings(&settings);
    let port = u16::try_from(settings.port).unwrap();
    let (mut child, lines) = start_demo(&sandbox);
    let all = lines.join("\n");
    assert!(all.contains(&format!("127.0.0.1:{port}")), "{all}");
    assert!(all.contains("proftpd serves the new config"), "{all}");
    assert!(greets(port));
    let pid = running_pid(&sandbox.paths).expect("demo proftpd runs");
    drop(child.stdin.take()); // end of input
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(!is_proftpd(pid), "the demo left proftpd running");
    assert!(!greets(port));
}

#[test]
fn demo_stops_proftpd_on_sigterm() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    sandbox.save_settings(&settings);
    let (mut child, _) = start_demo(&sandbox);
    let pid = running_pid(&sandbox.paths).expect("demo proftpd runs");
    // Hold stdin open (Child::wait would close it, which also ends the demo).
    let stdin = child.stdin.take();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(child.id() as i32).unwrap(),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(128 + 15));
    assert!(!is_proftpd(pid), "SIGTERM left the demo's proftpd running");
}
