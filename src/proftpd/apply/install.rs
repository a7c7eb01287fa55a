//! Putting files in place and back, so that the live set is entirely old or new.
//!
//! Each file is renamed over its target (atomic per file), proftpd.conf last. A journal
//! naming the backup is written first and removed when every rename is on disk; if
//! ftpconf dies in between, the next apply finds the journal and puts the backup back
//! (after an interrupted install proftpd was not reloaded yet, so it still runs the old
//! files; after an interrupted restore, the apply that follows reloads it anyway).

use std::path::{Path, PathBuf};

use super::backup::{self, Backup};
use super::candidate::{Staged, applied_settings_file};
use crate::fsutil;
use crate::paths::Paths;

fn journal(paths: &Paths) -> PathBuf {
    paths.state_dir().join("install.journal")
}

/// Renames the staged files into place (login message, applied settings, settings
/// file, then proftpd.conf), flushing files and directories.
pub(crate) fn install(
    paths: &Paths,
    settings_file: &Path,
    staged: Staged,
    backup: &Backup,
) -> std::io::Result<()> {
    let touches_settings = staged.settings_file.is_some();
    let record = format!("{}\n{}\n", backup.id(), if touches_settings { "settings" } else { "" });
    fsutil::atomic_write(&journal(paths), record.as_bytes(), 0o600)?;
    let mut targets = vec![(staged.login_message, paths.login_message())];
    if let Some(file) = staged.applied {
        targets.push((file, applied_settings_file(paths)));
    }
    if let Some(file) = staged.settings_file {
        targets.push((file, settings_file.to_path_buf()));
    }
    targets.push((staged.config, paths.proftpd_conf()));
    for (index, (file, target)) in targets.into_iter().enumerate() {
        if index == 1 {
            super::steps::pause_point(
                "install-between-renames",
                &paths.state_dir().join("test-pause"),
            );
        }
        file.persist(&target).map_err(|e| e.error)?;
        fsutil::sync_parent(&target)?;
    }
    std::fs::remove_file(journal(paths))?;
    fsutil::sync_parent(&journal(paths))
}

/// Puts the files of `backup` back (an absent file is removed again). With
/// `settings_file`, the settings file gets the backup's settings too.
pub(crate) fn restore(
    paths: &Paths,
    settings_file: Option<&Path>,
    backup: &Backup,
) -> std::io::Result<()> {
    // Journalled like an install: a restore cut short is finished by the next apply.
    let record =
        format!("{}\n{}\n", backup.id(), if settings_file.is_some() { "settings" } else { "" });
    fsutil::atomic_write(&journal(paths), record.as_bytes(), 0o600)?;
    let mut targets = vec![
        (backup.read(backup::LOGIN_MESSAGE)?, paths.login_message(), 0o644),
        (backup.read(backup::SETTINGS)?, applied_settings_file(paths), 0o600),
    ];
    if let Some(path) = settings_file {
        let content = match backup.read(backup::UNAPPLIED_SETTINGS)? {
            Some(text) => Some(text),
            None => backup.read(backup::SETTINGS)?,
        };
        // Without a copy the settings file is left alone: it is the user's, never deleted.
        if content.is_some() {
            targets.push((content, path.to_path_buf(), 0o600));
        }
    }
    targets.push((backup.read(backup::CONFIG)?, paths.proftpd_conf(), 0o644));
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
    std::fs::remove_file(journal(paths))?;
    fsutil::sync_parent(&journal(paths))
}

/// An install or restore that was cut short (ftpconf killed between renames): the
/// backup to put back and whether the settings file was part of it. Call with the apply
/// lock held.
pub(crate) fn interrupted(paths: &Paths) -> Result<Option<(Backup, bool)>, String> {
    let Ok(record) = std::fs::read_to_string(journal(paths)) else { return Ok(None) };
    let mut lines = record.lines();
    let id = lines.next().unwrap_or_default().trim().to_owned();
    let touched_settings = lines.next() == Some("settings");
    let backup = backup::find(paths, Some(&id))
        .map_err(|e| format!("an interrupted apply left {}: {e}", journal(paths).display()))?;
    Ok(Some((backup, touched_settings)))
}
