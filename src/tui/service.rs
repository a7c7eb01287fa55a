//! The Service screen (`v` on the form): proftpd's state, who is connected, and start,
//! stop, restart, start at boot, kick, each asked first. The state is read when the
//! screen opens, on `r`, after each action and, only when the user turns it on (`t`),
//! every [`AUTO_EVERY`] while the screen is open. The actions themselves run on a worker
//! (service_run.rs); this file holds the screen's state and keys.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context, Service as Command};
use super::page::{Around, Page};
use super::scroll::Scroll;
use crate::paths::Paths;
use crate::proftpd::service::control::Action as Control;
use crate::proftpd::service::text::user_at;
use crate::proftpd::service::{self, RunState, ServiceStatus, Session};

/// How often the screen reads the state again while auto-refresh is on.
pub const AUTO_EVERY: Duration = Duration::from_secs(2);

/// Sessions a PgUp/PgDn moves the highlight by (about a page at 80x24).
const PAGE: isize = 10;

/// Something the screen does after a yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    Control(Control),
    /// End one session (the highlighted one, when asked).
    Kick {
        pid: u32,
        who: String,
    },
}

/// A yes/no question on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub work: Work,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceScreen {
    pub status: ServiceStatus,
    /// The sessions, or why they cannot be read.
    pub sessions: Result<Vec<Session>, String>,
    /// When the state was read (seconds since the epoch), for "idle", "connected since".
    pub read_at: i64,
    /// The highlighted session (an index into `sessions`).
    pub selected: usize,
    pub scroll: Scroll,
    /// When the next timed refresh is due; `None`: auto-refresh is off.
    pub next_refresh: Option<Instant>,
    pub asking: Option<Question>,
    /// What runs now ("Stopping proftpd..."), while the worker works.
    pub busy: Option<String>,
    /// The last action's result: (succeeded, what happened).
    pub result: Option<(bool, String)>,
}

impl ServiceScreen {
    /// Reads the state now.
    pub fn read(paths: &Paths) -> ServiceScreen {
        ServiceScreen {
            status: service::status(paths),
            sessions: service::sessions(paths),
            read_at: now(),
            selected: 0,
            scroll: Scroll::default(),
            next_refresh: None,
            asking: None,
            busy: None,
            result: None,
        }
    }

    /// Reads the state again; returns whether anything shown changed.
    pub fn refresh(&mut self, paths: &Paths) -> bool {
        let fresh = ServiceScreen::read(paths);
        // The highlight stays on the same session when it is still there.
        let pid = self.selected_session().map(|s| s.pid);
        let list = fresh.sessions.as_deref().unwrap_or_default();
        let selected = pid
            .and_then(|pid| list.iter().position(|s| s.pid == pid))
            .unwrap_or(self.selected.min(list.len().saturating_sub(1)));
        // Text computed from the time alone ("idle 4 s") changes only with whole seconds.
        let changed = (&fresh.status, &fresh.sessions, fresh.read_at, selected)
            != (&self.status, &self.sessions, self.read_at, self.selected);
        (self.status, self.sessions, self.read_at, self.selected) =
            (fresh.status, fresh.sessions, fresh.read_at, selected);
        changed
    }

    pub fn auto_refresh(&self) -> bool {
        self.next_refresh.is_some()
    }

    pub fn selected_session(&self) -> Option<&Session> {
        self.sessions.as_ref().ok().and_then(|l| l.get(self.selected))
    }

    fn session_count(&self) -> usize {
        self.sessions.as_ref().map_or(0, Vec::len)
    }

    fn select(&mut self, step: isize) -> Effect {
        let last = self.session_count().saturating_sub(1) as isize;
        let next = (self.selected as isize + step).clamp(0, last.max(0)) as usize;
        Effect::redraw_if(std::mem::replace(&mut self.selected, next) != next)
    }

