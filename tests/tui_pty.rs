//! The real binary in a real pseudo-terminal: start, type, save, quit; the terminal is
//! restored (alternate screen left, cursor shown). Also: a 0x0 terminal (serial line)
//! falls back to 80x24, and SIGTERM restores the terminal.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ftpconf::settings::store;
use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

struct Session {
    output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    fn start(root: &std::path::Path, rows: u16, cols: u16, extra: &[&str]) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ftpconf"));
        cmd.arg("--root");
        cmd.arg(root);
        cmd.args(extra);
        cmd.env("TERM", "xterm");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn ftpconf");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session { output, writer, child, _master: pair.master }
    }

    fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a vt100 terminal of `rows` x `cols` shows it.
    fn screen(&self, rows: u16, cols: u16) -> vt100::Parser {
        let mut parser =
            vt100::Parser::new(NonZeroU16::new(rows).unwrap(), NonZeroU16::new(cols).unwrap(), 0);
        parser.process(&self.bytes());
        parser
    }

    fn wait_for(&self, text: &str, rows: u16, cols: u16) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let contents = self.screen(rows, cols).screen().contents();
            if contents.contains(text) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; screen:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        // Separate keys the way a person types them (Esc sequences must not merge).
        std::thread::sleep(Duration::from_millis(30));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread collect the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(Instant::now() < deadline, "ftpconf did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn assert_restored(bytes: &[u8]) {
    let tail = String::from_utf8_lossy(bytes);
    let left = tail.rfind("\x1b[?1049l").expect("the alternate screen was left");
    let entered = tail.rfind("\x1b[?1049h").expect("the alternate screen was entered");
    assert!(left > entered, "left after the last enter");
    assert!(tail[left..].contains("\x1b[?25h") || tail[..left].ends_with("\x1b[?25h"));
    assert!(
        tail.rfind("\x1b[?25h").unwrap() > tail.rfind("\x1b[?25l").unwrap_or(0),
        "cursor shown at the end"
    );
}

#[test]
fn type_save_and_quit_in_a_real_terminal() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Timeout", 24, 80);
    let first = s.bytes().len();
    let parser = s.screen(24, 80);
    assert!(parser.screen().alternate_screen());
    assert_eq!(parser.screen().cursor_position(), (3, 27), "cursor after 21 in the Port field");
    s.send(b"3");
    s.wait_for("[3 ", 24, 80);
    let after_first_key = s.bytes().len();
    s.send(b"1");
    s.wait_for("[31 ", 24, 80);
    let after_second_key = s.bytes().len();
    s.send(b"\x15"); // Ctrl-U empties the field
    s.send(b"2121");
    s.wait_for("[2121", 24, 80);
    assert!(after_second_key - after_first_key <= 64, "one keystroke, at most 64 bytes");
    eprintln!(
        "pty bytes at 80x24: start-up incl. alternate screen {first}, first key (replaces the \
         value) {}, next key {}",
        after_first_key - first,
        after_second_key - after_first_key
    );
    s.send(b"\x13"); // Ctrl-S
    s.wait_for("Review before saving", 24, 80);
    assert!(s.screen(24, 80).screen().contents().contains("Port: 21 → 2121"));
    s.send(b"\r");
    s.wait_for("Saved /", 24, 80);
    s.send(b"\x11"); // Ctrl-Q
    let status = s.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_restored(&s.bytes());
    let saved = store::load(&root.path().join("etc/ftpconf/ftpconf.toml")).unwrap();
    assert_eq!(saved.port, 2121);
}

#[test]
fn a_terminal_without_a_size_gets_80x24() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Session::start(root.path(), 0, 0, &[]);
    let contents = s.wait_for("Timeout", 24, 80);
    assert!(contents.contains("General"), "{contents}");
    assert!(s.screen(24, 80).screen().contents().lines().count() <= 24);
    s.send(b"\x11"); // Ctrl-Q (the focus starts in Port, where q would be typed)
    assert!(s.wait_exit().success());
    assert_restored(&s.bytes());
}

#[test]
fn size_flag_overrides_and_sigterm_restores_the_terminal() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Session::start(root.path(), 40, 120, &["--size", "80x24", "--ascii"]);
    let contents = s.wait_for("+ General -", 40, 120);
    let widest = contents.lines().map(|l| l.trim_end().chars().count()).max().unwrap();
    assert!(widest <= 80, "--size 80x24 limits the screen:\n{contents}");
    s.send(b"1");
    let pid = s.child.process_id().expect("pid");
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid as i32).unwrap(),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let status = s.wait_exit();
    assert!(!status.success(), "exits with 128+SIGTERM");
    assert_restored(&s.bytes());
    assert!(!root.path().join("etc/ftpconf/ftpconf.toml").exists(), "nothing saved");
}
