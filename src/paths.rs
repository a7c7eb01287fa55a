//! Every file ftpconf writes or points proftpd at, in one place.
//!
//! All of them hang off one root (`/` on a real NAS). `--root DIR` moves the whole set
//! together, so a sandbox never touches `/etc`. User data referenced by the settings
//! (the anonymous path) is not moved: it is taken as the admin typed it.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The file locations derived from one root directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    root: PathBuf,
    /// The address a sandbox listens on (`--listen`), 127.0.0.1 when unset.
    listen: Option<IpAddr>,
    /// The settings file when given elsewhere (`--config`).
    settings: Option<PathBuf>,
}

impl Default for Paths {
    fn default() -> Self {
        Self::new("/")
    }
}

impl Paths {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into(), listen: None, settings: None }
    }

    /// The same files, with the settings file at `file` when given (`--config`), so that
    /// everything naming it (the rendered header, the confirmation marker, validation of
    /// ftpconf's own directories) names the one in use.
    pub fn with_settings_file(mut self, file: Option<PathBuf>) -> Self {
        self.settings = file;
        self
    }

    /// The same files, for a sandbox that listens on `addr` (a test host in a network
    /// namespace) instead of 127.0.0.1. Only sandboxes use it: on `/` proftpd listens on
    /// every address anyway.
    pub fn listening_on(mut self, addr: Option<IpAddr>) -> Self {
        self.listen = addr;
        self
    }

    /// The sandbox's listen address, when one was given.
    pub fn listen_address(&self) -> Option<IpAddr> {
        self.listen
    }

    /// The root everything else is under (`/` unless `--root` was given).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the root is this machine's real `/`, decided on the resolved path (so
    /// `/tmp/..` or a link to `/` is the real system, never a sandbox).
    pub fn is_real_system(&self) -> bool {
        resolve(&self.root).is_ok_and(|p| p == Path::new("/"))
    }

    fn under(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// ftpconf's own settings file (TOML).
    pub fn settings_file(&self) -> PathBuf {
        self.settings.clone().unwrap_or_else(|| self.under("etc/ftpconf/ftpconf.toml"))
    }

    /// The proftpd configuration that ftpconf generates.
    pub fn proftpd_conf(&self) -> PathBuf {
        self.under("etc/proftpd/proftpd.conf")
    }

    /// The message shown to local users after login (Display Login).
    pub fn login_message(&self) -> PathBuf {
        self.under("etc/proftpd/proftpd.motd")
    }

    /// Directory of `NAME.crt` + `NAME.key` pairs (TrueNAS's location).
    pub fn certificate_dir(&self) -> PathBuf {
        self.under("etc/certificates")
    }

    pub fn certificate_file(&self, name: &str) -> PathBuf {
        self.certificate_dir().join(format!("{name}.crt"))
    }

    pub fn certificate_key(&self, name: &str) -> PathBuf {
        self.certificate_dir().join(format!("{name}.key"))
    }

    /// proftpd's runtime directory (delay table, controls socket).
    pub fn run_dir(&self) -> PathBuf {
        self.under("run/proftpd")
    }

    /// Where Debian's proftpd (and its systemd unit's `PIDFile=`) expects the pid.
    pub fn pid_file(&self) -> PathBuf {
        self.under("run/proftpd.pid")
    }

    /// proftpd's compiled-in default location.
    pub fn scoreboard_file(&self) -> PathBuf {
        self.under("run/proftpd.scoreboard")
    }

    /// mod_ctrls' socket; proftpd re-creates it on every reload.
    pub fn controls_socket(&self) -> PathBuf {
        self.run_dir().join("proftpd.sock")
    }

    pub fn delay_table(&self) -> PathBuf {
        self.run_dir().join("proftpd.delay")
    }

    /// proftpd's log directory (system log, transfer log, TLS log, data-connection log).
    pub fn log_dir(&self) -> PathBuf {
        self.under("var/log/proftpd")
    }

    pub fn system_log(&self) -> PathBuf {
        self.log_dir().join("proftpd.log")
    }

    pub fn transfer_log(&self) -> PathBuf {
        self.log_dir().join("xferlog")
    }

    pub fn tls_log(&self) -> PathBuf {
        self.log_dir().join("tls.log")
    }

    /// The data-connection log ftpconf has proftpd write (doctor::passive_log).
    pub fn data_log(&self) -> PathBuf {
        self.log_dir().join("data.log")
    }

    /// ftpconf's state: the apply lock and backups of earlier configurations.
    pub fn state_dir(&self) -> PathBuf {
        self.under("var/lib/ftpconf")
    }

    pub fn backup_dir(&self) -> PathBuf {
        self.state_dir().join("backups")
    }

    pub fn lock_file(&self) -> PathBuf {
        self.state_dir().join("apply.lock")
    }
}

/// `path` made absolute with `.`/`..` and links resolved in the part that exists; the
/// rest (a file or directories not created yet) is appended as given.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(found) => {
                let mut out = found;
                for part in rest.iter().rev() {
                    out.push(part);
                }
                return Ok(out);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                    return Err(e);
                };
                rest.push(name.to_owned());
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    }
}

/// A character that may not appear in a path or name written into proftpd.conf: any
/// control character and the Unicode line and paragraph separators.
pub fn breaks_lines(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_moves_with_the_root() {
        let p = Paths::new("/tmp/sandbox");
        for path in [
            p.settings_file(),
            p.proftpd_conf(),
            p.login_message(),
            p.certificate_dir(),
            p.pid_file(),
            p.scoreboard_file(),
            p.delay_table(),
            p.controls_socket(),
            p.system_log(),
            p.transfer_log(),
            p.tls_log(),
            p.backup_dir(),
            p.lock_file(),
        ] {
            assert!(path.starts_with("/tmp/sandbox"), "{path:?}");
        }
        assert_eq!(Paths::default().proftpd_conf(), Path::new("/etc/proftpd/proftpd.conf"));
        assert_eq!(Paths::default().pid_file(), Path::new("/run/proftpd.pid"));
    }

    #[test]
    fn the_root_is_decided_on_the_resolved_path() {
        assert!(Paths::new("/").is_real_system());
        assert!(Paths::new("/tmp/..").is_real_system());
        assert!(!Paths::new("/tmp").is_real_system());
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("to-root");
        std::os::unix::fs::symlink("/", &link).unwrap();
        assert!(Paths::new(&link).is_real_system());
        let later = resolve(&link.join("etc/not-yet/x.toml")).unwrap();
        assert_eq!(later, Path::new("/etc/not-yet/x.toml"));
    }
}
