//! Bandwidth limits: stored as whole KiB/s, typed the way the TrueNAS screen takes them.
//!
//! A bare number is KiB/s; `K`, `M`, `G`, `T`, `P` (with or without `i` and `B`, any case)
//! are powers of 1024, so "500M" is 500 MiB/s. Byte arithmetic and display go through
//! byte-unit; this module only decides which spellings are accepted.

use std::fmt;

use byte_unit::{Byte, Unit};

/// A per-session transfer rate in KiB/s; 0 means unlimited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(pub u64);

/// What the bandwidth fields accept, for error messages and help.
pub const ACCEPTED: &str = "a number of KiB/s, or a number with a unit K, M, G, T or P \
(KiB, MiB, GiB, TiB, PiB; e.g. 500K, 500M, 1.5 GiB, 2 TB); 0 or empty means unlimited";

const UNITS: [(char, Unit); 5] =
    [('k', Unit::KiB), ('m', Unit::MiB), ('g', Unit::GiB), ('t', Unit::TiB), ('p', Unit::PiB)];

impl Rate {
    pub const UNLIMITED: Rate = Rate(0);
    /// The largest rate that still fits in a byte count (16 EiB/s).
    pub const MAX: Rate = Rate(u64::MAX / 1024);

    pub fn kib_per_sec(self) -> u64 {
        self.0
    }

    pub fn is_unlimited(self) -> bool {
        self.0 == 0
    }

    /// Parses what a user typed into a bandwidth field.
    pub fn parse(input: &str) -> Result<Rate, String> {
        let text = input.trim();
        let text = text.strip_suffix("/s").unwrap_or(text).trim_end();
        if text.is_empty() {
            return Ok(Rate::UNLIMITED);
        }
        let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
        let (number, unit) = (&text[..split], text[split..].trim_start());
        check_number(number)?;
        let unit = parse_unit(unit)?;
        let bytes = Byte::parse_str(format!("{number} {unit}"), false)
            .map_err(|_| format!("{input:?} is too large to be a rate"))?
            .as_u128();
        let kib = bytes / 1024 + u128::from(bytes % 1024 >= 512);
        // Rounding must never turn a real limit into "unlimited".
        let kib = if kib == 0 && bytes > 0 { 1 } else { kib };
        u64::try_from(kib).map(Rate).map_err(|_| format!("{input:?} is too large to be a rate"))
    }

    /// The rate in the largest unit that shows it exactly, e.g. "500 MiB/s"; "unlimited" for 0.
    pub fn human(self) -> String {
        if self.is_unlimited() {
            return "unlimited".to_owned();
        }
        // The largest binary unit that divides the rate exactly ("1500 KiB", not "1.46 MiB").
        let (mut amount, mut unit) = (self.0, 0);
        while amount % 1024 == 0 && unit + 1 < UNITS.len() {
            amount /= 1024;
            unit += 1;
        }
        format!("{amount} {}/s", unit_name(UNITS[unit].1))
    }

    /// The text that parses back to this rate: "0" or the exact human form ("500 MiB").
    pub fn to_input(self) -> String {
        let human = self.human();
        match human.strip_suffix("/s") {
            Some(exact) => exact.to_owned(),
            None => "0".to_owned(),
        }
    }

    /// What a typed value means, for the field's live explanation.
    pub fn explain(self) -> String {
        if self.is_unlimited() {
            "unlimited".to_owned()
        } else {
            format!("{} = {} KiB/s per session", self.human(), self.0)
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.human())
    }
}

fn check_number(number: &str) -> Result<(), String> {
    let well_formed = !number.is_empty()
        && number.matches('.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit())
        && !number.starts_with('.')
        && !number.ends_with('.');
    if well_formed { Ok(()) } else { Err(format!("expected {ACCEPTED}")) }
}

/// Maps K/KB/KiB/KIB/k… to a binary unit; bit units and anything else are refused.
fn parse_unit(unit: &str) -> Result<&'static str, String> {
    if unit.is_empty() {
        return Ok("KiB");
    }
    let lower = unit.to_ascii_lowercase();
    if lower.contains("bit") || lower.ends_with("bps") {
        return Err(format!("bit units are not accepted; expected {ACCEPTED}"));
    }
    let mut chars = lower.chars();
    let prefix = chars.next().unwrap_or(' ');
    let rest = chars.as_str();
    let found = UNITS.iter().find(|(c, _)| *c == prefix);
    match (found, rest) {
        (Some((_, u)), "" | "i" | "b" | "ib") => Ok(unit_name(*u)),
        _ => Err(format!("unknown unit {unit:?}; expected {ACCEPTED}")),
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::KiB => "KiB",
        Unit::MiB => "MiB",
        Unit::GiB => "GiB",
        Unit::TiB => "TiB",
        _ => "PiB",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kib(s: &str) -> u64 {
        Rate::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).0
    }

    #[test]
    fn bare_numbers_are_kib() {
        assert_eq!(kib("500"), 500);
        assert_eq!(kib(" 12 "), 12);
        assert_eq!(kib("0"), 0);
        assert_eq!(kib(""), 0);
        assert_eq!(kib("   "), 0);
    }

    #[test]
    fn units_are_powers_of_1024_in_any_spelling() {
        for s in ["500M", "500 MB", "500m", "500 MiB", "500mib", "500 mb", "500MIB", "500 MiB/s"] {
            assert_eq!(kib(s), 512_000, "{s}");
        }
        assert_eq!(kib("500 KiB"), 500);
        assert_eq!(kib("500k"), 500);
        assert_eq!(kib("2 TB"), 2_147_483_648);
        assert_eq!(kib("1 G"), 1_048_576);
        assert_eq!(kib("1P"), 1 << 40);
    }

    #[test]
    fn decimals_round_to_whole_kib_but_never_to_zero() {
        assert_eq!(kib("1.5 GiB"), 1_572_864);
        assert_eq!(kib("0.5K"), 1);
        assert_eq!(kib("0.4K"), 1);
        assert_eq!(kib("0.001"), 1);
        assert_eq!(kib("1.4"), 1);
        assert_eq!(kib("1.5"), 2);
        assert_eq!(kib("0.0"), 0);
    }

    #[test]
    fn refuses_signs_exponents_separators_and_bits() {
        for s in [
            "-1", "+1", "1e3", "1,000", "1_000", "1 000", "10 kbit", "10 Mbps", "5 B", "5 X", ".5",
            "5.", "1.2.3", "M", "abc", "5 KiBB",
        ] {
            let err = Rate::parse(s).expect_err(s);
            assert!(err.contains("expected") || err.contains("too large"), "{s}: {err}");
        }
    }

    #[test]
    fn too_large_is_an_error_not_a_wrap() {
        assert!(Rate::parse("99999999 P").unwrap_err().contains("too large"));
    }

    #[test]
    fn shows_the_exact_unit() {
        assert_eq!(Rate(512_000).human(), "500 MiB/s");
        assert_eq!(Rate(1_048_576).human(), "1 GiB/s");
        assert_eq!(Rate(1).human(), "1 KiB/s");
        assert_eq!(Rate(1500).human(), "1500 KiB/s");
        assert_eq!(Rate(0).human(), "unlimited");
        assert_eq!(Rate(512_000).explain(), "500 MiB/s = 512000 KiB/s per session");
        for r in [0, 1, 1500, 512_000, 2_147_483_648] {
            assert_eq!(Rate::parse(&Rate(r).to_input()).unwrap(), Rate(r));
        }
    }
}
