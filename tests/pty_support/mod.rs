//! The real `ftpconf` binary in a pseudo-terminal, its output parsed with vt100.
#![allow(dead_code)] // each test binary uses a different part

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Session {
    root: std::path::PathBuf,
    output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub _master: Box<dyn MasterPty + Send>,
}

impl Drop for Session {
    /// A failing test must leave nothing running: not the editor, nor a proftpd its demo
    /// or apply started under the root. (A passing test ends them itself, and some wait
    /// for a watchdog after the editor is gone, so this only acts while panicking.)
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.child.kill();
            crate::common::end_processes_holding(&self.root);
        }
    }
}

impl Session {
    pub fn start(root: &std::path::Path, rows: u16, cols: u16, extra: &[&str]) -> Session {
        Self::start_with(root, rows, cols, extra, false)
    }

    pub fn start_with(
        root: &std::path::Path,
        rows: u16,
        cols: u16,
        extra: &[&str],
        no_color: bool,
    ) -> Session {
        Self::start_env(root, (rows, cols), extra, no_color, &[])
    }

    /// Like [`Session::start_with`], with extra environment variables.
    pub fn start_env(
        root: &std::path::Path,
        (rows, cols): (u16, u16),
        extra: &[&str],
        no_color: bool,
        vars: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ftpconf"));
        cmd.arg("--root");
        cmd.arg(root);
        cmd.args(extra);
        cmd.env("TERM", "xterm");
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        for (name, value) in vars {
            cmd.env(name, value);
        }
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
        Session { root: root.to_path_buf(), output, writer, child, _master: pair.master }
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a vt100 terminal of `rows` x `cols` shows it.
    pub fn screen(&self, rows: u16, cols: u16) -> vt100::Parser {
        let mut parser =
            vt100::Parser::new(NonZeroU16::new(rows).unwrap(), NonZeroU16::new(cols).unwrap(), 0);
        parser.process(&self.bytes());
        parser
    }

    pub fn wait_for(&self, text: &str, rows: u16, cols: u16) -> String {
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

    /// In the form at Port: types `port` over it and opens the review (Ctrl-S), which
    /// waits for `a`/`c`.
    pub fn review_new_port(&mut self, port: u16) {
        self.send(b"\x15"); // Ctrl-U empties the field
        self.send(port.to_string().as_bytes());
        self.send(b"\x13");
        self.wait_for("c apply+confirm", 24, 80);
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        // Separate keys the way a person types them; a lone Esc gets longer, or it would
        // merge with the next key into an Alt chord.
        let pause = if bytes == b"\x1b" { 200 } else { 30 };
        std::thread::sleep(Duration::from_millis(pause));
    }

    /// Sends `signal` to the program (as a dropped SSH session or `kill` would).
    pub fn signal(&self, signal: rustix::process::Signal) {
        let pid = self.child.process_id().expect("the program's pid");
        let pid = rustix::process::Pid::from_raw(pid as i32).expect("a valid pid");
        rustix::process::kill_process(pid, signal).expect("signal the program");
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
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

pub fn assert_restored(bytes: &[u8]) {
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

/// Whether a fresh connection to 127.0.0.1:`port` gets a 220 greeting.
pub fn greets(port: u16) -> bool {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut conn) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    conn.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut reply = [0u8; 3];
    conn.read_exact(&mut reply).is_ok() && &reply == b"220"
}

/// Whether `output` sets a colour (an SGR with a 30–49 or 90–107 parameter).
pub fn writes_colour(output: &str) -> bool {
    output.split("\x1b[").skip(1).any(|sequence| {
        let Some(end) = sequence.find(|c: char| !c.is_ascii_digit() && c != ';') else {
            return false;
        };
        sequence[end..].starts_with('m')
            && sequence[..end]
                .split(';')
                .filter_map(|p| p.parse::<u16>().ok())
                .any(|p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107))
    })
}
