//! The Service screen's side of the app: its actions run on a worker thread (a stop waits
//! for the master to exit, a kick for the grace period), the way an apply does: the loop
//! waits for the worker, draws its result and drops keys typed meanwhile. Also the title
//! line's service text, from the cheap [`service::brief`].

use std::sync::mpsc::{self, Receiver};
use std::time::Instant;

use super::app::{App, Screen};
use super::service::{AUTO_EVERY, Work};
use crate::proftpd::service::control::{self, ControlError};
use crate::proftpd::service::text::clock;
use crate::proftpd::service::{self, Brief, KickOutcome, KickResult, Target, kick};

/// A service action running on a worker: its one result arrives through `done`.
pub(super) struct ServiceJob {
    done: Receiver<Done>,
}

enum Done {
    Control(control::Action, Result<String, ControlError>),
    Kick(String, Result<Vec<KickResult>, String>),
}

/// The title line's words for the service: "proftpd running, 2 sessions", "proftpd not
/// running", and ", reverts 12:04:29 UTC" while a timed confirmation waits. Short: with
/// the host and the settings file beside it, it must fit in 80 columns (the pid is on the
/// Service screen).
pub fn title(brief: &Brief) -> String {
    let mut text = match brief.running {
        Some(_) => "proftpd running".to_owned(),
        None => "proftpd not running".to_owned(),
    };
    match brief.sessions {
        Some(n) if brief.running.is_some() => {
            text += &format!(", {n} session{}", if n == 1 { "" } else { "s" });
        }
        _ => {}
    }
    if let Some(pending) = &brief.pending_confirmation {
        text += &match pending.deadline {
            Some(at) => format!(", reverts {}", clock(at)),
            None => ", unconfirmed".to_owned(),
        };
    }
    text
}

impl App {
    /// Reads the title line's service text again; returns whether it changed.
    pub fn refresh_title(&mut self) -> bool {
        let text = title(&service::brief(&self.env.paths));
        std::mem::replace(&mut self.env.service, text.clone()) != text
    }

    /// Starts `work` on a worker; the screen says what runs until it is done.
    pub(super) fn start_service_work(&mut self, work: Work) {
        let Screen::Service(screen) = &mut self.screen else { return };
        let paths = self.env.paths.clone();
        let (tx, done) = mpsc::channel();
        screen.busy = Some(match &work {
            Work::Control(action) => running(*action).to_owned(),
            Work::Kick { who, .. } => format!("Ending the session of {who}..."),
        });
        screen.result = None;
        std::thread::spawn(move || {
            let result = match work {
                Work::Control(action) => Done::Control(action, control::perform(&paths, action)),
                Work::Kick { pid, who } => {
                    Done::Kick(who, kick(&paths, &Target::Pid(pid), service::kick::GRACE))
                }
            };
            let _ = tx.send(result);
        });
        self.service_job = Some(ServiceJob { done });
        self.message = None;
    }

    /// Waits for the running service action and shows its result.
    pub(super) fn wait_for_service(&mut self) -> bool {
        let Some(job) = self.service_job.take() else { return false };
        let (ok, text) = match job.done.recv() {
            Ok(Done::Control(action, Ok(done))) => (true, format!("{}: {done}", verb(action))),
            Ok(Done::Control(action, Err(e))) => {
                let how = if e.refused { "refused" } else { "failed" };
                (false, format!("{} {how}: {}", verb(action), e.message))
            }
            Ok(Done::Kick(who, Ok(results))) => kicked(&who, &results),
            Ok(Done::Kick(who, Err(e))) => (false, format!("Kick of {who} failed: {e}")),
            Err(_) => (false, "the action stopped unexpectedly; r reads the state".to_owned()),
        };
        if let Screen::Service(screen) = &mut self.screen {
            screen.busy = None;
            screen.refresh(&self.env.paths);
            screen.result = Some((ok, text.clone()));
        }
        self.refresh_title();
        if ok {
            self.info(text)
        } else {
            self.error(text)
        }
        true
    }

    /// When the open Service screen refreshes next (auto-refresh on).
    pub(super) fn service_deadline(&self) -> Option<Instant> {
        match &self.screen {
            Screen::Service(screen) => screen.next_refresh,
            _ => None,
        }
    }

    /// The timed refresh: reads the state again; draws only when something changed.
    pub(super) fn service_tick(&mut self) -> bool {
        let Screen::Service(screen) = &mut self.screen else { return false };
        screen.next_refresh = Some(Instant::now() + AUTO_EVERY);
        let changed = screen.refresh(&self.env.paths);
        self.refresh_title() || changed
    }
}

fn verb(action: control::Action) -> &'static str {
    match action {
        control::Action::Start => "Start",
        control::Action::Stop => "Stop",
        control::Action::Restart => "Restart",
        control::Action::Enable => "Start at boot on",
        control::Action::Disable => "Start at boot off",
    }
}

fn running(action: control::Action) -> &'static str {
    match action {
        control::Action::Start => "Starting proftpd (its configuration is tested first)...",
        control::Action::Stop => "Stopping proftpd (its sessions end first)...",
        control::Action::Restart => "Restarting proftpd...",
        control::Action::Enable => "Turning start at boot on...",
        control::Action::Disable => "Turning start at boot off...",
    }
}

fn kicked(who: &str, results: &[KickResult]) -> (bool, String) {
    match results.first().map(|r| &r.outcome) {
        None => (false, format!("The session of {who} had already ended")),
        Some(KickOutcome::Ended) => (true, format!("Ended the session of {who}")),
        Some(KickOutcome::Killed) => {
            (true, format!("Ended the session of {who} (killed: it ignored SIGTERM)"))
        }
        Some(KickOutcome::NotASession(why) | KickOutcome::Failed(why)) => {
            (false, format!("Kick of {who} failed: {why}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proftpd::service::pending::PendingConfirmation;

    #[test]
    fn the_title_says_running_sessions_and_an_unconfirmed_apply() {
        let mut brief = Brief { running: None, sessions: Some(0), pending_confirmation: None };
        assert_eq!(title(&brief), "proftpd not running");
        brief.running = Some(812);
        assert_eq!(title(&brief), "proftpd running, 0 sessions");
        brief.sessions = Some(1);
        assert_eq!(title(&brief), "proftpd running, 1 session");
        brief.sessions = None;
        brief.pending_confirmation = Some(PendingConfirmation {
            backup: "20261129-001500-000".into(),
            since: None,
            deadline: Some(1_795_910_669), // 2026-11-29 00:04:29 UTC
        });
        assert_eq!(title(&brief), "proftpd running, reverts 00:04:29 UTC");
    }
}
