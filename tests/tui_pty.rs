//! The real binary in a real pseudo-terminal: start, type, save, quit; the terminal is
//! restored (alternate screen left, cursor shown). Also: a 0x0 terminal (serial line)
//! falls back to 80x24, and SIGTERM restores the terminal.

mod common;
mod pty_support;

use ftpconf::proftpd::System;
use ftpconf::settings::{Mode, Rate, TlsPolicy, store};
use pty_support::{Session, assert_restored, writes_colour};

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
    assert!(first <= 1600, "start-up wrote {first} bytes");
    assert!(after_first_key - first <= 80, "the first key in a field, at most 80 bytes");
    assert!(after_second_key - after_first_key <= 24, "one keystroke, at most 24 bytes");
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
    s.signal(rustix::process::Signal::TERM);
    let status = s.wait_exit();
    assert!(!status.success(), "exits with 128+SIGTERM");
    assert_restored(&s.bytes());
    assert!(!root.path().join("etc/ftpconf/ftpconf.toml").exists(), "nothing saved");
}

/// Keys as a terminal sends them.
const TAB: &str = "\t";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const SPACE: &str = " ";
const NEXT_TAB: &str = "\x0e"; // Ctrl-N

/// The done-when of the editor: every setting found, changed and saved with the keyboard
/// alone, and the result accepted by `proftpd -t`; in colour, with NO_COLOR, with --ascii.
fn every_setting(no_color: bool, extra: &[&str]) {
    let root = tempfile::tempdir().unwrap();
    let paths = ftpconf::paths::Paths::new(root.path());
    std::fs::create_dir_all(paths.certificate_dir()).unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["nas.local".into()]).unwrap();
    std::fs::write(paths.certificate_file("nas"), cert.cert.pem()).unwrap();
    std::fs::write(paths.certificate_key("nas"), cert.signing_key.serialize_pem()).unwrap();
    let private = std::os::unix::fs::PermissionsExt::from_mode(0o600);
    std::fs::set_permissions(paths.certificate_key("nas"), private).unwrap();
    let anon = root.path().join("anon");
    std::fs::create_dir(&anon).unwrap();
    let anon = anon.to_str().unwrap().to_owned();

    let mut s = Session::start_with(root.path(), 24, 80, extra, no_color);
    s.wait_for("Timeout", 24, 80);
    let mut keys: Vec<&str> = vec!["2121", TAB, "20", TAB, "4", TAB, "3", TAB, "120", TAB, "900"];
    keys.extend([TAB, "a", "]"]);
    // Access: chroot off, anonymous on + path, local on, IDENT on, grids 640 and 750.
    keys.extend([SPACE, DOWN, SPACE, DOWN, &anon, TAB, SPACE, DOWN, SPACE, DOWN]);
    keys.extend(["6", DOWN, "4", DOWN, "0", DOWN, "7", DOWN, "5", DOWN, "0", DOWN, NEXT_TAB]);
    // TLS: on, certificate nas, policy Ctrl, every option but Allow Per User.
    keys.extend([SPACE, DOWN, ENTER, ENTER, DOWN, ENTER, DOWN, DOWN, DOWN, DOWN, DOWN, ENTER]);
    keys.extend([DOWN, SPACE, DOWN, SPACE, DOWN, DOWN, SPACE, DOWN, SPACE, DOWN, SPACE]);
    keys.extend([DOWN, DOWN, SPACE, DOWN, SPACE, DOWN, SPACE, DOWN, SPACE, DOWN, SPACE]);
    // Other.
    keys.extend([NEXT_TAB, "50000", TAB, "50100", TAB, SPACE, DOWN, SPACE, DOWN, SPACE]);
    keys.extend([DOWN, "192.0.2.10", TAB, ENTER, "Hello", ENTER, "World", ESC, TAB, ENTER]);
    keys.extend(["MaxStoreFileSize 100 Gb", ESC]);
    // Bandwidth.
    keys.extend([NEXT_TAB, "500M", TAB, "1G", TAB, "100", TAB, "2 TB"]);
    for key in keys {
        s.send(key.as_bytes());
    }
    s.wait_for("2 TiB/s = ", 24, 80);
    s.send(b"\x13");
    s.wait_for("Changed settings (38)", 24, 80);
    s.send(ENTER.as_bytes());
    s.wait_for("Saved /", 24, 80);
    s.send(b"\x11");
    assert!(s.wait_exit().success());
    assert_restored(&s.bytes());
    let output = String::from_utf8_lossy(&s.bytes()).into_owned();
    let coloured = writes_colour(&output);
    assert_eq!(coloured, !no_color, "colours are written unless NO_COLOR is set");
    if extra.contains(&"--ascii") {
        assert!(!output.contains('┌') && !output.contains('│'), "--ascii draws no box characters");
    }

    let saved = store::load(&paths.settings_file()).unwrap();
    let g = (saved.port, saved.clients, saved.connections_per_ip, saved.login_attempts);
    assert_eq!(g, (2121, 20, 4, 3));
    assert_eq!((saved.notransfer_timeout, saved.timeout), (120, 900));
    assert!(!saved.always_chroot && saved.anonymous_login && saved.local_user_login);
    assert!(saved.require_ident);
    assert_eq!(saved.anonymous_path, anon);
    assert_eq!(saved.file_permissions, Mode::from_bits(0o640));
    assert_eq!(saved.directory_permissions, Mode::from_bits(0o750));
    assert!(saved.tls_enable && saved.certificate == "nas");
    assert_eq!(saved.tls_policy, TlsPolicy::Ctrl);
    assert!(saved.tls_allow_client_renegotiations && saved.tls_allow_dot_login);
    assert!(!saved.tls_allow_per_user);
    assert!(saved.tls_common_name_required && saved.tls_enable_diags);
    assert!(saved.tls_export_cert_data && saved.tls_no_empty_fragments);
    assert!(saved.tls_no_session_reuse_required && saved.tls_std_env_vars);
    assert!(saved.tls_dns_name_required && saved.tls_ip_address_required);
    assert_eq!((saved.passive_port_min, saved.passive_port_max), (50000, 50100));
    assert!(saved.fxp && saved.allow_resume && saved.reverse_dns);
    assert_eq!(saved.masquerade_address, "192.0.2.10");
    assert_eq!(saved.display_login, "Hello\nWorld");
    assert_eq!(saved.auxiliary_parameters, "MaxStoreFileSize 100 Gb");
    assert_eq!(saved.local_upload, Rate(512_000));
    assert_eq!(saved.local_download, Rate(1_048_576));
    assert_eq!(saved.anonymous_upload, Rate(100));
    assert_eq!(saved.anonymous_download, Rate(2 << 30));

    common::assert_proftpd_accepts(&paths, &saved);
}

