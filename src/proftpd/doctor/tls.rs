//! The check's TLS side: a rustls configuration that accepts whatever certificate the
//! server shows but remembers it, so the check can compare it with the configured one
//! (a self-signed NAS certificate is normal; which one is served is what matters).
//! Signatures are still verified, so the handshake proves the server holds the key.
//! Also the check's TLS step (AUTH TLS, certificate, version, PBSZ/PROT).

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rustls::client::Resumption;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use time::OffsetDateTime;

use super::client::Client;
use super::setting;
use super::steps::{Run, SEE_LOG, Step};
use crate::paths::Paths;
use crate::proftpd::certs::health;
use crate::settings::{Field, TlsPolicy};

/// The certificate the server presented (DER), once a handshake happened.
pub type Seen = Arc<Mutex<Option<Vec<u8>>>>;

#[derive(Debug)]
struct Recorder {
    seen: Seen,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.get_or_insert_with(|| end_entity.to_vec());
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A client configuration for the check. With `resume`, every connection made with it
/// shares one session cache, so data connections resume the control channel's session
/// as proftpd requires; without, it behaves like a client that cannot (python's ftplib,
/// native-tls).
pub fn config(seen: Seen, resume: bool) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recorder { seen, algorithms }))
        .with_no_client_auth();
    if !resume {
        config.resumption = Resumption::disabled();
    }
    Arc::new(config)
}

/// SHA-256 of `der` as colon-separated hex, as `openssl x509 -fingerprint -sha256` shows it.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest.as_ref().iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// The DER of the first certificate in a PEM file's text.
pub fn first_certificate(pem_text: &[u8]) -> Option<Vec<u8>> {
    pem::parse_many(pem_text)
        .ok()?
        .into_iter()
        .find(|block| block.tag() == "CERTIFICATE")
        .map(|block| block.into_contents())
}

/// The certificate's "not after" date (Unix seconds).
pub fn not_after(der: &[u8]) -> Option<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.validity().not_after.timestamp())
}

/// AUTH TLS, the served certificate, PBSZ and PROT.
pub(super) fn start_tls(run: &mut Run, paths: &Paths, client: &mut Client) -> bool {
    let s = run.settings;
    let step = Step::new("tls", "AUTH TLS: certificate, TLS version, protected data (PROT P)");
    let apply = "the settings say TLS is on: put them into service with `ftpconf apply`";
    let reply = match client.cmd("AUTH TLS") {
        Ok(r) if r.code == 234 => r,
        Ok(r) => {
            return run.record(step.fail(
                r.shown(),
                "the server refuses AUTH TLS: it runs without TLS",
                apply,
            ));
        }
        Err(e) => return run.record(step.fail(e.to_string(), "no answer to AUTH TLS", apply)),
    };
    let seen = Seen::default();
    let config = config(seen.clone(), true);
    let name = server_name(&run.host);
    let info = match client.start_tls(config, name) {
        Ok(info) => info,
        Err(e) => {
            return run.record(step.fail(
                format!("{}: {e}", reply.shown()),
                "the TLS handshake failed: the certificate's key does not match, or the server offers no TLS 1.2/1.3",
                format!("`ftpconf cert show {}` checks the pair; `ftpconf log` shows proftpd's TLS error ({})", s.certificate, setting(Field::Certificate)),
            ));
        }
    };
    let served = seen.lock().ok().and_then(|g| g.clone()).unwrap_or_default();
    let configured = std::fs::read(paths.certificate_file(&s.certificate))
        .ok()
        .and_then(|t| first_certificate(&t));
    let finger = fingerprint(&served);
    let until = not_after(&served).and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    let until_text = until.map(health::date).unwrap_or_else(|| "unknown".into());
    let mut detail =
        format!("{}, certificate SHA-256 {finger}, valid until {until_text}", info.version);
    if configured.as_deref() != Some(&served[..]) {
        return run.record(step.fail(
            detail,
            format!("the server shows another certificate than the configured one ({}): it still runs an older configuration", crate::visible::line(&s.certificate)),
            "`ftpconf apply` puts the configured certificate into service",
        ));
    }
    if until.is_some_and(|t| t < OffsetDateTime::now_utc()) {
        return run.record(step.fail(
            detail,
            format!("the certificate expired on {until_text}: clients refuse it"),
            format!("renew it, e.g. `ftpconf cert import {} --cert FILE --key FILE --replace`, then `ftpconf apply`", s.certificate),
        ));
    }
    let protect = !matches!(
        s.tls_policy,
        TlsPolicy::NotData | TlsPolicy::CtrlNotData | TlsPolicy::AuthNotData
    );
    let prot = if protect { "PROT P" } else { "PROT C" };
    for command in ["PBSZ 0", prot] {
        match client.cmd(command) {
            Ok(r) if r.code == 200 => {}
            Ok(r) => {
                return run.record(step.fail(
                    format!("{detail}; {command}: {}", r.shown()),
                    format!("the server refuses {command}"),
                    format!("{} decides which channels are protected", setting(Field::TlsPolicy)),
                ));
            }
            Err(e) => {
                return run.record(step.fail(
                    e.to_string(),
                    format!("no answer to {command}"),
                    SEE_LOG,
                ));
            }
        }
    }
    run.data_tls = protect;
    detail.push_str(if protect { "; data protected (PROT P)" } else { "; data in clear (policy)" });
    run.record(step.ok(detail))
}

pub(super) fn server_name(host: &str) -> rustls::pki_types::ServerName<'static> {
    match host.parse::<IpAddr>() {
        Ok(ip) => rustls::pki_types::ServerName::IpAddress(ip.into()),
        Err(_) => rustls::pki_types::ServerName::try_from(host.to_owned()).unwrap_or_else(|_| {
            rustls::pki_types::ServerName::IpAddress(IpAddr::from([127, 0, 0, 1]).into())
        }),
    }
}
