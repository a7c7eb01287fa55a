//! Unsaved edits that survive a dropped session. While the editor runs, the loop notes
//! the fields that differ from the saved settings ([`note`]); when SIGHUP or SIGTERM ends
//! it, the signal handler writes them ([`write_noted`]) beside the settings file as
//! `NAME.draft` (mode 0600, atomically: a temporary file renamed into place). The next
//! start offers the draft back; it never takes effect without the user's save.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use super::app::App;
use crate::proftpd::apply::Fingerprint;
use crate::settings::{Dialect, Field, Settings};

/// The draft of `settings_file`.
pub fn path(settings_file: &Path) -> PathBuf {
    let mut name = settings_file.as_os_str().to_owned();
    name.push(".draft");
    PathBuf::from(name)
}

/// What the loop noted last: the draft's path and text (`None`: nothing unsaved).
static NOTED: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);

/// Notes the editor's unsaved edits (the loop calls this after every change).
pub fn note(app: &App) {
    let noted = app.is_dirty().then(|| {
        let base = describe(&app.disk);
        (path(&app.env.settings_file), text(&app.saved, &app.settings, &base))
    });
    *NOTED.lock().unwrap_or_else(PoisonError::into_inner) = noted;
}

/// Writes the noted edits, if any; returns where (for the handler to say so).
pub fn write_noted() -> Option<Result<PathBuf, String>> {
    let (path, text) = NOTED.lock().unwrap_or_else(PoisonError::into_inner).clone()?;
    Some(write(&path, &text).map(|()| path))
}

/// The changed fields as TOML: `"section.key" = "value as typed in the settings file"`.
fn text(saved: &Settings, edited: &Settings, base: &str) -> String {
    let mut fields = toml::Table::new();
    for field in Field::ALL.iter().filter(|f| f.get(saved) != f.get(edited)) {
        fields.insert(field.path(), field.get_text(edited, Dialect::Ftpconf).into());
    }
    let mut table = toml::Table::new();
    table.insert("written".into(), now().into());
    table.insert("base".into(), base.to_owned().into());
    table.insert("fields".into(), fields.into());
    let body = toml::to_string(&table).unwrap_or_default();
    format!(
        "# Unsaved edits from an ftpconf editor whose terminal went away. They take effect\n\
         # only when restored in the editor and saved there.\n{body}"
    )
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    crate::fsutil::atomic_write(path, text.as_bytes(), 0o600)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A draft found at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// When it was written ("2026-11-28 23:40:01 UTC").
    pub written: String,
    /// Whether the settings file changed since the edits were made.
    pub file_changed: bool,
    pub fields: Vec<(Field, String)>,
}

/// The draft beside `settings_file`: `None` when there is none.
pub fn read(settings_file: &Path) -> Option<Result<Draft, String>> {
    let path = path(settings_file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(format!("cannot read {}: {e}", path.display()))),
    };
    Some(parse(&text, settings_file).map_err(|e| format!("{}: {e}", path.display())))
}

fn parse(text: &str, settings_file: &Path) -> Result<Draft, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let string = |key: &str| table.get(key).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let mut fields = Vec::new();
    let listed = table.get("fields").and_then(|v| v.as_table()).cloned().unwrap_or_default();
    for (name, value) in listed {
        let field = Field::lookup(&name).map(|(f, _)| f).ok_or(format!("unknown field {name}"))?;
        fields.push((field, value.as_str().unwrap_or_default().to_owned()));
    }
    let now = Fingerprint::of_file(settings_file).unwrap_or(Fingerprint { content: None });
    Ok(Draft { written: string("written"), file_changed: describe(&now) != string("base"), fields })
}

/// Removes the draft (after a save, or when the user discards it).
pub fn remove(settings_file: &Path) {
    let _ = std::fs::remove_file(path(settings_file));
}

/// The content of a fingerprint (length and hash; not its time), as text.
fn describe(fingerprint: &Fingerprint) -> String {
    match fingerprint.content {
        Some((len, _, _, hash)) => format!("{len}:{hash:016x}"),
        None => "absent".into(),
    }
}

fn now() -> String {
    let at = time::OffsetDateTime::from(SystemTime::now());
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn only_changed_fields_round_trip_and_a_changed_file_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ftpconf.toml");
        let saved = Settings::default();
        let mut edited = saved.clone();
        edited.port = 2121;
        edited.masquerade_address = "nas \"x\"".into();
        let base = describe(&Fingerprint::of_file(&file).unwrap());
        write(&path(&file), &text(&saved, &edited, &base)).unwrap();
        let mode = std::fs::metadata(path(&file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let draft = read(&file).unwrap().unwrap();
        assert!(!draft.file_changed);
        let mut names: Vec<Field> = draft.fields.iter().map(|(f, _)| *f).collect();
        names.sort();
        assert_eq!(names, vec![Field::Port, Field::MasqueradeAddress]);
        assert!(draft.fields.contains(&(Field::MasqueradeAddress, "nas \"x\"".into())));
        std::fs::write(&file, "[general]\nport = 22\n").unwrap();
        assert!(read(&file).unwrap().unwrap().file_changed);
        remove(&file);
        assert!(read(&file).is_none());
    }
}
