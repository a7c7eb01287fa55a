use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use time::{Duration, OffsetDateTime};

use super::*;
use crate::settings::Settings;

/// A certificate from rcgen (EC P-256 unless `key` is given), adjusted by `edit`.
fn rcgen_pair(key: Option<KeyPair>, edit: impl FnOnce(&mut CertificateParams)) -> (String, String) {
    let key = key.unwrap_or_else(|| KeyPair::generate().unwrap());
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(100);
    edit(&mut params);
    (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
}

fn info_of(cert: &str, key: Option<&str>) -> CertInfo {
    inspect::inspect_bytes(
        "t",
        "t.crt".into(),
        "t.key".into(),
        Some(Ok(cert.as_bytes().to_vec())),
        key.map(|k| Ok(k.as_bytes().to_vec())),
    )
}

/// (severity, summary) of every problem.
fn summaries(cert: &str, key: Option<&str>) -> Vec<(Severity, String)> {
    let info = info_of(cert, key);
    health::problems(&info, OffsetDateTime::now_utc())
        .into_iter()
        .map(|p| (p.severity, p.summary))
        .collect()
}

fn errors(cert: &str, key: Option<&str>) -> Vec<String> {
    summaries(cert, key).into_iter().filter(|p| p.0 == Severity::Error).map(|p| p.1).collect()
}

/// Runs openssl in `dir` with `args`; returns the named output files' contents.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// An openssl self-signed leaf with extra `req` arguments.
fn openssl_pair(extra: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=localhost"];
    args.extend_from_slice(&["-keyout", "k.pem", "-out", "c.pem"]);
    args.extend_from_slice(&["-addext", "basicConstraints=critical,CA:FALSE"]);
    args.extend_from_slice(extra);
    openssl(dir.path(), &args);
    (read(dir.path(), "c.pem"), read(dir.path(), "k.pem"))
}

#[test]
fn a_healthy_leaf_has_no_problems() {
    let (cert, key) = rcgen_pair(None, |_| {});
    assert_eq!(summaries(&cert, Some(&key)), vec![]);
    let info = info_of(&cert, Some(&key));
    let d = info.details().unwrap();
    assert_eq!(d.common_name.as_deref(), Some("localhost"));
    assert_eq!(d.alt_names, vec!["DNS:localhost"]);
    assert_eq!(d.key.to_string(), "EC P-256");
    assert_eq!(d.digest.name, "SHA-256");
    assert!(!d.is_ca && d.self_signed && d.chain.is_empty());
    assert_eq!(info.key, KeyStatus::Matches);
}

#[test]
fn key_missing_mismatched_or_encrypted_is_an_error() {
    let (cert, _) = rcgen_pair(None, |_| {});
    let (_, other_key) = rcgen_pair(None, |_| {});
    assert_eq!(errors(&cert, None), vec!["key missing"]);
    assert_eq!(errors(&cert, Some(&other_key)), vec!["key mismatch"]);
    assert_eq!(errors(&cert, Some("not a key")), vec!["key unreadable"]);
    let (rsa_cert, _) = openssl_pair(&["-newkey", "rsa:2048"]);
    assert_eq!(errors(&rsa_cert, Some(&other_key)), vec!["key mismatch"], "EC key, RSA cert");
    // A passphrase-protected PKCS#8 key and a legacy encrypted PKCS#1 key.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k.pem"), &other_key).unwrap();
    openssl(
        dir.path(),
        &["pkcs8", "-topk8", "-in", "k.pem", "-out", "e.pem", "-passout", "pass:x"],
    );
    assert_eq!(errors(&cert, Some(&read(dir.path(), "e.pem"))), vec!["key encrypted"]);
    openssl(dir.path(), &["genrsa", "-out", "r.pem", "2048"]);
    openssl(
        dir.path(),
        &["rsa", "-in", "r.pem", "-traditional", "-aes128", "-passout", "pass:x", "-out", "l.pem"],
    );
    assert!(read(dir.path(), "l.pem").contains("Proc-Type"));
    assert!(errors(&rsa_cert, Some(&read(dir.path(), "l.pem"))).contains(&"key encrypted".into()));
}

#[test]
fn every_private_key_format_is_matched() {
    let dir = tempfile::tempdir().unwrap();
    let (rsa_cert, rsa_pkcs8) = openssl_pair(&["-newkey", "rsa:2048"]);
    std::fs::write(dir.path().join("rsa.pem"), &rsa_pkcs8).unwrap();
    openssl(dir.path(), &["rsa", "-in", "rsa.pem", "-traditional", "-out", "rsa1.pem"]);
    assert!(read(dir.path(), "rsa1.pem").starts_with("-----BEGIN RSA PRIVATE KEY"));
    let (ec_cert, ec_pkcs8) =
        openssl_pair(&["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
    std::fs::write(dir.path().join("ec.pem"), &ec_pkcs8).unwrap();
    openssl(dir.path(), &["ec", "-in", "ec.pem", "-out", "sec1.pem"]);
    assert!(read(dir.path(), "sec1.pem").starts_with("-----BEGIN EC PRIVATE KEY"));
    for (cert, key) in [
        (&rsa_cert, rsa_pkcs8.clone()),
        (&rsa_cert, read(dir.path(), "rsa1.pem")),
        (&ec_cert, ec_pkcs8.clone()),
        (&ec_cert, read(dir.path(), "sec1.pem")),
    ] {
        assert_eq!(info_of(cert, Some(&key)).key, KeyStatus::Matches, "{key}");
    }
    assert_eq!(info_of(&ec_cert, None).details().unwrap().key.to_string(), "EC P-384");
    // A key of the same type and curve that is not the certificate's.
    let (_, other_ec) = openssl_pair(&["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
    assert_eq!(info_of(&ec_cert, Some(&other_ec)).key, KeyStatus::Mismatch);
}

#[test]
fn small_rsa_keys_are_refused() {
    let (cert, key) = openssl_pair(&["-newkey", "rsa:1024"]);
    assert_eq!(errors(&cert, Some(&key)), vec!["RSA 1024 too small"]);
    let (cert, key) = openssl_pair(&["-newkey", "rsa:2048"]);
    assert_eq!(errors(&cert, Some(&key)), Vec::<String>::new());
}

#[test]
fn md5_and_sha1_digests_are_refused() {
    for digest in ["-sha1", "-md5"] {
        let (cert, key) = openssl_pair(&["-newkey", "rsa:2048", digest]);
        let found = errors(&cert, Some(&key));
        assert_eq!(found.len(), 1, "{digest}: {found:?}");
        assert!(found[0].starts_with("weak digest"), "{digest}: {found:?}");
    }
}

#[test]
fn expired_not_yet_valid_and_expiring_soon() {
    let now = OffsetDateTime::now_utc();
    let (cert, key) = rcgen_pair(None, |p| {
        p.not_before = now - Duration::days(400);
        p.not_after = now - Duration::days(3);
    });
    assert_eq!(errors(&cert, Some(&key)), vec!["expired"]);
    let message = health::problems(&info_of(&cert, Some(&key)), now).remove(0).message;
    assert!(message.contains("valid until") && message.contains("3 days ago"), "{message}");
    let (cert, key) = rcgen_pair(None, |p| p.not_before = now + Duration::days(2));
    assert_eq!(errors(&cert, Some(&key)), vec!["not yet valid"]);
    let (cert, key) = rcgen_pair(None, |p| p.not_after = now + Duration::days(10));
    let found = summaries(&cert, Some(&key));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, Severity::Warning);
    assert!(
        found[0].1.starts_with("expires in 9 days") || found[0].1.starts_with("expires in 10 days")
    );
}

#[test]
fn ca_certificates_csrs_and_non_server_certificates_are_refused() {
    let (cert, key) =
        rcgen_pair(None, |p| p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained));
    assert_eq!(errors(&cert, Some(&key)), vec!["CA certificate"]);
    let (cert, key) =
        rcgen_pair(None, |p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth]);
    assert_eq!(errors(&cert, Some(&key)), vec!["not for TLS servers"]);
    let key = KeyPair::generate().unwrap();
    let csr = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .serialize_request(&key)
        .unwrap()
        .pem()
        .unwrap();
    assert_eq!(errors(&csr, Some(&key.serialize_pem())), vec!["CSR, not a certificate"]);
    assert_eq!(errors("", Some(&key.serialize_pem())), vec!["no certificate"]);
}

#[test]
fn the_chain_after_the_leaf_is_counted() {
    let (leaf, key) = rcgen_pair(None, |_| {});
    let (ca, _) = rcgen_pair(None, |p| {
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, "Example CA");
    });
    let info = info_of(&format!("{leaf}{ca}"), Some(&key));
    assert_eq!(info.details().unwrap().chain, vec!["CN=Example CA"]);
    assert_eq!(info.key, KeyStatus::Matches);
}

fn sandbox() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::new(dir.path());
    (dir, paths)
}

