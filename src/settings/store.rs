//! The settings file: readable, commented TOML grouped like the screen.
//!
//! Written from the field table (so every key carries its label and help as a comment)
//! and read back key by key, so that an unknown key or a wrong type is reported with
//! the file, line and key.

use std::fmt::Write as _;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::fields::{Section, Settings};
use super::value::{Dialect, Kind, Value};
use crate::fsutil;

/// Why a settings file could not be read; every problem found, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub problems: Vec<String>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for LoadError {}

/// Reads the settings file; a missing file gives the defaults.
pub fn load(path: &Path) -> Result<Settings, LoadError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(LoadError { problems: vec![format!("{}: {e}", path.display())] }),
    }
}

/// Writes the settings file atomically, mode 0600.
pub fn save(path: &Path, settings: &Settings) -> std::io::Result<()> {
    fsutil::atomic_write(path, to_toml(settings).as_bytes(), 0o600)
}

/// Parses settings TOML; `origin` names the source in messages. Keys that are absent
/// keep their defaults, so older files keep loading.
pub fn parse(text: &str, origin: &str) -> Result<Settings, LoadError> {
    let at = |span: std::ops::Range<usize>| {
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        format!("{origin}:{line}")
    };
    let document = DeTable::parse(text).map_err(|e| {
        let place = e.span().map(&at).unwrap_or_else(|| origin.to_owned());
        LoadError { problems: vec![format!("{place}: {}", e.message().trim())] }
    })?;
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    for (section_key, section_value) in document.get_ref() {
        let section_name = section_key.get_ref().as_ref();
        let Some(section) = Section::ALL.into_iter().find(|s| s.key() == section_name) else {
            let known: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
            problems.push(format!(
                "{}: unknown section [{section_name}]; expected one of: {}",
                at(section_key.span()),
                known.join(", ")
            ));
            continue;
        };
        let Some(table) = section_value.get_ref().as_table() else {
            problems.push(format!("{}: {section_name} must be a table", at(section_key.span())));
            continue;
        };
        for (key, value) in table {
            let key_name = key.get_ref().as_ref();
            let Some(field) = section.fields().find(|f| f.key() == key_name) else {
                let known: Vec<&str> = section.fields().map(|f| f.key()).collect();
                problems.push(format!(
                    "{}: unknown key {section_name}.{key_name}; [{section_name}] takes: {}",
                    at(key.span()),
                    known.join(", ")
                ));
                continue;
            };
            let stored = from_toml(field.kind(), value.get_ref())
                .and_then(|v| field.set(&mut settings, v).map_err(|_| "wrong type".to_owned()));
            if let Err(message) = stored {
                problems.push(format!("{}: {}: {message}", at(value.span()), field.path()));
            }
        }
    }
    if problems.is_empty() { Ok(settings) } else { Err(LoadError { problems }) }
}

/// Converts one TOML value for a field of `kind`.
fn from_toml(kind: Kind, value: &DeValue<'_>) -> Result<Value, String> {
    let expected = || format!("expected {}, found a {}", kind.accepted(), value.type_str());
    match (kind, value) {
        (Kind::Number { .. } | Kind::PassivePort, DeValue::Integer(i)) if i.radix() == 10 => {
            Value::parse(kind, i.as_str(), Dialect::Ftpconf)
        }
        (Kind::Toggle | Kind::TlsOption(_), DeValue::Boolean(b)) => Ok(Value::Bool(*b)),
        (Kind::Rate, DeValue::Integer(i)) if i.radix() == 10 => {
            i.as_str().parse().map(|kib| Value::Rate(super::Rate(kib))).map_err(|_| expected())
        }
        (Kind::Permissions, DeValue::Integer(i)) if i.radix() == 10 => {
            Value::parse(kind, &format!("{:0>3}", i.as_str()), Dialect::Ftpconf)
        }
        (Kind::Number { .. } | Kind::PassivePort | Kind::Toggle | Kind::TlsOption(_), _) => {
            Err(expected())
        }
        (_, DeValue::String(s)) => Value::parse(kind, s, Dialect::Ftpconf),
        _ => Err(expected()),
    }
}

/// The settings as commented TOML.
pub fn to_toml(settings: &Settings) -> String {
    let mut out = String::from(
        "# ftpconf settings for the FTP service (proftpd).\n\
         # Edit with `ftpconf` (screen) or `ftpconf set KEY=VALUE`; hand edits are fine too.\n\
         # After a change, `ftpconf apply` writes proftpd's configuration and reloads it.\n",
    );
    for section in Section::ALL {
        let _ = write!(out, "\n[{}]\n", section.key());
        for field in section.fields() {
            out.push('\n');
            for line in wrap(&format!("{}: {}", field.label(), field.help()), 76) {
                let _ = writeln!(out, "# {line}");
            }
            let _ = writeln!(out, "{} = {}", field.key(), to_toml_value(&field.get(settings)));
        }
    }
    out
}

fn to_toml_value(value: &Value) -> String {
    let toml_value = match value {
        Value::Number(n) => toml::Value::Integer(i64::from(*n)),
        Value::Bool(b) => toml::Value::Boolean(*b),
        other => toml::Value::String(other.to_input(Dialect::Ftpconf)),
    };
    toml_value.to_string()
}

/// Greedy word wrap for comments.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