#[test]
fn every_setting_with_the_keyboard_alone_in_colour() {
    every_setting(false, &[]);
}

#[test]
fn every_setting_with_the_keyboard_alone_with_no_color() {
    every_setting(true, &[]);
}

#[test]
fn every_setting_with_the_keyboard_alone_with_ascii() {
    every_setting(false, &["--ascii"]);
}

/// Certificates end to end: in the real binary, open "Manage certificates" from the TLS
/// tab, create a certificate (this host's names, EC), use it, enable TLS, save; the saved
/// settings render a configuration `proftpd -t` accepts, serving that certificate.
#[test]
fn create_a_certificate_in_the_editor_and_serve_it() {
    let root = tempfile::tempdir().unwrap();
    let paths = ftpconf::paths::Paths::new(root.path());
    let mut s = Session::start_with(root.path(), 24, 80, &["--ascii"], true);
    s.wait_for("Timeout", 24, 80);
    // Ctrl-T: Advanced; Ctrl-N twice: the TLS tab; m: the manager.
    for key in ["\x14", NEXT_TAB, NEXT_TAB, "m"] {
        s.send(key.as_bytes());
    }
    s.wait_for("No certificates in the store yet", 24, 80);
    s.send(b"c");
    s.wait_for("New self-signed certificate", 24, 80);
    s.send(ENTER.as_bytes());
    s.wait_for("Created ftp (EC P-256", 24, 80);
    // Enter uses it (back on Enable TLS, as TLS is off), Space enables TLS.
    s.send(ENTER.as_bytes());
    s.wait_for("Certificate: ftp", 24, 80);
    s.send(SPACE.as_bytes());
    s.wait_for("[ftp ", 24, 80);
    s.send(b"s");
    s.wait_for("Review before saving", 24, 80);
    s.send(ENTER.as_bytes());
    s.wait_for("Saved /", 24, 80);
    s.send(b"q");
    assert!(s.wait_exit().success());
    assert_restored(&s.bytes());
    let output = String::from_utf8_lossy(&s.bytes()).into_owned();
    assert!(!output.contains("\x1b[38;5;") && !output.contains('│'), "NO_COLOR and --ascii");

    let saved = store::load(&paths.settings_file()).unwrap();
    assert!(saved.tls_enable);
    assert_eq!(saved.certificate, "ftp");
    let system = System::new(paths.clone());
    assert!(
        ftpconf::proftpd::validate(&saved, &system)
            .for_field(ftpconf::settings::Field::Certificate)
            .next()
            .is_none(),
        "the created certificate is healthy"
    );
    let rendered = common::assert_proftpd_accepts(&paths, &saved);
    let cert_file = paths.certificate_file("ftp");
    assert!(
        rendered.config.contains(&format!("TLSECCertificateFile \"{}\"", cert_file.display())),
        "{}",
        rendered.config
    );
}

