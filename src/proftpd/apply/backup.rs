//! Backups of the live files, one directory each, the newest [`KEEP`] kept.
//!
//! A backup holds what was live before an apply: proftpd.conf, the login message, the
//! settings that produced them (the "applied settings" copy) and a small manifest.
//! A file that did not exist is recorded as absent, so restoring removes it again.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::candidate::{ConfigFacts, applied_settings_file};
use crate::fsutil;
use crate::paths::Paths;

/// How many backups are kept.
pub const KEEP: usize = 10;

pub const CONFIG: &str = "proftpd.conf";
pub const LOGIN_MESSAGE: &str = "proftpd.motd";
pub const SETTINGS: &str = "settings.toml";
/// The settings file as it was, when it held changes never applied (kept by rollback).
pub const UNAPPLIED_SETTINGS: &str = "unapplied-settings.toml";
const MANIFEST: &str = "manifest.json";

/// What a backup's manifest says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    /// Seconds since the epoch.
    pub created: u64,
    pub reason: String,
    /// The port the backed-up configuration listens on.
    pub port: Option<u16>,
    /// Which of the files existed.
    pub files: Vec<String>,
}

/// One backup on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Backup {
    pub fn id(&self) -> &str {
        &self.manifest.id
    }

    /// The content of one of the files, `None` when it was absent.
    pub fn read(&self, name: &str) -> std::io::Result<Option<String>> {
        if !self.manifest.files.iter().any(|f| f == name) {
            return Ok(None);
        }
        std::fs::read_to_string(self.dir.join(name)).map(Some)
    }

    /// "2026-11-24 11:02:03 UTC".
    pub fn time(&self) -> String {
        format_time(self.manifest.created, " ", ":", " UTC")
    }
}

/// Copies the live files into a new backup, then removes the oldest beyond [`KEEP`].
/// `unapplied` is the settings file's content when it differs from the applied copy.
pub fn create(paths: &Paths, reason: &str, unapplied: Option<&str>) -> std::io::Result<Backup> {
    let root = paths.backup_dir();
    std::fs::create_dir_all(&root)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let base = format!("{}-{:03}", format_time(now.as_secs(), "-", "", ""), now.subsec_millis());
    let id = (0..)
        .map(|n| if n == 0 { base.clone() } else { format!("{base}.{n}") })
        .find(|id| !root.join(id).exists())
        .unwrap_or(base);
    let staging = tempfile::Builder::new().prefix(".new-backup.").tempdir_in(&root)?;
    let mut files = Vec::new();
    let mut port = None;
    let sources = [
        (CONFIG, paths.proftpd_conf()),
        (LOGIN_MESSAGE, paths.login_message()),
        (SETTINGS, applied_settings_file(paths)),
    ];
    for (name, source) in sources {
        match std::fs::read(&source) {
            Ok(bytes) => {
                if name == CONFIG {
                    port = ConfigFacts::read(&String::from_utf8_lossy(&bytes)).port;
                }
                write_synced(&staging.path().join(name), &bytes)?;
                files.push(name.to_owned());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(std::io::Error::new(e.kind(), format!("{}: {e}", source.display())));
            }
        }
    }
    if let Some(text) = unapplied {
        write_synced(&staging.path().join(UNAPPLIED_SETTINGS), text.as_bytes())?;
        files.push(UNAPPLIED_SETTINGS.to_owned());
    }
    let manifest =
        Manifest { id: id.clone(), created: now.as_secs(), reason: reason.to_owned(), port, files };
    let json = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    write_synced(&staging.path().join(MANIFEST), json.as_bytes())?;
    let dir = root.join(&id);
    std::fs::rename(staging.keep(), &dir)?;
    fsutil::sync_parent(&dir)?;
    prune(paths, KEEP)?;
    Ok(Backup { dir, manifest })
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Every backup, newest first. Directories without a readable manifest are skipped.
pub fn list(paths: &Paths) -> Vec<Backup> {
    let Ok(entries) = std::fs::read_dir(paths.backup_dir()) else { return Vec::new() };
    let mut found: Vec<Backup> = entries
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
            let manifest: Manifest = serde_json::from_str(&text).ok()?;
            Some(Backup { dir, manifest })
        })
        .collect();
    found.sort_by(|a, b| b.manifest.id.cmp(&a.manifest.id));
    found
}

/// The backup `id`, or the newest when `id` is `None`.
pub fn find(paths: &Paths, id: Option<&str>) -> Result<Backup, String> {
    let all = list(paths);
    match id {
        None => all
            .into_iter()
            .next()
            .ok_or_else(|| format!("there are no backups in {}", paths.backup_dir().display())),
        Some(id) => all
            .into_iter()
            .find(|b| b.id() == id)
            .ok_or_else(|| format!("no backup {id:?}; `ftpconf backups` lists them")),
    }
}

fn prune(paths: &Paths, keep: usize) -> std::io::Result<()> {
    for old in list(paths).into_iter().skip(keep) {
        std::fs::remove_dir_all(&old.dir)?;
    }
    Ok(())
}

/// Seconds since the epoch as a UTC date and time, with the given separators.
fn format_time(secs: u64, between: &str, colon: &str, suffix: &str) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let sep = if colon.is_empty() { "" } else { "-" };
    format!(
        "{year:04}{sep}{month:02}{sep}{day:02}{between}{:02}{colon}{:02}{colon}{:02}{suffix}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_calendar_dates() {
        assert_eq!(format_time(0, " ", ":", " UTC"), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(1_795_950_123, "-", "", ""), "20261129-110203");
        assert_eq!(format_time(951_782_400, " ", ":", ""), "2000-02-29 00:00:00");
    }

    #[test]
    fn backups_keep_absent_files_absent_and_only_the_newest_ten() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        let first = create(&paths, "first", None).unwrap();
        assert!(first.manifest.files.is_empty());
        assert_eq!(first.read(CONFIG).unwrap(), None);
        fsutil::atomic_write(&paths.proftpd_conf(), b"Port 2121\n", 0o644).unwrap();
        for n in 0..12 {
            create(&paths, &format!("n{n}"), Some("x")).unwrap();
        }
        let all = list(&paths);
        assert_eq!(all.len(), KEEP);
        assert_eq!(all[0].manifest.reason, "n11");
        assert_eq!(all[0].manifest.port, Some(2121));
        assert_eq!(all[0].read(CONFIG).unwrap().as_deref(), Some("Port 2121\n"));
        assert_eq!(all[0].read(UNAPPLIED_SETTINGS).unwrap().as_deref(), Some("x"));
        assert_eq!(find(&paths, None).unwrap().id(), all[0].id());
        assert!(find(&paths, Some("nope")).is_err());
    }
}
