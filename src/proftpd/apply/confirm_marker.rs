//! The durable record of an apply waiting for confirmation (`STATE/confirm.pending`).
//!
//! Written (mode 0600) under the apply lock before the new files are installed, so that
//! whatever happens to the process that applied, the deadline survives it: the watchdog,
//! `ftpconf confirm`/`revert` and the next apply all act on this file, never on memory.
//! The deadline is kept twice: on the wall clock (to show) and on CLOCK_BOOTTIME (to
//! act on), so setting the clock neither shortens nor extends it.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustix::time::{ClockId, clock_gettime};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::paths::Paths;

/// How long a live `apply --confirm` (or editor) gets after its deadline to revert by
/// itself before the watchdog does.
pub(crate) const GRACE: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Marker {
    /// The backup that holds the previous configuration (what a revert puts back).
    pub backup: String,
    /// Seconds since the epoch; for people only.
    pub deadline_unix: u64,
    /// Milliseconds of CLOCK_BOOTTIME (counts suspend, ignores clock changes).
    pub deadline_boot_ms: u64,
    /// The boot the deadline belongs to (`/proc/sys/kernel/random/boot_id`).
    pub boot_id: String,
    pub watchdog_pid: Option<u32>,
    /// The ftpconf that applied (it reverts by itself while it lives).
    pub starter_pid: u32,
    /// Whether proftpd served before the apply (a revert brings it back even if the new
    /// configuration killed it).
    pub was_serving: bool,
    pub settings_file: PathBuf,
    pub verify_timeout_ms: u64,
    /// SHA-256 (hex) of the settings text this apply put into service: a revert puts the
    /// settings file back only while it still holds exactly that. Kept here, not read
    /// from the applied copy, because a revert cut short has already put that copy back.
    #[serde(default)]
    pub settings_sha256: Option<String>,
}

pub(crate) fn path(paths: &Paths) -> PathBuf {
    paths.state_dir().join("confirm.pending")
}

impl Marker {
    pub fn new(
        backup: &str,
        wait: Duration,
        request: &super::Request,
        was_serving: bool,
        applied_settings: Option<&str>,
    ) -> Marker {
        let mut marker = Marker {
            backup: backup.to_owned(),
            deadline_unix: 0,
            deadline_boot_ms: 0,
            boot_id: boot_id(),
            watchdog_pid: None,
            starter_pid: std::process::id(),
            was_serving,
            settings_file: request.settings_file.clone(),
            verify_timeout_ms: request.verify_timeout.as_millis() as u64,
            settings_sha256: applied_settings.map(sha256_hex),
        };
        marker.restart(wait);
        marker
    }

    /// Sets the deadline to `wait` from now.
    pub fn restart(&mut self, wait: Duration) {
        let wall = SystemTime::now() + wait;
        self.deadline_unix = wall.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        self.deadline_boot_ms = (boot_now() + wait).as_millis() as u64;
    }

    pub fn deadline(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.deadline_unix)
    }

    /// "HH:MM:SS UTC" of the deadline.
    pub fn clock(&self) -> String {
        let at = time::OffsetDateTime::from(self.deadline());
        format!("{:02}:{:02}:{:02} UTC", at.hour(), at.minute(), at.second())
    }

    /// The deadline has passed (or belongs to an earlier boot).
    pub fn expired(&self) -> bool {
        self.boot_id != boot_id() || boot_now().as_millis() as u64 >= self.deadline_boot_ms
    }

    /// Due for the watchdog: expired, and the starter (if alive) had its grace period.
    pub fn due(&self) -> bool {
        let grace_over =
            boot_now().as_millis() as u64 >= self.deadline_boot_ms + GRACE.as_millis() as u64;
        self.expired() && (grace_over || !alive(self.starter_pid))
    }

    /// Nobody is left to settle it (or its time is up): the next apply undoes it.
    pub fn abandoned(&self) -> bool {
        self.expired() || (!self.watchdog_pid.is_some_and(is_watchdog) && !alive(self.starter_pid))
    }

    pub fn verify_timeout(&self) -> Duration {
        Duration::from_millis(self.verify_timeout_ms)
    }

    pub fn write(&self, paths: &Paths) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        let file = path(paths);
        fsutil::atomic_write(&file, text.as_bytes(), 0o600).map_err(|e| {
            format!("cannot record the pending confirmation in {}: {e}", file.display())
        })
    }
}

/// The marker, if any. An older ftpconf wrote just the backup id: that one counts as
/// long expired (nobody watches it).
pub(crate) fn read(paths: &Paths) -> Option<Marker> {
    let text = std::fs::read_to_string(path(paths)).ok()?;
    serde_json::from_str(&text).ok().or_else(|| {
        let id = text.trim();
        (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| Marker {
            backup: id.to_owned(),
            deadline_unix: 0,
            deadline_boot_ms: 0,
            boot_id: String::new(),
            watchdog_pid: None,
            starter_pid: 0,
            was_serving: false,
            settings_file: paths.settings_file(),
            verify_timeout_ms: super::VERIFY_TIMEOUT.as_millis() as u64,
            settings_sha256: None,
        })
    })
}

/// SHA-256 of `text`, in hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Removes the marker (and makes the removal durable).
pub(crate) fn remove(paths: &Paths) {
    let file = path(paths);
    if std::fs::remove_file(&file).is_ok() {
        let _ = fsutil::sync_parent(&file);
    }
}

/// CLOCK_BOOTTIME: time since boot, suspend included, untouched by `date -s`.
pub(crate) fn boot_now() -> Duration {
    let t = clock_gettime(ClockId::Boottime);
    Duration::new(t.tv_sec.max(0) as u64, t.tv_nsec.clamp(0, 999_999_999) as u32)
}

fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Whether `pid` is a live process (a zombie is not).
pub(crate) fn alive(pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// Whether `pid` is a live ftpconf watchdog (not a recycled pid).
pub(crate) fn is_watchdog(pid: u32) -> bool {
    alive(pid)
        && std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
            c.split(|&b| b == 0).any(|arg| arg == super::watchdog::SUBCOMMAND.as_bytes())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_round_trips_and_an_old_bare_id_counts_as_expired() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        let request = super::super::Request::new(paths.clone(), paths.settings_file());
        let marker =
            Marker::new("20260101-000000-1", Duration::from_secs(60), &request, true, Some("x"));
        marker.write(&paths).unwrap();
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(path(&paths)).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        let back = read(&paths).unwrap();
        assert_eq!(back, marker);
        assert!(!back.expired() && !back.due() && !back.abandoned(), "{back:?}");
        std::fs::write(path(&paths), "20260101-000000-1\n").unwrap();
        let old = read(&paths).unwrap();
        assert_eq!(old.backup, "20260101-000000-1");
        assert!(old.expired() && old.abandoned());
        remove(&paths);
        assert!(read(&paths).is_none());
    }

    #[test]
    fn the_boot_clock_moves_and_liveness_sees_this_process() {
        let a = boot_now();
        std::thread::sleep(Duration::from_millis(5));
        assert!(boot_now() > a);
        assert!(alive(std::process::id()));
        assert!(!is_watchdog(std::process::id()));
        assert!(!alive(0));
    }
}
