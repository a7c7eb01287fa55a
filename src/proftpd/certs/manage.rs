//! Changing the store: create, import, delete. Nothing unhealthy goes in; nothing in use
//! comes out.

use std::io::ErrorKind;
use std::path::Path;

use pem::{EncodeConfig, LineEnding, Pem};

use super::create::{NewCert, generate};
use super::inspect::{CertInfo, inspect_bytes};
use super::{check_info, is_valid_name, name_rule};
use crate::paths::Paths;
use crate::settings::{Settings, Severity};

/// Writes a pair into the store: the key 0600 (readable by root only) and the certificate
/// 0644, whatever the umask, swapped in together (see [`super::swap`]) so that a crash or
/// a full disk leaves the complete old pair or the complete new one. Refuses to overwrite
/// unless `replace`.
pub fn store(
    paths: &Paths,
    name: &str,
    cert_pem: &str,
    key_pem: &str,
    replace: bool,
) -> Result<(), String> {
    if !is_valid_name(name) {
        return Err(name_rule(name));
    }
    let (cert_file, key_file) = (paths.certificate_file(name), paths.certificate_key(name));
    super::swap::recover(paths, name)?;
    if !replace {
        for file in [&cert_file, &key_file] {
            if file.exists() {
                return Err(format!(
                    "{} already exists; choose another name, or replace it explicitly",
                    file.display()
                ));
            }
        }
    }
    super::swap::install(paths, name, cert_pem, key_pem)
}

/// Generates a self-signed certificate and stores it as `name`.
pub fn create(
    paths: &Paths,
    name: &str,
    new: &NewCert,
    replace: bool,
) -> Result<CertInfo, Vec<String>> {
    if !is_valid_name(name) {
        return Err(vec![name_rule(name)]);
    }
    let made = generate(new).map_err(|e| vec![e])?;
    store(paths, name, &made.cert_pem, &made.key_pem, replace).map_err(|e| vec![e])?;
    Ok(super::inspect(paths, name))
}

/// Checks a certificate file (with its chain) and key file, then stores them as `name`.
/// Only the PEM certificates go into `NAME.crt` and only the key into `NAME.key`, so a
/// combined file never leaves a private key world-readable. Any health error refuses
/// the import; the caller can show the warnings with [`check_info`].
pub fn import(
    paths: &Paths,
    name: &str,
    cert_path: &Path,
    key_path: &Path,
    replace: bool,
) -> Result<CertInfo, Vec<String>> {
    if !is_valid_name(name) {
        return Err(vec![name_rule(name)]);
    }
    let read =
        |path: &Path| super::read_file(path).unwrap_or_else(|| Err("does not exist".to_owned()));
    let cert_bytes = read(cert_path);
    let key_bytes = read(key_path);
    let info = inspect_bytes(
        name,
        cert_path.to_path_buf(),
        key_path.to_path_buf(),
        Some(cert_bytes.clone()),
        Some(key_bytes.clone()),
    );
    let errors: Vec<String> = check_info(&info)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.message)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Ok(cert_bytes), Ok(key_bytes)) = (cert_bytes, key_bytes) else {
        unreachable!("unreadable files are health errors");
    };
    let cert_pem = only(&cert_bytes, |tag| tag == "CERTIFICATE", usize::MAX);
    let key_pem = only(&key_bytes, |tag| tag.ends_with("PRIVATE KEY"), 1);
    store(paths, name, &cert_pem, &key_pem, replace).map_err(|e| vec![e])?;
    Ok(super::inspect(paths, name))
}

/// The first `at_most` PEM blocks whose tag passes `keep`, re-encoded with LF endings.
fn only(bytes: &[u8], keep: impl Fn(&str) -> bool, at_most: usize) -> String {
    let blocks: Vec<Pem> = pem::parse_many(bytes)
        .unwrap_or_default()
        .into_iter()
        .filter(|b| keep(b.tag()))
        .take(at_most)
        .collect();
    pem::encode_many_config(&blocks, EncodeConfig::new().set_line_ending(LineEnding::LF))
}

/// Removes certificate `name` (both files). Refused while anything uses it: the saved
/// `settings` (even with TLS off, as TrueNAS does: turning TLS on later must not find it
/// gone), the live proftpd.conf, or the configuration a pending confirmation would put
/// back; the error names each.
pub fn delete(paths: &Paths, name: &str, settings: &Settings) -> Result<(), String> {
    if !is_valid_name(name) {
        return Err(name_rule(name));
    }
    super::swap::recover(paths, name)?;
    let users = super::in_use::users(paths, name, settings);
    if !users.is_empty() {
        let sentences: Vec<String> = users.iter().map(|u| format!("{name:?} {u}")).collect();
        return Err(sentences.join("; "));
    }
    let files = [paths.certificate_file(name), paths.certificate_key(name)];
    if !files.iter().any(|f| f.exists()) {
        return Err(format!(
            "there is no certificate {name:?} in {}",
            paths.certificate_dir().display()
        ));
    }
    for file in &files {
        match std::fs::remove_file(file) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", file.display())),
        }
    }
    crate::fsutil::sync_parent(&files[0]).map_err(|e| format!("cannot flush the directory: {e}"))
}