/// What a serial console pays, measured from exec in each look: the first frame (with
/// the terminal set-up), the first key in a field, a further key, and nothing while idle.
#[test]
fn bytes_from_exec_in_colour_no_color_and_ascii() {
    for (no_color, extra) in [(false, &[][..]), (true, &[][..]), (false, &["--ascii"][..])] {
        let root = tempfile::tempdir().unwrap();
        let mut s = Session::start_with(root.path(), 24, 80, extra, no_color);
        s.wait_for("Timeout", 24, 80);
        std::thread::sleep(std::time::Duration::from_millis(200));
        let first = s.bytes().len();
        s.send(b"3");
        s.wait_for("[3 ", 24, 80);
        std::thread::sleep(std::time::Duration::from_millis(100));
        let first_key = s.bytes().len() - first;
        s.send(b"1");
        s.wait_for("[31 ", 24, 80);
        std::thread::sleep(std::time::Duration::from_millis(100));
        let next_key = s.bytes().len() - first - first_key;
        let before_idle = s.bytes().len();
        std::thread::sleep(std::time::Duration::from_millis(500));
        let idle = s.bytes().len() - before_idle;
        eprintln!(
            "pty 80x24 NO_COLOR={no_color} {extra:?}: first frame {first}, first key \
             {first_key}, next key {next_key}, idle {idle}"
        );
        assert!(first <= 1600, "first frame {first} bytes ({extra:?}, NO_COLOR={no_color})");
        assert!(first_key <= 80, "first key {first_key} bytes");
        assert!(next_key <= 24, "next key {next_key} bytes");
        assert_eq!(idle, 0, "nothing while idle");
        s.send(b"\x11");
        s.wait_for("Discard", 24, 80);
        s.send(b"d");
        assert!(s.wait_exit().success());
    }
}

/// A paste is text for the focused field, never keys: the Tab and the letters after it
/// in `10.0.0.1<Tab>sa` must not leave the field, open the review and apply (D14).
#[test]
fn a_paste_goes_into_the_field_and_is_never_taken_for_keys() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Timeout", 24, 80);
    for key in ["a", "]", "]", "]", DOWN, DOWN, DOWN, DOWN, DOWN] {
        s.send(key.as_bytes());
    }
    s.wait_for("Masquerade Address", 24, 80);
    s.send(b"\x1b[200~10.0.0.1\tsa\x1b[201~");
    let screen = s.wait_for("Pasted into Masquerade Address; left out 1 tab", 24, 80);
    assert!(screen.contains("10.0.0.1sa"), "only the text went in:\n{screen}");
    assert!(!screen.contains("Review before saving"), "{screen}");
    // A paste where nothing takes text does nothing but say so.
    s.send(b"\x1b[A"); // Up: Reverse DNS, a checkbox
    s.send(b"\x1b[200~s\x1b[201~");
    s.wait_for("Paste ignored: Perform Reverse DNS Lookups is not a text field", 24, 80);
    s.send(b"\x11"); // Ctrl-Q: unsaved, so it asks
    s.wait_for("Discard", 24, 80);
    s.send(b"d");
    assert!(s.wait_exit().success());
    assert_restored(&s.bytes());
    assert!(!root.path().join("etc/ftpconf/ftpconf.toml").exists(), "nothing saved");
}

