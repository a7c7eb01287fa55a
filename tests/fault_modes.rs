//! Modes and ownership that do not depend on the umask, and files planted by another
//! user (D6, D7, R2): run as root, planting as `nobody` (uid 65534) with setpriv.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::apply::text;
use common::{Sandbox, proftpd_binary};

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

/// `ftpconf --root SANDBOX ARGS` under umask 000.
fn ftpconf_umask_000(sandbox: &Sandbox, args: &str) -> Output {
    let script = format!(
        "umask 000; exec {} --root {} {args}",
        env!("CARGO_BIN_EXE_ftpconf"),
        sandbox.dir.path().display()
    );
    Command::new("sh").arg("-c").arg(script).output().unwrap()
}

/// Runs `script` with sh as the unprivileged user nobody.
fn as_nobody(script: &str) {
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", script])
        .output()
        .expect("setpriv (util-linux) is needed to act as another user");
    assert!(out.status.success(), "as nobody: {script}\n{}", text(&out));
}

fn every_path(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    if dir.is_dir() && !dir.is_symlink() {
        for entry in std::fs::read_dir(dir).unwrap() {
            all.extend(every_path(&entry.unwrap().path()));
        }
    }
    all
}

#[test]
fn modes_are_explicit_under_umask_000() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    sandbox.save_settings(&settings);
    for clients in [5, 6] {
        settings.clients = clients;
        sandbox.save_settings(&settings);
        let out = ftpconf_umask_000(&sandbox, "apply");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let state = sandbox.paths.state_dir();
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&sandbox.paths.backup_dir()), 0o700);
    assert_eq!(mode(&state.join("apply.lock")), 0o600);
    assert_eq!(mode(&state.join("applied.toml")), 0o600);
    assert_eq!(mode(&sandbox.paths.proftpd_conf()), 0o644);
    assert_eq!(mode(sandbox.paths.proftpd_conf().parent().unwrap()), 0o755);
    let backups: Vec<PathBuf> =
        std::fs::read_dir(sandbox.paths.backup_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 2);
    for backup in &backups {
        assert_eq!(mode(backup), 0o700, "{}", backup.display());
        for file in std::fs::read_dir(backup).unwrap() {
            let file = file.unwrap().path();
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
    // proftpd's own runtime files (delay table, controls socket) are its business.
    let open: Vec<_> = every_path(sandbox.dir.path())
        .into_iter()
        .filter(|p| !p.starts_with(sandbox.paths.run_dir()))
        .filter(|p| !p.is_symlink() && mode(p) & 0o022 != 0)
        .collect();
    assert!(open.is_empty(), "writable by group or others: {open:?}");

    // A stricter proftpd.conf mode chosen by the admin is kept.
    std::fs::set_permissions(sandbox.paths.proftpd_conf(), PermissionsExt::from_mode(0o600))
        .unwrap();
    settings.clients = 7;
    sandbox.save_settings(&settings);
    let out = ftpconf_umask_000(&sandbox, "apply");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(mode(&sandbox.paths.proftpd_conf()), 0o600);
}

/// A proftpd that ftpconf starts under umask 000 still creates its delay table and logs
/// closed to other users (`apply --start` and `service start`). The controls socket is
/// proftpd's own 0777 by design (its ACLs decide who may talk to it).
#[test]
fn a_proftpd_started_under_umask_000_keeps_its_files_closed() {
    proftpd_binary();
    for how in ["apply --start", "service start"] {
        let sandbox = Sandbox::new();
        let _daemon = common::apply::DaemonGuard(sandbox.paths.clone());
        let mut settings = sandbox.settings();
        settings.port = u32::from(common::free_port());
        sandbox.save_settings(&settings);
        if how == "service start" {
            let out = ftpconf_umask_000(&sandbox, "apply");
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        }
        let out = ftpconf_umask_000(&sandbox, how);
        assert_eq!(out.status.code(), Some(0), "{how}: {}", text(&out));
        let open: Vec<_> = every_path(sandbox.dir.path())
            .into_iter()
            .filter(|p| !p.is_symlink() && mode(p) & 0o022 != 0)
            .filter(|p| {
                use std::os::unix::fs::FileTypeExt;
                !std::fs::metadata(p).is_ok_and(|m| m.file_type().is_socket())
            })
            .collect();
        assert!(open.is_empty(), "{how}: writable by group or others: {open:?}");
    }
}

/// Audit rows 28 and 29: a state directory another user can write is refused; what
/// that user planted (a backup, a symlinked lock file) is never used.
#[test]
fn files_planted_by_another_user_are_never_used() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    sandbox.apply_ok(&settings);
    settings.clients = 6;
    sandbox.apply_ok(&settings);
    let live = sandbox.live_config();
    let state = sandbox.paths.state_dir();
    let backups = sandbox.paths.backup_dir();
    let victim = sandbox.write_file("victim", b"IMPORTANT ROOT DATA\n");
    std::fs::set_permissions(&state, PermissionsExt::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&backups, PermissionsExt::from_mode(0o777)).unwrap();
    let planted = backups.join("29991231-235959-999");
    as_nobody(&format!(
        "mkdir {planted} && cd {planted} && \
         sed 's/^ServerName .*/ServerName \"PLANTED BY NOBODY\"/' {conf} > proftpd.conf && \
         printf '{{\"id\":\"29991231-235959-999\",\"seq\":999999,\"created\":1,\"reason\":\"x\",\
         \"port\":1,\"files\":[\"proftpd.conf\"]}}' > manifest.json && \
         rm -f {lock} && ln -s {victim} {lock}",
        planted = planted.display(),
        conf = sandbox.paths.proftpd_conf().display(),
        lock = sandbox.paths.lock_file().display(),
        victim = victim.display(),
    ));
    for command in [&["rollback"][..], &["apply"]] {
        let out = sandbox.ftpconf(command).output().unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "{command:?}: {all}");
        assert!(all.contains("chmod go-w"), "{command:?} does not say how to fix it: {all}");
    }
    // The admin closes the directories; the planted files are still refused.
    std::fs::set_permissions(&state, PermissionsExt::from_mode(0o700)).unwrap();
    std::fs::set_permissions(&backups, PermissionsExt::from_mode(0o700)).unwrap();
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("symbolic link"), "{all}");
    std::fs::remove_file(sandbox.paths.lock_file()).unwrap();
    let out = sandbox.ftpconf(&["rollback", "29991231-235959-999"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("uid 65534"), "{all}");
    assert_eq!(sandbox.live_config(), live);
    let listed = text(&sandbox.ftpconf(&["backups"]).output().unwrap());
    let planted_line = listed.lines().find(|l| l.starts_with("29991231")).unwrap_or_default();
    assert!(planted_line.contains("NOT USED"), "{listed}");
    // Plain `rollback` takes the newest backup ftpconf wrote itself.
    let out = sandbox.ftpconf(&["rollback"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!sandbox.live_config().contains("PLANTED"));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "IMPORTANT ROOT DATA\n");

    // The same for the certificate directory (keys live there).
    let certs = sandbox.paths.certificate_dir();
    std::fs::set_permissions(&certs, PermissionsExt::from_mode(0o777)).unwrap();
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("certificate directory") && all.contains("chmod go-w"), "{all}");
    std::fs::set_permissions(&certs, PermissionsExt::from_mode(0o755)).unwrap();
}

/// Audit row 30: a live proftpd.conf that is a link (here to a root-only file) is not
/// followed into a backup; the apply is refused and names it.
#[test]
fn a_symlinked_live_config_is_never_copied_into_a_backup() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    sandbox.apply_ok(&settings);
    let secret = sandbox.write_file("secret", b"root:SECRET-HASH:20228::::::\n");
    std::fs::set_permissions(&secret, PermissionsExt::from_mode(0o600)).unwrap();
    let conf = sandbox.paths.proftpd_conf();
    std::fs::remove_file(&conf).unwrap();
    std::os::unix::fs::symlink(&secret, &conf).unwrap();
    let before = std::fs::read_dir(sandbox.paths.backup_dir()).unwrap().count();
    let out = sandbox.ftpconf(&["apply"]).output().unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("symbolic link") && all.contains("proftpd.conf"), "{all}");
    assert_eq!(std::fs::read_dir(sandbox.paths.backup_dir()).unwrap().count(), before);
    for path in every_path(&sandbox.paths.backup_dir()) {
        if path.is_file() {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(!text.contains("SECRET-HASH"), "copied into {}", path.display());
        }
    }
    assert!(conf.is_symlink(), "the link was replaced");
}
