//! Certificates that ftpconf creates or imports really serve FTPS: EC and RSA keys
//! (each with its own mod_tls directives), and a chain served from the `.crt` file.

mod common;

use std::io::Cursor;
use std::path::Path;

use common::ftps::{self, localhost_cert};
use common::users::User;
use common::{Sandbox, Server};
use ftpconf::proftpd::certs::{self, KeyChoice};
use ftpconf::settings::TlsPolicy;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use suppaftp::types::FileType;

/// Serves certificate `name` with TLS required and returns the running server.
fn serve(sandbox: &Sandbox, name: &str) -> (Server, String) {
    let mut s = sandbox.settings();
    s.tls_enable = true;
    s.certificate = name.into();
    s.tls_policy = TlsPolicy::On;
    let rendered = sandbox.write_config(&s);
    (sandbox.serve(&s), rendered.config)
}

/// Logs in over TLS trusting `ca`, uploads and downloads a file; returns the error text.
fn upload_and_download(server: &Server, user: &User, ca: &Path) -> Result<(), String> {
    let mut ftp = ftps::connect_tls(server.port, ftps::roots(ca)).map_err(|e| e.to_string())?;
    ftp.login(&user.name, &user.password).map_err(|e| e.to_string())?;
    ftp.transfer_type(FileType::Binary).unwrap();
    let payload: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    ftp.put_file("upload.bin", &mut Cursor::new(payload.clone())).map_err(|e| e.to_string())?;
    let back = ftp.retr_as_buffer("upload.bin").map_err(|e| e.to_string())?.into_inner();
    assert_eq!(back, payload, "the download differs from the upload");
    assert_eq!(std::fs::read(user.home.join("upload.bin")).unwrap(), payload);
    ftp.quit().map_err(|e| e.to_string())
}

#[test]
fn an_ec_certificate_serves_ftps() {
    let sandbox = Sandbox::new();
    certs::create(&sandbox.paths, "ec", &localhost_cert(KeyChoice::Ec), false).unwrap();
    let user = User::create(&sandbox.mkdir("home"), true);
    let (mut server, config) = serve(&sandbox, "ec");
    assert!(config.contains("TLSECCertificateFile"), "{config}");
    assert!(!config.contains("TLSRSACertificateFile"), "{config}");
    upload_and_download(&server, &user, &sandbox.paths.certificate_file("ec")).unwrap();
    assert!(server.is_alive());
}

#[test]
fn an_rsa_certificate_serves_ftps() {
    let sandbox = Sandbox::new();
    let rsa = localhost_cert(KeyChoice::Rsa { bits: 2048 });
    certs::create(&sandbox.paths, "rsa", &rsa, false).unwrap();
    let user = User::create(&sandbox.mkdir("home"), true);
    let (server, config) = serve(&sandbox, "rsa");
    assert!(config.contains("TLSRSACertificateFile"), "{config}");
    upload_and_download(&server, &user, &sandbox.paths.certificate_file("rsa")).unwrap();
}

/// A CA certificate and its issuer (for signing the next one down).
fn ca(name: &str, parent: Option<&Issuer<'static, KeyPair>>) -> (String, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = match parent {
        None => params.self_signed(&key).unwrap(),
        Some(issuer) => params.signed_by(&key, issuer).unwrap(),
    };
    (cert.pem(), Issuer::new(params, key))
}

