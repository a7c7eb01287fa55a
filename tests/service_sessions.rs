//! `ftpconf sessions` and `kick` against the real proftpd with real clients: a throttled
//! download shows with its user, address, file and progress (as proftpd's own `ftpwho`
//! sees it too); kicking one session leaves the others connected; nothing that is not a
//! session of this proftpd is ever signalled.

mod common;
mod service_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::apply::text;
use common::users::User;
use common::{Sandbox, ftp, proftpd_binary};
use ftpconf::settings::Rate;
use serde_json::Value;
use service_support::{keys, run, run_json, serve, sessions_until, settings};

/// The documented keys of one session and of its transfer (docs/service.md).
const SESSION_KEYS: [&str; 13] = [
    "activity",
    "anonymous",
    "argument",
    "client_address",
    "client_name",
    "command",
    "connected_since",
    "directory",
    "idle_seconds",
    "pid",
    "server_port",
    "transfer",
    "user",
];
const TRANSFER_KEYS: [&str; 5] = ["bytes", "bytes_per_second", "elapsed_ms", "percent", "size"];

/// A file name with a terminal escape in it: shown escaped, never raw.
const FILE: &str = "big\x1b[7m.bin";
const FILE_SIZE: usize = 2 * 1024 * 1024;

/// Python's ftplib downloading `FILE` as `user` (throttled by the server), in the
/// background. (curl refuses control characters in paths.)
fn download(port: u16, user: &User) -> Child {
    let script = "import ftplib,sys\n\
        f = ftplib.FTP(timeout=30)\n\
        f.connect('127.0.0.1', int(sys.argv[1]))\n\
        f.login(sys.argv[2], sys.argv[3])\n\
        f.retrbinary('RETR ' + sys.argv[4], lambda b: None)\n";
    Command::new("python3")
        .args(["-c", script, &port.to_string(), &user.name, &user.password, FILE])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 is needed for this test")
}

fn downloading(list: &[Value]) -> Option<&Value> {
    list.iter().find(|s| s["activity"] == "download" && s["transfer"]["bytes"].as_u64() > Some(0))
}