/// A paste start that never ends (a crashed program, a hostile clipboard) does not
/// freeze the editor: once silent it is dropped and said so, and Ctrl-C works again
/// within a second; what it swallowed is neither text nor keys.
#[test]
fn an_unterminated_paste_start_does_not_freeze_the_editor() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Timeout", 24, 80);
    s.send(b"\x1b[200~");
    s.send(b"\x03"); // Ctrl-C at once: swallowed with the paste, which is then dropped
    let started = std::time::Instant::now();
    s.wait_for("Ignored a paste that never ended (1 character", 24, 80);
    assert!(s.screen(24, 80).screen().contents().contains("[21 "), "the Port field untouched");
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    s.send(b"\x1b[200~");
    std::thread::sleep(std::time::Duration::from_millis(500)); // the user notices
    let pressed = std::time::Instant::now();
    s.send(b"\x03"); // Ctrl-C: quits (nothing unsaved)
    assert!(s.wait_exit().success());
    assert!(pressed.elapsed() < std::time::Duration::from_secs(1), "{:?}", pressed.elapsed());
    assert_restored(&s.bytes());
}

/// A hung-up session keeps its unsaved edits in a draft (0600) and the next start offers
/// them back; restored and saved, they are in the settings file and the draft is gone.
#[test]
fn unsaved_edits_survive_a_hang_up() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("etc/ftpconf/ftpconf.toml");
    let draft = root.path().join("etc/ftpconf/ftpconf.toml.draft");
    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Timeout", 24, 80);
    s.send(b"2121");
    s.wait_for("[2121", 24, 80);
    s.signal(rustix::process::Signal::HUP);
    assert!(!s.wait_exit().success(), "exits with 128+SIGHUP");
    assert_restored(&s.bytes());
    assert!(!file.exists(), "a draft is not a save");
    let kept = std::fs::read_to_string(&draft).expect("a draft beside the settings file");
    assert!(kept.contains("\"general.port\" = \"2121\""), "{kept}");
    assert_eq!(kept.matches(" = \"").count(), 3, "only the changed field (+ written, base)");
    assert_eq!(std::fs::metadata(&draft).unwrap().permissions().mode() & 0o777, 0o600);

    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Unsaved edits from an earlier session", 24, 80);
    s.wait_for("Draft of 1 unsaved change, written", 24, 80);
    s.wait_for("unchanged since", 24, 80);
    s.send(b"s");
    s.wait_for("Draft: Port: 2121", 24, 80);
    s.send(b"r");
    s.wait_for("Draft restored", 24, 80);
    s.wait_for("[2121", 24, 80);
    s.send(b"\x13"); // Ctrl-S
    s.wait_for("Review before saving", 24, 80);
    s.send(b"\r");
    s.wait_for("Saved /", 24, 80);
    s.send(b"\x11");
    assert!(s.wait_exit().success());
    assert_eq!(store::load(&file).unwrap().port, 2121);
    assert!(!draft.exists(), "saved: the draft is gone");
}

/// The editor reads the terminal itself (not through crossterm's reader), so a resize
/// comes from SIGWINCH: the frame follows the new size.
#[test]
fn a_resized_terminal_is_drawn_at_its_new_size() {
    let root = tempfile::tempdir().unwrap();
    let mut s = Session::start(root.path(), 24, 80, &[]);
    s.wait_for("Timeout", 24, 80);
    let size = portable_pty::PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 };
    s._master.resize(size).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let contents = s.screen(30, 100).screen().contents();
        let widest = contents.lines().map(|l| l.trim_end().chars().count()).max().unwrap_or(0);
        if widest > 80 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not redrawn at 100 columns:\n{contents}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    s.send(b"\x11");
    assert!(s.wait_exit().success());
}
