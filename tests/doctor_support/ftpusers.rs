//! A name listed in /etc/ftpusers for the length of a test, removed again when dropped.
//! Edits take a lock, so parallel tests never lose each other's lines.

use std::fs::OpenOptions;

const FILE: &str = "/etc/ftpusers";

fn locked<T>(f: impl FnOnce() -> T) -> T {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("ftpconf-doctor-ftpusers.lock"))
        .expect("lock file");
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).expect("lock");
    f()
}

pub struct Listed(String);

impl Listed {
    pub fn add(name: &str) -> Listed {
        locked(|| {
            let mut text = std::fs::read_to_string(FILE).unwrap_or_default();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("{name}\n"));
            std::fs::write(FILE, text).expect("write /etc/ftpusers (tests run as root)");
        });
        Listed(name.to_owned())
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        locked(|| {
            let text = std::fs::read_to_string(FILE).unwrap_or_default();
            let kept: String =
                text.lines().filter(|l| l.trim() != self.0).map(|l| format!("{l}\n")).collect();
            let _ = std::fs::write(FILE, kept);
        });
    }
}
