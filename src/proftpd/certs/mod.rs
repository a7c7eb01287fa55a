//! Certificates: `NAME.crt` + `NAME.key` pairs in the certificate directory
//! (`/etc/certificates`, as on TrueNAS). The `.crt` holds the certificate, then any chain.
//!
//! - [`inspect`] reads one into plain facts ([`CertInfo`]), [`check`] turns them into
//!   problems (the rules in [`health`]), [`list`] summarises the whole store;
//! - [`create`] makes a self-signed leaf, [`import`] stores a checked pair, [`delete`]
//!   removes one the settings do not use.

mod create;
pub mod health;
mod in_use;
mod inspect;
pub mod key;
mod manage;
mod swap;

use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use time::OffsetDateTime;

pub use create::{DEFAULT_DAYS, Generated, KeyChoice, NewCert, default_identity, generate};
pub use health::{CertProblem, date, timestamp};
pub use in_use::users;
pub use inspect::{CertInfo, Content, Details, Digest, KeyAlgorithm, KeyStatus, KeyType};
pub use manage::{create, delete, import, store};
pub use swap::{recover, recover_all};

use crate::paths::Paths;
use crate::settings::Severity;
use crate::settings::input::{self, InputError};

/// What the renderer needs to know about the chosen certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
    pub key_type: KeyType,
    /// The `.crt` file holds intermediate certificates after the leaf.
    pub has_chain: bool,
}

/// Certificate names become file names; the rule itself lives with the settings.
pub use crate::settings::{
    certificate_name_rule as name_rule, is_certificate_name as is_valid_name,
};

/// Reads certificate `name` and its key from the store (first finishing a swap that a
/// crash interrupted, so the pair read is never a mix of old and new).
pub fn inspect(paths: &Paths, name: &str) -> CertInfo {
    let _ = swap::recover(paths, name);
    let cert_file = paths.certificate_file(name);
    let key_file = paths.certificate_key(name);
    let (cert, key) = (read_file(&cert_file), read_file(&key_file));
    CertInfo {
        key_mode: key_mode(&key_file),
        ..inspect::inspect_bytes(name, cert_file, key_file, cert, key)
    }
}

/// `None` when the file does not exist. Only a regular file of at most 1 MiB is read
/// (a FIFO or a device is refused at once, never read without bound).
pub(crate) fn read_file(path: &std::path::Path) -> Option<Result<Vec<u8>, String>> {
    match input::read_bounded(path, input::MAX_PEM) {
        Ok(bytes) => Some(Ok(bytes)),
        Err(InputError::NotFound) => None,
        Err(e) => Some(Err(e.to_string())),
    }
}

/// Whether the private key in `key_file` belongs to the certificate in `cert_file`
/// (any pair of files, such as the ones a rendered configuration names) and is private.
pub fn key_status(cert_file: &std::path::Path, key_file: &std::path::Path) -> KeyStatus {
    let name = cert_file.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (cert, key) = (read_file(cert_file), read_file(key_file));
    match inspect::inspect_bytes(&name, cert_file.into(), key_file.into(), cert, key).key {
        KeyStatus::Matches => match key_mode(key_file).filter(|m| is_exposed(*m)) {
            Some(mode) => KeyStatus::Exposed { mode },
            None => KeyStatus::Matches,
        },
        other => other,
    }
}

fn key_mode(key_file: &std::path::Path) -> Option<u32> {
    std::fs::metadata(key_file).ok().map(|m| m.permissions().mode() & 0o7777)
}

/// Whether a key file with permission bits `mode` can be read by group or others.
pub fn is_exposed(mode: u32) -> bool {
    mode & 0o077 != 0
}

/// Why a key file with `mode` is refused, with the command that fixes it.
pub fn exposed_key_message(key_file: &std::path::Path, mode: u32) -> String {
    let shown = crate::visible::line(&key_file.to_string_lossy()).into_owned();
    format!(
        "the private key {shown} has mode {mode:04o}, so other users on this machine can read it and impersonate the server; run: chmod 600 {shown}"
    )
}

/// Reads the certificate `name` enough to render it.
pub fn load(paths: &Paths, name: &str) -> Result<CertFiles, String> {
    let info = inspect(paths, name);
    let first_error =
        || check_info(&info).into_iter().find(|p| p.severity == Severity::Error).map(|p| p.message);
    let details = info.details().ok_or_else(|| first_error().unwrap_or_default())?;
    let key_type = details.key.key_type().ok_or_else(|| first_error().unwrap_or_default())?;
    Ok(CertFiles {
        certificate: info.cert_file.clone(),
        key: info.key_file.clone(),
        key_type,
        has_chain: !details.chain.is_empty(),
    })
}

/// Problems that make `name` unusable for FTPS (errors) or worth a look (warnings).
pub fn check(paths: &Paths, name: &str) -> Vec<CertProblem> {
    check_info(&inspect(paths, name))
}

/// The problems of an inspected certificate, now.
pub fn check_info(info: &CertInfo) -> Vec<CertProblem> {
    health::problems(info, OffsetDateTime::now_utc())
}

/// One line of the certificate list (the `cert list` table, the editor's dropdown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    pub name: String,
    /// Subject common name, "" when none (or not a certificate).
    pub common_name: String,
    /// Expiry date, YYYY-MM-DD (UTC); `None` when the file holds no certificate.
    pub expires: Option<String>,
    /// Whole days until expiry; negative once expired.
    pub days_left: Option<i64>,
    /// "RSA 2048", "EC P-256", or "" without a certificate.
    pub key: String,
    /// Every problem, errors first.
    pub problems: Vec<CertProblem>,
}

impl CertSummary {
    /// Whether TLS can use it: no errors.
    pub fn usable(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// "ok", or the problems' summaries: "error: expired, key mismatch",
    /// "warning: expires in 12 days".
    pub fn health(&self) -> String {
        let Some(first) = self.problems.first() else { return "ok".into() };
        let worst = first.severity;
        let words: Vec<&str> = self
            .problems
            .iter()
            .filter(|p| p.severity == worst)
            .map(|p| p.summary.as_str())
            .collect();
        let tag = if worst == Severity::Error { "error" } else { "warning" };
        format!("{tag}: {}", words.join(", "))
    }

    fn of(info: &CertInfo, now: OffsetDateTime) -> CertSummary {
        let mut problems = health::problems(info, now);
        problems.sort_by_key(|p| p.severity);
        let d = info.details();
        CertSummary {
            name: info.name.clone(),
            common_name: d.and_then(|d| d.common_name.clone()).unwrap_or_default(),
            expires: d.map(|d| date(d.not_after)),
            days_left: d.map(|d| (d.not_after - now).whole_days()),
            key: d.map(|d| d.key.to_string()).unwrap_or_default(),
            problems,
        }
    }
}

/// Every certificate in the store, by name. A missing directory is an empty store.
pub fn list(paths: &Paths) -> Result<Vec<CertSummary>, String> {
    let now = OffsetDateTime::now_utc();
    Ok(names(paths)?.iter().map(|name| CertSummary::of(&inspect(paths, name), now)).collect())
}

/// Names in the store: every valid NAME with a `NAME.crt` or a `NAME.key`, sorted.
pub fn names(paths: &Paths) -> Result<Vec<String>, String> {
    swap::recover_all(paths);
    let dir = paths.certificate_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let name = file.strip_suffix(".crt").or_else(|| file.strip_suffix(".key"))?;
            is_valid_name(name).then(|| name.to_owned())
        })
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests;
