//! The anonymous root is a place for sharing, not the system: where a path really leads
//! (symlinks and `..` resolved), whether that is a system directory, and whether
//! anonymous users could write there.

use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use crate::paths::Paths;
use crate::proftpd::system::System;
use crate::settings::{Field, Report, Settings, Severity};
use crate::visible;

/// Directories whose content belongs to the system. An anonymous root equal to one,
/// inside one, or containing one (like `/` or `/var`) is refused. `/lib*` is matched
/// by prefix (lib, lib32, lib64, libx32).
const SYSTEM_TREES: &[&str] = &[
    "/etc",
    "/root",
    "/boot",
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/usr",
    "/bin",
    "/sbin",
    "/var/lib",
    "/var/log",
    "/var/spool",
    "/var/cache",
    "/var/backups",
    "/var/mail",
];

/// How many directories the writability walk looks at, at most.
const WALK_LIMIT: usize = 2000;

/// Where `typed` leads: each existing prefix with its symlinks resolved, `..` applied to
/// the resolved prefix (as the kernel does), the part that does not exist yet taken as
/// written.
pub fn resolve_path(typed: &str) -> PathBuf {
    let mut at = PathBuf::from("/");
    for part in Path::new(typed).components() {
        match part {
            Component::ParentDir => {
                at.pop();
            }
            Component::Normal(name) => {
                at.push(name);
                if let Ok(real) = std::fs::canonicalize(&at) {
                    at = real;
                }
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    at
}

/// How `resolved` meets a system directory (or ftpconf's own): "is inside /etc (a system
/// directory)", "contains /var/lib (...)"; `None` when the path is fine for sharing.
pub fn exposed_tree(resolved: &Path, paths: &Paths) -> Option<String> {
    if resolved == Path::new("/") {
        return Some("is / (the whole system)".into());
    }
    if let Some(Component::Normal(name)) = resolved.components().nth(1)
        && name.to_string_lossy().starts_with("lib")
    {
        return Some(format!("is inside /{} (a system directory)", name.to_string_lossy()));
    }
    let meets = |tree: &Path, what: &str| {
        let tree_shown = visible::line(&tree.to_string_lossy()).into_owned();
        if resolved.starts_with(tree) {
            Some(format!("is inside {tree_shown} ({what})"))
        } else if tree.starts_with(resolved) {
            Some(format!("contains {tree_shown} ({what})"))
        } else {
            None
        }
    };
    if let Some(found) = SYSTEM_TREES.iter().find_map(|t| meets(Path::new(t), "a system directory"))
    {
        return Some(found);
    }
    let own = [
        ("configuration", paths.settings_file().parent().map(Path::to_path_buf)),
        ("configuration", paths.proftpd_conf().parent().map(Path::to_path_buf)),
        ("certificate", Some(paths.certificate_dir())),
        ("state", Some(paths.state_dir())),
        ("run", Some(paths.run_dir())),
        ("log", Some(paths.log_dir())),
    ];
    own.into_iter().find_map(|(what, dir)| {
        let dir = resolve_path(&dir?.to_string_lossy());
        meets(&dir, &format!("ftpconf's {what} directory"))
    })
}

/// The refusal for an anonymous root `typed` that leads into the system, if it does.
pub fn refusal(typed: &str, paths: &Paths) -> Option<String> {
    let resolved = resolve_path(typed);
    let how = exposed_tree(&resolved, paths)?;
    let shown = visible::line(typed);
    let place = if resolved == Path::new(typed) {
        format!("{shown:?}")
    } else {
        format!("{shown:?} resolves to {}, which", visible::line(&resolved.to_string_lossy()))
    };
    Some(format!(
        "{place} {how}; anonymous users could read what is there. Choose a directory made for sharing (for example under /mnt or /srv)"
    ))
}

pub(super) fn check(report: &mut Report, s: &Settings, system: &System) {
    let typed = s.anonymous_path.as_str();
    let already = report.for_field(Field::AnonymousPath).any(|p| p.severity == Severity::Error);
    if typed.trim().is_empty() || already {
        return;
    }
    if let Some(why) = refusal(typed, &system.paths) {
        report.error(Field::AnonymousPath, why);
        return;
    }
    if !s.anonymous_login {
        return;
    }
    let resolved = resolve_path(typed);
    if !resolved.is_dir() {
        report.error(
            Field::AnonymousPath,
            format!("{:?} is not an existing directory", visible::line(typed)),
        );
        return;
    }
    let key = resolved.to_string_lossy().into_owned();
    if let Some(warning) = system.remember_walk(&key, || writable_place(&resolved, system)) {
        report.warn(Field::AnonymousPath, warning);
    }
}

/// Who anonymous sessions are: the renderer runs them as user `ftp`, with group `ftp`
/// when it exists (else `nogroup`), plus the groups `ftp` belongs to.
struct Identity {
    uid: Option<u32>,
    gids: Vec<u32>,
}

fn anonymous_identity(system: &System) -> Identity {
    let account = system.account("ftp");
    let mut gids = system.group_ids_of("ftp");
    if gids.is_empty() {
        gids.extend(system.group_ids_of("nogroup"));
    }
    gids.extend(account.as_ref().map(|a| a.gid));
    Identity { uid: account.map(|a| a.uid), gids }
}

/// The first directory at or below `root` (symlinks not followed, at most
/// [`WALK_LIMIT`] directories) that anonymous sessions could write to, as a warning.
fn writable_place(root: &Path, system: &System) -> Option<String> {
    let who = anonymous_identity(system);
    let mut queue = vec![root.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = queue.pop() {
        seen += 1;
        if seen > WALK_LIMIT {
            break;
        }
        let Ok(meta) = std::fs::symlink_metadata(&dir) else { continue };
        if let Some(how) = writable_by(&meta, &who) {
            let shown = visible::line(&dir.to_string_lossy()).into_owned();
            return Some(format!(
                "anonymous users can upload, rename and delete files in {shown} ({how}); anonymous access is meant to be read-only: run chown root {shown} and chmod go-w {shown} if that is not intended"
            ));
        }
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    queue.push(entry.path());
                }
            }
        }
    }
    None
}

fn writable_by(meta: &std::fs::Metadata, who: &Identity) -> Option<String> {
    let mode = meta.mode() & 0o7777;
    if mode & 0o002 != 0 {
        return Some(format!("mode {mode:04o}: writable by everyone"));
    }
    if mode & 0o200 != 0 && who.uid == Some(meta.uid()) {
        return Some(format!("owned by the ftp account, mode {mode:04o}"));
    }
    if mode & 0o020 != 0 && who.gids.contains(&meta.gid()) {
        return Some(format!("group {} of the ftp account may write, mode {mode:04o}", meta.gid()));
    }
    None
}
