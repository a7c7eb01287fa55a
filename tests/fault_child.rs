//! Faults from other processes: a `proftpd -t` that never ends (D3), a PidFile naming
//! a process that only looks like proftpd (D12), and escape sequences a remote client
//! puts into proftpd's log (D15, printed by `apply`).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::apply::{DaemonGuard, greets, processes_mentioning, running_pid, text};
use common::{Sandbox, free_port, proftpd_binary};
use ftpconf::proftpd::apply::Lock;
use ftpconf::settings::store;

/// Puts a FIFO (`fifo`) or a link to /dev/zero (`zero`) where the regular file `path` was:
/// what validation accepted can still change before `proftpd -t` reads it.
fn turn_into(path: &Path, what: &str) {
    std::fs::remove_file(path).unwrap();
    if what == "fifo" {
        assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
    } else {
        std::os::unix::fs::symlink("/dev/zero", path).unwrap();
    }
}

#[test]
fn a_config_test_that_never_ends_is_killed_at_the_limit_leaving_nothing() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    let server = sandbox.serve(&settings);
    let live = sandbox.live_config();
    let included = sandbox.path("included.conf");
    settings.auxiliary_parameters = format!("Include {}", included.display());
    for what in ["fifo", "zero"] {
        // Validation refuses an Include of anything but a regular file outright...
        std::fs::write(&included, "").unwrap();
        turn_into(&included, what);
        let path = sandbox.paths.settings_file();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, store::to_toml(&settings)).unwrap();
        let out = sandbox.ftpconf(&["apply"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}: {}", text(&out));
        assert!(text(&out).contains("auxiliary_parameters"), "{}", text(&out));

        // ...and when the file turns into one after validation, the time limit holds.
        std::fs::remove_file(&included).unwrap();
        std::fs::write(&included, "").unwrap();
        let started = Instant::now();
        let child = sandbox
            .ftpconf(&["apply"])
            .env("FTPCONF_CHILD_TIMEOUT_MS", "1500")
            .env("FTPCONF_TEST_PAUSE_AT", "configtest")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let marker = sandbox.paths.state_dir().join("test-pause");
        while !marker.exists() {
            assert!(started.elapsed() < Duration::from_secs(10), "never paused");
            std::thread::sleep(Duration::from_millis(20));
        }
        turn_into(&included, what);
        std::fs::remove_file(&marker).unwrap();
        let out = child.wait_with_output().unwrap();
        let took = started.elapsed();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "{what}: {all}");
        assert!(took < Duration::from_secs(8), "{what}: took {took:?}");
        assert!(all.contains("proftpd -t") && all.contains("did not finish"), "{all}");
        let dir = sandbox.paths.proftpd_conf().parent().unwrap().to_owned();
        std::thread::sleep(Duration::from_millis(100));
        let left = processes_mentioning(dir.to_str().unwrap());
        let left: Vec<u32> = left.into_iter().filter(|&p| p != server.pid()).collect();
        assert!(left.is_empty(), "{what}: processes left behind: {left:?}");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["proftpd.conf", "proftpd.motd"], "{what}: candidate files left");
        assert_eq!(sandbox.live_config(), live);
        Lock::acquire(&sandbox.paths).expect("the lock is free again");
        std::fs::remove_file(&included).unwrap();
    }
    assert!(greets(server.port));
}

/// A copy of `sleep` named proftpd, its pid in the PidFile: never signalled, and the
/// real proftpd is left alone.
#[test]
fn a_pid_file_naming_a_fake_proftpd_is_refused_and_nothing_is_signalled() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    let mut server = sandbox.serve(&settings);
    let fake_dir = sandbox.mkdir("fake");
    let fake = fake_dir.join("proftpd");
    std::fs::copy("/bin/sleep", &fake).unwrap();
    let mut impostor = Command::new(&fake).arg("300").spawn().unwrap();
    std::fs::write(sandbox.paths.pid_file(), format!("{}\n", impostor.id())).unwrap();
    let live = sandbox.live_config();
    settings.port = u32::from(free_port());
    sandbox.save_settings(&settings);
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("not signalled") && all.contains(fake.to_str().unwrap()), "{all}");
    assert!(matches!(impostor.try_wait(), Ok(None)), "the fake proftpd was signalled");
    assert!(server.is_alive());
    assert_eq!(sandbox.live_config(), live);
    let _ = impostor.kill();
    let _ = impostor.wait();

    // A session process of the real proftpd is not the master either.
    let (_client, greeting) = common::raw::Raw::open(server.port);
    assert!(greeting.starts_with("220"), "{greeting}");
    let children =
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children", pid = server.pid()))
            .unwrap();
    let session: u32 = children.split_whitespace().next().expect("a session").parse().unwrap();
    std::fs::write(sandbox.paths.pid_file(), format!("{session}\n")).unwrap();
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("session process"), "{all}");
    assert!(Path::new(&format!("/proc/{session}")).exists());
    assert!(server.is_alive());
}

