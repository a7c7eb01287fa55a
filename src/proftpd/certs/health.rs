//! Health rules: what makes a certificate unusable for FTPS (errors) or worth renewing
//! (warnings). Errors are the TrueNAS middleware's rules plus what real clients refuse.

use time::{Duration, OffsetDateTime};

use super::inspect::{CertInfo, Content, KeyAlgorithm, KeyStatus};
use crate::settings::Severity;

/// A problem with a certificate, as validation reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertProblem {
    pub severity: Severity,
    /// A few words for tables and dropdowns ("expired", "key mismatch").
    pub summary: String,
    /// The full explanation, with what to do.
    pub message: String,
}

/// Smallest RSA key accepted (TrueNAS and current clients agree).
pub const MIN_RSA_BITS: usize = 2048;
/// A certificate expiring within this many days gets a warning.
pub const WARN_DAYS: i64 = 30;

/// Every problem of `info` at the moment `now`.
pub fn problems(info: &CertInfo, now: OffsetDateTime) -> Vec<CertProblem> {
    let mut found = Vec::new();
    let file = info.cert_file.display();
    let details = match &info.content {
        Content::Certificate(d) => Some(d),
        Content::Request => {
            error(
                &mut found,
                "CSR, not a certificate",
                format!(
                    "{file} holds a certificate signing request (CSR), not a certificate; have it signed and import the signed certificate"
                ),
            );
            None
        }
        Content::Missing => {
            let name = &info.name;
            let dir = info.cert_file.parent().unwrap_or(std::path::Path::new("")).display();
            error(
                &mut found,
                "not found",
                format!(
                    "there is no certificate {name:?} ({file} does not exist); `ftpconf cert list` shows the certificates in {dir}, `ftpconf cert create {name}` makes one"
                ),
            );
            if info.key == KeyStatus::Missing {
                return found;
            }
            None
        }
        Content::Unusable(why) => {
            error(&mut found, "no certificate", format!("{file} {why}"));
            None
        }
    };
    let key_file = info.key_file.display();
    match &info.key {
        KeyStatus::Matches => {}
        KeyStatus::Missing => {
            error(&mut found, "key missing", format!("the private key {key_file} is missing"))
        }
        KeyStatus::Unreadable(why) => {
            error(&mut found, "key unreadable", format!("the private key {key_file} {why}"))
        }
        KeyStatus::Encrypted => error(
            &mut found,
            "key encrypted",
            format!(
                "the private key {key_file} is protected by a passphrase, which proftpd would ask for at every start; store it unencrypted (openssl pkey -in KEY -out PLAIN) and import that"
            ),
        ),
        KeyStatus::Mismatch => error(
            &mut found,
            "key mismatch",
            format!(
                "the private key {key_file} does not belong to this certificate (their public keys differ); proftpd would start, but every FTPS session would fail"
            ),
        ),
        KeyStatus::Unverifiable(_) if details.is_none() => {}
        KeyStatus::Unverifiable(why) => error(
            &mut found,
            "key unverifiable",
            format!("cannot check that {key_file} belongs to the certificate: {why}"),
        ),
        // Reported below from the key's mode, like every key in the store.
        KeyStatus::Exposed { .. } => {}
    }
    if let Some(mode) = info.key_mode.filter(|m| super::is_exposed(*m)) {
        error(
            &mut found,
            "key readable by others",
            super::exposed_key_message(&info.key_file, mode),
        );
    }
    let Some(d) = details else { return found };
    let it = format!("certificate {:?}", info.name);
    match &d.key {
        KeyAlgorithm::Rsa { bits } if *bits < MIN_RSA_BITS => error(
            &mut found,
            &format!("RSA {bits} too small"),
            format!(
                "{it} has a {bits}-bit RSA key; at least {MIN_RSA_BITS} bits are needed (or use an EC key)"
            ),
        ),
        KeyAlgorithm::Other(name) => error(
            &mut found,
            &format!("{name} key unsupported"),
            format!("{it} has a {name} key; proftpd serves RSA and EC keys only"),
        ),
        _ => {}
    }
    if d.not_after < now {
        error(
            &mut found,
            "expired",
            format!(
                "{it} has expired (it was valid until {}, {} days ago)",
                date(d.not_after),
                (now - d.not_after).whole_days()
            ),
        );
    }
    if d.not_before > now {
        error(
            &mut found,
            "not yet valid",
            format!(
                "{it} is not valid yet (valid from {}); check the clock or the certificate",
                date(d.not_before)
            ),
        );
    }
    if d.digest.weak {
        error(
            &mut found,
            &format!("weak digest {}", d.digest.name),
            format!(
                "{it} is signed with {}, which clients refuse; use a certificate whose digest has at least 112 security bits (SHA-256 or better)",
                d.digest.name
            ),
        );
    }
    if d.is_ca {
        error(
            &mut found,
            "CA certificate",
            format!(
                "{it} is a CA certificate (basicConstraints CA:TRUE); proftpd would serve it, but clients such as those built on rustls refuse a CA certificate as a server certificate; use a leaf certificate (`ftpconf cert create` makes one)"
            ),
        );
    }
    if d.server_auth == Some(false) {
        error(
            &mut found,
            "not for TLS servers",
            format!(
                "the extended key usage of {it} does not include TLS server authentication (serverAuth), so clients refuse it"
            ),
        );
    }
    if !d.digest.known {
        found.push(CertProblem {
            severity: Severity::Warning,
            summary: "unknown digest".into(),
            message: format!(
                "the signature algorithm of {it} is {}; check that clients accept it",
                d.digest.name
            ),
        });
    }
    let left = d.not_after - now;
    if d.not_after >= now && left < Duration::days(WARN_DAYS) {
        found.push(CertProblem {
            severity: Severity::Warning,
            summary: format!("expires in {} days", left.whole_days()),
            message: format!(
                "{it} expires on {} (in {} days); renew it soon",
                date(d.not_after),
                left.whole_days()
            ),
        });
    }
    found
}

fn error(found: &mut Vec<CertProblem>, summary: &str, message: String) {
    found.push(CertProblem { severity: Severity::Error, summary: summary.into(), message });
}

/// A date as YYYY-MM-DD (UTC).
pub fn date(at: OffsetDateTime) -> String {
    let d = at.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A moment as "YYYY-MM-DD HH:MM:SS UTC".
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02}:{:02} UTC", date(at), at.hour(), at.minute(), at.second())
}
