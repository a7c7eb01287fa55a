//! Is proftpd running, as far as this machine can tell?
//!
//! A PidFile can be stale, and its pid recycled by an unrelated process; a pid counts
//! as proftpd only when the process behind it says so (`/proc/PID/comm` or `exe`).

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
}

impl State {
    pub fn describe(&self) -> String {
        match self {
            State::Running { pid } => format!("proftpd running (pid {pid})"),
            State::Stopped => "proftpd not running".to_owned(),
            State::Stale { pid } => format!("proftpd not running (stale pid file names pid {pid})"),
        }
    }
}

/// Reads the PidFile under `paths` and checks the process behind it.
pub fn state(paths: &Paths) -> State {
    let Some(pid) = read_pid(&paths.pid_file()) else {
        return State::Stopped;
    };
    if !Path::new(&format!("/proc/{pid}")).exists() {
        State::Stopped
    } else if is_proftpd(pid) {
        State::Running { pid }
    } else {
        State::Stale { pid }
    }
}

/// The pid written in a PidFile, if it holds one.
pub fn read_pid(pid_file: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(pid_file).ok()?;
    text.trim().parse().ok().filter(|&pid| pid > 1)
}

/// Whether `pid` is a live proftpd process (and not a zombie).
pub fn is_proftpd(pid: u32) -> bool {
    let proc_dir = format!("/proc/{pid}");
    let comm = std::fs::read_to_string(format!("{proc_dir}/comm")).unwrap_or_default();
    let exe = std::fs::read_link(format!("{proc_dir}/exe")).unwrap_or_default();
    let named = comm.trim() == "proftpd"
        || exe
            .file_name()
            .is_some_and(|n| n == "proftpd" || n.to_string_lossy().starts_with("proftpd "));
    let status = std::fs::read_to_string(format!("{proc_dir}/status")).unwrap_or_default();
    let zombie = status.lines().any(|l| l.starts_with("State:") && l.contains('Z'));
    named && !zombie
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
