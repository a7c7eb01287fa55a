//! Which addresses verify greets proftpd on: every address family the configuration
//! listens on. A configuration that binds one address (`DefaultAddress` with
//! `SocketBindTight on`) is checked there; one that listens on all addresses holds one
//! wildcard socket per family (or a dual-stack one), so a greeting on 127.0.0.1 and, when
//! it uses IPv6 and this machine has it, on ::1 shows that both families are served.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The addresses to greet proftpd on for the configuration `config`.
pub fn addresses_to_verify(config: &str) -> Vec<IpAddr> {
    addresses_with(config, machine_has_ipv6())
}

fn addresses_with(config: &str, machine_ipv6: bool) -> Vec<IpAddr> {
    let (mut address, mut tight, mut ipv6) = (None, false, true);
    for line in config.lines() {
        let line = line.trim();
        let (name, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let value = crate::proftpd::directives::unquote(args.trim());
        match name.to_ascii_lowercase().as_str() {
            // proftpd honours the first DefaultAddress; later ones are ignored.
            "defaultaddress" if address.is_none() => address = Some(value),
            "socketbindtight" => tight = value.eq_ignore_ascii_case("on"),
            "useipv6" => ipv6 = !value.eq_ignore_ascii_case("off"),
            _ => {}
        }
    }
    let ipv6 = ipv6 && machine_ipv6;
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    match address.filter(|_| tight) {
        // A name (localhost or another): proftpd bound what it resolved to; the IPv4
        // loopback is the best a local check can do (as before this module existed).
        Some(a) => a.parse().map(|ip| vec![ip]).unwrap_or_else(|_| vec![v4]),
        None if ipv6 => vec![v4, v6],
        None => vec![v4],
    }
}

/// Whether this machine has an IPv6 loopback (not so when booted with ipv6.disable=1).
fn machine_has_ipv6() -> bool {
    std::fs::read_to_string("/proc/net/if_inet6")
        .is_ok_and(|t| t.lines().any(|l| l.starts_with("00000000000000000000000000000001")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn all_addresses_are_verified_per_family() {
        let all = "DefaultServer on\nDefaultAddress localhost\nUseIPv6 on\nPort 21\n";
        assert_eq!(addresses_with(all, true), ips(&["127.0.0.1", "::1"]));
        assert_eq!(addresses_with(all, false), ips(&["127.0.0.1"]));
        let v4_only = "DefaultAddress localhost\nUseIPv6 off\n";
        assert_eq!(addresses_with(v4_only, true), ips(&["127.0.0.1"]));
        // proftpd's default is UseIPv6 on.
        assert_eq!(addresses_with("Port 21\n", true), ips(&["127.0.0.1", "::1"]));
    }

    #[test]
    fn a_bound_address_is_verified_there_only() {
        let sandbox = "DefaultAddress 127.0.0.1\nSocketBindTight on\nUseIPv6 off\n";
        assert_eq!(addresses_with(sandbox, true), ips(&["127.0.0.1"]));
        let v6 = "DefaultAddress \"::1\"\nSocketBindTight on\nUseIPv6 on\n";
        assert_eq!(addresses_with(v6, true), ips(&["::1"]));
        let named = "DefaultAddress localhost\nSocketBindTight on\nUseIPv6 on\n";
        assert_eq!(addresses_with(named, true), ips(&["127.0.0.1"]));
    }
}
