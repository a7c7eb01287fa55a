//! The real binary in a pty with applying: `ftpconf demo` opens the editor with apply
//! wired; a timed confirmation writes nothing while it waits and reverts on `r`; signals
//! restore the terminal and revert an unconfirmed apply; the demo's proftpd never outlives it;
//! Esc read from the terminal cancels an apply whose `proftpd -t` hangs.

mod common;
mod pty_support;

use std::time::Duration;

use ftpconf::settings::store;
use pty_support::{Session, assert_restored, greets};

/// `ftpconf demo` opens the editor; SIGTERM while it runs restores the terminal (the
/// demo's own handler does it, then stops its proftpd) and leaves no proftpd behind.
#[test]
fn sigterm_in_the_demo_editor_restores_the_terminal_and_stops_proftpd() {
    common::proftpd_binary();
    let root = tempfile::tempdir().unwrap();
    let paths = ftpconf::paths::Paths::new(root.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let settings = ftpconf::settings::Settings { port: u32::from(port), ..Default::default() };
    std::fs::create_dir_all(paths.settings_file().parent().unwrap()).unwrap();
    store::save(&paths.settings_file(), &settings).unwrap();

    let mut s = Session::start(root.path(), 24, 80, &["demo"]);
    s.wait_for("Timeout", 24, 80);
    assert!(s.screen(24, 80).screen().alternate_screen(), "the editor is open");
    let pid = match ftpconf::proftpd::status::state(&paths) {
        ftpconf::proftpd::status::State::Running { pid } => pid,
        other => panic!("the demo's proftpd is not running: {other:?}"),
    };
    s.signal(rustix::process::Signal::TERM);
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 128 + 15, "{status:?}");
    assert_restored(&s.bytes());
    let screen = s.screen(24, 80);
    assert!(!screen.screen().alternate_screen(), "back on the normal screen");
    assert!(!screen.screen().hide_cursor(), "cursor shown");
    assert!(String::from_utf8_lossy(&s.bytes()).contains("ftpconf demo: stopped"));
    // Raw mode is off again: line editing (ICANON) and echo are back on the tty.
    let termios = format!("{:?}", s._master.get_termios().expect("termios of the pty"));
    let local = &termios[termios.find("local_flags").expect("local flags")..];
    assert!(local.contains("ICANON") && local.contains("ECHO"), "still raw: {termios}");
    assert!(!ftpconf::proftpd::status::is_proftpd(pid), "the demo left proftpd {pid} running");
}

/// The real binary: `ftpconf demo`, change the port, apply with confirmation, nothing is
/// written while the question waits (no countdown), `r` puts the old port back, quitting
/// stops the demo's proftpd.
#[test]
fn demo_editor_applies_with_confirmation_and_reverts_on_r() {
    common::proftpd_binary();
    let root = tempfile::tempdir().unwrap();
    let paths = ftpconf::paths::Paths::new(root.path());
    let free = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (old_port, new_port) = (free(), free());
    let settings = ftpconf::settings::Settings { port: u32::from(old_port), ..Default::default() };
    std::fs::create_dir_all(paths.settings_file().parent().unwrap()).unwrap();
    store::save(&paths.settings_file(), &settings).unwrap();

    let mut s = Session::start(root.path(), 24, 80, &["demo"]);
    s.wait_for("Timeout", 24, 80);
    assert!(greets(old_port));
    s.review_new_port(new_port);
    let before = s.bytes().len();
    s.send(b"c");
    s.wait_for("Keep these settings? Reverting at", 24, 80);
    let asked = s.bytes().len();
    assert!(greets(new_port), "the new port serves while the question waits");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(s.bytes().len(), asked, "nothing is drawn while waiting (no countdown)");
    s.send(b"r");
    s.wait_for("Not confirmed: the previous configuration (backup", 24, 80);
    assert!(greets(old_port), "the previous port serves again");
    assert!(!greets(new_port));
    eprintln!(
        "pty bytes at 80x24: apply with confirmation, from `c` to the question {}",
        asked - before
    );
    let pid = match ftpconf::proftpd::status::state(&paths) {
        ftpconf::proftpd::status::State::Running { pid } => pid,
        other => panic!("the demo's proftpd is not running: {other:?}"),
    };
    s.send(b"\x1b");
    s.send(b"\x11");
    // The revert put the settings file back; the new port is still on the form, as an
    // unsaved edit, so quitting asks first.
    s.wait_for("Discard and quit", 24, 80);
    s.send(b"d");
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_restored(&s.bytes());
    assert!(!ftpconf::proftpd::status::is_proftpd(pid), "the demo left proftpd running");
}

/// Stops (on drop) the proftpd that `ftpconf apply --start` started under `paths`.
struct StopOnDrop(ftpconf::paths::Paths);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = ftpconf::proftpd::apply::stop_proftpd(&self.0);
    }
}

/// A sandbox root with proftpd started (by `ftpconf apply --start`) on `old_port`, and a
/// second free port to move to.
struct Served {
    root: tempfile::TempDir,
    paths: ftpconf::paths::Paths,
    old_port: u16,
    new_port: u16,
    _stop: StopOnDrop,
}