/// Root → intermediate → leaf. The `.crt` holds leaf + intermediate; the client trusts
/// only the root, so the handshake works only if proftpd sends the intermediate too.
#[test]
fn the_chain_in_the_crt_file_is_served() {
    let (root_pem, root) = ca("ftpconf test root", None);
    let (inter_pem, inter) = ca("ftpconf test intermediate", Some(&root));
    let leaf_key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_pem = params.signed_by(&leaf_key, &inter).unwrap().pem();

    let sandbox = Sandbox::new();
    let src = sandbox.mkdir("src");
    std::fs::write(src.join("chain.pem"), format!("{leaf_pem}{inter_pem}")).unwrap();
    std::fs::write(src.join("leaf.pem"), &leaf_pem).unwrap();
    std::fs::write(src.join("key.pem"), leaf_key.serialize_pem()).unwrap();
    std::fs::write(src.join("root.pem"), &root_pem).unwrap();
    let key = src.join("key.pem");
    let chained = certs::import(&sandbox.paths, "chained", &src.join("chain.pem"), &key, false)
        .expect("import with chain");
    assert_eq!(chained.details().unwrap().chain, vec!["CN=ftpconf test intermediate"]);
    certs::import(&sandbox.paths, "bare", &src.join("leaf.pem"), &key, false).unwrap();
    let user = User::create(&sandbox.mkdir("home"), true);

    let (server, config) = serve(&sandbox, "chained");
    let crt = sandbox.paths.certificate_file("chained");
    assert!(config.contains(&format!("TLSCertificateChainFile \"{}\"", crt.display())));
    upload_and_download(&server, &user, &src.join("root.pem")).expect("FTPS with the chain");
    drop(server);

    // Control: without the intermediate the same client cannot verify the server.
    let (server, config) = serve(&sandbox, "bare");
    assert!(!config.contains("TLSCertificateChainFile"), "{config}");
    let error = upload_and_download(&server, &user, &src.join("root.pem")).unwrap_err();
    assert!(error.contains("UnknownIssuer"), "{error}");
}

/// TLSProtocol TLSv1.2 TLSv1.3: a client limited to either version is served.
#[test]
fn tls_1_2_and_tls_1_3_are_both_served() {
    let sandbox = Sandbox::new();
    certs::create(&sandbox.paths, "ec", &localhost_cert(KeyChoice::Ec), false).unwrap();
    let user = User::create(&sandbox.mkdir("home"), true);
    let (server, config) = serve(&sandbox, "ec");
    assert!(config.contains("TLSProtocol TLSv1.2 TLSv1.3"), "{config}");
    let ca = sandbox.paths.certificate_file("ec");
    for version in [&suppaftp::rustls::version::TLS12, &suppaftp::rustls::version::TLS13] {
        let mut ftp = ftps::connect_tls_with(server.port, ftps::roots(&ca), &[version])
            .unwrap_or_else(|e| panic!("{version:?}: {e}"));
        ftp.login(&user.name, &user.password).unwrap();
        ftp.nlst(None).unwrap_or_else(|e| panic!("{version:?}: {e}"));
        ftp.quit().unwrap();
    }
}

/// curl (OpenSSL) accepts the certificates ftpconf creates: AUTH TLS, PROT P, the
/// certificate verified against itself, an upload and a listing.
#[test]
fn curl_accepts_created_ec_and_rsa_certificates() {
    let sandbox = Sandbox::new();
    certs::create(&sandbox.paths, "ec", &localhost_cert(KeyChoice::Ec), false).unwrap();
    let rsa = localhost_cert(KeyChoice::Rsa { bits: 2048 });
    certs::create(&sandbox.paths, "rsa", &rsa, false).unwrap();
    let user = User::create(&sandbox.mkdir("home"), true);
    let upload = sandbox.path("upload.txt");
    std::fs::write(&upload, "sent by curl\n").unwrap();
    for name in ["ec", "rsa"] {
        let (server, _) = serve(&sandbox, name);
        let url = format!("ftp://localhost:{}/", server.port);
        let curl = |extra: &[&str]| {
            std::process::Command::new("curl")
                .args(["--silent", "--show-error", "--max-time", "10", "--ssl-reqd"])
                .arg("--cacert")
                .arg(sandbox.paths.certificate_file(name))
                .args(["--resolve", &format!("localhost:{}:127.0.0.1", server.port)])
                .args(["--user", &format!("{}:{}", user.name, user.password)])
                .args(extra)
                .output()
                .expect("curl is needed (apt-get install curl)")
        };
        let up = curl(&["-T", upload.to_str().unwrap(), &format!("{url}{name}.txt")]);
        assert!(up.status.success(), "{name}: {}", String::from_utf8_lossy(&up.stderr));
        let listing = curl(&["--list-only", &url]);
        assert!(listing.status.success(), "{name}: {}", String::from_utf8_lossy(&listing.stderr));
        assert!(String::from_utf8_lossy(&listing.stdout).contains(&format!("{name}.txt")));
    }
}