fn new_cert(key: KeyChoice) -> NewCert {
    NewCert {
        key,
        days: 397,
        common_name: "nas.example.org".into(),
        alt_names: vec!["nas.example.org".into(), "localhost".into(), "192.0.2.7".into()],
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn create_writes_a_healthy_leaf_with_private_key_permissions() {
    let (_dir, paths) = sandbox();
    for (name, key, shown) in
        [("ec", KeyChoice::Ec, "EC P-256"), ("rsa", KeyChoice::Rsa { bits: 2048 }, "RSA 2048")]
    {
        let info = create(&paths, name, &new_cert(key), false).unwrap();
        assert_eq!(check_info(&info), vec![], "{name}");
        let d = info.details().unwrap();
        assert_eq!(d.key.to_string(), shown);
        assert_eq!(d.alt_names, vec!["DNS:nas.example.org", "DNS:localhost", "IP:192.0.2.7"]);
        assert_eq!(d.server_auth, Some(true));
        assert!(!d.is_ca);
        let days = (d.not_after - d.not_before).whole_days();
        assert!((396..=397).contains(&days), "{days}");
        assert_eq!(mode(&paths.certificate_key(name)), 0o600);
        assert_eq!(mode(&paths.certificate_file(name)), 0o644);
        assert_eq!(load(&paths, name).unwrap().key_type, key_type_of(key));
    }
    // The same name again is refused unless replacing.
    let again = create(&paths, "ec", &new_cert(KeyChoice::Ec), false).unwrap_err();
    assert!(again[0].contains("already exists"), "{again:?}");
    create(&paths, "ec", &new_cert(KeyChoice::Ec), true).unwrap();
    let bad = create(&paths, "../x", &new_cert(KeyChoice::Ec), false).unwrap_err();
    assert!(bad[0].contains("not a certificate name"), "{bad:?}");
    let mut odd = new_cert(KeyChoice::Ec);
    odd.alt_names = vec!["not a name".into()];
    assert!(create(&paths, "odd", &odd, false).unwrap_err()[0].contains("neither a host name"));
    odd = new_cert(KeyChoice::Rsa { bits: 1024 });
    assert!(create(&paths, "odd", &odd, false).unwrap_err()[0].contains("2048, 3072 or 4096"));
    assert!(!paths.certificate_file("odd").exists());
}

fn key_type_of(key: KeyChoice) -> KeyType {
    match key {
        KeyChoice::Ec => KeyType::Ec,
        KeyChoice::Rsa { .. } => KeyType::Rsa,
    }
}

#[test]
fn import_keeps_the_chain_and_separates_the_key() {
    let (_dir, paths) = sandbox();
    let src = tempfile::tempdir().unwrap();
    let (leaf, key) = rcgen_pair(None, |_| {});
    let (ca, _) = rcgen_pair(None, |_| {});
    // A combined file: certificate, key, chain. Only certificates go into NAME.crt.
    std::fs::write(src.path().join("full.pem"), format!("{leaf}{key}{ca}")).unwrap();
    std::fs::write(src.path().join("key.pem"), &key).unwrap();
    let info =
        import(&paths, "web", &src.path().join("full.pem"), &src.path().join("key.pem"), false)
            .unwrap();
    assert_eq!(info.details().unwrap().chain.len(), 1);
    assert_eq!(info.key, KeyStatus::Matches);
    let stored = std::fs::read_to_string(paths.certificate_file("web")).unwrap();
    assert!(!stored.contains("PRIVATE KEY"), "{stored}");
    assert_eq!(stored.matches("BEGIN CERTIFICATE").count(), 2);
    assert_eq!(mode(&paths.certificate_key("web")), 0o600);
    assert!(load(&paths, "web").unwrap().has_chain);
}

#[test]
fn import_refuses_unhealthy_pairs_and_writes_nothing() {
    let (_dir, paths) = sandbox();
    let src = tempfile::tempdir().unwrap();
    let now = OffsetDateTime::now_utc();
    let (expired, key) = rcgen_pair(None, |p| p.not_after = now - Duration::days(1));
    let (_, other_key) = rcgen_pair(None, |_| {});
    std::fs::write(src.path().join("c.pem"), &expired).unwrap();
    std::fs::write(src.path().join("k.pem"), &key).unwrap();
    std::fs::write(src.path().join("o.pem"), &other_key).unwrap();
    let (c, k, o) = (src.path().join("c.pem"), src.path().join("k.pem"), src.path().join("o.pem"));
    let e = import(&paths, "x", &c, &k, false).unwrap_err();
    assert!(e[0].contains("expired"), "{e:?}");
    let e = import(&paths, "x", &c, &o, false).unwrap_err();
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].contains("does not belong"), "{e:?}");
    let e = import(&paths, "x", &c, &src.path().join("none.pem"), false).unwrap_err();
    assert!(e[0].contains("does not exist"), "{e:?}");
    assert!(!paths.certificate_dir().exists());
}

