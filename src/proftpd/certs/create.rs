//! Self-signed leaf certificates: rcgen builds and signs them; RSA keys come from the
//! pure-Rust `rsa` crate because ring (rcgen's backend) cannot generate RSA keys.

use std::collections::BTreeSet;
use std::net::IpAddr;

use rcgen::{
    CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
    SerialNumber,
};
use time::{Duration, OffsetDateTime};

use crate::settings::is_host_name;

/// The key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChoice {
    /// ECDSA on P-256: fast to make, small, accepted by every current client.
    Ec,
    Rsa {
        bits: usize,
    },
}

/// What `cert create` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCert {
    pub key: KeyChoice,
    /// Validity from now, in days.
    pub days: u32,
    pub common_name: String,
    /// Host names and IP addresses (IP literals become IP SANs).
    pub alt_names: Vec<String>,
}

/// Default validity: the longest public CAs may issue (397 days).
pub const DEFAULT_DAYS: u32 = 397;

impl NewCert {
    /// An EC certificate for this host, valid [`DEFAULT_DAYS`].
    pub fn for_this_host() -> NewCert {
        let (common_name, alt_names) = default_identity();
        NewCert { key: KeyChoice::Ec, days: DEFAULT_DAYS, common_name, alt_names }
    }
}

/// The certificate and key, PEM encoded.
#[derive(Debug, Clone)]
pub struct Generated {
    pub cert_pem: String,
    pub key_pem: String,
}

/// Makes a self-signed leaf: CA:FALSE, serverAuth, digitalSignature (+ keyEncipherment
/// for RSA), valid from one minute ago for `days`.
pub fn generate(new: &NewCert) -> Result<Generated, String> {
    if new.days == 0 || new.days > 3650 {
        return Err(format!("--days {} is out of range; expected 1 to 3650", new.days));
    }
    let key_pair = match new.key {
        KeyChoice::Ec => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| format!("cannot generate an EC key: {e}"))?,
        KeyChoice::Rsa { bits } => rsa_key(bits)?,
    };
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, new.common_name.as_str());
    for name in &new.alt_names {
        params.subject_alt_names.push(san(name)?);
    }
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = match new.key {
        KeyChoice::Ec => vec![KeyUsagePurpose::DigitalSignature],
        KeyChoice::Rsa { .. } => {
            vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment]
        }
    };
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::minutes(1);
    params.not_after = now + Duration::days(i64::from(new.days));
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| format!("no random numbers: {e}"))?;
    serial[0] &= 0x7f; // a positive INTEGER
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let cert =
        params.self_signed(&key_pair).map_err(|e| format!("cannot sign the certificate: {e}"))?;
    Ok(Generated { cert_pem: cert.pem(), key_pem: key_pair.serialize_pem() })
}

fn rsa_key(bits: usize) -> Result<KeyPair, String> {
    use rsa::pkcs8::EncodePrivateKey;
    if !matches!(bits, 2048 | 3072 | 4096) {
        return Err(format!(
            "RSA keys of {bits} bits are not offered; expected 2048, 3072 or 4096"
        ));
    }
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits)
        .map_err(|e| format!("cannot generate an RSA key: {e}"))?;
    let der = key.to_pkcs8_der().map_err(|e| format!("cannot encode the RSA key: {e}"))?;
    KeyPair::from_pkcs8_der_and_sign_algo(&der.as_bytes().into(), &rcgen::PKCS_RSA_SHA256)
        .map_err(|e| format!("cannot use the RSA key: {e}"))
}

fn san(name: &str) -> Result<SanType, String> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(SanType::IpAddress(ip));
    }
    let ok = name.strip_prefix("*.").map_or_else(|| is_host_name(name), is_host_name);
    if !ok {
        return Err(format!("{name:?} is neither a host name nor an IP address"));
    }
    let ia5 = name.try_into().map_err(|e| format!("{name:?}: {e}"))?;
    Ok(SanType::DnsName(ia5))
}

/// The names a certificate for this host should carry: the host name (CN), its fully
/// qualified name when /etc/hosts lists one, `localhost`, and the local addresses
/// (127.0.0.1 and ::1 always, plus the IPv4 addresses of the interfaces and global
/// IPv6 addresses, read from /proc).
pub fn default_identity() -> (String, Vec<String>) {
    let host = crate::proftpd::render::hostname();
    let host = if is_host_name(&host) { host } else { "localhost".into() };
    let mut names = vec![host.clone()];
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    names.extend(fqdn_from_hosts(&host, &hosts).filter(|n| is_host_name(n)));
    names.push("localhost".into());
    let mut addresses: BTreeSet<IpAddr> =
        ["127.0.0.1", "::1"].iter().filter_map(|a| a.parse().ok()).collect();
    addresses
        .extend(ipv4_local(&std::fs::read_to_string("/proc/net/fib_trie").unwrap_or_default()));
    addresses
        .extend(ipv6_global(&std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default()));
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names.extend(addresses.iter().map(IpAddr::to_string));
    let cn =
        names.iter().find(|n| n.contains('.') && n.parse::<IpAddr>().is_err()).unwrap_or(&host);
    (cn.clone(), names)
}

/// The first dotted name on a /etc/hosts line that also names `host`.
pub(crate) fn fqdn_from_hosts(host: &str, hosts: &str) -> Option<String> {
    let prefix = format!("{host}.");
    for line in hosts.lines() {
        let line = line.split('#').next().unwrap_or("");
        let names: Vec<&str> = line.split_whitespace().skip(1).collect();
        if names.contains(&host)
            && let Some(fqdn) = names.iter().find(|n| n.starts_with(&prefix))
        {
            return Some((*fqdn).to_owned());
        }
    }
    None
}

/// Local IPv4 addresses: the entries marked "/32 host LOCAL" in /proc/net/fib_trie.
pub(crate) fn ipv4_local(fib_trie: &str) -> Vec<IpAddr> {
    let lines: Vec<&str> = fib_trie.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[1].trim() == "/32 host LOCAL")
        .filter_map(|w| w[0].trim().trim_start_matches("|--").trim().parse().ok())
        .collect()
}

/// Global-scope IPv6 addresses from /proc/net/if_inet6 (hex address, index, prefix, scope…).
pub(crate) fn ipv6_global(if_inet6: &str) -> Vec<IpAddr> {
    if_inet6
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() < 4 || fields[3] != "00" || fields[0].len() != 32 {
                return None;
            }
            let bits = u128::from_str_radix(fields[0], 16).ok()?;
            Some(IpAddr::V6(bits.into()))
        })
        .collect()
}
