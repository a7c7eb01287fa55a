//! The Apply page's state: the steps as they finish, the phase (running, asking "Keep
//! these settings?", reverting, done), its scroll; and its keys and hints. The work
//! itself (the worker thread, the channel, the timed confirmation) is in [`super::apply`].

use std::time::{Duration, Instant};

use super::app::Screen;
use super::check_page::CheckScreen;
use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context};
use super::page::{Around, Page};
use super::scroll::Scroll;
use crate::proftpd::apply::{Step, StepReport, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyMode {
    Plain,
    /// Hold the result open until confirmed (`ftpconf apply --confirm`).
    Confirm,
}

/// A step that started, and its report once it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLine {
    pub step: Step,
    pub report: Option<StepReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Running,
    /// Applied and waiting for "keep" until `deadline` (`clock` is that time, shown once:
    /// no countdown, each redraw costs bytes on a slow line).
    Confirming {
        deadline: Instant,
        clock: String,
        /// When the editor last looked whether `ftpconf confirm`/`revert` settled it from
        /// another shell (at most once a second, only while this question is open).
        checked: Instant,
    },
    Reverting,
    Done(Ending),
}

/// How it ended, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub verdict: Verdict,
    pub message: String,
    pub problems: Vec<String>,
    pub log: Vec<String>,
    pub total: Duration,
    /// With confirmation: kept (`Some(true)`) or put back (`Some(false)`).
    pub confirmed: Option<bool>,
    /// Refused over a hand-written proftpd.conf: `y` runs it again, replacing that file.
    pub foreign: bool,
}

/// The Apply screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyScreen {
    pub mode: ApplyMode,
    pub steps: Vec<StepLine>,
    pub notes: Vec<String>,
    pub phase: Phase,
    pub scroll: Scroll,
    /// Quit once the user leaves the screen (the save came from the quit question).
    pub quit_after: bool,
    /// While it runs: since when the current step (or the revert) has been waited for,
    /// and the whole seconds shown (the page is drawn again only when they change).
    pub waiting_since: Instant,
    pub waited: u64,
    /// Esc or Ctrl-C asked the running apply to stop.
    pub cancelling: bool,
}

impl ApplyScreen {
    /// "Keep these settings?" is asked.
    pub fn confirming(&self) -> bool {
        matches!(self.phase, Phase::Confirming { .. })
    }

    /// Refused over a hand-written proftpd.conf; "Replace it?" is asked.
    pub fn foreign(&self) -> bool {
        matches!(&self.phase, Phase::Done(end) if end.foreign)
    }

    /// The step being waited for: the last one started and not finished.
    pub fn running_step(&self) -> Option<Step> {
        self.steps.iter().rev().find(|l| l.report.is_none()).map(|l| l.step)
    }

    /// Files have started to be put in place: cancelling is no longer possible.
    pub fn installing(&self) -> bool {
        self.steps.iter().any(|l| matches!(l.step, Step::Install | Step::Reload | Step::Verify))
    }

    /// Takes in the time: whether the whole seconds shown changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        let waited = now.saturating_duration_since(self.waiting_since).as_secs();
        std::mem::replace(&mut self.waited, waited) != waited
    }
}

impl Page for ApplyScreen {
    fn update(&mut self, action: Action, _: &Around) -> Effect {
        let done = matches!(self.phase, Phase::Done(_));
        match action {
            Action::Cancel if self.phase == Phase::Running => Effect::CancelApply,
            Action::Yes if self.foreign() => Effect::ReplaceForeign,
            Action::Keep if self.confirming() => Effect::KeepPending,
            Action::RevertNow | Action::Cancel if self.confirming() => Effect::RevertPending,
            // The check of what now serves, on its own screen (as `ftpconf check`).
            Action::RunCheck if done => Effect::All(vec![
                Effect::open(Screen::Check(CheckScreen::new())),
                Effect::StartCheck,
            ]),
            Action::Activate | Action::Cancel if done => match self.quit_after {
                true => Effect::All(vec![Effect::Close, Effect::Quit]),
                false => Effect::Close,
            },
            other => Effect::redraw_if(self.scroll.update(other).is_some()),
        }
    }

    fn context(&self) -> Context {
        match self.phase {
            Phase::Running => Context::Page(keys::APPLY_RUNNING_PAGE),
            _ if self.foreign() => Context::Page(keys::APPLY_FOREIGN_PAGE),
            _ => Context::Apply { confirming: self.confirming() },
        }
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |table, action| hints::from(table, action, around.theme);
        match self.phase {
            Phase::Running if !self.installing() && !self.cancelling => {
                vec![h(keys::APPLY_RUNNING, Action::Cancel)]
            }
            Phase::Running | Phase::Reverting => {
                vec![hints::literal("", "working: keys wait until it has finished", around.theme)]
            }
            Phase::Confirming { .. } => {
                vec![h(keys::APPLY_ASKING, Action::Keep), h(keys::APPLY_ASKING, Action::RevertNow)]
            }
            Phase::Done(_) if self.foreign() => {
                vec![h(keys::APPLY_FOREIGN, Action::Yes), h(keys::APPLY_DONE, Action::Cancel)]
            }
            Phase::Done(_) => {
                vec![
                    h(keys::APPLY_DONE, Action::Cancel),
                    h(keys::SCROLL, Action::Up),
                    h(keys::APPLY_DONE, Action::RunCheck),
                ]
            }
        }
    }
}
