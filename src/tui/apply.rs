//! "Save and apply" from the review: the apply runs on a worker thread (it blocks while
//! proftpd reloads) and sends each step through a channel, so the Apply screen shows it
//! the moment it finishes. With confirmation the applied configuration is held open
//! ([`Pending`]) until the user keeps it or the deadline passes, which reverts it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime};

use super::app::{App, Screen};
pub use super::apply_page::{ApplyMode, ApplyScreen, Ending, Phase, StepLine};
use super::scroll::Scroll;
use crate::proftpd::apply::{self, Outcome, Pending, Progress, Request, Verdict};

/// How the editor applies; the program sets it in [`super::Environment::apply`] (unset:
/// the review offers saving only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Start proftpd when it is not running (otherwise the files are put in place).
    pub start: bool,
    /// How long "Keep these settings?" waits before putting the previous ones back.
    pub confirm_after: Duration,
}

impl Default for ApplyOptions {
    fn default() -> ApplyOptions {
        ApplyOptions { start: false, confirm_after: Duration::from_secs(30) }
    }
}

/// How often "Keep these settings?" looks whether another shell settled it.
const SETTLED_CHECK: Duration = Duration::from_secs(1);

/// Seconds the editor's timed confirmation waits (1–3600), when not the default 30.
pub const CONFIRM_ENV: &str = "FTPCONF_CONFIRM_SECONDS";

impl ApplyOptions {
    /// The defaults, with [`CONFIRM_ENV`] when it holds a number of seconds in range.
    pub fn from_env() -> ApplyOptions {
        let seconds = std::env::var(CONFIRM_ENV).ok().and_then(|v| v.trim().parse::<u64>().ok());
        match seconds {
            Some(s @ 1..=3600) => {
                ApplyOptions { confirm_after: Duration::from_secs(s), ..ApplyOptions::default() }
            }
            _ => ApplyOptions::default(),
        }
    }
}

/// A running apply (or revert): its events arrive through `events`.
pub(super) struct Job {
    events: Receiver<JobEvent>,
    /// Set by Esc/Ctrl-C: the apply stops if nothing has been installed yet.
    cancel: Arc<AtomicBool>,
}

enum JobEvent {
    Progress(Progress),
    Finished(Box<Outcome>),
    Pending(Box<Pending>),
}

impl Job {
    fn spawn(work: impl FnOnce(&mut dyn FnMut(&Progress)) -> JobEvent + Send + 'static) -> Job {
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            let progress_tx = tx.clone();
            let mut progress = move |p: &Progress| {
                let _ = progress_tx.send(JobEvent::Progress(p.clone()));
            };
            let _ = tx.send(work(&mut progress));
        });
        Job { events, cancel: Arc::default() }
    }
}

impl App {
    /// Starts applying the just-saved settings file on a worker thread.
    pub(super) fn start_apply(&mut self, mode: ApplyMode, quit_after: bool) {
        self.run_apply(mode, quit_after, false);
    }

    /// The Apply page's `y` after a refusal over a hand-written proftpd.conf: the same
    /// apply again, replacing that file (the pipeline keeps a copy).
    pub(super) fn replace_foreign(&mut self) {
        if let Screen::Apply(screen) = &self.screen
            && screen.foreign()
        {
            let (mode, quit_after) = (screen.mode, screen.quit_after);
            self.run_apply(mode, quit_after, true);
        }
    }

    /// What the editor asks `apply` for.
    pub(super) fn request(&self, replace_foreign: bool) -> Request {
        let options = self.env.apply.unwrap_or_default();
        let mut request = Request::new(self.env.paths.clone(), self.env.settings_file.clone());
        request.start = options.start;
        request.confirm_within = options.confirm_after; // the watchdog's deadline too
        request.expected = Some(self.disk);
        request.reason = "apply from the editor".into();
        request.replace_foreign = replace_foreign;
        request
    }

    fn run_apply(&mut self, mode: ApplyMode, quit_after: bool, replace_foreign: bool) {
        let mut request = self.request(replace_foreign);
        let cancel = Arc::new(AtomicBool::new(false));
        request.cancel = Some(Arc::clone(&cancel));
        let mut job = Job::spawn(move |progress| match mode {
            ApplyMode::Plain => JobEvent::Finished(Box::new(apply::run(&request, progress))),
            ApplyMode::Confirm => match apply::run_pending(&request, progress) {
                Ok(pending) => JobEvent::Pending(Box::new(pending)),
                Err(outcome) => JobEvent::Finished(outcome),
            },
        });
        job.cancel = cancel;
        self.job = Some(job);
        self.message = None;
        self.screen = Screen::Apply(ApplyScreen {
            mode,
            steps: Vec::new(),
            notes: Vec::new(),
            phase: Phase::Running,
            scroll: Scroll::default(),
            quit_after,
            waiting_since: Instant::now(),
            waited: 0,
            cancelling: false,
        });
    }

