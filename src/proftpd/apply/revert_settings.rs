//! Unconfirmed means undone, for the settings file too. Once a revert has put the
//! previous configuration back, a settings file still holding the settings nobody
//! confirmed would let the next apply — anyone's, for any reason — quietly serve them
//! again: the lock-out the confirmation was meant to undo. So the settings file goes
//! back to the settings that serve, and the unconfirmed ones are kept aside, never lost.
//! Only while the file still holds exactly what the reverted apply read: an edit made
//! since is the admin's newer word and stays.

use std::path::{Path, PathBuf};

use super::backup::{self, Backup};
use super::candidate::applied_settings_file;
use crate::fsutil;
use crate::paths::Paths;
use crate::settings::store::SettingsFile;

/// Where the settings of the last apply that was not confirmed are kept (0600).
pub fn unconfirmed_settings_file(paths: &Paths) -> PathBuf {
    paths.state_dir().join("unconfirmed.toml")
}

/// What the apply being reverted read from the settings file (its applied copy), for a
/// marker written before digests were kept; read before the previous files go back,
/// which replaces that copy.
pub(crate) fn applied_text(paths: &Paths) -> Option<String> {
    std::fs::read_to_string(applied_settings_file(paths)).ok()
}

/// After `backup` went back: the settings file too, under the writers' lock (so a
/// concurrent `set` is either seen, and kept, or waits). Returns what happened, as a
/// clause for the revert's message ("" when the settings did not change), and whether
/// the settings file was rewritten.
pub(crate) fn put_back(
    paths: &Paths,
    settings_file: &Path,
    backup: &Backup,
    is_unconfirmed: &dyn Fn(&str) -> bool,
) -> (bool, String) {
    match put_back_text(paths, settings_file, backup, is_unconfirmed) {
        Ok(said) => (true, said),
        Err(said) => (false, said),
    }
}

/// Ok: the settings file was rewritten; Err: it was not (both say why, for people).
fn put_back_text(
    paths: &Paths,
    settings_file: &Path,
    backup: &Backup,
    is_unconfirmed: &dyn Fn(&str) -> bool,
) -> Result<String, String> {
    let before = backup.read(backup::UNAPPLIED_SETTINGS).ok().flatten();
    let Some(previous) = before.or_else(|| backup.read(backup::SETTINGS).ok().flatten()) else {
        return Err("; the settings file keeps the unconfirmed settings (there is no copy of \
                    the settings from before)"
            .into());
    };
    let mut file = match SettingsFile::open(settings_file) {
        Ok(file) => file,
        Err(e) => {
            return Err(format!("; the settings file keeps the unconfirmed settings ({e})"));
        }
    };
    let current = file.text().map(str::to_owned);
    let Some(current) = current.filter(|c| is_unconfirmed(c)) else {
        return Err("; the settings file was changed after that apply and is left as it is".into());
    };
    if current == previous {
        return Err(String::new());
    }
    let kept = unconfirmed_settings_file(paths);
    if let Err(e) = fsutil::atomic_write(&kept, current.as_bytes(), 0o600) {
        return Err(format!(
            "; the unconfirmed settings could not be kept aside in {} ({e}), so the settings \
             file is left holding them",
            kept.display()
        ));
    }
    match file.replace_text(&previous) {
        Ok(_) => Ok(format!(
            "; the settings file is back to the settings that serve, and the unconfirmed ones \
             are kept in {0} (`ftpconf import {0}`, then `ftpconf apply --confirm SECONDS`, \
             tries them again)",
            kept.display()
        )),
        Err(e) => Err(format!(
            "; the settings file could not be put back ({e}) and still holds the unconfirmed \
             settings (also kept in {})",
            kept.display()
        )),
    }
}
