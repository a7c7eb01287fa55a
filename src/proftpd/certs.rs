//! Certificates: `NAME.crt` + `NAME.key` pairs in the certificate directory.

use std::path::PathBuf;

use x509_parser::prelude::*;

use crate::paths::Paths;
use crate::settings::Severity;

/// A problem with a certificate, as validation reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertProblem {
    pub severity: Severity,
    pub message: String,
}

/// The key algorithm decides which mod_tls directives name the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ec,
}

/// What the renderer needs to know about the chosen certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
    pub key_type: KeyType,
    /// The `.crt` file holds intermediate certificates after the leaf.
    pub has_chain: bool,
}

/// Certificate names become file names: letters, digits, '.', '_' and '-', not starting with '.'.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Reads the certificate `name` enough to render it.
pub fn load(paths: &Paths, name: &str) -> Result<CertFiles, String> {
    let certificate = paths.certificate_file(name);
    let key = paths.certificate_key(name);
    let pem = std::fs::read(&certificate)
        .map_err(|e| format!("cannot read {}: {e}", certificate.display()))?;
    if !key.is_file() {
        return Err(format!("the key {} is missing", key.display()));
    }
    let mut blocks =
        Pem::iter_from_buffer(&pem).filter_map(Result::ok).filter(|p| p.label == "CERTIFICATE");
    let leaf = blocks
        .next()
        .ok_or_else(|| format!("{} holds no PEM certificate", certificate.display()))?;
    let cert = leaf
        .parse_x509()
        .map_err(|e| format!("{} is not a valid certificate: {e}", certificate.display()))?;
    let key_type = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::EC(_)) => KeyType::Ec,
        _ => KeyType::Rsa,
    };
    let has_chain = blocks.next().is_some();
    Ok(CertFiles { certificate, key, key_type, has_chain })
}

/// Problems that make `name` unusable for FTPS (errors) or worth a look (warnings).
pub fn check(paths: &Paths, name: &str) -> Vec<CertProblem> {
    match load(paths, name) {
        Ok(_) => Vec::new(),
        Err(message) => vec![CertProblem { severity: Severity::Error, message }],
    }
}
