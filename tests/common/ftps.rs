//! FTPS clients for tests: suppaftp with rustls (resumes TLS sessions, verifies the
//! certificate) and a python3 ftplib probe (plain, PROT C, PROT P, non-resuming, CCC).

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use suppaftp::rustls::pki_types::CertificateDer;
use suppaftp::rustls::{ClientConfig, RootCertStore};
use suppaftp::{FtpError, RustlsConnector, RustlsFtpStream};

use super::Sandbox;
use super::users::User;
use ftpconf::proftpd::certs::{self, KeyChoice, NewCert};

/// A certificate for "localhost" and 127.0.0.1, valid 30 days.
pub fn localhost_cert(key: KeyChoice) -> NewCert {
    NewCert {
        key,
        days: 30,
        common_name: "localhost".into(),
        alt_names: vec!["localhost".into(), "127.0.0.1".into()],
    }
}

/// A sandbox with an EC certificate "ftps" (see [`localhost_cert`]) and a user in group ftp.
pub fn tls_sandbox() -> (Sandbox, User) {
    let sandbox = Sandbox::new();
    certs::create(&sandbox.paths, "ftps", &localhost_cert(KeyChoice::Ec), false)
        .expect("create the certificate");
    let user = User::create(&sandbox.mkdir("home"), true);
    (sandbox, user)
}

/// The certificates in `pem_file` as rustls roots.
pub fn roots(pem_file: &Path) -> RootCertStore {
    let text = std::fs::read(pem_file).expect("read the CA file");
    let mut roots = RootCertStore::empty();
    for block in pem::parse_many(&text).expect("PEM") {
        if block.tag() == "CERTIFICATE" {
            roots.add(CertificateDer::from(block.contents().to_vec())).expect("add root");
        }
    }
    roots
}

/// Connects to 127.0.0.1:`port`, upgrades with AUTH TLS (then PBSZ 0 + PROT P) trusting
/// `roots`, checking the name "localhost".
pub fn connect_tls(port: u16, roots: RootCertStore) -> Result<RustlsFtpStream, FtpError> {
    connect_tls_with(port, roots, suppaftp::rustls::DEFAULT_VERSIONS)
}

/// [`connect_tls`] offering only the TLS `versions` given.
pub fn connect_tls_with(
    port: u16,
    roots: RootCertStore,
    versions: &[&'static suppaftp::rustls::SupportedProtocolVersion],
) -> Result<RustlsFtpStream, FtpError> {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(
        suppaftp::rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    RustlsFtpStream::connect_with_stream(stream)?
        .into_secure(RustlsConnector::from(Arc::new(config)), "localhost")
}

/// Runs tests/data/ftps_probe.py; panics loudly when python3 is missing.
pub fn probe(port: u16, user: &str, password: &str, ca_file: &Path) -> BTreeMap<String, String> {
    let out = Command::new("python3")
        .arg("tests/data/ftps_probe.py")
        .arg(port.to_string())
        .args([user, password])
        .arg(ca_file)
        .output()
        .expect("python3 is needed for the FTPS probe (apt-get install python3)");
    assert!(out.status.success(), "probe failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("probe prints JSON")
}

/// The reply code inside a suppaftp error ("550"), or the error text.
pub fn code(error: &FtpError) -> String {
    match error {
        FtpError::UnexpectedResponse(r) => {
            String::from_utf8_lossy(&r.body).chars().take(3).collect()
        }
        other => other.to_string(),
    }
}
