//! Shared by the service tests: a proftpd started the way an admin would (`apply` with
//! start, daemon mode) on settings that allow several sessions from 127.0.0.1, and
//! running `ftpconf` with its JSON output parsed.
#![allow(dead_code)] // each test binary uses a different part

use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Sandbox;
use crate::common::apply::{DaemonGuard, running_pid, text};
use ftpconf::proftpd::apply::{self, Verdict};
use ftpconf::settings::Settings;

/// Settings on a free port that let one test open many sessions from 127.0.0.1.
pub fn settings(sandbox: &Sandbox) -> Settings {
    let mut settings = sandbox.settings();
    settings.clients = 50;
    settings.connections_per_ip = 0;
    settings
}

/// Saves and applies `settings`, starting proftpd in daemon mode; stops it on drop.
pub fn serve(sandbox: &Sandbox, settings: &Settings) -> (DaemonGuard, u32) {
    sandbox.save_settings(settings);
    let mut request = sandbox.request();
    request.start = true;
    let guard = DaemonGuard(sandbox.paths.clone());
    let outcome = apply::run(&request, &mut |_| {});
    assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
    let pid = running_pid(&sandbox.paths).expect("proftpd runs after apply --start");
    // apply's verify connects once; its session lingers for a moment after it closed.
    sessions_until(sandbox, "apply's probe session gone", <[Value]>::is_empty);
    (guard, pid)
}

/// Runs `ftpconf --root SANDBOX ARGS`.
pub fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox.ftpconf(args).output().expect("run ftpconf")
}

/// Runs `ftpconf ARGS` and parses its standard output as JSON.
pub fn run_json(sandbox: &Sandbox, args: &[&str]) -> (Output, Value) {
    let out = run(sandbox, args);
    let value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(&out)));
    (out, value)
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> =
        value.as_object().expect("a JSON object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// `ftpconf sessions --json`'s list, polled until `ready` holds (10 s at most).
pub fn sessions_until(
    sandbox: &Sandbox,
    what: &str,
    ready: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (out, value) = run_json(sandbox, &["sessions", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let list = value["sessions"].as_array().expect("a sessions array").clone();
        if ready(&list) {
            return list;
        }
        assert!(Instant::now() < deadline, "never saw {what}: {list:#?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
