//! Text from outside never reaches the terminal raw, and keys stay private (fault audit
//! D15, R6, R7): a certificate whose subject carries terminal escapes is listed and shown
//! with visible escapes; invisible formatting is refused in single-line fields; a
//! certificate in use whose key others can read stops validate and apply, naming the
//! chmod that fixes it.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::Sandbox;
use common::apply::text;

const ESC: u8 = 0x1b;

fn has_raw_controls(out: &std::process::Output) -> bool {
    out.stdout.iter().chain(&out.stderr).any(|&b| b == ESC || b == 0x07)
}

#[test]
fn certificate_names_with_terminal_escapes_are_printed_visibly() {
    let sandbox = Sandbox::new();
    let dir = sandbox.mkdir("incoming");
    let (crt, key) = (dir.join("e.crt"), dir.join("e.key"));
    let subject = "/CN=imp\x1b]0;TITLE-FROM-CERT\x07\x1b[2Jx";
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .args(["-days", "200", "-utf8", "-subj", subject])
        .args(["-addext", "extendedKeyUsage=serverAuth", "-addext", "basicConstraints=CA:FALSE"])
        .args(["-addext", &format!("subjectAltName=DNS:alt{}x", '\u{202e}')])
        .output()
        .expect("the openssl command is needed");
    assert!(out.status.success(), "openssl: {}", String::from_utf8_lossy(&out.stderr));
    let (crt, key) = (crt.to_string_lossy(), key.to_string_lossy());
    let out =
        sandbox.ftpconf(&["cert", "import", "escimp", "--cert", &crt, "--key", &key]).output();
    let out = out.unwrap();
    assert!(!has_raw_controls(&out), "import printed raw escapes: {}", text(&out));
    for args in [&["cert", "list"][..], &["cert", "show", "escimp"][..]] {
        let out = sandbox.ftpconf(args).output().unwrap();
        assert!(!has_raw_controls(&out), "{args:?} printed raw escapes: {}", text(&out));
        let said = text(&out);
        assert!(said.contains("imp\\x1b]0;TITLE-FROM-CERT\\x07\\x1b[2Jx"), "{args:?}: {said}");
        if args[1] == "show" {
            assert!(said.contains("\\u202e"), "bidi override shown visibly: {said}");
        }
    }
}

#[test]
fn invisible_formatting_is_refused_in_single_line_fields() {
    let sandbox = Sandbox::new();
    for (key, value) in [
        ("anonymous_path", "/srv/ftp\u{202e}txt.exe"),
        ("masquerade_address", "nas\u{200b}.example"),
    ] {
        let out = sandbox.ftpconf(&["set", &format!("{key}={value}")]).output().unwrap();
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(said.contains(key) && said.contains("invisible formatting"), "{said}");
        assert!(!said.contains('\u{202e}') && !said.contains('\u{200b}'), "{said}");
    }
    let out = sandbox.ftpconf(&["set", "masquerade_address=\x1b]0;T\x07"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!has_raw_controls(&out), "{}", text(&out));
}

#[test]
fn a_certificate_in_use_with_a_readable_key_stops_validate_and_apply() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    sandbox.make_certificate("nas", true);
    let mut settings = sandbox.settings();
    settings.tls_enable = true;
    settings.certificate = "nas".into();
    let mut server = sandbox.serve(&settings);
    let before = sandbox.live_config();
    let key = sandbox.paths.certificate_key("nas");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    settings.clients = 9;
    sandbox.save_settings(&settings);
    let fix = format!("chmod 600 {}", key.display());
    let out = sandbox.ftpconf(&["validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(&fix), "{}", text(&out));
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(&fix), "{}", text(&out));
    assert_eq!(sandbox.live_config(), before);
    assert!(server.is_alive());
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
