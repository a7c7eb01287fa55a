//! `ftpconf cert …` and the settings commands, as an admin would use them: create a
//! certificate, enable TLS with it, render, and an FTPS client transfers a file; and no
//! command saves TLS settings with a certificate that could not serve FTPS.

mod common;

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output};

use common::users::User;
use common::{Sandbox, Server, ftps};
use ftpconf::proftpd::certs;
use rcgen::{CertificateParams, DnType, IsCa, KeyPair};
use suppaftp::types::FileType;
use time::{Duration, OffsetDateTime};

fn ftpconf(sandbox: &Sandbox, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ftpconf"))
        .arg("--root")
        .arg(sandbox.dir.path())
        .args(args)
        .output()
        .expect("run ftpconf")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[track_caller]
fn expect(out: &Output, code: i32) -> String {
    let all = text(out);
    assert_eq!(out.status.code(), Some(code), "{all}");
    all
}

#[test]
fn create_enable_render_and_transfer_like_a_new_user() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    // Defaults: this host's names plus localhost and 127.0.0.1, EC P-256, 397 days.
    let shown = expect(&ftpconf(&sandbox, &["cert", "create", "nas"]), 0);
    assert!(shown.contains("EC P-256") && shown.contains("IP:127.0.0.1"), "{shown}");
    assert!(shown.contains("DNS:localhost") && shown.contains("ok, usable for FTPS"), "{shown}");
    let listed = expect(&ftpconf(&sandbox, &["cert", "list"]), 0);
    assert!(listed.lines().nth(1).unwrap().starts_with("nas "), "{listed}");
    assert!(listed.contains("EC P-256") && listed.trim_end().ends_with("ok"), "{listed}");

    let port = common::free_port();
    let set = ["set", "tls=true", "ssltls_certificate=nas", &format!("port={port}")];
    expect(&ftpconf(&sandbox, &set), 0);
    let config = String::from_utf8(expect_stdout(&ftpconf(&sandbox, &["render"]))).unwrap();
    assert!(config.contains("TLSECCertificateFile") && config.contains("TLSRequired on"));
    std::fs::create_dir_all(sandbox.paths.proftpd_conf().parent().unwrap()).unwrap();
    std::fs::write(sandbox.paths.proftpd_conf(), &config).unwrap();
    sandbox.config_test().unwrap();
    let server = Server::start(&sandbox.paths, port);

    let ca = sandbox.paths.certificate_file("nas");
    let mut ftp = ftps::connect_tls(server.port, ftps::roots(&ca)).expect("FTPS handshake");
    ftp.login(&user.name, &user.password).unwrap();
    ftp.transfer_type(FileType::Binary).unwrap();
    ftp.put_file("hello.txt", &mut Cursor::new(b"hello over TLS\n".to_vec())).unwrap();
    let back = ftp.retr_as_buffer("hello.txt").unwrap().into_inner();
    assert_eq!(back, b"hello over TLS\n");
    ftp.quit().unwrap();
    // And the certificate in use cannot be deleted.
    let refused = expect(&ftpconf(&sandbox, &["cert", "delete", "nas"]), 3);
    assert!(refused.contains("is the FTP certificate"), "{refused}");
    assert!(ca.exists());
}

fn expect_stdout(out: &Output) -> Vec<u8> {
    assert!(out.status.success(), "{}", text(out));
    out.stdout.clone()
}

/// Writes a pair straight into the store, bypassing the import checks (as a file copied
/// in by hand would be).
fn put(sandbox: &Sandbox, name: &str, cert: &str, key: &str) {
    std::fs::create_dir_all(sandbox.paths.certificate_dir()).unwrap();
    std::fs::write(sandbox.paths.certificate_file(name), cert).unwrap();
    std::fs::write(sandbox.paths.certificate_key(name), key).unwrap();
    // Keys in the store are private, as `cert import` and `cert create` leave them.
    let private = std::os::unix::fs::PermissionsExt::from_mode(0o600);
    std::fs::set_permissions(sandbox.paths.certificate_key(name), private).unwrap();
}

fn rcgen_pair(edit: impl FnOnce(&mut CertificateParams)) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    edit(&mut params);
    (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
}

