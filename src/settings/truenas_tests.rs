use super::*;
use crate::settings::{Mode, TlsPolicy};

const DEFAULT_CONFIG: &str = include_str!("../../tests/data/truenas-ftp-config-default.json");

#[test]
fn imports_the_fresh_install_object_as_our_defaults() {
    let mut changed = Settings::default();
    changed.port = 2121;
    let imported = import(DEFAULT_CONFIG, &changed).unwrap();
    assert_eq!(imported.settings, Settings::default());
}

#[test]
fn export_is_the_same_object() {
    let exported = export(&Settings::default());
    let reference: Json = serde_json::from_str(DEFAULT_CONFIG).unwrap();
    assert_eq!(exported, reference);
}

#[test]
fn umasks_bandwidth_and_names() {
    let json = r#"{"filemask": "027", "dirmask": "002", "localuserbw": 512000, "tls_policy": "ctrl+!data",
                   "ssltls_certificate": "nas", "anonpath": "/mnt/tank/ftp", "tls_opt_no_cert_request": true}"#;
    let imported = import(json, &Settings::default()).unwrap();
    let s = &imported.settings;
    assert_eq!(s.file_permissions, Mode::from_bits(0o750));
    assert_eq!(s.directory_permissions, Mode::from_bits(0o775));
    assert_eq!(s.local_upload, Rate(512_000));
    assert_eq!(s.tls_policy, TlsPolicy::CtrlNotData);
    assert_eq!(s.certificate, "nas");
    assert!(imported.notes[0].contains("tls_opt_no_cert_request"));
    let back = export(s);
    assert_eq!(back["filemask"], "027");
    assert_eq!(back["localuserbw"], 512000);
}

#[test]
fn refuses_what_truenas_would_refuse_naming_the_key() {
    let cases = [
        (r#"{"port": "21"}"#, "port: expected a whole number"),
        (r#"{"port": 21.5}"#, "port: 21.5 is not"),
        (r#"{"clients": -1}"#, "clients: -1 is not"),
        (r#"{"defaultroot": 1}"#, "defaultroot: expected true or false"),
        (r#"{"filemask": "0778"}"#, "filemask:"),
        (r#"{"tls_policy": ""}"#, "tls_policy:"),
        (r#"{"ssltls_certificate": 3}"#, "ssltls_certificate: 3 is a TrueNAS certificate id"),
        (r#"{"rootlogin": false}"#, "rootlogin: unknown key (root login was removed"),
        (r#"{"whatever": 1}"#, "whatever: unknown key"),
        (r#"{"localuserbw": "500M"}"#, "localuserbw: expected a whole number of KiB/s"),
        (r#"[1]"#, "expected a JSON object"),
        (r#"{"#, "not valid JSON"),
    ];
    for (json, expected) in cases {
        let problems = import(json, &Settings::default()).unwrap_err();
        assert!(problems.iter().any(|p| p.contains(expected)), "{json}: {problems:?}");
    }
}

#[test]
fn reports_every_bad_key_at_once() {
    let problems =
        import(r#"{"port": "x", "clients": "y", "id": 1}"#, &Settings::default()).unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn duplicate_keys_are_refused_naming_the_key() {
    let problems = import(r#"{"port": 30113, "clients": 4, "port": 30114}"#, &Settings::default())
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("\"port\" appears more than once"), "{problems:?}");
    assert!(problems[0].contains("line 1"), "{problems:?}");
    let nested = import(r#"{"options": "x", "a": {"b": 1, "b": 2}}"#, &Settings::default());
    assert!(nested.unwrap_err()[0].contains("\"b\" appears more than once"));
    // Floats, big numbers and null still read as before.
    assert!(import(r#"{"port": 21.5}"#, &Settings::default()).is_err());
    assert!(import(r#"{"anonpath": null}"#, &Settings::default()).is_ok());
}
