//! The proftpd side: configuration syntax, rendering, certificates, and validation that
//! needs the machine (directories, users, certificates) or proftpd's syntax.

pub mod apply;
pub mod certs;
pub mod child;
pub mod directives;
pub mod doctor;
pub mod render;
pub mod service;
pub mod status;
mod system;
mod validate;

pub use render::{Facts, Origin, Rendered, render};
pub use system::{Account, RESOLVE_TIMEOUT, System};
pub use validate::{expand_home, exposed_tree, resolve_path, validate};

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

use crate::paths::Paths;

/// Creates the directories proftpd needs before it can start with a generated
/// configuration (run and log directories: mode 0755, never world-writable, which
/// proftpd refuses), and the data-connection log with mode 0640: proftpd would create
/// it with the umask it runs under (0644 under systemd), and it names clients.
pub fn ensure_runtime_dirs(paths: &Paths) -> std::io::Result<()> {
    for dir in [paths.run_dir(), paths.log_dir(), paths.certificate_dir()] {
        std::fs::DirBuilder::new().recursive(true).mode(0o755).create(dir)?;
    }
    let created = std::fs::OpenOptions::new()
        .append(true)
        .create_new(true)
        .mode(0o640)
        .open(paths.data_log());
    match created {
        // create_new never follows a symlink; an existing file keeps the admin's mode.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
