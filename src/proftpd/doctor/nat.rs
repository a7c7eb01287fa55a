//! Advice for clients outside the LAN: which ports the router must forward, and whether
//! this machine has any address such clients could reach without a Masquerade Address.

use std::net::{IpAddr, Ipv4Addr};

use super::setting;
use crate::settings::{Field, Settings};

/// One line naming the ports a router must forward to this NAS.
pub fn forward_line(settings: &Settings) -> String {
    let port = settings.port;
    if settings.passive_port_min != 0 {
        format!(
            "Ports to forward to this NAS: {port} (control) and {}-{} (passive data)",
            settings.passive_port_min, settings.passive_port_max
        )
    } else {
        format!(
            "Ports to forward to this NAS: {port} (control); no passive range is set, so set {} and {} first",
            setting(Field::PassivePortMin),
            setting(Field::PassivePortMax)
        )
    }
}

/// Whether clients on the internet could reach `ip`: not private, loopback, link-local,
/// carrier-grade NAT (100.64.0.0/10), unique-local or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// This machine's addresses (IPv4 from /proc/net/fib_trie, IPv6 from /proc/net/if_inet6).
pub fn machine_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    let trie = std::fs::read_to_string("/proc/net/fib_trie").unwrap_or_default();
    let mut last: Option<Ipv4Addr> = None;
    for line in trie.lines() {
        let line = line.trim();
        if let Some(addr) = line.strip_prefix("|-- ") {
            last = addr.parse().ok();
        } else if line.starts_with("/32 host LOCAL")
            && let Some(addr) = last
            && !found.contains(&IpAddr::V4(addr))
        {
            found.push(IpAddr::V4(addr));
        }
    }
    let v6 = std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default();
    for line in v6.lines() {
        let Some(hex) = line.split_whitespace().next() else { continue };
        if let Ok(bits) = u128::from_str_radix(hex, 16) {
            found.push(IpAddr::V6(bits.into()));
        }
    }
    found
}

/// A note (not a warning) when no address of the machine is public and no Masquerade
/// Address is set: clients outside the LAN then get a passive address they cannot reach.
pub fn private_machine_note(settings: &Settings, addresses: &[IpAddr]) -> Option<String> {
    if !settings.masquerade_address.trim().is_empty() || addresses.iter().any(|a| is_public(*a)) {
        return None;
    }
    Some(format!(
        "every address of this machine is private: clients outside the LAN will need {} set to the router's public address (or name), and the ports forwarded",
        setting(Field::MasqueradeAddress)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for private in [
            "10.0.0.1",
            "192.168.1.2",
            "172.16.0.1",
            "127.0.0.1",
            "100.64.1.1",
            "fd00::1",
            "fe80::1",
            "::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["198.18.0.1", "8.8.8.8", "2001:db8::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn note_only_without_public_address_or_masquerade() {
        let mut s = Settings::default();
        let private: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "10.1.1.1".parse().unwrap()];
        assert!(private_machine_note(&s, &private).unwrap().contains("other.masquerade_address"));
        assert!(private_machine_note(&s, &["198.18.0.1".parse().unwrap()]).is_none());
        s.masquerade_address = "nas.example.org".into();
        assert!(private_machine_note(&s, &private).is_none());
        assert!(!machine_addresses().is_empty(), "loopback at least");
    }

    #[test]
    fn forward_line_names_both_ranges() {
        let mut s = Settings { port: 2121, ..Settings::default() };
        assert!(forward_line(&s).contains("other.passive_port_min"));
        s.passive_port_min = 30000;
        s.passive_port_max = 30009;
        assert_eq!(
            forward_line(&s),
            "Ports to forward to this NAS: 2121 (control) and 30000-30009 (passive data)"
        );
    }
}