/// The log excerpt after a failed apply holds what a remote client typed; it is
/// printed with its escape sequences made visible, never raw.
#[test]
fn a_remote_user_name_in_the_log_excerpt_cannot_drive_the_terminal() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _daemon = DaemonGuard(sandbox.paths.clone());
    let mut settings = sandbox.settings();
    sandbox.save_settings(&settings);
    let out = sandbox.ftpconf(&["apply", "--start"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    settings.clients = 23;
    sandbox.save_settings(&settings);
    let child = sandbox.ftpconf_paused_at("verify", &["apply"]);
    let script = format!(
        "import socket,time\ns=socket.create_connection(('127.0.0.1',{}))\ns.recv(1024)\n\
         s.sendall(b'USER \\x1b]0;OWNED-BY-REMOTE\\x07\\x1b[2Jhidden\\r\\nPASS x\\r\\n')\n\
         time.sleep(.5)\nprint(s.recv(1024))\n",
        settings.port
    );
    let client = Command::new("python3").arg("-c").arg(&script).output().unwrap();
    assert!(client.status.success(), "{}", String::from_utf8_lossy(&client.stderr));
    let pid = running_pid(&sandbox.paths).expect("proftpd runs");
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .unwrap();
    sandbox.resume();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(stderr.contains("OWNED-BY-REMOTE"), "the log excerpt lacks the USER line: {stderr}");
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07), "raw escapes: {stderr}");
    assert!(stderr.contains("\\x1b]0;OWNED-BY-REMOTE\\x07"), "{stderr}");
}

/// The editor's Esc/Ctrl-C set `Request::cancel`: a hanging `proftpd -t` stops at once,
/// nothing changes, and the lock is free.
#[test]
fn cancelling_stops_a_hanging_config_test_before_anything_changes() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    let server = sandbox.serve(&settings);
    let live = sandbox.live_config();
    let included = sandbox.path("cancel.conf");
    std::fs::write(&included, "").unwrap();
    settings.auxiliary_parameters = format!("Include {}", included.display());
    sandbox.save_settings(&settings);
    let cancel = Arc::new(AtomicBool::new(false));
    let mut request = sandbox.request();
    request.cancel = Some(Arc::clone(&cancel));
    request.child_limit = Duration::from_secs(60);
    let flag = Arc::clone(&cancel);
    let pressed = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        flag.store(true, Ordering::SeqCst);
        Instant::now()
    });
    // Validated as a regular file; a FIFO by the time proftpd -t reads it.
    let mut on_progress = |p: &ftpconf::proftpd::apply::Progress| {
        if matches!(
            p,
            ftpconf::proftpd::apply::Progress::Started(ftpconf::proftpd::apply::Step::ConfigTest)
        ) {
            turn_into(&included, "fifo");
        }
    };
    let outcome = ftpconf::proftpd::apply::run(&request, &mut on_progress);
    let ended = Instant::now();
    let pressed = pressed.join().unwrap();
    assert_eq!(outcome.verdict, ftpconf::proftpd::apply::Verdict::Refused, "{outcome:#?}");
    assert!(outcome.message.contains("cancelled"), "{}", outcome.message);
    assert!(ended.duration_since(pressed) < Duration::from_secs(2), "not stopped at once");
    assert_eq!(sandbox.live_config(), live);
    Lock::acquire(&sandbox.paths).expect("the lock is free again");
    assert!(greets(server.port));
}