fn serve_a_sandbox() -> Served {
    common::proftpd_binary();
    let root = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let paths = ftpconf::paths::Paths::new(root.path());
    let listener = |_| std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    // Both listeners are held at once, so the two ports differ.
    let [a, b] = [0, 1].map(listener);
    let (old_port, new_port) = (a.local_addr().unwrap().port(), b.local_addr().unwrap().port());
    drop((a, b));
    let settings = ftpconf::settings::Settings { port: u32::from(old_port), ..Default::default() };
    std::fs::create_dir_all(paths.settings_file().parent().unwrap()).unwrap();
    store::save(&paths.settings_file(), &settings).unwrap();
    let started = std::process::Command::new(env!("CARGO_BIN_EXE_ftpconf"))
        .arg("--root")
        .arg(root.path())
        .args(["apply", "--start"])
        .output()
        .unwrap();
    let stop = StopOnDrop(paths.clone());
    assert!(started.status.success(), "{}", String::from_utf8_lossy(&started.stderr));
    Served { root, paths, old_port, new_port, _stop: stop }
}

/// The SSH session drops (SIGHUP) while "Keep these settings?" waits: the terminal is
/// restored and the unconfirmed configuration is put back before ftpconf exits.
#[test]
fn sighup_while_a_confirmation_waits_reverts_before_exiting() {
    let Served { root, paths, old_port, new_port, _stop } = serve_a_sandbox();
    assert!(greets(old_port));

    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Timeout", 24, 80);
    s.review_new_port(new_port);
    s.send(b"c");
    s.wait_for("Keep these settings? Reverting at", 24, 80);
    assert!(greets(new_port), "applied while the question waits");
    s.signal(rustix::process::Signal::HUP);
    let status = s.wait_exit();
    assert_eq!(status.exit_code(), 128 + 1, "{status:?}");
    assert_restored(&s.bytes());
    assert!(greets(old_port), "the previous configuration serves again");
    assert!(!greets(new_port), "the unconfirmed port is closed");
    assert!(!paths.state_dir().join("confirm.pending").exists(), "nothing left to revert");
    let live = std::fs::read_to_string(paths.proftpd_conf()).unwrap();
    assert!(live.contains(&format!("Port {old_port}\n")), "{live}");
}

/// The real binary wakes once at the deadline with no key pressed, and reverts; before
/// it nothing is written (FTPCONF_CONFIRM_SECONDS=2 shortens the wait).
#[test]
fn no_answer_reverts_at_the_deadline_in_a_real_terminal() {
    let Served { root, old_port, new_port, _stop, .. } = serve_a_sandbox();

    let vars = [("FTPCONF_CONFIRM_SECONDS", "2")];
    let mut s = Session::start_env(root.path(), (24, 80), &["--ascii"], true, &vars);
    s.wait_for("Timeout", 24, 80);
    s.review_new_port(new_port);
    s.send(b"c");
    s.wait_for("Keep these settings? Reverting at", 24, 80);
    let asked = (s.bytes().len(), std::time::Instant::now());
    assert!(greets(new_port));
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(s.bytes().len(), asked.0, "nothing is drawn before the deadline");
    s.wait_for("Not confirmed: the previous configuration (backup", 24, 80);
    assert!(asked.1.elapsed() >= Duration::from_millis(1500), "not before the deadline");
    assert!(greets(old_port), "the previous configuration serves again");
    assert!(!greets(new_port));
    s.send(b"\x1b");
    s.send(b"\x11");
    s.wait_for("Discard and quit", 24, 80);
    s.send(b"d");
    assert!(s.wait_exit().success());
    assert_restored(&s.bytes());
}

/// The real binary: an Include that turns into a FIFO after validation hangs
/// `proftpd -t`; the Apply page counts the seconds it waits, and Esc (read from the
/// terminal while the apply runs) stops it at once, changing nothing.
#[test]
fn esc_in_a_real_terminal_cancels_a_hanging_config_test() {
    let Served { root, paths, old_port, _stop, .. } = serve_a_sandbox();
    let included = root.path().join("edwire-pty.conf");
    std::fs::write(&included, "").unwrap();
    let mut settings = store::load(&paths.settings_file()).unwrap();
    settings.auxiliary_parameters = format!("Include {}", included.display());
    store::save(&paths.settings_file(), &settings).unwrap();
    let live = std::fs::read_to_string(paths.proftpd_conf()).unwrap();

    let vars = [("FTPCONF_TEST_PAUSE_AT", "configtest")];
    let mut s = Session::start_env(root.path(), (24, 80), &[], false, &vars);
    s.wait_for("Timeout", 24, 80);
    s.send(b"s");
    s.wait_for("a save+apply", 24, 80);
    s.send(b"a");
    let marker = paths.state_dir().join("test-pause");
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(started.elapsed() < Duration::from_secs(20), "never paused");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::fs::remove_file(&included).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&included).status().unwrap();
    assert!(made.success());
    std::fs::remove_file(&marker).unwrap();
    s.wait_for("Waiting for: proftpd -t on the new config (2 s).", 24, 80);
    s.wait_for("Esc/^C cancel", 24, 80);
    let pressed = std::time::Instant::now();
    s.send(b"\x1b");
    s.wait_for("Refused: nothing was changed.", 24, 80);
    assert!(pressed.elapsed() < Duration::from_secs(1), "took {:?}", pressed.elapsed());
    assert_eq!(std::fs::read_to_string(paths.proftpd_conf()).unwrap(), live);
    let dir = paths.proftpd_conf().parent().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(100));
    let serving = common::apply::running_pid(&paths);
    let left: Vec<u32> = common::apply::processes_mentioning(dir.to_str().unwrap())
        .into_iter()
        .filter(|&p| Some(p) != serving)
        .collect();
    assert!(left.is_empty(), "processes left behind (a proftpd -t?): {left:?}");
    assert!(greets(old_port));
    s.send(b"\x1b");
    s.send(b"q");
    assert!(s.wait_exit().success());
    assert_restored(&s.bytes());
    std::fs::remove_file(&included).unwrap();
}
