//! Is proftpd running, as far as this machine can tell?
//!
//! A PidFile can be stale, and its pid recycled by another process, even one named
//! "proftpd" (anyone can name a process that). A pid counts as our proftpd only when
//! `/proc/PID/exe` is the very proftpd binary ftpconf runs (same device and inode), the
//! process is a master (not a session process forked by one) and, when its command line
//! still shows `-c FILE`, FILE is this configuration. Anything else is never signalled.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::paths::Paths;

/// What ftpconf knows about the proftpd that uses its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// The PidFile names a live proftpd process.
    Running { pid: u32 },
    /// No PidFile, or it names no process.
    Stopped,
    /// The PidFile names a live process that is not proftpd (stale file, recycled pid).
    Stale { pid: u32 },
    /// The PidFile names a process that looks like proftpd but is not the one ftpconf
    /// may signal (another binary, a session process, another configuration): why.
    NotOurs { pid: u32, why: String },
}

impl State {
    pub fn describe(&self) -> String {
        match self {
            State::Running { pid } => format!("proftpd running (pid {pid})"),
            State::Stopped => "proftpd not running".to_owned(),
            State::Stale { pid } => format!("proftpd not running (stale pid file names pid {pid})"),
            State::NotOurs { pid, why } => {
                format!("the pid file names pid {pid}, which is not this proftpd: {why}")
            }
        }
    }
}

/// Reads the PidFile under `paths` and checks the process behind it.
pub fn state(paths: &Paths) -> State {
    let Some(pid) = read_pid(&paths.pid_file()) else {
        return State::Stopped;
    };
    if !Path::new(&format!("/proc/{pid}")).exists() || is_zombie(pid) {
        return State::Stopped;
    }
    if !looks_like_proftpd(pid) {
        return State::Stale { pid };
    }
    match our_master(pid, &paths.proftpd_conf()) {
        Ok(()) => State::Running { pid },
        Err(why) => State::NotOurs { pid, why },
    }
}

/// The pid written in a PidFile, if it holds one.
pub fn read_pid(pid_file: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(pid_file).ok()?;
    text.trim().parse().ok().filter(|&pid| pid > 1)
}

/// Whether `pid` is a live process (not a zombie) running the proftpd binary.
pub fn is_proftpd(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !is_zombie(pid)
        && looks_like_proftpd(pid)
        && same_binary(pid).is_ok()
}

fn is_zombie(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().any(|l| l.starts_with("State:") && l.contains('Z'))
}

/// Named proftpd (by its command name or program file name): worth a closer look.
fn looks_like_proftpd(pid: u32) -> bool {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
    comm.trim() == "proftpd"
        || exe
            .file_name()
            .is_some_and(|n| n == "proftpd" || n.to_string_lossy().starts_with("proftpd "))
}

/// `/proc/PID/exe` is the proftpd binary ftpconf runs (same device and inode).
fn same_binary(pid: u32) -> Result<(), String> {
    let Some(binary) = crate::proftpd::apply::proftpd_binary() else {
        return Err("proftpd is not installed here".into());
    };
    let exe = format!("/proc/{pid}/exe");
    let shown = std::fs::read_link(&exe).unwrap_or_default();
    let (Ok(theirs), Ok(ours)) = (std::fs::metadata(&exe), std::fs::metadata(&binary)) else {
        return Err(format!("its program cannot be inspected (/proc/{pid}/exe)"));
    };
    if (theirs.dev(), theirs.ino()) != (ours.dev(), ours.ino()) {
        return Err(format!(
            "its program is {}, not {}; if proftpd was upgraded since it started, restart it",
            shown.display(),
            binary.display()
        ));
    }
    Ok(())
}

/// The pid is the proftpd binary, a master process, and (when its command line tells)
/// runs `conf`.
fn our_master(pid: u32, conf: &Path) -> Result<(), String> {
    same_binary(pid)?;
    if let Some(parent) = parent_of(pid)
        && parent > 1
        && same_binary(parent).is_ok()
    {
        return Err(format!("it is a session process of proftpd pid {parent}, not the master"));
    }
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
    let named = args
        .windows(2)
        .find(|w| w[0] == b"-c" || w[0] == b"--config")
        .map(|w| std::ffi::OsStr::from_bytes(w[1]));
    if let Some(file) = named {
        let same = |p: &Path| crate::paths::resolve(p).unwrap_or_else(|_| p.to_path_buf());
        if same(Path::new(file)) != same(conf) {
            return Err(format!(
                "it runs the configuration {}, not {}",
                Path::new(file).display(),
                conf.display()
            ));
        }
    }
    Ok(())
}

/// The parent pid, from `/proc/PID/stat` (the field after the command name).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pid_file_naming_another_process_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::new(dir.path());
        assert_eq!(state(&paths), State::Stopped);
        std::fs::create_dir_all(paths.run_dir()).unwrap();
        std::fs::write(paths.pid_file(), format!("{}\n", std::process::id())).unwrap();
        assert_eq!(state(&paths), State::Stale { pid: std::process::id() });
        std::fs::write(paths.pid_file(), "garbage").unwrap();
        assert_eq!(state(&paths), State::Stopped);
    }
}