#[test]
fn delete_refuses_the_certificate_in_use_even_with_tls_off() {
    let (_dir, paths) = sandbox();
    create(&paths, "a", &new_cert(KeyChoice::Ec), false).unwrap();
    create(&paths, "b", &new_cert(KeyChoice::Ec), false).unwrap();
    let mut settings = Settings::default();
    settings.certificate = "a".into();
    let e = delete(&paths, "a", &settings).unwrap_err();
    assert!(e.contains("TLS is off"), "{e}");
    settings.tls_enable = true;
    assert!(delete(&paths, "a", &settings).unwrap_err().contains("TLS is on"));
    delete(&paths, "b", &settings).unwrap();
    assert!(!paths.certificate_file("b").exists() && !paths.certificate_key("b").exists());
    assert!(delete(&paths, "b", &settings).unwrap_err().contains("no certificate"));
    let names: Vec<String> = list(&paths).unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, vec!["a"]);
}

#[test]
fn list_summarises_each_certificate_and_orphan_key() {
    let (_dir, paths) = sandbox();
    assert_eq!(list(&paths).unwrap(), vec![]);
    create(&paths, "good", &new_cert(KeyChoice::Ec), false).unwrap();
    let (expired, key) =
        rcgen_pair(None, |p| p.not_after = OffsetDateTime::now_utc() - Duration::days(1));
    store(&paths, "old", &expired, &key, false).unwrap();
    std::fs::write(paths.certificate_key("lonely"), &key).unwrap();
    let private = std::fs::Permissions::from_mode(0o600);
    std::fs::set_permissions(paths.certificate_key("lonely"), private).unwrap();
    let all = list(&paths).unwrap();
    let by_name = |n: &str| all.iter().find(|s| s.name == n).unwrap();
    assert_eq!(all.len(), 3);
    let good = by_name("good");
    assert!(good.usable());
    assert_eq!((good.common_name.as_str(), good.key.as_str()), ("nas.example.org", "EC P-256"));
    assert_eq!(good.health(), "ok");
    assert!(good.days_left.unwrap() >= 396);
    assert!(!by_name("old").usable());
    assert_eq!(by_name("old").health(), "error: expired");
    assert_eq!(by_name("lonely").health(), "error: not found");
    // A private key others can read makes the certificate unusable.
    let key = paths.certificate_key("good");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let good = list(&paths).unwrap().into_iter().find(|s| s.name == "good").unwrap();
    assert!(!good.usable());
    assert_eq!(good.health(), "error: key readable by others");
    assert!(good.problems[0].message.contains("mode 0644"), "{:?}", good.problems);
}

