//! The settings file as the admin's file, with the real binary: concurrent writers never
//! lose an update, an equal value changes nothing, the admin's comments, symlink and line
//! endings survive, and no input is read without bound.

mod common;

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use ftpconf::settings::store;

fn ftpconf(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut command = sandbox.ftpconf(args);
    command.env_remove("FTPCONF_TEST_PAUSE_AT");
    command
}

/// Waits at most 10 s: a command that blocks (on a FIFO, say) fails the test, not hangs it.
fn finish(mut child: Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("ftpconf did not finish in 10 s: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    finish(ftpconf(sandbox, args).spawn().unwrap())
}

#[track_caller]
fn expect(out: &Output, code: i32) -> (String, String) {
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into());
    assert_eq!(out.status.code(), Some(code), "stdout: {stdout}\nstderr: {stderr}");
    (stdout, stderr)
}

#[test]
fn two_concurrent_sets_both_persist_every_time() {
    let sandbox = Sandbox::new();
    expect(&run(&sandbox, &["set", "clients=2"]), 0);
    for round in 0..20u32 {
        let (clients, timeout) = (10 + round, 100 + round);
        let a = ftpconf(&sandbox, &["set", &format!("clients={clients}")]).spawn().unwrap();
        let b = ftpconf(&sandbox, &["set", &format!("general.timeout={timeout}")]).spawn().unwrap();
        let (a, b) = (finish(a), finish(b));
        expect(&a, 0);
        expect(&b, 0);
        let saved = store::load(&sandbox.paths.settings_file()).unwrap();
        assert_eq!((saved.clients, saved.timeout), (clients, timeout), "round {round}");
    }
}

#[test]
fn equal_values_are_unchanged_and_leave_the_file_alone() {
    let sandbox = Sandbox::new();
    let file = sandbox.paths.settings_file();
    let (out, _) = expect(&run(&sandbox, &["set", "clients=8"]), 0);
    assert!(out.starts_with("changed\n") && out.contains("general.clients: 5 -> 8"), "{out}");
    let before = std::fs::metadata(&file).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let (out, _) = expect(&run(&sandbox, &["set", "clients=8", "port=21"]), 0);
    assert_eq!(out, "unchanged\n");
    let json = sandbox.write_file("same.json", br#"{"clients": 8, "port": 21}"#);
    let (out, _) = expect(&run(&sandbox, &["import", "--truenas", json.to_str().unwrap()]), 0);
    assert_eq!(out, "unchanged\n");
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(
        (before.ino(), before.mtime(), before.mtime_nsec()),
        (after.ino(), after.mtime(), after.mtime_nsec())
    );
    let (out, _) = expect(&run(&sandbox, &["set", "clients=9"]), 0);
    assert_eq!(out, "changed\n  general.clients: 8 -> 9\n");
}

#[test]
fn the_admins_symlink_comments_and_crlf_survive_a_set() {
    let sandbox = Sandbox::new();
    sandbox.mkdir("persist");
    let real = sandbox.write_file(
        "persist/real.toml",
        b"# NOTE(admin): ticket 4711\r\n[general]\r\nclients = 7 # agreed with ops\r\n\r\n[other]\r\ndisplay_login = \"\"\"\r\nWelcome\r\n\"\"\"\r\n",
    );
    let link = sandbox.path("link.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let leftover = sandbox.write_file("persist/.real.toml.Xy12Ab.new", b"half a save");
    let config = link.to_str().unwrap();
    let (out, _) = expect(&run(&sandbox, &["--config", config, "get", "display_login"]), 0);
    assert_eq!(out, "Welcome\n\n", "CRLF reads like LF");
    expect(&run(&sandbox, &["--config", config, "set", "clients=8"]), 0);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "link kept");
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(
        text.starts_with("# NOTE(admin): ticket 4711\n[general]\nclients = 8 # agreed with ops\n"),
        "{text}"
    );
    assert!(!leftover.exists(), "a killed save's temporary file is removed by the next save");
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn fifos_devices_and_huge_inputs_are_refused_at_once() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let huge = sandbox.write_file("huge.toml", &vec![b'#'; 1024 * 1024 + 1]);
    for (input, why) in [
        (fifo.as_path(), "FIFO"),
        (Path::new("/dev/zero"), "device"),
        (&huge, "larger than 1024 KiB"),
    ] {
        let input = input.to_str().unwrap();
        let (_, err) = expect(&run(&sandbox, &["--config", input, "validate"]), 1);
        assert!(err.contains(input) && err.contains(why), "{err}");
        let (_, err) = expect(&run(&sandbox, &["import", "--truenas", input]), 1);
        assert!(err.contains(input) && err.contains(why), "{err}");
    }
    let mut child =
        ftpconf(&sandbox, &["import", "--truenas", "-"]).stdin(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..64 {
            if stdin.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let (_, err) = expect(&finish(child), 1);
    assert!(err.contains("larger than 1024 KiB"), "{err}");
    feeder.join().unwrap();
    assert!(!sandbox.paths.settings_file().exists(), "nothing was written");
}

#[test]
fn duplicate_json_keys_are_refused_naming_the_key() {
    let sandbox = Sandbox::new();
    let json = sandbox.write_file("dup.json", br#"{"port": 30113, "port": 30114}"#);
    let (_, err) = expect(&run(&sandbox, &["import", "--truenas", json.to_str().unwrap()]), 1);
    assert!(err.contains("\"port\" appears more than once"), "{err}");
    assert!(!sandbox.paths.settings_file().exists(), "nothing was imported");
}

#[test]
fn settings_are_private_and_directories_explicit_under_umask_000() {
    let sandbox = Sandbox::new();
    let status = Command::new("sh")
        .args(["-c", "umask 000; exec \"$@\"", "sh", env!("CARGO_BIN_EXE_ftpconf"), "--root"])
        .arg(sandbox.dir.path())
        .args(["set", "clients=9"])
        .output()
        .unwrap();
    expect(&status, 0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let file = sandbox.paths.settings_file();
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o755);
}

#[test]
fn a_set_killed_at_its_rename_keeps_the_old_file_and_the_next_save_clears_its_leftover() {
    let sandbox = Sandbox::new();
    expect(&run(&sandbox, &["set", "clients=7"]), 0);
    let file = sandbox.paths.settings_file();
    let before = std::fs::read(&file).unwrap();
    let killed = Command::new("strace")
        .args(["-f", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2"])
        .args(["-e", "inject=rename,renameat,renameat2:error=EIO:signal=KILL:when=1"])
        .arg(env!("CARGO_BIN_EXE_ftpconf"))
        .arg("--root")
        .arg(sandbox.dir.path())
        .args(["set", "clients=8"])
        .output()
        .expect("strace is installed (scripts/test.sh installs it)");
    assert!(!killed.status.success());
    assert_eq!(std::fs::read(&file).unwrap(), before, "the old file is intact");
    let temporaries = || {
        std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".new"))
            .collect::<Vec<_>>()
    };
    assert_eq!(temporaries().len(), 1, "the killed save left its temporary file");
    expect(&run(&sandbox, &["set", "clients=9"]), 0);
    assert_eq!(temporaries(), Vec::<String>::new());
    assert_eq!(store::load(&file).unwrap().clients, 9);
}