    /// Whether an apply or revert is running (the loop then waits for its events).
    pub fn working(&self) -> bool {
        self.job.is_some() || self.service_job.is_some()
    }

    /// Waits until `until` for the running job's next event and takes it in, with any
    /// that arrived together (fast steps), so they cost one redraw, not one each: bytes
    /// count on a 9600-baud line. Returns whether the screen changed (the seconds shown
    /// for the step being waited for count too: at most one redraw a second).
    pub fn wait_for_work(&mut self, until: Instant) -> bool {
        if self.service_job.is_some() {
            return self.wait_for_service();
        }
        let Some(job) = &self.job else { return false };
        let first = match job.events.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(event) => Ok(event),
            Err(mpsc::RecvTimeoutError::Timeout) => return self.tick(),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(mpsc::RecvError),
        };
        let mut changed = self.take_job_event(first);
        while let Some(job) = &self.job {
            match job.events.try_recv() {
                Ok(event) => changed |= self.take_job_event(Ok(event)),
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    changed |= self.take_job_event(Err(mpsc::RecvError));
                }
            }
        }
        changed
    }

    /// The seconds waited, taken in; whether what is shown changed.
    fn tick(&mut self) -> bool {
        match &mut self.screen {
            Screen::Apply(screen) if self.job.is_some() => screen.tick(Instant::now()),
            _ => false,
        }
    }

    /// Esc/Ctrl-C on the Apply page while the apply runs: asks it to stop, which it does
    /// at once up to the install ("cancelled before anything changed"); from then on it
    /// runs to its end, and the page says so.
    pub(super) fn cancel_apply(&mut self) {
        let (Screen::Apply(screen), Some(job)) = (&mut self.screen, &self.job) else { return };
        if screen.installing() {
            self.error("Cannot cancel now: files are being installed; the apply finishes");
            return;
        }
        job.cancel.store(true, Ordering::SeqCst);
        screen.cancelling = true;
    }

    fn take_job_event(&mut self, event: Result<JobEvent, mpsc::RecvError>) -> bool {
        let Screen::Apply(screen) = &mut self.screen else {
            self.job = None;
            return false;
        };
        match event {
            Ok(JobEvent::Progress(Progress::Started(step))) => {
                screen.steps.push(StepLine { step, report: None });
                (screen.waiting_since, screen.waited) = (Instant::now(), 0);
            }
            Ok(JobEvent::Progress(Progress::Finished(report))) => {
                match screen.steps.iter_mut().rev().find(|l| l.step == report.step) {
                    Some(line) if line.report.is_none() => line.report = Some(report),
                    _ => screen.steps.push(StepLine { step: report.step, report: Some(report) }),
                }
            }
            Ok(JobEvent::Progress(Progress::Note(note))) => screen.notes.push(note),
            Ok(JobEvent::Pending(pending)) => {
                let wait = self.env.apply.unwrap_or_default().confirm_after;
                let now = Instant::now();
                screen.phase =
                    Phase::Confirming { deadline: now + wait, clock: clock_in(wait), checked: now };
                self.pending.put(*pending);
                self.job = None;
                self.refresh_service();
            }
            Ok(JobEvent::Finished(outcome)) => {
                let confirmed = (screen.phase == Phase::Reverting).then_some(false);
                screen.phase = Phase::Done(ending(&outcome, confirmed));
                self.job = None;
                self.after_apply(&outcome);
            }
            Err(_) => {
                screen.phase = Phase::Done(Ending {
                    verdict: Verdict::Broken,
                    message: "the apply stopped unexpectedly; run `ftpconf apply` to see where \
                              it stands (it finishes or undoes what was cut short)"
                        .into(),
                    problems: Vec::new(),
                    log: Vec::new(),
                    total: Duration::ZERO,
                    confirmed: None,
                    foreign: false,
                });
                self.job = None;
                self.refresh_service();
            }
        }
        true
    }

    /// When the loop must wake up without a key: the confirmation deadline and, before it,
    /// the next look at whether another shell settled it; or the open Service screen's next
    /// refresh (auto-refresh on).
    pub fn deadline(&self) -> Option<Instant> {
        match &self.screen {
            Screen::Apply(ApplyScreen {
                phase: Phase::Confirming { deadline, checked, .. },
                ..
            }) => Some((*deadline).min(*checked + SETTLED_CHECK)),
            _ => self.service_deadline(),
        }
    }

    /// The loop woke at [`App::deadline`]: the Service screen's timed refresh; or no
    /// answer by the deadline, so the previous files go back; before it, a look whether
    /// `ftpconf confirm`/`revert` settled it.
    pub fn deadline_passed(&mut self) -> bool {
        let now = Instant::now();
        let Screen::Apply(ApplyScreen {
            phase: Phase::Confirming { deadline, checked, .. }, ..
        }) = &mut self.screen
        else {
            return match self.service_deadline() {
                Some(due) if now >= due => self.service_tick(),
                _ => false,
            };
        };
        if now >= *deadline {
            return self.revert_pending();
        }
        if now < *checked + SETTLED_CHECK {
            return false;
        }
        *checked = now;
        self.settled_elsewhere()
    }

    /// Whether the held apply was settled from another shell (its marker is gone); if
    /// so, the page says how (kept or put back) instead of waiting for its deadline.
    /// Draws only on that change.
    fn settled_elsewhere(&mut self) -> bool {
        let Some(id) = self.pending.backup_id() else { return false };
        let waiting = apply::pending_confirmation(&self.env.paths);
        if waiting.is_some_and(|p| p.backup_id == id) {
            return false;
        }
        let Some(pending) = self.pending.take() else { return false };
        // Nothing is waiting any more, so this only reports what is live.
        let outcome = pending.revert(&mut |_| {});
        if let Screen::Apply(screen) = &mut self.screen {
            let kept = outcome.verdict == Verdict::Applied;
            screen.phase = Phase::Done(ending(&outcome, Some(kept)));
        }
        if outcome.verdict == Verdict::RolledBack {
            // Put back from another shell, maybe with the settings file: what is on disk
            // is saved, what is on the form stays as edits.
            self.rebase_on_disk();
        }
        self.after_apply(&outcome);
        true
    }

    pub(super) fn keep_pending(&mut self) -> bool {
        let Some(pending) = self.pending.take() else { return false };
        let outcome = pending.confirm();
        if let Screen::Apply(screen) = &mut self.screen {
            screen.phase = Phase::Done(ending(&outcome, Some(true)));
        }
        self.after_apply(&outcome);
        true
    }

    pub(super) fn revert_pending(&mut self) -> bool {
        let Some(pending) = self.pending.take() else { return false };
        if let Screen::Apply(screen) = &mut self.screen {
            screen.phase = Phase::Reverting;
            (screen.waiting_since, screen.waited) = (Instant::now(), 0);
        }
        self.job = Some(Job::spawn(move |progress| {
            JobEvent::Finished(Box::new(pending.revert(progress)))
        }));
        true
    }

    fn after_apply(&mut self, outcome: &Outcome) {
        if outcome.settings_put_back {
            self.rebase_on_disk();
        }
        self.refresh_service();
        self.env.quick = self.env.system.quick();
        if let Screen::Apply(screen) = &mut self.screen {
            // When it does not all fit, start at the failed step (the outcome follows),
            // else at the end; the next draw knows how much fits.
            let failed = screen.steps.iter().position(|l| l.report.as_ref().is_some_and(|r| !r.ok));
            screen.scroll.start_at(failed.map_or(u16::MAX, |i| i as u16));
        }
        // The message is a paragraph; the status line takes its first sentence.
        let first = outcome.message.split(". ").next().unwrap_or_default();
        match outcome.verdict {
            Verdict::Applied => {
                self.info(format!("Applied: {}", first.trim_start_matches("applied: ")))
            }
            verdict => self.error(format!("{}: {first}", verdict_word(verdict))),
        }
    }

    /// The title line's proftpd state, read again (an apply may have started it).
    fn refresh_service(&mut self) {
        self.refresh_title();
    }
}

fn ending(outcome: &Outcome, confirmed: Option<bool>) -> Ending {
    Ending {
        verdict: outcome.verdict,
        message: outcome.message.clone(),
        problems: outcome
            .problems
            .iter()
            .map(|p| format!("{} ({}): {}", p.field.label(), p.field.path(), p.message))
            .collect(),
        log: outcome.log.clone(),
        total: outcome.steps.iter().map(|s| s.elapsed).sum(),
        confirmed,
        foreign: outcome.foreign,
    }
}

/// One word for the status line.
pub fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Applied => "Applied",
        Verdict::Invalid => "Not applied (invalid)",
        Verdict::Refused => "Not applied (refused)",
        Verdict::RolledBack => "Rolled back",
        Verdict::Broken => "FTP MAY BE DOWN",
    }
}

/// The wall-clock time `wait` from now, "HH:MM:SS UTC" (the same clock as backup IDs).
fn clock_in(wait: Duration) -> String {
    let at = time::OffsetDateTime::from(SystemTime::now() + wait);
    format!("{:02}:{:02}:{:02} UTC", at.hour(), at.minute(), at.second())
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