#[test]
fn sessions_show_who_downloads_what_and_kick_ends_only_the_chosen_ones() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let (alice, bob) = (User::create(&home, true), User::create(&home, true));
    std::fs::write(alice.home.join(FILE), vec![7u8; FILE_SIZE]).unwrap();
    let mut settings = settings(&sandbox);
    settings.local_download = Rate(128);
    settings.anonymous_login = true;
    settings.anonymous_path = sandbox.mkdir("anon").to_string_lossy().into();
    let (_guard, master) = serve(&sandbox, &settings);
    let port = u16::try_from(settings.port).unwrap();

    let mut idle_bob = ftp::login(port, &bob.name, &bob.password);
    let mut idle_anon = ftp::login(port, "anonymous", "guest@example.org");
    let mut client = download(port, &alice);
    let list = sessions_until(&sandbox, "a download in progress", |l| downloading(l).is_some());

    // The download: alice, from 127.0.0.1, the file (escaped), progress and rate.
    let d = downloading(&list).unwrap();
    assert_eq!(keys(d), SESSION_KEYS, "{d:#}");
    assert_eq!(keys(&d["transfer"]), TRANSFER_KEYS, "{d:#}");
    assert_eq!(d["user"], alice.name.as_str());
    assert_eq!(d["anonymous"], false);
    assert_eq!(d["client_address"], "127.0.0.1");
    assert_eq!(d["server_port"], port);
    assert_eq!(d["command"], "RETR");
    assert_eq!(d["argument"], "big\\x1b[7m.bin");
    assert_eq!(d["transfer"]["size"], FILE_SIZE);
    assert!(d["transfer"]["percent"].as_u64().unwrap() < 100, "{d:#}");
    let rate = d["transfer"]["bytes_per_second"].as_u64().unwrap_or(0);
    assert!(rate > 0 && rate < 3 * 128 * 1024, "not throttled to ~128 KiB/s: {d:#}");
    // The idle ones: bob, and an anonymous login (recorded as the account it maps to).
    let users: Vec<(&str, bool, &str)> = list
        .iter()
        .map(|s| {
            (
                s["user"].as_str().unwrap_or("-"),
                s["anonymous"] == true,
                s["activity"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(users.contains(&(bob.name.as_str(), false, "idle")), "{users:?}");
    assert!(users.contains(&("ftp", true, "idle")), "{users:?}");
    assert_eq!(list.len(), 3, "{list:#?}");

    // proftpd's own reader of the scoreboard sees the same sessions.
    let who = Command::new("ftpwho")
        .arg("-f")
        .arg(sandbox.paths.scoreboard_file())
        .args(["-o", "json"])
        .output()
        .expect("ftpwho (proftpd-core) is needed for this test");
    let who: Value = serde_json::from_slice(&who.stdout).expect("ftpwho -o json");
    assert_eq!(who["server"]["pid"], master);
    let mut theirs: Vec<(u64, String)> = who["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["pid"].as_u64().unwrap(), c["user"].as_str().unwrap_or("").to_owned()))
        .collect();
    let mut ours: Vec<(u64, String)> = list
        .iter()
        .map(|s| (s["pid"].as_u64().unwrap(), s["user"].as_str().unwrap_or("").to_owned()))
        .collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);

    // The table escapes the file name too.
    let table = run(&sandbox, &["sessions"]);
    let shown = String::from_utf8_lossy(&table.stdout);
    assert!(shown.contains("RETR big\\x1b[7m.bin"), "{}", text(&table));
    assert!(!table.stdout.contains(&0x1b), "a raw escape reached the terminal");

    // Kick the download: it ends, the client fails, bob and the anonymous session stay.
    let pid = d["pid"].as_u64().unwrap();
    let started = Instant::now();
    let (out, kicked) = run_json(&sandbox, &["kick", &pid.to_string(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    eprintln!("kick of a throttled download took {} ms", started.elapsed().as_millis());
    let results = kicked["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{kicked:#}");
    assert_eq!(keys(&results[0]), ["client_address", "outcome", "pid", "user"]);
    assert_eq!(results[0]["pid"], pid);
    assert_eq!(results[0]["user"], alice.name.as_str());
    assert_eq!(results[0]["outcome"]["result"], "ended");
    let status = wait_with_limit(&mut client, Duration::from_secs(10));
    assert!(!status.success(), "the download was not cut");
    assert!(idle_bob.pwd().is_ok(), "bob was disconnected too");
    assert!(idle_anon.pwd().is_ok(), "the anonymous session was disconnected too");

    // Anything that is not a session of this master is refused, never signalled.
    for (what, target) in [("pid 1", "1".to_owned()), ("the master", master.to_string())] {
        let out = run(&sandbox, &["kick", &target]);
        assert_eq!(out.status.code(), Some(3), "{what}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("is not a session"),
            "{}",
            text(&out)
        );
    }
    let me = std::process::id().to_string();
    assert_eq!(run(&sandbox, &["kick", &me]).status.code(), Some(3));
    assert!(bob_answers(&mut idle_bob), "a refused kick disconnected bob");

    // By user: "anonymous" ends the anonymous session; bob stays.
    let out = run(&sandbox, &["kick", "--user", "anonymous"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("(ftp from 127.0.0.1): ended"),
        "{}",
        text(&out)
    );
    assert!(idle_anon.pwd().is_err(), "the anonymous session is still connected");
    assert!(bob_answers(&mut idle_bob), "kicking anonymous disconnected bob");
    // By address: nobody connects from 192.0.2.1; then 127.0.0.1 ends bob. His session
    // process is stopped first (SIGSTOP), so SIGTERM cannot end it: after the grace
    // period it gets SIGKILL.
    assert_eq!(run(&sandbox, &["kick", "--address", "192.0.2.1"]).status.code(), Some(3));
    let list = sessions_until(&sandbox, "bob alone", |l| l.len() == 1);
    let bob_pid = list[0]["pid"].as_u64().unwrap();
    let stopped = rustix::process::Pid::from_raw(bob_pid as i32).unwrap();
    rustix::process::kill_process(stopped, rustix::process::Signal::STOP).unwrap();
    let out = run(&sandbox, &["kick", "--address", "127.0.0.1", "--grace", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("pid {bob_pid} ({} from 127.0.0.1): killed", bob.name)),
        "{said}"
    );
    assert!(idle_bob.pwd().is_err(), "bob is still connected");
    let list = sessions_until(&sandbox, "no sessions", <[Value]>::is_empty);
    assert!(list.is_empty());
}

fn bob_answers(ftp: &mut suppaftp::FtpStream) -> bool {
    ftp.noop().is_ok()
}

fn wait_with_limit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the client still runs after the kick");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_a_running_proftpd_there_are_no_sessions_and_nothing_to_kick() {
    let sandbox = Sandbox::new();
    let (out, value) = run_json(&sandbox, &["sessions", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(value, serde_json::json!({ "sessions": [] }));
    let out = run(&sandbox, &["kick", "--address", "nas.example"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--address: \"nas.example\" is not an IP address")
    );
    let out = run(&sandbox, &["kick", "--user", "alice"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("proftpd not running"), "{}", text(&out));
}
