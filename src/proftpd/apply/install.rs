//! Putting files in place and back, so that the live set is entirely old or new.
//!
//! Each file is renamed over its target (atomic per file), proftpd.conf last. A journal
//! naming the backup is written first and stays until proftpd has been seen serving the
//! result (or the change was undone). If ftpconf dies on the way, the next run reads the
//! journal: a change cut short while renaming or before the reload is undone; one cut
//! short after the reload is kept when proftpd serves it, otherwise undone
//! (`undo::recover`).

use std::path::{Path, PathBuf};

use super::backup::{self, Backup};
use super::candidate::{Staged, applied_settings_file};
use crate::fsutil;
use crate::paths::Paths;

/// The install journal: which backup undoes the change in progress, and how far it got.
pub fn journal_path(paths: &Paths) -> PathBuf {
    paths.state_dir().join("install.journal")
}

/// How far a journalled change got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// New files are being renamed into place: the live set may be mixed.
    Renaming,
    /// A backup is being put back (after a failure): the live set may be mixed, and
    /// proftpd may have died of the new files.
    Restoring,
    /// Every new file is in place; proftpd was not told yet (it runs the old ones).
    Installed,
    /// proftpd was told to re-read them; not yet seen serving them.
    Reloaded,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Renaming => "renaming",
            Phase::Restoring => "restoring",
            Phase::Installed => "installed",
            Phase::Reloaded => "reloaded",
        }
    }
}

/// One journal record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Journal {
    pub backup_id: String,
    /// The settings file was replaced too (rollback).
    pub settings: bool,
    pub phase: Phase,
    /// proftpd should be serving when this is over (it ran, or `--start` was given).
    pub serve: bool,
}

impl Journal {
    /// Records `self` (atomically, 0600).
    pub fn write(&self, paths: &Paths) -> std::io::Result<()> {
        let text = format!(
            "{}\n{}\n{}\n{}\n",
            self.backup_id,
            if self.settings { "settings" } else { "" },
            self.phase.name(),
            if self.serve { "serve" } else { "" }
        );
        fsutil::atomic_write(&journal_path(paths), text.as_bytes(), 0o600)
    }

    /// The journal left by an earlier run, if any (journals from older versions hold
    /// only the first two lines: they were always written while renaming).
    pub fn read(paths: &Paths) -> Option<Journal> {
        let mut file = fsutil::open_nofollow(&journal_path(paths)).ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text).ok()?;
        let mut lines = text.lines();
        let backup_id = lines.next().unwrap_or_default().trim().to_owned();
        let settings = lines.next() == Some("settings");
        let phase = match lines.next() {
            Some("installed") => Phase::Installed,
            Some("reloaded") => Phase::Reloaded,
            Some("restoring") => Phase::Restoring,
            _ => Phase::Renaming,
        };
        let serve = lines.next() == Some("serve");
        Some(Journal { backup_id, settings, phase, serve })
    }

    /// Moves the record on to `phase`.
    pub fn advance(mut self, paths: &Paths, phase: Phase) -> std::io::Result<Journal> {
        self.phase = phase;
        self.write(paths)?;
        Ok(self)
    }
}

