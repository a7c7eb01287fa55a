//! The one owner of the termination signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT). Parts of
//! the program register what must happen before the process ends: the editor restores
//! the terminal and keeps unsaved edits, an apply waiting for confirmation is reverted,
//! the demo stops its proftpd. One thread waits for a signal, runs the steps in
//! [`Stage`] order (each once) and exits with 128 + the signal number.

use std::sync::{Mutex, Once, PoisonError};

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

/// When a step runs, relative to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Give the terminal back (nothing is drawn after this).
    Terminal,
    /// Keep what would be lost (the editor's unsaved edits).
    Keep,
    /// Undo what must not outlive the program (unconfirmed applies).
    Undo,
    /// Stop what the program started (the demo's proftpd).
    Stop,
}

type Step = Box<dyn Fn(i32) + Send>;

static STEPS: Mutex<Vec<(u64, Stage, Step)>> = Mutex::new(Vec::new());
static NEXT_ID: Mutex<u64> = Mutex::new(0);
static WATCH: Once = Once::new();

/// A registered step; dropping it unregisters the step.
#[must_use = "the step is unregistered when this is dropped"]
pub struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        STEPS.lock().unwrap_or_else(PoisonError::into_inner).retain(|(id, ..)| *id != self.0);
    }
}

/// Runs `step` (given the signal number) if a termination signal arrives while the
/// returned registration lives.
pub fn on_signal(stage: Stage, step: impl Fn(i32) + Send + 'static) -> Registration {
    watch();
    let id = {
        let mut next = NEXT_ID.lock().unwrap_or_else(PoisonError::into_inner);
        *next += 1;
        *next
    };
    STEPS.lock().unwrap_or_else(PoisonError::into_inner).push((id, stage, Box::new(step)));
    Registration(id)
}

fn watch() {
    WATCH.call_once(|| {
        let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT]) else {
            eprintln!("ftpconf: cannot watch for signals; the terminal may stay raw on a kill");
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let mut steps = STEPS.lock().unwrap_or_else(PoisonError::into_inner);
                steps.sort_by_key(|(_, stage, _)| *stage);
                for (_, _, step) in steps.iter() {
                    step(signal);
                }
                std::process::exit(128 + signal);
            }
        });
    });
}
