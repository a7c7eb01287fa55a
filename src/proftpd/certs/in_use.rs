//! Who still uses a certificate: the saved settings, the proftpd configuration that is
//! live now, and the configuration a pending `apply --confirm` would put back. A
//! certificate any of them names must not be deleted: a reload, restart or revert would
//! then fail to start proftpd.

use std::path::{Path, PathBuf};

use crate::paths::Paths;
use crate::proftpd::directives::unquote;
use crate::settings::{Settings, input, store};

/// proftpd directives whose argument is a certificate or key file.
const FILE_DIRECTIVES: &[&str] = &[
    "TLSRSACertificateFile",
    "TLSRSACertificateKeyFile",
    "TLSECCertificateFile",
    "TLSECCertificateKeyFile",
    "TLSDSACertificateFile",
    "TLSDSACertificateKeyFile",
    "TLSCertificateChainFile",
    "TLSPKCS12File",
];

/// Everything that uses certificate `name`, one predicate each ("is used by …") to
/// follow the name; empty when nothing does.
pub fn users(paths: &Paths, name: &str, settings: &Settings) -> Vec<String> {
    let files = [paths.certificate_file(name), paths.certificate_key(name)];
    let mut users = Vec::new();
    if settings.certificate == name {
        let state = if settings.tls_enable { "on" } else { "off, but the setting is kept" };
        users.push(format!(
            "is the FTP certificate in the saved settings (TLS is {state}); choose another certificate first (ftpconf set ssltls_certificate=OTHER)"
        ));
    }
    let live = paths.proftpd_conf();
    if let Some(line) = config_uses(&live, &files) {
        users.push(format!(
            "is used by the live proftpd configuration ({}:{line}); apply settings with another certificate first",
            live.display()
        ));
    }
    if let Some(backup) = pending_backup(paths) {
        let config = backup.join("proftpd.conf");
        let saved = store::load(&backup.join("settings.toml")).ok();
        if config_uses(&config, &files).is_some() || saved.is_some_and(|s| s.certificate == name) {
            users.push(format!(
                "is used by the configuration a pending confirmation would put back ({}); confirm or revert first",
                backup.display()
            ));
        }
    }
    users
}

/// The first line of the proftpd configuration at `config` that names one of `files`.
fn config_uses(config: &Path, files: &[PathBuf]) -> Option<usize> {
    let text = input::read_text(config, input::MAX_SETTINGS).ok()?;
    text.lines().enumerate().find_map(|(index, line)| {
        let mut words = line.trim().splitn(2, char::is_whitespace);
        let directive = words.next()?;
        if !FILE_DIRECTIVES.iter().any(|d| d.eq_ignore_ascii_case(directive)) {
            return None;
        }
        let argument = unquote(words.next()?.trim());
        files.iter().any(|f| Path::new(&argument) == f).then_some(index + 1)
    })
}

/// The backup a pending `apply --confirm` would put back.
fn pending_backup(paths: &Paths) -> Option<PathBuf> {
    let id = crate::proftpd::apply::pending_confirmation(paths)?.backup_id;
    let valid = !id.is_empty() && !id.contains('/') && !id.starts_with('.');
    valid.then(|| paths.backup_dir().join(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_directive_naming_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        let conf = dir.path().join("p.conf");
        let crt = paths.certificate_file("a b");
        let quoted = format!("\"{}\"", crt.display().to_string().replace('"', "\\\""));
        std::fs::write(&conf, format!("Port 21\n  tlseccertificatefile {quoted}\n")).unwrap();
        assert_eq!(config_uses(&conf, &[crt]), Some(2));
        assert_eq!(config_uses(&conf, &[paths.certificate_file("other")]), None);
        assert_eq!(unquote(r#""a\"b\\c""#), r#"a"b\c"#);
    }
}
