//! Private keys: reading the PEM forms proftpd (OpenSSL) accepts and telling whether a
//! key belongs to a certificate.
//!
//! The check compares public keys, read straight from the key's ASN.1 structure: an RSA
//! private key carries its modulus and exponent, an EC private key (as OpenSSL and
//! every common tool write it) its public point. No cryptography is needed, so every
//! key size and curve proftpd could use is covered.

use pkcs1::RsaPrivateKeyRef;
use pkcs8::PrivateKeyInfoRef;
use pkcs8::der::asn1::ObjectIdentifier;
use sec1::EcPrivateKey;

const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

/// The public half of a private key, as far as matching needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicPart {
    /// Modulus and public exponent, big-endian without leading zeros.
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    /// Curve OID (dotted) when the key names it, and the encoded public point when the
    /// key carries it.
    Ec { curve: Option<String>, point: Option<Vec<u8>> },
    /// A certificate key mod_tls cannot serve (DSA, Ed25519…); no key matches it.
    Unsupported,
}

/// What the key file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFile {
    Plain(PublicPart),
    /// Protected by a passphrase: proftpd would ask for it at every start.
    Encrypted,
}

/// Reads the first private key in `pem` (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY"
/// or SEC1 "EC PRIVATE KEY").
pub fn read(pem_text: &[u8]) -> Result<KeyFile, String> {
    let blocks = pem::parse_many(pem_text).map_err(|e| format!("is not PEM text ({e})"))?;
    for block in &blocks {
        if block.headers().get("Proc-Type").is_some_and(|v| v.contains("ENCRYPTED")) {
            return Ok(KeyFile::Encrypted);
        }
        let der = block.contents();
        let parsed = match block.tag() {
            "PRIVATE KEY" => pkcs8_public(der),
            "RSA PRIVATE KEY" => rsa_public(der),
            "EC PRIVATE KEY" => ec_public(der, None),
            "ENCRYPTED PRIVATE KEY" => return Ok(KeyFile::Encrypted),
            _ => continue,
        };
        return parsed.map(KeyFile::Plain);
    }
    let found: Vec<&str> = blocks.iter().map(|b| b.tag()).collect();
    Err(if found.is_empty() {
        "holds no PEM private key".to_owned()
    } else {
        format!("holds no private key (found: {})", found.join(", "))
    })
}

fn pkcs8_public(der: &[u8]) -> Result<PublicPart, String> {
    let info = PrivateKeyInfoRef::try_from(der)
        .map_err(|e| format!("is not a valid PKCS#8 private key ({e})"))?;
    let inner = info.private_key.as_bytes();
    match info.algorithm.oid.to_string().as_str() {
        RSA_ENCRYPTION => rsa_public(inner),
        EC_PUBLIC_KEY => {
            let curve = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(|oid| oid.to_string());
            ec_public(inner, curve)
        }
        other => Err(format!(
            "holds a key of type {} ({other}); proftpd serves RSA and EC keys only",
            algorithm_name(other)
        )),
    }
}

fn rsa_public(der: &[u8]) -> Result<PublicPart, String> {
    let key = RsaPrivateKeyRef::try_from(der)
        .map_err(|e| format!("is not a valid RSA private key ({e})"))?;
    Ok(PublicPart::Rsa {
        modulus: unsigned(key.modulus.as_bytes()),
        exponent: unsigned(key.public_exponent.as_bytes()),
    })
}

fn ec_public(der: &[u8], outer_curve: Option<String>) -> Result<PublicPart, String> {
    let key =
        EcPrivateKey::try_from(der).map_err(|e| format!("is not a valid EC private key ({e})"))?;
    let curve = key.parameters.and_then(|p| p.named_curve()).map(|oid| oid.to_string());
    Ok(PublicPart::Ec { curve: curve.or(outer_curve), point: key.public_key.map(<[u8]>::to_vec) })
}

/// Big-endian integer bytes without leading zero bytes.
pub fn unsigned(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

fn algorithm_name(oid: &str) -> &'static str {
    match oid {
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.1.10" => "RSA-PSS",
        _ => "unknown",
    }
}

/// How a key relates to the certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// The key lacks what the comparison needs (an EC key without its public point).
    Unknown(String),
}

/// Compares `key` with the certificate's public key (`cert` from the certificate).
pub fn matches(key: &PublicPart, cert: &PublicPart) -> Match {
    match (key, cert) {
        (PublicPart::Rsa { .. }, PublicPart::Rsa { .. }) => {
            if key == cert {
                Match::Yes
            } else {
                Match::No
            }
        }
        (PublicPart::Ec { curve: kc, point: kp }, PublicPart::Ec { curve: cc, point: cp }) => {
            if let (Some(kc), Some(cc)) = (kc, cc)
                && kc != cc
            {
                return Match::No;
            }
            match kp {
                Some(kp) if Some(kp) == cp.as_ref() => Match::Yes,
                Some(_) => Match::No,
                None => Match::Unknown(
                    "the EC key does not carry its public point; re-save it with `openssl ec -in KEY -out KEY.new`".into(),
                ),
            }
        }
        _ => Match::No,
    }
}