    /// The question for `command`, or why there is nothing to ask.
    fn ask(&mut self, command: Command, paths: &Paths) -> Effect {
        let running = self.status.state == RunState::Running;
        let question = match command {
            Command::Start if running => {
                return Effect::info("proftpd is already running; R restarts it");
            }
            Command::Start => {
                control(Control::Start, "Start proftpd? Its configuration is tested first.")
            }
            Command::Stop if !running => {
                return Effect::info("proftpd is not running; s starts it");
            }
            Command::Stop => cutting(Control::Stop, paths),
            Command::Restart => cutting(Control::Restart, paths),
            Command::Enable => control(Control::Enable, "Make proftpd start at boot?"),
            Command::Disable => control(
                Control::Disable,
                "Stop proftpd from starting at boot? It keeps running now.",
            ),
            Command::Kick => match self.selected_session() {
                Some(s) => Question {
                    work: Work::Kick { pid: s.pid, who: user_at(s) },
                    text: format!(
                        "End the session of {} (pid {})? A transfer in progress stops; \
                         the other sessions stay.",
                        user_at(s),
                        s.pid
                    ),
                },
                None => return Effect::info("No session to end"),
            },
            Command::Open | Command::Refresh | Command::AutoRefresh => return Effect::None,
        };
        self.asking = Some(question);
        Effect::Redraw
    }
}

fn control(action: Control, text: &str) -> Question {
    Question { work: Work::Control(action), text: text.into() }
}

/// Stop or restart: says whom it cuts off, read now (not from the last refresh).
fn cutting(action: Control, paths: &Paths) -> Question {
    let verb = if action == Control::Stop { "Stop" } else { "Restart" };
    let whom = match service::sessions(paths) {
        Ok(list) if list.is_empty() => "No one is connected.".to_owned(),
        Ok(list) => {
            let names: Vec<String> = list.iter().take(3).map(user_at).collect();
            let more = if list.len() > 3 { ", ..." } else { "" };
            let s = if list.len() == 1 { "" } else { "s" };
            format!("This ends {} connected session{s} ({}{more}).", list.len(), names.join(", "))
        }
        Err(e) => format!("Who is connected cannot be read ({e}); any session ends."),
    };
    control(action, &format!("{verb} proftpd? {whom}"))
}

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Page for ServiceScreen {
    fn update(&mut self, action: Action, around: &Around) -> Effect {
        let paths = &around.env.paths;
        if self.asking.is_some() {
            return match action {
                Action::Yes => {
                    let question = self.asking.take().expect("asked");
                    Effect::ServiceWork(question.work)
                }
                Action::Cancel => {
                    self.asking = None;
                    Effect::Redraw
                }
                _ => Effect::None,
            };
        }
        match action {
            Action::Cancel => Effect::Close,
            Action::Up => self.select(-1),
            Action::Down => self.select(1),
            // The page moves and the highlight with it (drawing keeps it in view).
            Action::PageUp | Action::PageDown | Action::Home | Action::End => {
                self.scroll.update(action);
                let step = match action {
                    Action::PageUp => -PAGE,
                    Action::PageDown => PAGE,
                    Action::Home => isize::MIN / 2,
                    _ => isize::MAX / 2,
                };
                self.select(step);
                Effect::Redraw
            }
            // The screen says when it read the state (a status message would outlive it).
            Action::Service(Command::Refresh) => {
                self.refresh(paths);
                Effect::Redraw
            }
            Action::Service(Command::AutoRefresh) => {
                let on = !self.auto_refresh();
                self.next_refresh = on.then(|| Instant::now() + AUTO_EVERY);
                Effect::Redraw
            }
            Action::Service(command) => self.ask(command, paths),
            other => Effect::redraw_if(self.scroll.update(other).is_some()),
        }
    }

    fn context(&self) -> Context {
        match self.asking {
            Some(_) => Context::Page(keys::SERVICE_ASKING),
            None => Context::Page(keys::SERVICE_PAGE),
        }
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |table, action| hints::from(table, action, around.theme);
        if self.asking.is_some() {
            return vec![h(keys::SERVICE_ASK, Action::Yes), h(keys::SERVICE_ASK, Action::Cancel)];
        }
        let t = keys::SERVICE;
        let auto = if self.auto_refresh() { "auto off" } else { "auto" };
        vec![
            h(t, Action::Service(Command::Refresh)),
            hints::with(h(t, Action::Service(Command::AutoRefresh)), auto),
            h(t, Action::Service(Command::Start)),
            h(t, Action::Service(Command::Enable)),
            h(t, Action::Service(Command::Kick)),
            h(t, Action::Cancel),
        ]
    }
}