#[test]
fn default_identity_reads_hosts_and_proc_files() {
    let hosts = "127.0.0.1 localhost\n192.0.2.5 nas.example.org nas # the NAS\n";
    assert_eq!(create::fqdn_from_hosts("nas", hosts).as_deref(), Some("nas.example.org"));
    assert_eq!(create::fqdn_from_hosts("other", hosts), None);
    let fib = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 192.0.2.5\n        /32 host LOCAL\n     |-- 192.0.2.255\n        /32 link BROADCAST\n";
    assert_eq!(create::ipv4_local(fib), vec!["192.0.2.5".parse::<std::net::IpAddr>().unwrap()]);
    let inet6 = "20010db8000000000000000000000001 02 40 00 80 eth0\nfe800000000000000000000000000001 02 40 20 80 eth0\n";
    assert_eq!(
        create::ipv6_global(inet6),
        vec!["2001:db8::1".parse::<std::net::IpAddr>().unwrap()]
    );
    let (cn, names) = default_identity();
    assert!(names.contains(&"localhost".to_owned()) && names.contains(&"127.0.0.1".to_owned()));
    assert!(names.contains(&cn), "{cn} {names:?}");
    // What this host gets is a valid certificate.
    let new = NewCert { key: KeyChoice::Ec, days: 30, common_name: cn, alt_names: names };
    generate(&new).unwrap();
}
