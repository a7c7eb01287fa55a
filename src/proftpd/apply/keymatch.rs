//! Does a TLS private key belong to its certificate? `proftpd -t` does not check this,
//! and with a wrong key every FTPS session fails while plain FTP keeps working.
//!
//! The certificate's public key comes from x509-parser. The key file may be PKCS#8
//! ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"). For RSA the
//! modulus and exponent are read from the key (they are part of it); for EC (P-256,
//! P-384) and Ed25519 the public key is derived from the private key with `ring`, which
//! also rejects an EC key whose embedded public point does not belong to it.

use std::path::Path;

use ring::rand::SystemRandom;
use ring::signature::{self, KeyPair};
use x509_parser::der_parser::ber::{BerObject, BerObjectContent};
use x509_parser::der_parser::parse_der;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;

/// The verdict on one certificate/key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyCheck {
    Matches,
    /// The key belongs to another certificate, or cannot be used (message says why).
    Refused(String),
    /// A key type this check does not know; proftpd will judge it when sessions start.
    Unchecked(String),
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";

/// Compares the certificate in `cert_path` with the private key in `key_path`.
pub fn check_pair(cert_path: &Path, key_path: &Path) -> KeyCheck {
    let cert_pem = match std::fs::read(cert_path) {
        Ok(b) => b,
        Err(e) => return KeyCheck::Refused(format!("cannot read {}: {e}", cert_path.display())),
    };
    let key_pem = match std::fs::read(key_path) {
        Ok(b) => b,
        Err(e) => return KeyCheck::Refused(format!("cannot read {}: {e}", key_path.display())),
    };
    let Some(leaf) =
        Pem::iter_from_buffer(&cert_pem).filter_map(Result::ok).find(|p| p.label == "CERTIFICATE")
    else {
        return KeyCheck::Refused(format!("{} holds no certificate", cert_path.display()));
    };
    let cert = match leaf.parse_x509() {
        Ok(c) => c,
        Err(e) => return KeyCheck::Refused(format!("{}: {e}", cert_path.display())),
    };
    let spki = cert.public_key();
    let cert_key: &[u8] = &spki.subject_public_key.data;
    let key = match private_key(&key_pem) {
        Ok(k) => k,
        Err(why) => return KeyCheck::Refused(format!("{}: {why}", key_path.display())),
    };
    let mismatch = || {
        KeyCheck::Refused(format!(
            "the key {} does not belong to the certificate {}; FTPS sessions would fail",
            key_path.display(),
            cert_path.display()
        ))
    };
    match (key, spki.parsed()) {
        (Private::Rsa { modulus, exponent }, Ok(PublicKey::RSA(public))) => {
            if strip(public.modulus) == strip(&modulus)
                && strip(public.exponent) == strip(&exponent)
            {
                KeyCheck::Matches
            } else {
                mismatch()
            }
        }
        (Private::Rsa { .. }, _) => mismatch(),
        (Private::Derived(public), _) => {
            if public == cert_key {
                KeyCheck::Matches
            } else {
                mismatch()
            }
        }
        (Private::Unknown(what), _) => KeyCheck::Unchecked(format!(
            "{}: {what} keys are not checked against their certificate",
            key_path.display()
        )),
    }
}

enum Private {
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    /// The public key derived from the private key (EC point or Ed25519 key).
    Derived(Vec<u8>),
    Unknown(String),
}

fn private_key(pem: &[u8]) -> Result<Private, String> {
    let text = String::from_utf8_lossy(pem);
    if text.contains("ENCRYPTED") {
        return Err("the key is encrypted; proftpd would ask for a passphrase at every start, so use an unencrypted key".into());
    }
    let block = Pem::iter_from_buffer(pem)
        .filter_map(Result::ok)
        .find(|p| p.label.ends_with("PRIVATE KEY"))
        .ok_or("holds no PEM private key")?;
    match block.label.as_str() {
        "RSA PRIVATE KEY" => rsa_components(&block.contents),
        "EC PRIVATE KEY" => ec_from_sec1(&block.contents),
        "PRIVATE KEY" => from_pkcs8(&block.contents),
        other => Ok(Private::Unknown(other.to_owned())),
    }
}

fn der(bytes: &[u8]) -> Result<BerObject<'_>, String> {
    parse_der(bytes).map(|(_, o)| o).map_err(|e| format!("not a valid key: {e}"))
}

/// PKCS#1 RSAPrivateKey: SEQUENCE { version, modulus, publicExponent, ... }.
fn rsa_components(bytes: &[u8]) -> Result<Private, String> {
    let object = der(bytes)?;
    let items = object.as_sequence().map_err(|_| "not an RSA private key")?;
    let int = |i: usize| match items.get(i).map(|o| &o.content) {
        Some(BerObjectContent::Integer(b)) => Ok(b.to_vec()),
        _ => Err("not an RSA private key".to_owned()),
    };
    Ok(Private::Rsa { modulus: int(1)?, exponent: int(2)? })
}