/// Removes the journal: the change it recorded is finished (verified or undone).
pub(crate) fn clear_journal(paths: &Paths) -> std::io::Result<()> {
    match std::fs::remove_file(journal_path(paths)) {
        Ok(()) => fsutil::sync_parent(&journal_path(paths)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Renames the staged files into place (login message, applied settings, settings
/// file, then proftpd.conf), flushing files and directories. The journal stays (phase
/// [`Phase::Installed`]) until the caller has seen proftpd serve the new files.
pub(crate) fn install(
    paths: &Paths,
    settings_file: &Path,
    staged: Staged,
    backup: &Backup,
    serve: bool,
) -> std::io::Result<Journal> {
    let touches_settings = staged.settings_file.is_some();
    let record = Journal {
        backup_id: backup.id().to_owned(),
        settings: touches_settings,
        phase: Phase::Renaming,
        serve,
    };
    record.write(paths)?;
    let mut targets = vec![(staged.login_message, paths.login_message())];
    if let Some(file) = staged.applied {
        targets.push((file, applied_settings_file(paths)));
    }
    let settings_text = match staged.settings_file {
        Some(file) => Some(std::fs::read_to_string(file.path())?),
        None => None,
    };
    targets.push((staged.config, paths.proftpd_conf()));
    for (index, (file, target)) in targets.into_iter().enumerate() {
        if index == 1 {
            super::steps::pause_point(
                "install-between-renames",
                &paths.state_dir().join("test-pause"),
            );
        }
        // The settings file (rollback) goes in just before proftpd.conf, which is last.
        if target == paths.proftpd_conf()
            && let Some(text) = &settings_text
        {
            put_settings(settings_file, text)?;
        }
        file.persist(&target).map_err(|e| e.error)?;
        fsutil::sync_parent(&target)?;
    }
    record.advance(paths, Phase::Installed)
}

/// Puts the files of `backup` back (an absent file is removed again). With
/// `settings_file`, the settings file gets the backup's settings too. The journal
/// (phase restoring) stays until the caller has brought proftpd back on them.
pub(crate) fn restore(
    paths: &Paths,
    settings_file: Option<&Path>,
    backup: &Backup,
    serve: bool,
) -> std::io::Result<()> {
    backup.check_trusted().map_err(std::io::Error::other)?;
    // Everything is read before the journal is written or anything is touched.
    let mut settings_text = None;
    let mut targets = vec![
        (backup.read(backup::LOGIN_MESSAGE)?, paths.login_message(), 0o644),
        (backup.read(backup::SETTINGS)?, applied_settings_file(paths), 0o600),
    ];
    if settings_file.is_some() {
        let content = match backup.read(backup::UNAPPLIED_SETTINGS)? {
            Some(text) => Some(text),
            None => backup.read(backup::SETTINGS)?,
        };
        // Without a copy the settings file is left alone: it is the user's, never deleted.
        settings_text = content;
    }
    let config_mode = super::candidate::config_mode(paths);
    targets.push((backup.read(backup::CONFIG)?, paths.proftpd_conf(), config_mode));
    let record = Journal {
        backup_id: backup.id().to_owned(),
        settings: settings_file.is_some(),
        phase: Phase::Restoring,
        serve,
    };
    record.write(paths)?;
    for (content, target, mode) in targets {
        match content {
            Some(text) => fsutil::atomic_write(&target, text.as_bytes(), mode)?,
            None => match std::fs::remove_file(&target) {
                Ok(()) => fsutil::sync_parent(&target)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            },
        }
    }
    match (settings_file, settings_text) {
        (Some(path), Some(text)) => put_settings(path, &text),
        _ => Ok(()),
    }
}

/// Writes the settings file the way every other writer does: under the writers' lock,
/// through a symlink the admin made, mode 0600 (so a concurrent `set` is never lost).
fn put_settings(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = crate::settings::store::SettingsFile::open(path)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    file.replace_text(text).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_round_trip_and_old_ones_read_as_renaming() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        assert_eq!(Journal::read(&paths), None);
        let record = Journal {
            backup_id: "b1".into(),
            settings: true,
            phase: Phase::Installed,
            serve: true,
        };
        record.write(&paths).unwrap();
        assert_eq!(Journal::read(&paths), Some(record.clone()));
        let later = record.advance(&paths, Phase::Reloaded).unwrap();
        assert_eq!(Journal::read(&paths).unwrap().phase, Phase::Reloaded);
        assert!(later.serve);
        // Written by an earlier ftpconf: id and the settings flag only.
        std::fs::write(journal_path(&paths), "b0\n\n").unwrap();
        let old = Journal::read(&paths).unwrap();
        assert_eq!(
            (old.backup_id.as_str(), old.settings, old.phase),
            ("b0", false, Phase::Renaming)
        );
        clear_journal(&paths).unwrap();
        clear_journal(&paths).unwrap();
        assert_eq!(Journal::read(&paths), None);
    }
}
