//! The doctor's check on a worker thread: it connects, logs in and transfers with
//! timeouts of seconds, so it never runs on the loop's thread. Unlike an apply, the
//! loop keeps reading keys meanwhile (Esc leaves; the worker's results are then
//! dropped): it wakes every [`POLL`] while a check runs to take in the steps that
//! finished, and draws only when one did. No check running: no wake-ups at all.

use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use super::app::{App, Screen};
use crate::proftpd::doctor::{self, CheckOptions, StepResult};

/// How often the loop looks for finished steps while a check runs.
pub const POLL: Duration = Duration::from_millis(50);

/// A running check: its steps arrive through `events`.
pub(super) struct CheckJob {
    events: Receiver<CheckEvent>,
}

enum CheckEvent {
    Step(StepResult),
    Done { passed: bool },
}

impl App {
    /// Starts the check of the saved settings (what serves) on a worker, as the user the
    /// open Check screen names (no name: anonymous when anonymous login is on).
    pub(super) fn start_check(&mut self) {
        let Screen::Check(screen) = &mut self.screen else { return };
        let credentials = screen.credentials();
        screen.started();
        let settings = self.saved.clone();
        let paths = self.env.paths.clone();
        // As `ftpconf check`: 127.0.0.1, or the address a sandbox listens on.
        let host = paths.listen_address().map(|a| a.to_string());
        let options = CheckOptions { host, credentials, ..CheckOptions::default() };
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            let steps = tx.clone();
            let mut progress = move |step: &StepResult| {
                let _ = steps.send(CheckEvent::Step(step.clone()));
            };
            let results = doctor::check(&settings, &paths, &options, &mut progress);
            let _ = tx.send(CheckEvent::Done { passed: doctor::all_passed(&results) });
        });
        self.check = Some(CheckJob { events });
    }

    /// When the loop must wake without a key: the confirmation deadline, or the next
    /// look at a running check.
    pub fn wake_at(&self) -> Option<Instant> {
        let poll = self.check.as_ref().map(|_| Instant::now() + POLL);
        match (self.deadline(), poll) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes in the steps a running check finished since the last look; returns whether
    /// the screen changed. Leaving the Check screen drops the check's results.
    pub fn poll_check(&mut self) -> bool {
        let Some(job) = &self.check else { return false };
        let Screen::Check(screen) = &mut self.screen else {
            self.check = None;
            return false;
        };
        let mut changed = false;
        loop {
            match job.events.try_recv() {
                Ok(CheckEvent::Step(step)) => screen.step(step),
                Ok(CheckEvent::Done { passed }) => {
                    screen.finished(passed);
                    self.check = None;
                    return true;
                }
                Err(TryRecvError::Empty) => return changed,
                Err(TryRecvError::Disconnected) => {
                    screen.lost();
                    self.check = None;
                    return true;
                }
            }
            changed = true;
        }
    }
}
