//! The kinds of field the screen has, and one value type that can hold any of them.
//!
//! Generic code (CLI `get`/`set`, TOML, TrueNAS JSON, the TUI) goes through [`Value`] and
//! [`Kind`]; the renderer and validation read the typed [`super::Settings`] directly.

use super::bandwidth::{self, Rate};
use super::mode::{self, Mode};
use super::tls_policy::TlsPolicy;

/// Longest single-line value (the TrueNAS API's string limit).
pub const MAX_LINE: usize = 1024;
/// Longest multi-line value (Display Login, Auxiliary Parameters).
pub const MAX_TEXT: usize = 64 * 1024;

/// What sort of input a field takes; decides its widget, parser and basic rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number within `min..=max`.
    Number {
        min: u32,
        max: u32,
    },
    /// A passive port: 0, or `1024..=65535`.
    PassivePort,
    Toggle,
    /// A TLS option checkbox; the string is proftpd's `TLSOptions` token.
    TlsOption(&'static str),
    /// One line of text; empty allowed.
    Line,
    /// An absolute directory path.
    Directory,
    /// The name of a certificate in the certificate directory.
    Certificate,
    Policy,
    Permissions,
    /// Several lines of text.
    Text,
    Rate,
}

impl Kind {
    pub fn is_single_line(self) -> bool {
        matches!(self, Kind::Line | Kind::Directory | Kind::Certificate)
    }

    pub fn is_toggle(self) -> bool {
        matches!(self, Kind::Toggle | Kind::TlsOption(_))
    }

    /// What this kind accepts, in words, for error messages and `--help`.
    pub fn accepted(self) -> String {
        match self {
            Kind::Number { min, max } => format!("a whole number from {min} to {max}"),
            Kind::PassivePort => "0 (any port above 1023) or a port from 1024 to 65535".into(),
            Kind::Toggle | Kind::TlsOption(_) => "true or false (also yes/no, on/off, 1/0)".into(),
            Kind::Line => format!("one line of at most {MAX_LINE} characters"),
            Kind::Directory => "an absolute path of an existing directory".into(),
            Kind::Certificate => "the name of a certificate in the certificate directory".into(),
            Kind::Policy => {
                let values: Vec<&str> = TlsPolicy::ALL.iter().map(|p| p.value()).collect();
                format!("one of {}", values.join(", "))
            }
            Kind::Permissions => mode::ACCEPTED.into(),
            Kind::Text => format!("text of at most {} KiB", MAX_TEXT / 1024),
            Kind::Rate => bandwidth::ACCEPTED.into(),
        }
    }
}

/// Which naming a value is written in: ours, or TrueNAS's API (umasks instead of
/// permissions, KiB/s integers instead of "500 MiB").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Ftpconf,
    TrueNas,
}

/// Any field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Number(u32),
    Bool(bool),
    Text(String),
    Mode(Mode),
    Policy(TlsPolicy),
    Rate(Rate),
}

impl Value {
    /// Parses what a user typed for a field of this kind.
    pub fn parse(kind: Kind, text: &str, dialect: Dialect) -> Result<Value, String> {
        match kind {
            Kind::Number { .. } | Kind::PassivePort => parse_number(text, kind),
            Kind::Toggle | Kind::TlsOption(_) => parse_bool(text).map(Value::Bool),
            Kind::Line | Kind::Directory | Kind::Certificate | Kind::Text => {
                Ok(Value::Text(text.to_owned()))
            }
            Kind::Policy => TlsPolicy::parse(text).map(Value::Policy),
            Kind::Permissions => match dialect {
                Dialect::Ftpconf => Mode::parse(text),
                Dialect::TrueNas => Mode::from_umask(text),
            }
            .map(Value::Mode),
            Kind::Rate => Rate::parse(text).map(Value::Rate),
        }
    }

    /// The text that [`Value::parse`] turns back into this value.
    pub fn to_input(&self, dialect: Dialect) -> String {
        match (self, dialect) {
            (Value::Number(n), _) => n.to_string(),
            (Value::Bool(b), _) => b.to_string(),
            (Value::Text(t), _) => t.clone(),
            (Value::Mode(m), Dialect::Ftpconf) => m.to_string(),
            (Value::Mode(m), Dialect::TrueNas) => m.umask(),
            (Value::Policy(p), _) => p.value().to_owned(),
            (Value::Rate(r), Dialect::Ftpconf) => r.to_input(),
            (Value::Rate(r), Dialect::TrueNas) => r.kib_per_sec().to_string(),
        }
    }

    /// Short human form for review screens and summaries.
    pub fn display(&self) -> String {
        match self {
            Value::Bool(true) => "on".into(),
            Value::Bool(false) => "off".into(),
            Value::Text(t) if t.is_empty() => "(empty)".into(),
            Value::Text(t) if t.contains('\n') || t.chars().count() > 40 => {
                let first: String = t.lines().next().unwrap_or("").chars().take(30).collect();
                format!("{first}… ({} lines)", t.lines().count())
            }
            Value::Policy(p) => p.label().into(),
            Value::Rate(r) => r.human(),
            other => other.to_input(Dialect::Ftpconf),
        }
    }
}

fn parse_number(text: &str, kind: Kind) -> Result<Value, String> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not {}", kind.accepted()));
    }
    t.parse::<u32>()
        .map(Value::Number)
        .map_err(|_| format!("{text:?} is too large; expected {}", kind.accepted()))
}

fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(format!("{text:?} is not {}", Kind::Toggle.accepted())),
    }
}

/// Conversions between the typed settings fields and [`Value`].
macro_rules! value_conversions {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Value {
                Value::$variant(v)
            }
        }
        impl TryFrom<Value> for $ty {
            type Error = Value;
            fn try_from(v: Value) -> Result<$ty, Value> {
                match v {
                    Value::$variant(inner) => Ok(inner),
                    other => Err(other),
                }
            }
        }
    )*};
}

value_conversions!(u32 => Number, bool => Bool, String => Text, Mode => Mode, TlsPolicy => Policy, Rate => Rate);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_digits() {
        let kind = Kind::Number { min: 1, max: 65535 };
        assert_eq!(Value::parse(kind, " 2121 ", Dialect::Ftpconf), Ok(Value::Number(2121)));
        for bad in ["", "-1", "+1", "1e3", "21.0", "0x15", "abc", "99999999999"] {
            let err = Value::parse(kind, bad, Dialect::Ftpconf).unwrap_err();
            assert!(err.contains("from 1 to 65535"), "{bad}: {err}");
        }
    }

    #[test]
    fn booleans_accept_common_spellings() {
        for (t, b) in [("yes", true), ("ON", true), ("1", true), ("false", false), ("off", false)] {
            assert_eq!(Value::parse(Kind::Toggle, t, Dialect::Ftpconf), Ok(Value::Bool(b)));
        }
        assert!(Value::parse(Kind::Toggle, "maybe", Dialect::Ftpconf).is_err());
    }

    #[test]
    fn permissions_follow_the_dialect() {
        let ours = Value::parse(Kind::Permissions, "755", Dialect::Ftpconf).unwrap();
        let theirs = Value::parse(Kind::Permissions, "022", Dialect::TrueNas).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours.to_input(Dialect::TrueNas), "022");
    }
}
