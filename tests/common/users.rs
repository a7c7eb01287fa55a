//! Real local accounts for login tests, removed again when dropped.
//!
//! Names are unique per process and call, so parallel tests never share an account.
//! The group `ftp` is created when missing and left in place: it is what a NAS has,
//! and removing it while another test relies on it would race.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// useradd, chpasswd and userdel lock /etc/passwd and fail at once (not wait) when
/// another one holds the lock; tests running in parallel processes take turns here.
fn account_lock() -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("ftpconf-test-accounts.lock"))
        .expect("account lock file");
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive).expect("lock accounts");
    file
}

/// The numeric id of user `name`.
pub fn uid(name: &str) -> u32 {
    let passwd = std::fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|cols| cols[0] == name && cols.len() > 2)
        .and_then(|cols| cols[2].parse().ok())
        .unwrap_or_else(|| panic!("no user {name:?} in /etc/passwd"))
}

fn run(program: &str, args: &[&str]) {
    let out =
        Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed (tests that create users must run as root): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes sure the group `ftp` exists.
pub fn ensure_ftp_group() {
    let exists =
        Command::new("getent").args(["group", "ftp"]).output().is_ok_and(|o| o.status.success());
    if !exists {
        // Another test may create it at the same moment; only a missing group is a failure.
        let _ = Command::new("groupadd").arg("ftp").output();
        run("getent", &["group", "ftp"]);
    }
}

pub struct User {
    pub name: String,
    pub password: String,
    pub home: PathBuf,
}

impl User {
    /// Creates an account with a home directory under `parent`, optionally in group ftp.
    pub fn create(parent: &Path, in_ftp_group: bool) -> User {
        let _lock = account_lock();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("fct{}x{n}", std::process::id());
        let password = format!("pw-{name}");
        let home = parent.join(&name);
        let home_text = home.to_string_lossy().into_owned();
        let mut args = vec!["-m", "-d", home_text.as_str(), "-s", "/bin/bash"];
        if in_ftp_group {
            ensure_ftp_group();
            args.extend(["-G", "ftp"]);
        }
        args.push(&name);
        run("useradd", &args);
        let user = User { name, password, home };
        let mut chpasswd =
            Command::new("chpasswd").stdin(std::process::Stdio::piped()).spawn().expect("chpasswd");
        use std::io::Write;
        chpasswd
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{}:{}\n", user.name, user.password).as_bytes())
            .unwrap();
        assert!(chpasswd.wait().unwrap().success(), "chpasswd failed");
        user
    }
}

impl Drop for User {
    fn drop(&mut self) {
        let _lock = account_lock();
        // -f: a session process of this user may still be exiting.
        let _ = Command::new("userdel").args(["-f", "-r", &self.name]).output();
    }
}