fn openssl_rsa_1024(dir: &Path) -> (String, String) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=localhost"])
        .args(["-newkey", "rsa:1024", "-keyout", "weak.key", "-out", "weak.crt"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .output()
        .expect("openssl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    (read("weak.crt"), read("weak.key"))
}

#[test]
fn set_and_validate_refuse_every_unusable_certificate() {
    let sandbox = Sandbox::new();
    let now = OffsetDateTime::now_utc();
    let (expired, expired_key) = rcgen_pair(|p| {
        p.not_before = now - Duration::days(60);
        p.not_after = now - Duration::days(1);
    });
    put(&sandbox, "expired", &expired, &expired_key);
    let (good, _) = rcgen_pair(|_| {});
    let (_, stranger_key) = rcgen_pair(|_| {});
    put(&sandbox, "mismatched", &good, &stranger_key);
    let (ca, ca_key) = rcgen_pair(|p| p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained));
    put(&sandbox, "ca", &ca, &ca_key);
    let (weak, weak_key) = openssl_rsa_1024(&sandbox.mkdir("tmp"));
    put(&sandbox, "weak", &weak, &weak_key);
    let (keyless, _) = rcgen_pair(|_| {});
    std::fs::write(sandbox.paths.certificate_file("keyless"), keyless).unwrap();
    let csr_key = KeyPair::generate().unwrap();
    let csr = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .serialize_request(&csr_key)
        .unwrap()
        .pem()
        .unwrap();
    put(&sandbox, "csr", &csr, &csr_key.serialize_pem());

    for (name, why) in [
        ("expired", "has expired"),
        ("mismatched", "does not belong to this certificate"),
        ("ca", "is a CA certificate"),
        ("weak", "has a 1024-bit RSA key"),
        ("keyless", "is missing"),
        ("csr", "certificate signing request"),
        ("absent", "there is no certificate \"absent\""),
    ] {
        let out = ftpconf(&sandbox, &["set", "tls=true", &format!("ssltls_certificate={name}")]);
        let all = expect(&out, 1);
        assert!(all.contains("ssltls_certificate: ") && all.contains(why), "{name}: {all}");
        assert!(all.contains("nothing was changed"), "{all}");
        assert!(!sandbox.paths.settings_file().exists(), "{name}: settings were written");
    }
    // `cert list` shows each with its health; `cert show` exits 1 for an unusable one.
    let listed = expect(&ftpconf(&sandbox, &["cert", "list"]), 0);
    for (name, health) in [
        ("expired", "error: expired"),
        ("mismatched", "error: key mismatch"),
        ("ca", "error: CA certificate"),
        ("weak", "error: RSA 1024 too small"),
        ("keyless", "error: key missing"),
        ("csr", "error: CSR, not a certificate"),
    ] {
        let line = listed.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap();
        assert!(line.ends_with(health), "{line}");
    }
    let shown = expect(&ftpconf(&sandbox, &["cert", "show", "mismatched"]), 1);
    assert!(shown.contains("DOES NOT MATCH"), "{shown}");

    // A certificate that goes bad after it was chosen: validate and render refuse.
    let (fine, fine_key) = rcgen_pair(|_| {});
    put(&sandbox, "fine", &fine, &fine_key);
    expect(&ftpconf(&sandbox, &["set", "tls=true", "ssltls_certificate=fine"]), 0);
    std::fs::remove_file(sandbox.paths.certificate_key("fine")).unwrap();
    let all = expect(&ftpconf(&sandbox, &["validate"]), 1);
    assert!(
        all.contains("ssltls_certificate: the private key") && all.contains("is missing"),
        "{all}"
    );
    let all = expect(&ftpconf(&sandbox, &["render"]), 1);
    assert!(all.contains("nothing rendered"), "{all}");
}

#[test]
fn import_checks_before_storing_and_delete_frees_unused_names() {
    let sandbox = Sandbox::new();
    let src = sandbox.mkdir("src");
    let (cert, key) = rcgen_pair(|p| {
        p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    });
    let (_, other_key) = rcgen_pair(|_| {});
    std::fs::write(src.join("cert.pem"), &cert).unwrap();
    std::fs::write(src.join("key.pem"), &key).unwrap();
    std::fs::write(src.join("other.pem"), &other_key).unwrap();
    let (c, k, o) = (src.join("cert.pem"), src.join("key.pem"), src.join("other.pem"));
    let args = |name: &str, key: &Path| {
        vec![
            "cert".to_owned(),
            "import".into(),
            name.into(),
            "--cert".into(),
            c.to_string_lossy().into(),
            "--key".into(),
            key.to_string_lossy().into(),
        ]
    };
    let run = |v: Vec<String>| ftpconf(&sandbox, &v.iter().map(String::as_str).collect::<Vec<_>>());
    let refused = expect(&run(args("web", &o)), 1);
    assert!(refused.contains("does not belong") && refused.contains("nothing was imported"));
    assert!(!sandbox.paths.certificate_file("web").exists());
    let shown = expect(&run(args("web", &k)), 0);
    assert!(shown.contains("present, matches the certificate"), "{shown}");
    let again = expect(&run(args("web", &k)), 3);
    assert!(again.contains("already exists"), "{again}");
    let mut replace = args("web", &k);
    replace.push("--replace".into());
    expect(&run(replace), 0);
    assert_eq!(certs::list(&sandbox.paths).unwrap().len(), 1);

    // In use with TLS off: still refused (TrueNAS does the same); after switching, freed.
    expect(&ftpconf(&sandbox, &["set", "ssltls_certificate=web"]), 0);
    let refused = expect(&ftpconf(&sandbox, &["cert", "delete", "web"]), 3);
    assert!(refused.contains("TLS is off"), "{refused}");
    expect(&ftpconf(&sandbox, &["set", "ssltls_certificate="]), 0);
    expect(&ftpconf(&sandbox, &["cert", "delete", "web"]), 0);
    assert!(!sandbox.paths.certificate_key("web").exists());
    let none = expect(&ftpconf(&sandbox, &["cert", "list"]), 0);
    assert!(none.contains("no certificates"), "{none}");
    let missing = expect(&ftpconf(&sandbox, &["cert", "show", "web"]), 1);
    assert!(missing.contains("there is no certificate"), "{missing}");
    let bad = expect(&ftpconf(&sandbox, &["cert", "create", "../evil"]), 3);
    assert!(bad.contains("not a certificate name"), "{bad}");
}
