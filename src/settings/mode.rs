//! File and Directory Permissions: the mode new files and directories get.
//!
//! The screen (and our settings file) shows permissions such as `755`; proftpd and the
//! TrueNAS API speak in umasks such as `022`. The two are each other's complement.

use std::fmt;

/// Permission bits, always within 0o777.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mode(u16);

pub const ACCEPTED: &str = "exactly three octal digits (0-7), such as 755";
pub const ACCEPTED_UMASK: &str = "exactly three octal digits (0-7), such as 022";

/// Who a permission bit is for, in grid order.
pub const WHO: [&str; 3] = ["User", "Group", "Other"];
/// What a permission bit allows, in grid order.
pub const WHAT: [&str; 3] = ["Read", "Write", "Execute"];

impl Mode {
    pub const fn from_bits(bits: u16) -> Mode {
        Mode(bits & 0o777)
    }

    pub fn bits(self) -> u16 {
        self.0
    }

    /// Parses permissions as shown on the screen ("755").
    pub fn parse(text: &str) -> Result<Mode, String> {
        parse_octal3(text).map(Mode).ok_or_else(|| format!("{text:?} is not {ACCEPTED}"))
    }

    /// Parses a umask as TrueNAS stores it ("022") into the permissions it leaves.
    pub fn from_umask(text: &str) -> Result<Mode, String> {
        parse_octal3(text)
            .map(|mask| Mode(!mask & 0o777))
            .ok_or_else(|| format!("{text:?} is not {ACCEPTED_UMASK}"))
    }

    /// The umask proftpd needs for these permissions ("022").
    pub fn umask(self) -> String {
        format!("{:03o}", !self.0 & 0o777)
    }

    /// Bit for row `who` (0 user, 1 group, 2 other) and column `what` (0 r, 1 w, 2 x).
    pub fn has(self, who: usize, what: usize) -> bool {
        self.0 & bit(who, what) != 0
    }

    pub fn toggled(self, who: usize, what: usize) -> Mode {
        Mode(self.0 ^ bit(who, what))
    }

    /// The mode a file uploaded under these permissions really gets: FTP never sets execute.
    pub fn for_uploaded_files(self) -> Mode {
        Mode(self.0 & 0o666)
    }

    /// `rwxr-xr-x` form.
    pub fn symbolic(self) -> String {
        (0..3)
            .flat_map(|who| (0..3).map(move |what| (who, what)))
            .map(|(who, what)| if self.has(who, what) { ['r', 'w', 'x'][what] } else { '-' })
            .collect()
    }
}

fn bit(who: usize, what: usize) -> u16 {
    debug_assert!(who < 3 && what < 3);
    1 << ((2 - who) * 3 + (2 - what))
}

fn parse_octal3(text: &str) -> Option<u16> {
    let text = text.trim();
    if text.len() != 3 || !text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    u16::from_str_radix(text, 8).ok()
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03o}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_and_umasks_are_complements() {
        assert_eq!(Mode::from_umask("077").unwrap(), Mode::parse("700").unwrap());
        assert_eq!(Mode::from_umask("022").unwrap().to_string(), "755");
        assert_eq!(Mode::parse("755").unwrap().umask(), "022");
        assert_eq!(Mode::parse("000").unwrap().umask(), "777");
    }

    #[test]
    fn exactly_three_octal_digits() {
        for bad in ["", "7", "77", "0777", "778", "abc", "-22", "7 7", "1e2"] {
            assert!(Mode::parse(bad).is_err(), "{bad}");
            assert!(Mode::from_umask(bad).unwrap_err().contains("three octal digits"));
        }
    }

    #[test]
    fn grid_bits() {
        let m = Mode::parse("750").unwrap();
        assert!(m.has(0, 0) && m.has(0, 1) && m.has(0, 2));
        assert!(m.has(1, 0) && !m.has(1, 1) && m.has(1, 2));
        assert!(!m.has(2, 0));
        assert_eq!(m.toggled(2, 0).to_string(), "754");
        assert_eq!(m.symbolic(), "rwxr-x---");
        assert_eq!(Mode::parse("777").unwrap().for_uploaded_files().to_string(), "666");
    }
}
