//! The doctor's screens in the real binary, in a real pseudo-terminal with NO_COLOR and
//! `--ascii`, against a real proftpd: the Log screen explains a real failed login, the
//! Check screen fails a wrong password and lists check-login's reasons. The password is
//! never written to the terminal; no colour and no box character is either.

mod common;
mod doctor_support;
mod pty_support;

use common::Sandbox;
use common::raw::Raw;
use doctor_support::Daemon;
use pty_support::{Session, assert_restored, writes_colour};

const ESC: &[u8] = b"\x1b";

#[test]
fn log_and_check_screens_in_a_real_terminal_with_no_color_and_ascii() {
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let refused = Raw::open(settings.port as u16).0.login("nosuch-ptydoc", "x");
    assert!(refused.starts_with("530"), "{refused}");

    let mut s = Session::start_with(sandbox.dir.path(), 24, 80, &["--ascii"], true);
    s.wait_for("Timeout", 24, 80);
    s.send(b"l");
    s.wait_for("-> someone tried to log in with a user name that does", 24, 80);
    s.send(ESC);
    s.wait_for("Tab/Up/Dn field", 24, 80);

    let password = "pty-doctor-secret";
    s.send(b"c");
    s.wait_for("Check FTP as a client would", 24, 80);
    s.send(b"nosuch-ptydoc\t");
    s.send(password.as_bytes());
    s.wait_for(&"*".repeat(password.len()), 24, 80);
    s.send(b"\r");
    s.wait_for("FAIL Log in as nosuch-ptydoc", 24, 80);
    s.wait_for("Ctrl-R: every reason this account may be refused", 24, 80);
    s.send(b"\x12"); // Ctrl-R: check-login
    s.wait_for("there is no user nosuch-ptydoc on this machine", 24, 80);
    s.send(ESC);
    s.wait_for("Tab/Up/Dn field", 24, 80);
    s.send(b"q");
    assert!(s.wait_exit().success());
    let bytes = s.bytes();
    assert_restored(&bytes);
    let output = String::from_utf8_lossy(&bytes).into_owned();
    assert!(!output.contains(password), "the password reached the terminal");
    assert!(!writes_colour(&output), "NO_COLOR: no colour");
    assert!(!output.contains('│') && !output.contains('✗'), "--ascii: no box or mark glyphs");
}
