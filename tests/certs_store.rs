//! The certificate store under faults, with the real binary: a SIGKILL at every rename or
//! a full disk leaves the complete old pair or the complete new one; a certificate the
//! live proftpd.conf, the saved settings or a pending confirmation uses is not deleted;
//! keys are 0600 whatever the umask; a FIFO is refused at once.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Sandbox;

fn ftpconf(sandbox: &Sandbox, args: &[&str]) -> Output {
    Command::new("timeout")
        .arg("20")
        .arg(env!("CARGO_BIN_EXE_ftpconf"))
        .arg("--root")
        .arg(sandbox.dir.path())
        .args(args)
        .output()
        .unwrap()
}

#[track_caller]
fn expect(out: &Output, code: i32) -> String {
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{all}");
    all
}

fn pair(sandbox: &Sandbox, name: &str) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let read = |p: PathBuf| std::fs::read(p).ok();
    (read(sandbox.paths.certificate_file(name)), read(sandbox.paths.certificate_key(name)))
}

fn temporary_files(sandbox: &Sandbox) -> Vec<String> {
    std::fs::read_dir(sandbox.paths.certificate_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

/// After a fault, the next ftpconf sees a complete pair: the old one or the new one.
#[track_caller]
fn assert_whole_pair(
    sandbox: &Sandbox,
    old: &(Option<Vec<u8>>, Option<Vec<u8>>),
    fault: &str,
) -> bool {
    let shown = ftpconf(sandbox, &["cert", "show", "rep"]);
    let text = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(text.contains("present, matches the certificate"), "{fault}: {text}");
    let now = pair(sandbox, "rep");
    let replaced = now.0 != old.0;
    assert_eq!(replaced, now.1 != old.1, "{fault}: certificate and key from different generations");
    replaced
}

#[test]
fn sigkill_at_any_rename_of_a_replace_leaves_a_whole_pair() {
    let sandbox = Sandbox::new();
    expect(&ftpconf(&sandbox, &["cert", "create", "rep"]), 0);
    let mut saw_old = false;
    let mut saw_new = false;
    // strace counts each system call on its own: the journal is the first renameat, the
    // key and the certificate the first and second rename, the journal's removal the
    // first unlink. A kill at each of them, then the next ftpconf looks.
    let faults = [("renameat", 1), ("rename", 1), ("rename", 2), ("unlink", 1)];
    for (call, when) in faults {
        let old = pair(&sandbox, "rep");
        let injected = Command::new("strace")
            .args([
                "-f",
                "-o",
                "/dev/null",
                "-e",
                "trace=rename,renameat,renameat2,unlink,unlinkat",
            ])
            .arg("-e")
            .arg(format!("inject={call}:error=EIO:signal=KILL:when={when}"))
            .arg(env!("CARGO_BIN_EXE_ftpconf"))
            .arg("--root")
            .arg(sandbox.dir.path())
            .args(["cert", "create", "rep", "--replace"])
            .output()
            .expect("strace is installed (scripts/test.sh installs it)");
        let fault = format!("SIGKILL at {call} #{when}");
        assert!(
            !injected.status.success(),
            "{fault}: {}",
            String::from_utf8_lossy(&injected.stderr)
        );
        let replaced = assert_whole_pair(&sandbox, &old, &fault);
        saw_old |= !replaced;
        saw_new |= replaced;
    }
    assert!(saw_old && saw_new, "a kill before the journal keeps the old pair; after it, the new");
    // The next write clears what the killed ones left.
    expect(&ftpconf(&sandbox, &["cert", "create", "rep", "--replace"]), 0);
    assert_eq!(temporary_files(&sandbox), Vec::<String>::new());
}

/// A tmpfs mounted over the certificate directory, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path) -> SmallDisk {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(ok.success(), "mounting a tmpfs needs root");
        SmallDisk(dir.to_path_buf())
    }

    /// Fills the disk, then frees `pages` pages.
    fn leave_free(&self, pages: u64) {
        let filler = self.0.join("filler");
        let _ = std::fs::remove_file(&filler);
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
        let len = file.metadata().unwrap().len();
        file.set_len(len.saturating_sub(pages * 4096)).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_no_half_pair_and_keeps_the_old_one() {
    let sandbox = Sandbox::new();
    let disk = SmallDisk::mount(&sandbox.paths.certificate_dir());
    for pages in 0..6 {
        disk.leave_free(pages);
        let out = ftpconf(&sandbox, &["cert", "create", "nas"]);
        let now = pair(&sandbox, "nas");
        if out.status.success() {
            assert!(now.0.is_some() && now.1.is_some(), "{pages} pages free");
            break;
        }
        assert_eq!(now, (None, None), "{pages} pages free: nothing under a real name");
        assert!(temporary_files(&sandbox).is_empty(), "{:?}", temporary_files(&sandbox));
    }
    disk.leave_free(40);
    expect(&ftpconf(&sandbox, &["cert", "create", "rep"]), 0);
    let old = pair(&sandbox, "rep");
    for pages in 0..6 {
        disk.leave_free(pages);
        let _ = ftpconf(&sandbox, &["cert", "create", "rep", "--replace"]);
        assert_whole_pair(&sandbox, &old, &format!("{pages} pages free"));
    }
}

#[test]
fn delete_refuses_a_certificate_the_live_config_or_a_pending_confirmation_uses() {
    let sandbox = Sandbox::new();
    for name in ["certA", "certB", "certC"] {
        expect(&ftpconf(&sandbox, &["cert", "create", name]), 0);
    }
    let port = common::free_port().to_string();
    expect(
        &ftpconf(
            &sandbox,
            &["set", "tls=true", "ssltls_certificate=certA", &format!("port={port}")],
        ),
        0,
    );
    let rendered = ftpconf(&sandbox, &["render"]);
    assert!(rendered.status.success());
    std::fs::create_dir_all(sandbox.paths.proftpd_conf().parent().unwrap()).unwrap();
    std::fs::write(sandbox.paths.proftpd_conf(), &rendered.stdout).unwrap();
    expect(&ftpconf(&sandbox, &["set", "ssltls_certificate=certB"]), 0);
    let refused = expect(&ftpconf(&sandbox, &["cert", "delete", "certA"]), 3);
    assert!(
        refused.contains("live proftpd configuration") && refused.contains("proftpd.conf:"),
        "{refused}"
    );
    let refused = expect(&ftpconf(&sandbox, &["cert", "delete", "certB"]), 3);
    assert!(refused.contains("is the FTP certificate in the saved settings"), "{refused}");
    sandbox.config_test().expect("the live configuration still passes proftpd -t");
    // A pending confirmation would put back a configuration that uses certC.
    let backup = sandbox.paths.backup_dir().join("20261128-000000-001");
    std::fs::create_dir_all(&backup).unwrap();
    let old_conf = String::from_utf8(rendered.stdout).unwrap().replace("certA.", "certC.");
    std::fs::write(backup.join("proftpd.conf"), old_conf).unwrap();
    std::fs::write(sandbox.paths.state_dir().join("confirm.pending"), "20261128-000000-001")
        .unwrap();
    let refused = expect(&ftpconf(&sandbox, &["cert", "delete", "certC"]), 3);
    assert!(refused.contains("pending confirmation"), "{refused}");
    assert!(sandbox.paths.certificate_file("certC").exists());
    std::fs::remove_file(sandbox.paths.state_dir().join("confirm.pending")).unwrap();
    expect(&ftpconf(&sandbox, &["cert", "delete", "certC"]), 0);
}

#[test]
fn keys_are_private_whatever_the_umask_and_fifos_are_refused() {
    let sandbox = Sandbox::new();
    let under_umask_000 = |args: &[&str]| {
        Command::new("sh")
            .args(["-c", "umask 000; exec \"$@\"", "sh", env!("CARGO_BIN_EXE_ftpconf"), "--root"])
            .arg(sandbox.dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    expect(&under_umask_000(&["cert", "create", "made"]), 0);
    let crt = sandbox.paths.certificate_file("made");
    let key = sandbox.paths.certificate_key("made");
    let (crt_s, key_s) = (crt.to_str().unwrap(), key.to_str().unwrap());
    expect(&under_umask_000(&["cert", "import", "copy", "--cert", crt_s, "--key", key_s]), 0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for name in ["made", "copy"] {
        assert_eq!(mode(&sandbox.paths.certificate_key(name)), 0o600, "{name}");
        assert_eq!(mode(&sandbox.paths.certificate_file(name)), 0o644, "{name}");
    }
    assert_eq!(mode(&sandbox.paths.certificate_dir()), 0o755);
    let fifo = sandbox.path("cert.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let refused = expect(
        &ftpconf(
            &sandbox,
            &["cert", "import", "f", "--cert", fifo.to_str().unwrap(), "--key", key_s],
        ),
        1,
    );
    assert!(refused.contains("FIFO"), "{refused}");
}
