//! Putting a certificate and its key in place together, safe against a crash or a full
//! disk at any moment.
//!
//! Both new files are first written complete under temporary names (`.NAME.key.XXXXXX.new`,
//! `.NAME.crt.XXXXXX.new`) and flushed to disk. Only then is a journal (`.NAME.swap`)
//! written that names them, and the two are renamed over the real names. Whoever finds
//! a journal (the next ftpconf that looks at NAME) finishes the renames, because the new
//! pair is known to be complete. Without a journal nothing was renamed yet, so the old
//! pair is intact and the temporary files are only leftovers.

use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::fsutil::{atomic_write, sync_parent, write_temp_beside};
use crate::paths::Paths;
use crate::settings::input;

fn journal(paths: &Paths, name: &str) -> PathBuf {
    paths.certificate_dir().join(format!(".{name}.swap"))
}

/// Writes `cert_pem` and `key_pem` as certificate `name`: the old pair stays complete
/// until the new one is, and no real name ever holds a half-written file.
pub(super) fn install(
    paths: &Paths,
    name: &str,
    cert_pem: &str,
    key_pem: &str,
) -> Result<(), String> {
    let (cert_file, key_file) = (paths.certificate_file(name), paths.certificate_key(name));
    let dir = paths.certificate_dir();
    let fail = |what: &Path, e: std::io::Error| format!("cannot write {}: {e}", what.display());
    crate::settings::store::create_dir(&dir).map_err(|e| fail(&dir, e))?;
    remove_leftovers(paths, name);
    // Dropped (removed) on any error below, before the journal makes them count.
    let key_tmp =
        write_temp_beside(&key_file, key_pem.as_bytes(), 0o600).map_err(|e| fail(&key_file, e))?;
    let cert_tmp = write_temp_beside(&cert_file, cert_pem.as_bytes(), 0o644)
        .map_err(|e| fail(&cert_file, e))?;
    let file_name =
        |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let record = format!("{}\n{}\n", file_name(key_tmp.path()), file_name(cert_tmp.path()));
    let journal_file = journal(paths, name);
    atomic_write(&journal_file, record.as_bytes(), 0o600).map_err(|e| fail(&journal_file, e))?;
    // From here the temporary files belong to the journal.
    let _ = key_tmp.into_temp_path().keep();
    let _ = cert_tmp.into_temp_path().keep();
    finish(paths, name)
}

/// Finishes a swap that a journal records (a no-op without one). Readers call this too,
/// so the first ftpconf after a crash sees the new pair, never a mixed one.
pub fn recover(paths: &Paths, name: &str) -> Result<(), String> {
    let journal_file = journal(paths, name);
    match std::fs::symlink_metadata(&journal_file) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot read {}: {e}", journal_file.display())),
        Ok(_) => finish(paths, name),
    }
}

/// Recovers every swap the certificate directory records (names whose journal exists but
/// whose files were not renamed yet would otherwise be invisible).
pub fn recover_all(paths: &Paths) {
    let Ok(entries) = std::fs::read_dir(paths.certificate_dir()) else { return };
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(name) = file.strip_prefix('.').and_then(|f| f.strip_suffix(".swap")) {
            let _ = recover(paths, name);
        }
    }
}

fn finish(paths: &Paths, name: &str) -> Result<(), String> {
    let dir = paths.certificate_dir();
    let journal_file = journal(paths, name);
    let record = read_journal(&journal_file)?;
    let mut lines = record.lines();
    let targets = [paths.certificate_key(name), paths.certificate_file(name)];
    for (target, suffix) in targets.iter().zip([".key.", ".crt."]) {
        let temp = lines.next().unwrap_or("");
        // Only the names this code writes: a planted journal cannot move other files.
        let expected = format!(".{name}{suffix}");
        if !(temp.starts_with(&expected) && temp.ends_with(".new") && !temp.contains('/')) {
            return Err(format!(
                "{} is not a journal ftpconf wrote; remove it",
                journal_file.display()
            ));
        }
        match std::fs::rename(dir.join(temp), target) {
            Ok(()) => {}
            // Already renamed (by an earlier run, or by another ftpconf recovering).
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot put {} in place: {e}", target.display())),
        }
    }
    let sync = |e: std::io::Error| format!("cannot flush {}: {e}", dir.display());
    sync_parent(&targets[0]).map_err(sync)?;
    match std::fs::remove_file(&journal_file) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot remove {}: {e}", journal_file.display())),
    }
    sync_parent(&targets[0]).map_err(sync)
}

fn read_journal(path: &Path) -> Result<String, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.file_type().is_file() || meta.uid() != rustix::process::geteuid().as_raw() {
        return Err(format!("{} is not a journal ftpconf wrote; remove it", path.display()));
    }
    input::read_text(path, 4096).map_err(|e| format!("{}: {e}", path.display()))
}

/// Removes the temporary files of an interrupted write that never got its journal (the
/// old pair is intact): only ftpconf's own names, only regular files that are ours. Called
/// by writers only, under the settings lock, so no other write is under way.
fn remove_leftovers(paths: &Paths, name: &str) {
    if journal(paths, name).exists() {
        return;
    }
    let prefixes = [format!(".{name}.key."), format!(".{name}.crt."), format!("..{name}.swap.")];
    crate::settings::store::remove_own_temporaries(&paths.certificate_dir(), &prefixes);
}
