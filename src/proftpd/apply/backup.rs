//! Backups of the live files, one directory each, the newest [`KEEP`] kept.
//!
//! A backup holds what was live before an apply: proftpd.conf, the login message, the
//! settings that produced them (the "applied settings" copy) and a small manifest.
//! A file that did not exist is recorded as absent, so restoring removes it again.
//!
//! Backups are ordered by a creation sequence number (a counter in the state directory),
//! never by the clock: a clock set back or forward cannot make a new backup look old.
//! Everything is written 0600 in 0700 directories, whatever the umask, and a backup
//! that another user could have written is never put back.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
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
    /// Creation order: larger is newer. Absent in backups made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
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

    /// The content of one of the files, `None` when it was absent. Links are not
    /// followed, and a file another user could have written is refused.
    pub fn read(&self, name: &str) -> std::io::Result<Option<String>> {
        if !self.manifest.files.iter().any(|f| f == name) {
            return Ok(None);
        }
        let path = self.dir.join(name);
        let file = fsutil::open_nofollow(&path)?;
        trusted(&path, &file.metadata()?).map_err(std::io::Error::other)?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut { file }, &mut text)?;
        Ok(Some(text))
    }

    /// Whether ftpconf wrote this backup: the directory and manifest belong to the user
    /// running ftpconf and no one else can write them. Err says why not.
    pub fn check_trusted(&self) -> Result<(), String> {
        for path in [self.dir.clone(), self.dir.join(MANIFEST)] {
            let meta = std::fs::symlink_metadata(&path)
                .map_err(|e| format!("backup {}: {}: {e}", self.id(), path.display()))?;
            trusted(&path, &meta).map_err(|why| format!("backup {}: {why}", self.id()))?;
        }
        Ok(())
    }

    /// "2026-11-24 11:02:03 UTC".
    pub fn time(&self) -> String {
        format_time(self.manifest.created, " ", ":", " UTC")
    }
}

/// Not a link, owned by the user running ftpconf, writable by no one else.
fn trusted(path: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    let me = rustix::process::geteuid().as_raw();
    if meta.file_type().is_symlink() {
        return Err(format!("{} is a symbolic link, which ftpconf never writes", path.display()));
    }
    if meta.uid() != me {
        return Err(format!(
            "{} belongs to uid {}, not to uid {me}: ftpconf did not write it",
            path.display(),
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "{} is writable by others (mode {:o}): it may have been changed",
            path.display(),
            meta.mode() & 0o7777
        ));
    }
    Ok(())
}

/// The creation counter's file in the state directory.
fn sequence_file(paths: &Paths) -> PathBuf {
    paths.state_dir().join("backup.seq")
}

/// The next creation number: one past both the counter and every backup on disk (so a
/// lost counter file never reuses a number). Call with the apply lock held.
fn next_sequence(paths: &Paths) -> std::io::Result<u64> {
    let stored = std::fs::read_to_string(sequence_file(paths))
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let on_disk = list(paths).iter().filter_map(|b| b.manifest.seq).max().unwrap_or(0);
    let next = stored.max(on_disk) + 1;
    fsutil::atomic_write(&sequence_file(paths), format!("{next}\n").as_bytes(), 0o600)?;
    Ok(next)
}

/// A new backup and, when removing old ones failed, a note saying so (never an error:
/// the apply goes on; the failure only means more backups are kept).
pub struct Made {
    pub backup: Backup,
    pub prune_note: Option<String>,
}

