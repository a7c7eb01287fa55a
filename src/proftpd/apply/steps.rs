//! The named steps of an apply, their timing, and the progress events a caller sees.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One step of applying (or rolling back) a configuration, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Take the apply lock (one ftpconf at a time).
    Lock,
    /// Read the settings (or the backup) and validate them.
    Validate,
    /// Render proftpd.conf and the login message to temporary files beside their targets.
    Render,
    /// `proftpd -t` on the candidate configuration.
    ConfigTest,
    /// The port is free, or held by this proftpd.
    CheckPort,
    /// The TLS key belongs to its certificate.
    CheckTls,
    /// Every file the configuration names exists and can be read.
    CheckFiles,
    /// Keep the live files as a backup.
    Backup,
    /// Rename the new files into place (proftpd.conf last).
    Install,
    /// Make proftpd read the new configuration (reload, or start with `--start`).
    Reload,
    /// proftpd is alive and answers on its port with the new configuration.
    Verify,
    /// After a failure: put the backed-up files back.
    Restore,
    /// After a failure: bring proftpd back on the restored files and check it answers.
    Recover,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 13] = [
        Step::Lock,
        Step::Validate,
        Step::Render,
        Step::ConfigTest,
        Step::CheckPort,
        Step::CheckTls,
        Step::CheckFiles,
        Step::Backup,
        Step::Install,
        Step::Reload,
        Step::Verify,
        Step::Restore,
        Step::Recover,
    ];

    /// A short machine name (also the value of `FTPCONF_TEST_PAUSE_AT`).
    pub fn name(self) -> &'static str {
        match self {
            Step::Lock => "lock",
            Step::Validate => "validate",
            Step::Render => "render",
            Step::ConfigTest => "configtest",
            Step::CheckPort => "check-port",
            Step::CheckTls => "check-tls",
            Step::CheckFiles => "check-files",
            Step::Backup => "backup",
            Step::Install => "install",
            Step::Reload => "reload",
            Step::Verify => "verify",
            Step::Restore => "restore",
            Step::Recover => "recover",
        }
    }

    /// What the step does, for people.
    pub fn title(self) -> &'static str {
        match self {
            Step::Lock => "take the apply lock",
            Step::Validate => "validate the settings",
            Step::Render => "write new files beside live ones",
            Step::ConfigTest => "proftpd -t on the new config",
            Step::CheckPort => "port is free or ours",
            Step::CheckTls => "TLS key matches certificate",
            Step::CheckFiles => "files it names exist",
            Step::Backup => "back up the live files",
            Step::Install => "put the new files in place",
            Step::Reload => "reload (or start) proftpd",
            Step::Verify => "proftpd serves the new config",
            Step::Restore => "put the previous files back",
            Step::Recover => "bring proftpd back on them",
        }
    }

    pub fn from_name(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name.trim())
    }
}

/// How a finished step went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub step: Step,
    pub ok: bool,
    pub elapsed: Duration,
    /// One line on what was found or done ("port 2121 free", "pid 1234 reloaded").
    pub detail: String,
}

/// What a caller is told while an apply runs; the CLI prints these, the TUI draws them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Started(Step),
    Finished(StepReport),
    /// Something worth telling that is not a step (e.g. "proftpd is not running").
    Note(String),
}

/// Runs steps: times them, reports them, and honours the test-only pause hook.
pub(crate) struct Runner<'a> {
    progress: &'a mut dyn FnMut(&Progress),
    pub reports: Vec<StepReport>,
    pub notes: Vec<String>,
    /// A step refused to replace a hand-written proftpd.conf ([`super::Outcome::foreign`]).
    pub foreign: bool,
    pause: Option<(Step, PathBuf)>,
}

impl<'a> Runner<'a> {
    pub fn new(progress: &'a mut dyn FnMut(&Progress), pause_marker: PathBuf) -> Runner<'a> {
        let pause = std::env::var(PAUSE_ENV)
            .ok()
            .and_then(|name| Step::from_name(&name))
            .map(|step| (step, pause_marker));
        Runner { progress, reports: Vec::new(), notes: Vec::new(), foreign: false, pause }
    }

    /// Runs `work` as `step`. `work` returns the detail line, or the error message.
    pub fn step<T, E: StepError>(
        &mut self,
        step: Step,
        work: impl FnOnce(&mut Runner<'a>) -> Result<(T, String), E>,
    ) -> Result<T, E> {
        self.pause_if_asked(step);
        (self.progress)(&Progress::Started(step));
        let start = Instant::now();
        let result = work(self);
        let elapsed = start.elapsed();
        let (value, report) = match result {
            Ok((value, detail)) => (Ok(value), StepReport { step, ok: true, elapsed, detail }),
            Err(error) => {
                let detail = error.text();
                (Err(error), StepReport { step, ok: false, elapsed, detail })
            }
        };
        (self.progress)(&Progress::Finished(report.clone()));
        self.reports.push(report);
        value
    }

    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        (self.progress)(&Progress::Note(text.clone()));
        self.notes.push(text);
    }

    /// Test-only: with `FTPCONF_TEST_PAUSE_AT=STEP`, stop before STEP, create the marker
    /// file (its content is the step name) and wait until a test deletes it (or kills
    /// this process). Lets tests SIGKILL ftpconf at an exact point.
    fn pause_if_asked(&mut self, step: Step) {
        if let Some((at, marker)) = &self.pause
            && *at == step
        {
            wait_at(marker, step.name());
        }
    }
}

/// Test-only pause points inside a step (see [`PAUSE_ENV`]); `name` is not a step name.
pub(crate) fn pause_point(name: &str, marker: &Path) {
    if std::env::var(PAUSE_ENV).is_ok_and(|v| v.trim() == name) {
        wait_at(marker, name);
    }
}

fn wait_at(marker: &Path, name: &str) {
    if let Some(dir) = marker.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if std::fs::write(marker, name).is_err() {
        return;
    }
    while marker.exists() {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A step's error: something with a message for the step report.
pub(crate) trait StepError {
    fn text(&self) -> String;
}

impl StepError for String {
    fn text(&self) -> String {
        self.clone()
    }
}

/// A message plus a flag (whether a `proftpd -t` error lies in a setting).
impl StepError for (String, bool) {
    fn text(&self) -> String {
        self.0.clone()
    }
}

/// Test-only hook, not for production use: the name of a step ([`Step::name`]) to pause
/// before, or `install-between-renames` (after the login message is renamed into place,
/// before proftpd.conf). ftpconf then creates `STATE_DIR/test-pause` and waits until a
/// test deletes it (or kills ftpconf).
pub const PAUSE_ENV: &str = "FTPCONF_TEST_PAUSE_AT";
