//! Reading a certificate file (and its key) into plain facts.

use std::path::PathBuf;

use ::time::OffsetDateTime;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;
use x509_parser::signature_algorithm::SignatureAlgorithm;

use super::key::{self, KeyFile, Match, PublicPart};

/// The key algorithm decides which mod_tls directives name the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ec,
}

/// The certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa {
        bits: usize,
    },
    Ec {
        curve: String,
        bits: usize,
    },
    /// DSA, Ed25519 and the like, which mod_tls does not serve.
    Other(String),
}

impl KeyAlgorithm {
    pub fn key_type(&self) -> Option<KeyType> {
        match self {
            KeyAlgorithm::Rsa { .. } => Some(KeyType::Rsa),
            KeyAlgorithm::Ec { .. } => Some(KeyType::Ec),
            KeyAlgorithm::Other(_) => None,
        }
    }
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyAlgorithm::Ec { curve, .. } => write!(f, "EC {curve}"),
            KeyAlgorithm::Other(name) => f.write_str(name),
        }
    }
}

/// The hash the issuer signed the certificate with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// "SHA-256", "SHA-1", "MD5", "Ed25519" (no separate hash), or the OID when unknown.
    pub name: String,
    /// MD5 and SHA-1 (and older): under 112 bits of security, refused by clients.
    pub weak: bool,
    pub known: bool,
}

/// Everything `cert show` prints about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub subject: String,
    pub common_name: Option<String>,
    /// Subject alternative names, as "DNS:name" / "IP:address" / "email:…".
    pub alt_names: Vec<String>,
    pub issuer: String,
    pub self_signed: bool,
    pub serial: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub key: KeyAlgorithm,
    pub digest: Digest,
    /// basicConstraints CA:TRUE.
    pub is_ca: bool,
    /// Extended key usages listed, and whether TLS server authentication is among them.
    /// `None` when the extension is absent (any use allowed).
    pub server_auth: Option<bool>,
    /// Subjects of the certificates after the leaf in the file (the chain).
    pub chain: Vec<String>,
    pub(crate) public: PublicPart,
}

/// What the certificate file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Certificate(Box<Details>),
    /// A certificate signing request: not signed yet, cannot be served.
    Request,
    /// There is no certificate file.
    Missing,
    /// The file could not be read, or holds no (valid) certificate; the text says why.
    Unusable(String),
}

/// The private key, seen from the certificate's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStatus {
    Matches,
    Missing,
    Unreadable(String),
    Encrypted,
    Mismatch,
    /// The key could be read but not compared (the text says why).
    Unverifiable(String),
    /// The key matches, but its file is readable by group or others (mode bits).
    Exposed {
        mode: u32,
    },
}

/// A certificate in the store (or about to be), with its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub name: String,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub content: Content,
    pub key: KeyStatus,
    /// Permission bits of the key file in the store (`None` before it is stored).
    pub key_mode: Option<u32>,
}

impl CertInfo {
    pub fn details(&self) -> Option<&Details> {
        match &self.content {
            Content::Certificate(d) => Some(d),
            _ => None,
        }
    }
}

/// Inspects certificate text and key text (`None`: the file does not exist;
/// `Some(Err)`: it could not be read).
pub fn inspect_bytes(
    name: &str,
    cert_file: PathBuf,
    key_file: PathBuf,
    cert: Option<Result<Vec<u8>, String>>,
    key_text: Option<Result<Vec<u8>, String>>,
) -> CertInfo {
    let content = match cert {
        None => Content::Missing,
        Some(Ok(bytes)) => parse_certificates(&bytes),
        Some(Err(why)) => Content::Unusable(why),
    };
    let key = match key_text {
        None => KeyStatus::Missing,
        Some(Err(why)) => KeyStatus::Unreadable(why),
        Some(Ok(bytes)) => key_status(&bytes, &content),
    };
    CertInfo { name: name.to_owned(), cert_file, key_file, content, key, key_mode: None }
}

fn key_status(bytes: &[u8], content: &Content) -> KeyStatus {
    match key::read(bytes) {
        Err(why) => KeyStatus::Unreadable(why),
        Ok(KeyFile::Encrypted) => KeyStatus::Encrypted,
        Ok(KeyFile::Plain(public)) => match content {
            Content::Certificate(d) => match key::matches(&public, &d.public) {
                Match::Yes => KeyStatus::Matches,
                Match::No => KeyStatus::Mismatch,
                Match::Unknown(why) => KeyStatus::Unverifiable(why),
            },
            _ => KeyStatus::Unverifiable("there is no certificate to compare it with".into()),
        },
    }
}

