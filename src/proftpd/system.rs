//! What validation needs to know about the machine proftpd runs on: directories, users,
//! groups, certificate files and name resolution. Always the real thing. While the user is typing, the editor
//! uses [`System::quick`]: no DNS (a keystroke must not wait on it), and the group
//! database and certificates read once and remembered (no file reads per keystroke).

use std::collections::HashMap;
use std::net::ToSocketAddrs;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use super::certs::{self, CertProblem};
use crate::paths::Paths;

/// How long a masquerade host name may take to resolve.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct System {
    pub paths: Paths,
    /// Resolve the masquerade host name (slow); off while typing.
    pub resolve_names: bool,
    /// Where group names are looked up (the real `/etc/group`; tests may point elsewhere).
    pub group_file: std::path::PathBuf,
    /// Where user names are looked up (the real `/etc/passwd`, which proftpd reads too,
    /// whatever `--root` says).
    pub passwd_file: std::path::PathBuf,
    /// Answers remembered by a [`System::quick`]; `None` looks everything up each time.
    memo: Option<Arc<Memo>>,
}

/// Group and certificate answers, kept for the life of one quick `System`.
#[derive(Debug, Default)]
struct Memo {
    groups: Mutex<HashMap<String, bool>>,
    certificates: Mutex<HashMap<String, Vec<CertProblem>>>,
    writable: Mutex<HashMap<String, Option<String>>>,
}

/// A line of the user database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub uid: u32,
    pub gid: u32,
    pub home: String,
}

impl System {
    pub fn new(paths: Paths) -> Self {
        Self {
            paths,
            resolve_names: true,
            group_file: "/etc/group".into(),
            passwd_file: "/etc/passwd".into(),
            memo: None,
        }
    }

    /// The same checks without network look-ups.
    pub fn offline(&self) -> Self {
        Self { resolve_names: false, ..self.clone() }
    }

    /// For checks on every keystroke: offline, and each group and certificate is read
    /// once and then remembered. Make a new one to see later changes on disk.
    pub fn quick(&self) -> Self {
        Self { memo: Some(Arc::default()), ..self.offline() }
    }

    /// Problems of certificate `name` in the certificate directory.
    pub fn certificate_problems(&self, name: &str) -> Vec<CertProblem> {
        let look = || certs::check(&self.paths, name);
        match &self.memo {
            Some(memo) => remember(&memo.certificates, name, look),
            None => look(),
        }
    }

    pub fn is_directory(&self, path: &str) -> bool {
        Path::new(path).is_dir()
    }

    /// Whether `name` is a group in the group database.
    pub fn group_exists(&self, name: &str) -> bool {
        let look = || {
            std::fs::read_to_string(&self.group_file)
                .map(|groups| groups.lines().any(|line| line.split(':').next() == Some(name)))
                .unwrap_or(false)
        };
        match &self.memo {
            Some(memo) => remember(&memo.groups, name, look),
            None => look(),
        }
    }

    /// The account `name` from the user database.
    pub fn account(&self, name: &str) -> Option<Account> {
        let text = std::fs::read_to_string(&self.passwd_file).ok()?;
        text.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 6 && fields[0] == name).then(|| Account {
                uid: fields[2].parse().unwrap_or(u32::MAX),
                gid: fields[3].parse().unwrap_or(u32::MAX),
                home: fields[5].to_owned(),
            })
        })
    }

    /// The ids of group `name` and of every group that lists user `name` as a member.
    pub fn group_ids_of(&self, name: &str) -> Vec<u32> {
        let text = std::fs::read_to_string(&self.group_file).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                let member = fields.get(3).is_some_and(|m| m.split(',').any(|u| u == name));
                (fields.len() >= 3 && (fields[0] == name || member))
                    .then(|| fields[2].parse().ok())
                    .flatten()
            })
            .collect()
    }

    /// `look`'s answer about the anonymous directory `root`, remembered by a quick `System`
    /// (walking a directory tree on every keystroke would be too slow).
    pub(super) fn remember_walk(
        &self,
        root: &str,
        look: impl FnOnce() -> Option<String>,
    ) -> Option<String> {
        match &self.memo {
            Some(memo) => remember(&memo.writable, root, look),
            None => look(),
        }
    }

    /// Resolves a host name within [`RESOLVE_TIMEOUT`]; `Ok` when it has an address.
    pub fn resolve(&self, host: &str) -> Result<(), String> {
        let (tx, rx) = mpsc::channel();
        let name = host.to_owned();
        // The resolver cannot be cancelled; a slow lookup finishes on its own thread.
        thread::spawn(move || {
            let found = (name.as_str(), 0).to_socket_addrs().map(|mut a| a.next().is_some());
            let _ = tx.send(found);
        });
        match rx.recv_timeout(RESOLVE_TIMEOUT) {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) | Ok(Err(_)) => Err(format!("{host:?} does not resolve to an address")),
            Err(_) => {
                Err(format!("{host:?} did not resolve within {} s", RESOLVE_TIMEOUT.as_secs()))
            }
        }
    }
}

/// The remembered answer for `key`, looked up with `look` the first time.
fn remember<V: Clone>(map: &Mutex<HashMap<String, V>>, key: &str, look: impl FnOnce() -> V) -> V {
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    map.entry(key.to_owned()).or_insert_with(look).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_system_reads_each_fact_once() {
        let dir = tempfile::tempdir().unwrap();
        let groups = dir.path().join("group");
        std::fs::write(&groups, "root:x:0:\n").unwrap();
        let mut system = System::new(Paths::new(dir.path()));
        system.group_file = groups.clone();
        let quick = system.quick();
        assert!(!quick.group_exists("ftp"));
        assert!(
            quick
                .certificate_problems("nas")
                .iter()
                .any(|p| p.severity == crate::settings::Severity::Error)
        );
        std::fs::write(&groups, "root:x:0:\nftp:x:14:\n").unwrap();
        assert!(!quick.group_exists("ftp"), "remembered");
        assert!(system.group_exists("ftp"), "a plain System reads afresh");
        assert!(system.quick().group_exists("ftp"), "a new quick System sees the change");
        assert!(!quick.resolve_names);
    }
}