/// PKCS#8 PrivateKeyInfo: SEQUENCE { version, AlgorithmIdentifier, OCTET STRING key }.
fn from_pkcs8(bytes: &[u8]) -> Result<Private, String> {
    let object = der(bytes)?;
    let items = object.as_sequence().map_err(|_| "not a PKCS#8 private key")?;
    let algorithm = items
        .get(1)
        .and_then(|a| a.as_sequence().ok())
        .and_then(|a| a.first())
        .and_then(|o| o.as_oid().ok())
        .map(|o| o.to_id_string())
        .ok_or("not a PKCS#8 private key")?;
    let inner = match items.get(2).map(|o| &o.content) {
        Some(BerObjectContent::OctetString(b)) => *b,
        _ => return Err("not a PKCS#8 private key".into()),
    };
    match algorithm.as_str() {
        OID_RSA => rsa_components(inner),
        OID_EC => ec_public(bytes),
        OID_ED25519 => signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(bytes)
            .map(|k| Private::Derived(k.public_key().as_ref().to_vec()))
            .map_err(|e| format!("not a usable Ed25519 key: {e}")),
        other => Ok(Private::Unknown(format!("algorithm {other}"))),
    }
}

/// SEC1 ECPrivateKey: wrapped in PKCS#8 for each supported curve until one fits.
fn ec_from_sec1(sec1: &[u8]) -> Result<Private, String> {
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    const EC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    let mut last = String::from("not a usable EC key");
    for curve in [P256, P384] {
        let algorithm = tlv(0x30, &[EC_KEY, curve].concat());
        let body = [&[0x02, 0x01, 0x00][..], &algorithm, &tlv(0x04, sec1)].concat();
        match ec_public(&tlv(0x30, &body)) {
            Ok(found) => return Ok(found),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The public point of a PKCS#8 EC key (P-256 or P-384), computed by ring.
fn ec_public(pkcs8: &[u8]) -> Result<Private, String> {
    let rng = SystemRandom::new();
    let mut last = String::new();
    for algorithm in
        [&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &signature::ECDSA_P384_SHA384_ASN1_SIGNING]
    {
        match signature::EcdsaKeyPair::from_pkcs8(algorithm, pkcs8, &rng) {
            Ok(pair) => return Ok(Private::Derived(pair.public_key().as_ref().to_vec())),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("not a usable P-256/P-384 EC key ({last})"))
}

/// A DER tag-length-value.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// Integers may carry a leading zero byte; compare the magnitude.
fn strip(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn openssl(args: &[&str]) {
        let out = Command::new("openssl").args(args).output().expect("openssl is needed");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn self_signed(
        dir: &Path,
        name: &str,
        key_args: &[&str],
    ) -> (std::path::PathBuf, std::path::PathBuf) {
        let key = dir.join(format!("{name}.key"));
        let crt = dir.join(format!("{name}.crt"));
        let mut args = vec!["req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=t"];
        args.extend_from_slice(key_args);
        args.extend(["-keyout", key.to_str().unwrap(), "-out", crt.to_str().unwrap()]);
        openssl(&args);
        (crt, key)
    }

    #[test]
    fn matching_and_mismatched_pairs_in_every_key_format() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (rsa_crt, rsa_key) = self_signed(d, "rsa", &["-newkey", "rsa:2048"]);
        let (ec_crt, ec_key) =
            self_signed(d, "ec", &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
        let (other_crt, _) = self_signed(d, "other", &["-newkey", "rsa:2048"]);
        assert_eq!(check_pair(&rsa_crt, &rsa_key), KeyCheck::Matches);
        assert_eq!(check_pair(&ec_crt, &ec_key), KeyCheck::Matches);
        assert!(
            matches!(check_pair(&other_crt, &rsa_key), KeyCheck::Refused(m) if m.contains("does not belong"))
        );
        assert!(matches!(check_pair(&rsa_crt, &ec_key), KeyCheck::Refused(_)));
        assert!(matches!(check_pair(&ec_crt, &rsa_key), KeyCheck::Refused(_)));
        // The traditional formats: PKCS#1 for RSA, SEC1 for EC.
        let pkcs1 = d.join("pkcs1.key");
        openssl(&[
            "rsa",
            "-in",
            rsa_key.to_str().unwrap(),
            "-traditional",
            "-out",
            pkcs1.to_str().unwrap(),
        ]);
        assert!(std::fs::read_to_string(&pkcs1).unwrap().contains("RSA PRIVATE KEY"));
        assert_eq!(check_pair(&rsa_crt, &pkcs1), KeyCheck::Matches);
        assert!(matches!(check_pair(&other_crt, &pkcs1), KeyCheck::Refused(_)));
        let sec1 = d.join("sec1.key");
        openssl(&["ec", "-in", ec_key.to_str().unwrap(), "-out", sec1.to_str().unwrap()]);
        assert!(std::fs::read_to_string(&sec1).unwrap().contains("EC PRIVATE KEY"));
        assert_eq!(check_pair(&ec_crt, &sec1), KeyCheck::Matches);
        std::fs::write(d.join("junk.key"), "not a key").unwrap();
        assert!(matches!(check_pair(&rsa_crt, &d.join("junk.key")), KeyCheck::Refused(_)));
    }
}