/// Parses the leaf (first certificate) and lists the chain after it.
pub fn parse_certificates(bytes: &[u8]) -> Content {
    let blocks = match ::pem::parse_many(bytes) {
        Ok(blocks) => blocks,
        Err(e) => return Content::Unusable(format!("is not PEM text ({e})")),
    };
    let mut certs = blocks.iter().filter(|b| b.tag() == "CERTIFICATE");
    let Some(leaf) = certs.next() else {
        if blocks.iter().any(|b| b.tag().contains("CERTIFICATE REQUEST")) {
            return Content::Request;
        }
        return Content::Unusable("holds no PEM certificate".into());
    };
    let cert = match X509Certificate::from_der(leaf.contents()) {
        Ok((_, cert)) => cert,
        Err(e) => return Content::Unusable(format!("holds an invalid certificate ({e})")),
    };
    let chain = certs
        .map(|b| match X509Certificate::from_der(b.contents()) {
            Ok((_, c)) => c.subject().to_string(),
            Err(e) => format!("(invalid certificate: {e})"),
        })
        .collect();
    Content::Certificate(Box::new(details(&cert, chain)))
}

fn details(cert: &X509Certificate<'_>, chain: Vec<String>) -> Details {
    let common_name =
        cert.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(String::from);
    let alt_names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| san.value.general_names.iter().map(general_name).collect())
        .unwrap_or_default();
    let server_auth =
        cert.extended_key_usage().ok().flatten().map(|eku| eku.value.server_auth || eku.value.any);
    let (key, public) = public_key(cert.public_key());
    Details {
        subject: cert.subject().to_string(),
        common_name,
        alt_names,
        issuer: cert.issuer().to_string(),
        self_signed: cert.subject() == cert.issuer(),
        serial: cert.raw_serial_as_string(),
        not_before: cert.validity().not_before.to_datetime(),
        not_after: cert.validity().not_after.to_datetime(),
        key,
        digest: digest(&cert.signature_algorithm),
        is_ca: cert.is_ca(),
        server_auth,
        chain,
        public,
    }
}

fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(n) => format!("DNS:{n}"),
        GeneralName::RFC822Name(n) => format!("email:{n}"),
        GeneralName::URI(n) => format!("URI:{n}"),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => format!("IP:{}", std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes).unwrap())),
            16 => {
                format!("IP:{}", std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes).unwrap()))
            }
            _ => "IP:(malformed)".into(),
        },
        other => format!("{other}"),
    }
}

fn public_key(spki: &SubjectPublicKeyInfo<'_>) -> (KeyAlgorithm, PublicPart) {
    let curve_oid =
        spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => (
            KeyAlgorithm::Rsa { bits: rsa.key_size() },
            PublicPart::Rsa {
                modulus: key::unsigned(rsa.modulus),
                exponent: key::unsigned(rsa.exponent),
            },
        ),
        Ok(PublicKey::EC(point)) => {
            let curve = match curve_oid.as_deref() {
                Some("1.2.840.10045.3.1.7") => "P-256".to_owned(),
                Some("1.3.132.0.34") => "P-384".to_owned(),
                Some("1.3.132.0.35") => "P-521".to_owned(),
                Some(other) => other.to_owned(),
                None => "(unnamed curve)".to_owned(),
            };
            (
                KeyAlgorithm::Ec { curve, bits: point.key_size() },
                PublicPart::Ec { curve: curve_oid, point: Some(point.data().to_vec()) },
            )
        }
        Ok(PublicKey::DSA(_)) => (KeyAlgorithm::Other("DSA".into()), PublicPart::Unsupported),
        Ok(_) => {
            let oid = spki.algorithm.algorithm.to_id_string();
            let name = match oid.as_str() {
                "1.3.101.112" => "Ed25519".to_owned(),
                "1.3.101.113" => "Ed448".to_owned(),
                _ => format!("key algorithm {oid}"),
            };
            (KeyAlgorithm::Other(name), PublicPart::Unsupported)
        }
        Err(e) => {
            (KeyAlgorithm::Other(format!("unreadable public key ({e})")), PublicPart::Unsupported)
        }
    }
}

fn digest(algorithm: &AlgorithmIdentifier<'_>) -> Digest {
    let oid = algorithm.algorithm.to_id_string();
    let hash_oid = match SignatureAlgorithm::try_from(algorithm) {
        Ok(SignatureAlgorithm::RSASSA_PSS(params)) => params.hash_algorithm_oid().to_id_string(),
        _ => oid.clone(),
    };
    let name = match hash_oid.as_str() {
        "1.2.840.113549.1.1.2" => "MD2",
        "1.2.840.113549.1.1.4" => "MD5",
        "1.2.840.113549.1.1.5"
        | "1.3.14.3.2.29"
        | "1.2.840.10045.4.1"
        | "1.2.840.10040.4.3"
        | "1.3.14.3.2.26" => "SHA-1",
        "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" | "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" | "2.16.840.1.101.3.4.2.1" => "SHA-256",
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" | "2.16.840.1.101.3.4.2.2" => "SHA-384",
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" | "2.16.840.1.101.3.4.2.3" => "SHA-512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => "",
    };
    if name.is_empty() {
        return Digest { name: format!("unknown ({oid})"), weak: false, known: false };
    }
    Digest { name: name.to_owned(), weak: matches!(name, "MD2" | "MD5" | "SHA-1"), known: true }
}
