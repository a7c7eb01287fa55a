use super::*;
use crate::settings::{Mode, Rate, TlsPolicy};

#[test]
fn round_trips_every_field() {
    let mut s = Settings::default();
    s.port = 2121;
    s.anonymous_login = true;
    s.anonymous_path = "/mnt/tank/pub lic".into();
    s.file_permissions = Mode::from_bits(0o640);
    s.tls_policy = TlsPolicy::CtrlNotData;
    s.tls_no_session_reuse_required = true;
    s.display_login = "Welcome \"friend\"\nsecond line\\".into();
    s.auxiliary_parameters = "TimesGMT on\n".into();
    s.local_upload = Rate(512_000);
    s.anonymous_download = Rate(1500);
    let text = to_toml(&s);
    assert_eq!(parse(&text, "test").unwrap(), s);
}

#[test]
fn the_file_is_commented_and_grouped_like_the_screen() {
    let text = to_toml(&Settings::default());
    for header in ["[general]", "[access]", "[tls]", "[other]", "[bandwidth]"] {
        assert!(text.contains(&format!("\n{header}\n")), "{header}");
    }
    assert!(text.contains("# Port: TCP port"));
    assert!(text.contains("file_permissions = \"700\""));
    assert!(text.contains("local_upload = \"0\""));
}

#[test]
fn missing_keys_keep_defaults_and_hand_written_forms_are_accepted() {
    let s = parse(
        "[general]\nport = 2121\n[access]\nfile_permissions = 640\n[bandwidth]\nlocal_upload = 100\nlocal_download = \"2 TB\"\n",
        "f",
    )
    .unwrap();
    assert_eq!(s.port, 2121);
    assert_eq!(s.clients, 5);
    assert_eq!(s.file_permissions, Mode::from_bits(0o640));
    assert_eq!(s.local_upload, Rate(100));
    assert_eq!(s.local_download, Rate(2_147_483_648));
}

#[test]
fn errors_name_file_line_and_key() {
    let text = "[general]\nport = \"abc\"\nclients = true\nbogus = 1\n[nosuch]\nx = 1\n[access]\nfile_permissions = \"9\"\n";
    let problems = parse(text, "/etc/ftpconf/ftpconf.toml").unwrap_err().problems;
    let expect = [
        ("ftpconf.toml:2: general.port", "whole number"),
        ("ftpconf.toml:3: general.clients", "found a boolean"),
        ("ftpconf.toml:4: unknown key general.bogus", "takes: port"),
        ("ftpconf.toml:5: unknown section [nosuch]", "expected one of"),
        ("ftpconf.toml:8: access.file_permissions", "three octal digits"),
    ];
    for (place, what) in expect {
        assert!(
            problems.iter().any(|p| p.contains(place) && p.contains(what)),
            "{place} / {what} not in {problems:#?}"
        );
    }
}

#[test]
fn syntax_errors_have_a_line() {
    let err = parse("[general]\nport = = 3\n", "f.toml").unwrap_err();
    assert!(err.problems[0].starts_with("f.toml:2:"), "{err}");
}

#[test]
fn save_is_atomic_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("etc/ftpconf/ftpconf.toml");
    assert_eq!(load(&path).unwrap(), Settings::default());
    let mut s = Settings::default();
    s.clients = 42;
    save(&path, &s).unwrap();
    assert_eq!(load(&path).unwrap(), s);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn editing_in_place_round_trips_every_field() {
    let mut s = Settings::default();
    s.port = 2121;
    s.anonymous_path = "/mnt/tank/pub lic".into();
    s.file_permissions = Mode::from_bits(0o640);
    s.tls_policy = TlsPolicy::CtrlNotData;
    s.display_login = "Welcome \"friend\"\nsecond line\\\n".into();
    s.auxiliary_parameters = "TimesGMT on\r\nx'''y\n".replace("\r\n", "\n");
    s.local_upload = Rate(512_000);
    let template = to_toml(&Settings::default());
    let edited = edit_in_place(&template, &Settings::default(), &s).unwrap();
    assert_eq!(parse(&edited, "edited").unwrap(), s);
    // Every comment and every untouched line of the template is still there.
    for line in template.lines().filter(|l| !l.contains(" = ") || l.contains("clients")) {
        assert!(edited.lines().any(|e| e == line), "{line:?} lost from {edited}");
    }
    let back = edit_in_place(&edited, &s, &Settings::default()).unwrap();
    assert_eq!(parse(&back, "back").unwrap(), Settings::default());
}
