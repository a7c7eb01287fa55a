//! `ftpconf status` and `ftpconf service` against the real proftpd in a sandbox (no
//! systemd: the PidFile way): stop and restart refuse to cut sessions without --yes,
//! start and restart refuse a configuration that fails `proftpd -t`, status tells
//! serving / stopped / failed apart and reports lines edited by hand, in the documented
//! JSON shape.

mod common;
mod service_support;

use std::time::{Duration, Instant};

use common::apply::{greets, running_pid, text};
use common::users::User;
use common::{Sandbox, ftp, proftpd_binary};
use serde_json::Value;
use service_support::{keys, run, run_json, serve, sessions_until, settings};

/// The documented keys of `ftpconf status --json` (docs/service.md).
const STATUS_KEYS: [&str; 15] = [
    "configuration",
    "health",
    "listening",
    "listening_from",
    "manager",
    "newest_backup",
    "pending_confirmation",
    "pid",
    "problems",
    "reason",
    "sessions",
    "start_at_boot",
    "started",
    "state",
    "uptime_seconds",
];

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn status(sandbox: &Sandbox) -> (Option<i32>, Value) {
    let (out, value) = run_json(sandbox, &["status", "--json"]);
    (out.status.code(), value)
}

#[test]
fn stop_and_restart_refuse_to_cut_sessions_unless_told_yes() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let settings = settings(&sandbox);
    let (_guard, master) = serve(&sandbox, &settings);
    let port = u16::try_from(settings.port).unwrap();
    let mut session = ftp::login(port, &user.name, &user.password);
    sessions_until(&sandbox, "the session", |l| l.len() == 1);

    for action in ["stop", "restart"] {
        let out = run(&sandbox, &["service", action]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        let said = stderr(&out);
        assert!(said.contains("would end 1 connected session(s)"), "{said}");
        assert!(
            said.contains(&format!("{}@127.0.0.1", user.name)) && said.contains("--yes"),
            "{said}"
        );
        assert_eq!(
            running_pid(&sandbox.paths),
            Some(master),
            "{action} without --yes changed proftpd"
        );
        assert!(session.noop().is_ok(), "{action} without --yes cut the session");
    }

    let started = Instant::now();
    let out = run(&sandbox, &["service", "stop", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    eprintln!("service stop with one session took {} ms", started.elapsed().as_millis());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("stopped proftpd (pid {master})"))
    );
    assert_eq!(running_pid(&sandbox.paths), None);
    assert!(!greets(port));
    assert!(session.noop().is_err(), "the session survived the stop");

    // Stopped: status exits 3 and says so; the address comes from the configuration.
    let (code, value) = status(&sandbox);
    assert_eq!(code, Some(3), "{value:#}");
    assert_eq!(
        (value["state"].as_str(), value["health"].as_str()),
        (Some("stopped"), Some("stopped"))
    );
    assert_eq!(value["listening"], serde_json::json!([format!("127.0.0.1:{port}")]));
    assert_eq!(value["listening_from"], "configuration");

    // Start brings it back; restart with no session needs no --yes and changes the pid.
    let out = run(&sandbox, &["service", "start"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let first = running_pid(&sandbox.paths).expect("running after start");
    assert!(greets(port));
    // The probe connection is a session until its process has gone.
    sessions_until(&sandbox, "the probe's session gone", <[Value]>::is_empty);
    let out = run(&sandbox, &["service", "restart"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let second = running_pid(&sandbox.paths).expect("running after restart");
    assert_ne!(first, second);
    assert!(greets(port));
}

#[test]
fn start_and_restart_refuse_a_configuration_that_fails_the_test() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = settings(&sandbox);
    let (_guard, master) = serve(&sandbox, &settings);
    let port = u16::try_from(settings.port).unwrap();
    let good = sandbox.live_config();
    std::fs::write(sandbox.paths.proftpd_conf(), format!("{good}NoSuchDirective on\n")).unwrap();
    let bad_line = good.lines().count() + 1;

    // Restart is refused before the running proftpd is touched.
    let out = run(&sandbox, &["service", "restart"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = stderr(&out);
    assert!(
        said.contains(&format!(
            "line {bad_line}: unknown configuration directive 'NoSuchDirective'"
        )),
        "{said}"
    );
    assert!(said.contains("nothing was changed"), "{said}");
    assert_eq!(running_pid(&sandbox.paths), Some(master));
    assert!(greets(port));

    // Stopped, start is refused the same way and nothing runs.
    let out = run(&sandbox, &["service", "stop", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(&sandbox, &["service", "start"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(stderr(&out).contains("NoSuchDirective"), "{}", text(&out));
    assert_eq!(running_pid(&sandbox.paths), None);
    assert!(!greets(port));
}

#[test]
fn enable_and_disable_say_there_is_no_service_manager_in_a_sandbox() {
    let sandbox = Sandbox::new();
    for action in ["enable", "disable"] {
        let out = run(&sandbox, &["service", action]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(stderr(&out).contains("there is no service manager here"), "{}", text(&out));
    }
    let (code, value) = status(&sandbox);
    assert_eq!(code, Some(3), "{value:#}");
    assert_eq!(value["manager"], "none");
    assert_eq!(value["start_at_boot"]["state"], "unknown");
    assert_eq!(value["configuration"]["state"], "missing");
}

#[test]
fn status_reports_serving_then_lines_edited_by_hand_then_a_failed_reload() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = settings(&sandbox);
    let (_guard, master) = serve(&sandbox, &settings);
    let port = u16::try_from(settings.port).unwrap();

    let started = Instant::now();
    let (code, value) = status(&sandbox);
    eprintln!("status --json took {} ms", started.elapsed().as_millis());
    assert_eq!(code, Some(0), "{value:#}");
    assert_eq!(keys(&value), STATUS_KEYS);
    assert_eq!(
        keys(&value["configuration"]),
        ["changed_lines", "detail", "reload_pending", "state"]
    );
    assert_eq!(keys(&value["start_at_boot"]), ["detail", "state"]);
    assert_eq!(keys(&value["newest_backup"]), ["created", "id", "reason"]);
    assert_eq!(
        (value["state"].as_str(), value["health"].as_str()),
        (Some("running"), Some("serving"))
    );
    assert_eq!(value["pid"], master);
    assert!(value["uptime_seconds"].as_u64().is_some(), "{value:#}");
    assert_eq!(value["configuration"]["state"], "applied");
    assert_eq!(value["listening"], serde_json::json!([format!("127.0.0.1:{port}")]));
    assert_eq!(value["listening_from"], "sockets");
    assert_eq!(value["sessions"], 0);
    assert_eq!(value["pending_confirmation"], Value::Null);
    assert_eq!(value["problems"], serde_json::json!([]));
    let brief = ftpconf::proftpd::service::brief(&sandbox.paths);
    assert_eq!(
        (brief.running, brief.sessions, brief.pending_confirmation),
        (Some(master), Some(0), None)
    );

    // A hand edit: status exits 6 and names the lines, with their numbers.
    let live = sandbox.live_config();
    let (number, old) =
        live.lines().enumerate().find(|(_, l)| l.starts_with("TimeoutIdle ")).unwrap();
    let edited = live.replace(old, "TimeoutIdle 42");
    std::fs::write(sandbox.paths.proftpd_conf(), &edited).unwrap();
    let (code, value) = status(&sandbox);
    assert_eq!(code, Some(6), "{value:#}");
    assert_eq!(value["health"], "attention");
    let changes = &value["configuration"]["changed_lines"];
    assert_eq!(
        changes,
        &serde_json::json!([
            { "change": "removed", "line": number + 1, "text": old },
            { "change": "added", "line": number + 1, "text": "TimeoutIdle 42" },
        ]),
        "{value:#}"
    );
    assert_eq!(value["configuration"]["reload_pending"], true);
    let out = run(&sandbox, &["status"]);
    assert_eq!(out.status.code(), Some(6));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains(&format!("+ line {:<4} TimeoutIdle 42", number + 1)), "{shown}");

    // A reload with a configuration proftpd cannot use kills the master: failed, with the
    // log's reason.
    std::fs::write(sandbox.paths.proftpd_conf(), format!("{edited}NoSuchDirective on\n")).unwrap();
    let pid = rustix::process::Pid::from_raw(master as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::HUP).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while running_pid(&sandbox.paths).is_some() {
        assert!(Instant::now() < deadline, "proftpd survived a bad reload");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (code, value) = status(&sandbox);
    assert_eq!(code, Some(6), "{value:#}");
    assert_eq!(value["state"], "failed");
    let reason = value["reason"].as_str().unwrap();
    assert!(reason.contains("NoSuchDirective"), "{reason}");
}

#[test]
fn a_pending_confirmation_shows_in_status_and_holds_off_restarts() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = settings(&sandbox);
    let (_guard, master) = serve(&sandbox, &settings);
    settings.clients = 40;
    sandbox.save_settings(&settings);
    let mut waiting = sandbox
        .ftpconf(&["apply", "--confirm", "60"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("run ftpconf apply --confirm");
    let marker = sandbox.paths.state_dir().join("confirm.pending");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "apply --confirm never waited");
        std::thread::sleep(Duration::from_millis(20));
    }

    let (code, value) = status(&sandbox);
    assert_eq!(code, Some(0), "{value:#}");
    let pending = &value["pending_confirmation"];
    assert_eq!(keys(pending), ["backup", "deadline", "since"]);
    assert_eq!(pending["backup"], value["newest_backup"]["id"], "{value:#}");
    assert!(pending["since"].as_i64().is_some(), "{value:#}");
    let shown = String::from_utf8_lossy(&run(&sandbox, &["status"]).stdout).into_owned();
    assert!(shown.contains("confirmation:   PENDING"), "{shown}");

    for action in ["restart", "stop", "start"] {
        let out = run(&sandbox, &["service", action, "--yes"]);
        assert_eq!(out.status.code(), Some(3), "{action}: {}", text(&out));
        assert!(stderr(&out).contains("waits for confirmation"), "{}", text(&out));
    }
    assert_eq!(running_pid(&sandbox.paths), Some(master));

    use std::io::Write;
    waiting.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (_, value) = status(&sandbox);
    assert_eq!(value["pending_confirmation"], Value::Null);
    sessions_until(&sandbox, "apply's probe session gone", <[Value]>::is_empty);
    assert_eq!(run(&sandbox, &["service", "restart"]).status.code(), Some(0));
}
