//! Helpers for apply tests: saving settings, running the real `ftpconf` binary, pausing
//! it at a step (the test-only `FTPCONF_TEST_PAUSE_AT` hook) and cleaning up a proftpd
//! that an apply started in daemon mode.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ftpconf::paths::Paths;
use ftpconf::proftpd::apply::{self, Outcome, Request, Verdict};
use ftpconf::proftpd::status::{self, State};
use ftpconf::settings::{Settings, store};

use super::Sandbox;

impl Sandbox {
    /// Writes `settings` to the sandbox's settings file (as `ftpconf set` would).
    pub fn save_settings(&self, settings: &Settings) {
        store::save(&self.paths.settings_file(), settings).expect("save settings");
    }

    pub fn request(&self) -> Request {
        Request::new(self.paths.clone(), self.paths.settings_file())
    }

    /// Saves `settings` and applies them through the library, printing the steps.
    pub fn apply(&self, settings: &Settings) -> Outcome {
        self.save_settings(settings);
        apply::run(&self.request(), &mut |p| eprintln!("{p:?}"))
    }

    /// Like [`Sandbox::apply`], panicking unless the verdict is Applied.
    pub fn apply_ok(&self, settings: &Settings) -> Outcome {
        let outcome = self.apply(settings);
        assert_eq!(outcome.verdict, Verdict::Applied, "{outcome:#?}");
        outcome
    }

    pub fn live_config(&self) -> String {
        std::fs::read_to_string(self.paths.proftpd_conf()).expect("live proftpd.conf")
    }

    /// The marker file the pause hook creates.
    pub fn pause_marker(&self) -> PathBuf {
        self.paths.state_dir().join("test-pause")
    }

    /// `ftpconf --root SANDBOX ARGS...` with stdin/stdout/stderr piped.
    pub fn ftpconf(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ftpconf"));
        command
            .arg("--root")
            .arg(self.dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Starts `ftpconf ARGS` paused before `step`, waiting until it is there.
    pub fn ftpconf_paused_at(&self, step: &str, args: &[&str]) -> Child {
        let _ = std::fs::remove_file(self.pause_marker());
        let mut child =
            self.ftpconf(args).env(apply::PAUSE_ENV, step).spawn().expect("run ftpconf");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.pause_marker().exists() {
            if let Ok(Some(status)) = child.try_wait() {
                let out = child.wait_with_output().unwrap();
                panic!(
                    "ftpconf exited ({status}) before pausing at {step}:\n{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            assert!(Instant::now() < deadline, "ftpconf never paused at {step}");
            std::thread::sleep(Duration::from_millis(10));
        }
        child
    }

    /// Lets a paused ftpconf go on.
    pub fn resume(&self) {
        std::fs::remove_file(self.pause_marker()).expect("remove the pause marker");
    }
}

/// Output as text, for messages and asserts.
pub fn text(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Stops (on drop) whatever proftpd the sandbox's PidFile names: apply may start one
/// in daemon mode, which is not a child of the test.
pub struct DaemonGuard(pub Paths);

impl Drop for DaemonGuard {
    fn drop(&mut self) {
        let _ = apply::stop_proftpd(&self.0);
    }
}

/// The pid the PidFile names when it is a live proftpd.
pub fn running_pid(paths: &Paths) -> Option<u32> {
    match status::state(paths) {
        State::Running { pid } => Some(pid),
        _ => None,
    }
}

/// Whether a fresh connection to `port` gets a 220 greeting.
pub fn greets(port: u16) -> bool {
    match super::raw::Raw::connect(port) {
        Ok(mut conn) => conn.reply().starts_with("220"),
        Err(_) => false,
    }
}

pub fn file_text(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Pids of live processes whose command line mentions `needle`.
pub fn processes_mentioning(needle: &str) -> Vec<u32> {
    super::live_processes(|pid| {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        String::from_utf8_lossy(&cmdline).contains(needle)
    })
    .into_iter()
    .map(|pid| pid as u32)
    .collect()
}
