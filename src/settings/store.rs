//! The settings file: readable, commented TOML grouped like the screen.
//!
//! A new file is written from the field table (so every key carries its label and help
//! as a comment); an existing one is edited in place, so the admin's own comments, key
//! order and layout survive and only changed values are rewritten. It is read back key
//! by key, so that an unknown key or a wrong type is reported with the file, line and key.
//! Saving (locked, through symlinks, idempotent) is in [`super::settings_file`].

use std::fmt::Write as _;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::fields::{Field, Section, Settings};
use super::input::{self, InputError};
pub use super::settings_file::{Saved, SettingsFile, create_dir, remove_own_temporaries};
use super::value::{Dialect, Kind, Value};

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
    match read_text(path)? {
        Some(text) => parse(&text, &path.display().to_string()),
        None => Ok(Settings::default()),
    }
}

/// The settings file's text (`None` when it does not exist): a regular file of at most
/// [`input::MAX_SETTINGS`] bytes, refused at once otherwise (a FIFO, a device, a huge file).
pub fn read_text(path: &Path) -> Result<Option<String>, LoadError> {
    match input::read_text(path, input::MAX_SETTINGS) {
        Ok(text) => Ok(Some(text)),
        Err(InputError::NotFound) => Ok(None),
        Err(why) => Err(LoadError { problems: vec![format!("{}: {why}", path.display())] }),
    }
}

/// Saves `settings` to the settings file under its lock (see [`SettingsFile`]): only
/// changed values are rewritten, and nothing at all when nothing changed.
pub fn save(path: &Path, settings: &Settings) -> std::io::Result<Saved> {
    let mut file = SettingsFile::open(path).map_err(std::io::Error::other)?;
    file.save(settings)
}

/// Parses settings TOML; `origin` names the source in messages. Keys that are absent
/// keep their defaults, so older files keep loading. CRLF line endings read like LF
/// (inside multi-line strings too).
pub fn parse(text: &str, origin: &str) -> Result<Settings, LoadError> {
    parse_over(text, origin, Settings::default())
}

/// Like [`parse`], but the keys present are read over `base` (an import that merges):
/// keys absent from `text` keep `base`'s values.
pub fn parse_over(text: &str, origin: &str, base: Settings) -> Result<Settings, LoadError> {
    let text = &lf_endings(text);
    let at = |span: std::ops::Range<usize>| {
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        format!("{origin}:{line}")
    };
    let document = DeTable::parse(text).map_err(|e| {
        let place = e.span().map(&at).unwrap_or_else(|| origin.to_owned());
        LoadError { problems: vec![format!("{place}: {}", e.message().trim())] }
    })?;
    let mut settings = base;
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

/// `text` with every CRLF turned into LF (a file saved by a Windows editor).
pub fn lf_endings(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("\r\n") { text.replace("\r\n", "\n").into() } else { text.into() }
}

/// The fields whose values differ, as `section.key: old -> new` lines.
pub fn changes(old: &Settings, new: &Settings) -> Vec<String> {
    Field::ALL
        .iter()
        .filter(|f| f.get(old) != f.get(new))
        .map(|f| {
            let show = |s: &Settings| crate::visible::line(&f.get(s).display()).into_owned();
            format!("{}: {} -> {}", f.path(), show(old), show(new))
        })
        .collect()
}

/// `text` (a settings file that parses as `old`) with the values that differ in `new`
/// rewritten in place: comments, key order and untouched values stay as they are, and a
/// changed value keeps its own trailing comment. `None` when `text` cannot be edited
/// (then the caller writes the commented template).
pub fn edit_in_place(text: &str, old: &Settings, new: &Settings) -> Option<String> {
    let mut document: toml_edit::DocumentMut = lf_endings(text).parse().ok()?;
    for &field in Field::ALL {
        let value = field.get(new);
        if field.get(old) == value {
            continue;
        }
        let section = document
            .entry(field.section().key())
            .or_insert_with(toml_edit::table)
            .as_table_like_mut()?;
        let fresh = edit_value(&value);
        match section.get_mut(field.key()).and_then(toml_edit::Item::as_value_mut) {
            Some(existing) => {
                let decor = existing.decor().clone();
                *existing = fresh;
                *existing.decor_mut() = decor;
            }
            None => {
                section.insert(field.key(), toml_edit::Item::Value(fresh));
            }
        }
    }
    Some(document.to_string())
}

fn edit_value(value: &Value) -> toml_edit::Value {
    match value {
        Value::Number(n) => i64::from(*n).into(),
        Value::Bool(b) => (*b).into(),
        other => other.to_input(Dialect::Ftpconf).into(),
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
