//! TLS Policy: which FTP channels must be encrypted (proftpd's `TLSRequired`).

use std::fmt;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TlsPolicy {
    #[default]
    On,
    Off,
    Data,
    NotData,
    Auth,
    Ctrl,
    CtrlData,
    CtrlNotData,
    AuthData,
    AuthNotData,
}

impl TlsPolicy {
    /// Dropdown order, as on the TrueNAS screen.
    pub const ALL: [TlsPolicy; 10] = [
        TlsPolicy::On,
        TlsPolicy::Off,
        TlsPolicy::Data,
        TlsPolicy::NotData,
        TlsPolicy::Auth,
        TlsPolicy::Ctrl,
        TlsPolicy::CtrlData,
        TlsPolicy::CtrlNotData,
        TlsPolicy::AuthData,
        TlsPolicy::AuthNotData,
    ];

    /// The stored value (TrueNAS API), which is also proftpd's `TLSRequired` argument.
    pub fn value(self) -> &'static str {
        match self {
            TlsPolicy::On => "on",
            TlsPolicy::Off => "off",
            TlsPolicy::Data => "data",
            TlsPolicy::NotData => "!data",
            TlsPolicy::Auth => "auth",
            TlsPolicy::Ctrl => "ctrl",
            TlsPolicy::CtrlData => "ctrl+data",
            TlsPolicy::CtrlNotData => "ctrl+!data",
            TlsPolicy::AuthData => "auth+data",
            TlsPolicy::AuthNotData => "auth+!data",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TlsPolicy::On => "On",
            TlsPolicy::Off => "Off",
            TlsPolicy::Data => "Data",
            TlsPolicy::NotData => "!Data",
            TlsPolicy::Auth => "Auth",
            TlsPolicy::Ctrl => "Ctrl",
            TlsPolicy::CtrlData => "Ctrl + Data",
            TlsPolicy::CtrlNotData => "Ctrl + !Data",
            TlsPolicy::AuthData => "Auth + Data",
            TlsPolicy::AuthNotData => "Auth + !Data",
        }
    }

    /// Whether the control channel (login, commands) must be encrypted.
    pub fn requires_control(self) -> bool {
        matches!(
            self,
            TlsPolicy::On
                | TlsPolicy::Auth
                | TlsPolicy::Ctrl
                | TlsPolicy::CtrlData
                | TlsPolicy::CtrlNotData
                | TlsPolicy::AuthData
                | TlsPolicy::AuthNotData
        )
    }

    /// One line on what the policy demands of clients.
    pub fn meaning(self) -> &'static str {
        match self {
            TlsPolicy::On => "login and file transfers must be encrypted",
            TlsPolicy::Off => "encryption offered, never required",
            TlsPolicy::Data => "file transfers must be encrypted; login may be plain",
            TlsPolicy::NotData => "login may be encrypted; encrypted transfers are refused",
            TlsPolicy::Auth => "login must be encrypted; the client may drop TLS after it",
            TlsPolicy::Ctrl => "the command channel must be encrypted; transfers may be plain",
            TlsPolicy::CtrlData => "commands and file transfers must be encrypted",
            TlsPolicy::CtrlNotData => "commands must be encrypted; encrypted transfers are refused",
            TlsPolicy::AuthData => "login and file transfers must be encrypted",
            TlsPolicy::AuthNotData => "login must be encrypted; encrypted transfers are refused",
        }
    }

    /// Accepts the stored value ("ctrl+!data") or the label ("Ctrl + !Data"), any case.
    pub fn parse(text: &str) -> Result<TlsPolicy, String> {
        let wanted: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let wanted = wanted.to_ascii_lowercase();
        Self::ALL.into_iter().find(|p| p.value() == wanted).ok_or_else(|| {
            let values: Vec<&str> = Self::ALL.iter().map(|p| p.value()).collect();
            format!("{text:?} is not a TLS policy; expected one of: {}", values.join(", "))
        })
    }
}

impl fmt::Display for TlsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_and_labels() {
        for p in TlsPolicy::ALL {
            assert_eq!(TlsPolicy::parse(p.value()), Ok(p));
            assert_eq!(TlsPolicy::parse(p.label()), Ok(p));
        }
        assert_eq!(TlsPolicy::parse("CTRL + DATA"), Ok(TlsPolicy::CtrlData));
        let err = TlsPolicy::parse("").unwrap_err();
        assert!(err.contains("auth+!data"), "{err}");
        assert!(TlsPolicy::parse("both").is_err());
    }
}