/// Copies the live files into a new backup, then removes the oldest beyond [`KEEP`]
/// (never the new one). `unapplied` is the settings file's content when it differs from
/// the applied copy. Live files are read without following links: a linked
/// proftpd.conf is refused rather than its target copied.
pub fn create(paths: &Paths, reason: &str, unapplied: Option<&str>) -> std::io::Result<Made> {
    let root = paths.backup_dir();
    fsutil::ensure_dir(&paths.state_dir(), 0o700)?;
    fsutil::ensure_dir(&root, 0o700)?;
    let seq = next_sequence(paths)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let base = format!("{}-{:03}", format_time(now.as_secs(), "-", "", ""), now.subsec_millis());
    let id = (0..)
        .map(|n| if n == 0 { base.clone() } else { format!("{base}.{n}") })
        .find(|id| !root.join(id).exists())
        .unwrap_or(base);
    let staging = tempfile::Builder::new().prefix(".new-backup.").tempdir_in(&root)?;
    std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o700))?;
    let mut files = Vec::new();
    let mut port = None;
    let sources = [
        (CONFIG, paths.proftpd_conf()),
        (LOGIN_MESSAGE, paths.login_message()),
        (SETTINGS, applied_settings_file(paths)),
    ];
    for (name, source) in sources {
        match read_live(&source) {
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
    let manifest = Manifest {
        id: id.clone(),
        seq: Some(seq),
        created: now.as_secs(),
        reason: reason.to_owned(),
        port,
        files,
    };
    let json = serde_json::to_string_pretty(&manifest).map_err(std::io::Error::other)?;
    write_synced(&staging.path().join(MANIFEST), json.as_bytes())?;
    let dir = root.join(&id);
    std::fs::rename(staging.keep(), &dir)?;
    fsutil::sync_parent(&dir)?;
    let backup = Backup { dir, manifest };
    let prune_note = prune(paths, KEEP, backup.id()).err().map(|e| {
        format!(
            "old backups could not be removed ({e}); more than {KEEP} are kept in {}",
            root.display()
        )
    });
    Ok(Made { backup, prune_note })
}

/// A live file's bytes; a symbolic link is refused, never followed.
fn read_live(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = fsutil::open_nofollow(path).map_err(|e| {
        if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            std::io::Error::other(format!(
                "{} is a symbolic link; ftpconf backs up and replaces only regular files \
                 (replace the link with a copy of its target)",
                path.display()
            ))
        } else {
            e
        }
    })?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

/// Writes a new private (0600) file, whatever the umask.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Every backup, newest first (by creation number; backups from before numbering come
/// after, by ID). Directories without a readable manifest are skipped.
pub fn list(paths: &Paths) -> Vec<Backup> {
    let Ok(entries) = std::fs::read_dir(paths.backup_dir()) else { return Vec::new() };
    let mut found: Vec<Backup> = entries
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let mut text = String::new();
            let mut file = fsutil::open_nofollow(&dir.join(MANIFEST)).ok()?;
            std::io::Read::read_to_string(&mut file, &mut text).ok()?;
            let manifest: Manifest = serde_json::from_str(&text).ok()?;
            Some(Backup { dir, manifest })
        })
        .collect();
    found.sort_by(|a, b| (b.manifest.seq, &b.manifest.id).cmp(&(a.manifest.seq, &a.manifest.id)));
    found
}

/// The backup `id`, or the newest trusted one when `id` is `None`. A backup another
/// user could have written is refused, naming why.
pub fn find(paths: &Paths, id: Option<&str>) -> Result<Backup, String> {
    let all = list(paths);
    match id {
        None => {
            let mut refused = Vec::new();
            for backup in all {
                match backup.check_trusted() {
                    Ok(()) => return Ok(backup),
                    Err(why) => refused.push(why),
                }
            }
            let none = format!("there are no backups in {}", paths.backup_dir().display());
            Err(if refused.is_empty() {
                none
            } else {
                format!("{none} that ftpconf wrote ({})", refused.join("; "))
            })
        }
        Some(id) => {
            let backup = all
                .into_iter()
                .find(|b| b.id() == id)
                .ok_or_else(|| format!("no backup {id:?}; `ftpconf backups` lists them"))?;
            backup.check_trusted().map(|()| backup)
        }
    }
}

/// Removes the oldest of ftpconf's own backups beyond `keep`, never `just_made`.
fn prune(paths: &Paths, keep: usize, just_made: &str) -> std::io::Result<()> {
    let ours: Vec<Backup> = list(paths).into_iter().filter(|b| b.check_trusted().is_ok()).collect();
    for old in ours.into_iter().skip(keep).filter(|b| b.id() != just_made) {
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
        let first = create(&paths, "first", None).unwrap().backup;
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
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&paths.backup_dir()), 0o700);
        assert_eq!(mode(&all[0].dir), 0o700);
        assert_eq!(mode(&all[0].dir.join(CONFIG)), 0o600);
        assert_eq!(mode(&all[0].dir.join(MANIFEST)), 0o600);
    }

    #[test]
    fn order_follows_creation_not_the_clock() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        let real = create(&paths, "real", None).unwrap().backup;
        // Ten backups "from the future" (a clock that was ahead), numbered before ours.
        for n in 0..KEEP {
            let id = format!("20991231-00000{n}-000");
            let copy = paths.backup_dir().join(&id);
            std::fs::create_dir(&copy).unwrap();
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o700)).unwrap();
            let manifest = Manifest { id: id.clone(), seq: Some(0), ..real.manifest.clone() };
            write_synced(
                &copy.join(MANIFEST),
                serde_json::to_string(&manifest).unwrap().as_bytes(),
            )
            .unwrap();
        }
        let newest = create(&paths, "after", None).unwrap().backup;
        let all = list(&paths);
        assert_eq!(all[0].id(), newest.id());
        assert!(all.iter().any(|b| b.id() == real.id()), "pruned by its date");
    }
}
