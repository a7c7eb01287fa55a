//! What validation needs to know about the machine: directories, groups, certificate
//! files and name resolution. Always the real thing; the TUI turns name resolution off
//! while the user is typing, because every keystroke would otherwise wait on DNS.

use std::net::ToSocketAddrs;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

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
}

impl System {
    pub fn new(paths: Paths) -> Self {
        Self { paths, resolve_names: true, group_file: "/etc/group".into() }
    }

    /// The same checks without network look-ups.
    pub fn offline(&self) -> Self {
        Self { resolve_names: false, ..self.clone() }
    }

    pub fn is_directory(&self, path: &str) -> bool {
        Path::new(path).is_dir()
    }

    /// Whether `name` is a group in the group database.
    pub fn group_exists(&self, name: &str) -> bool {
        std::fs::read_to_string(&self.group_file)
            .map(|groups| groups.lines().any(|line| line.split(':').next() == Some(name)))
            .unwrap_or(false)
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
