//! Advice for clients behind NAT: rules that need only the settings. (The machine note —
//! every address private — needs the machine, so it lives in `proftpd::doctor::nat`.)

use super::fields::{Field, Settings};
use super::validate::{Problem, Severity};

/// Warnings about passive mode for clients outside the LAN.
pub fn nat_problems(s: &Settings) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut warn = |field, message: String| {
        found.push(Problem { field, severity: Severity::Warning, message })
    };
    let (min, max) = (s.passive_port_min, s.passive_port_max);
    let has_range = min != 0 && max > min;
    if has_range && max - min + 1 < s.clients {
        warn(
            Field::PassivePortMax,
            format!(
                "the passive range has {} ports but Clients allows {}: busy clients would get ports outside the range, which firewalls and NAT do not pass; make the range at least {} ports",
                max - min + 1,
                s.clients,
                s.clients
            ),
        );
    }
    if !s.masquerade_address.trim().is_empty() && min == 0 && max == 0 {
        // Shown at the passive range, which is what is missing.
        warn(
            Field::PassivePortMin,
            "Masquerade Address is set but no passive port range: the router must forward the data ports, so clients outside need a range to forward; set Minimum and Maximum Passive Port".into(),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_smaller_than_clients_is_a_warning() {
        let mut s = Settings {
            passive_port_min: 30000,
            passive_port_max: 30003,
            clients: 5,
            ..Settings::default()
        };
        let found = nat_problems(&s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, Field::PassivePortMax);
        assert!(found[0].message.contains("has 4 ports but Clients allows 5"));
        s.passive_port_max = 30004;
        assert!(nat_problems(&s).is_empty());
    }

    #[test]
    fn masquerade_without_a_range_is_a_warning() {
        let mut s = Settings { masquerade_address: "198.18.0.1".into(), ..Settings::default() };
        let found = nat_problems(&s);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].field, found[0].severity), (Field::PassivePortMin, Severity::Warning));
        s.passive_port_min = 30000;
        s.passive_port_max = 30009;
        assert!(nat_problems(&s).is_empty());
    }
}
