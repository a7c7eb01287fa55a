//! The Check screen: the doctor's check (`ftpconf check`, `check --user`) and its login
//! verdict (`ftpconf check-login`) in the editor. A name and a password field (masked;
//! the password lives only here and in the worker's copy, never written or logged),
//! then the steps as they finish. The check itself runs on a worker ([`super::check_job`]).

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context};
use super::page::{Around, Page};
use super::scroll::Scroll;
use crate::proftpd::doctor::login::{self, Accounts, LoginVerdict};
use crate::proftpd::doctor::{Credentials, Outcome, StepResult};

/// A line being typed; its `Debug` never shows the text (it may be a password).
#[derive(Clone, Default)]
pub struct Secret(pub Input);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} characters>)", self.0.value().chars().count())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

impl Eq for Secret {}

/// Where the check stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckState {
    /// Nothing run yet.
    Idle,
    Running,
    /// Finished: every step passed, or not; `millis` in all.
    Done {
        passed: bool,
        millis: u64,
    },
    /// The worker stopped without a result.
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckScreen {
    pub name: Secret,
    pub password: Secret,
    /// 0: name, 1: password.
    pub focus: usize,
    /// The account the steps below are about ("" = anonymous, as configured).
    pub checked: String,
    pub steps: Vec<StepResult>,
    pub state: CheckState,
    /// The last check-login verdict (Ctrl-R).
    pub verdict: Option<LoginVerdict>,
    pub scroll: Scroll,
}

pub const TABLES: &[&[keys::Binding]] = &[keys::EVERYWHERE, keys::BACK_OUT, keys::CHECK];

impl CheckScreen {
    pub fn new() -> CheckScreen {
        CheckScreen {
            name: Secret::default(),
            password: Secret::default(),
            focus: 0,
            checked: String::new(),
            steps: Vec::new(),
            state: CheckState::Idle,
            verdict: None,
            scroll: Scroll::default(),
        }
    }

    /// The name typed, without blanks around it.
    pub fn user(&self) -> &str {
        self.name.0.value().trim()
    }

    /// Credentials for the worker: none when no name is typed (anonymous, as configured).
    pub fn credentials(&self) -> Option<Credentials> {
        let user = self.user();
        (!user.is_empty()).then(|| Credentials {
            user: user.to_owned(),
            password: self.password.0.value().to_owned(),
        })
    }

    fn focused(&mut self) -> &mut Secret {
        if self.focus == 0 { &mut self.name } else { &mut self.password }
    }

    /// A key typed into the focused field; control characters are never taken (they
    /// would end the FTP command the name or password is sent in).
    fn type_key(&mut self, key: KeyEvent) -> bool {
        if let crossterm::event::KeyCode::Char(c) = key.code
            && crate::visible::is_unsafe(c)
        {
            return false;
        }
        let input = &mut self.focused().0;
        input.handle_event(&Event::Key(key)).is_some_and(|c| c.value || c.cursor)
    }

    /// Pasted text for the focused field: one line, control characters left out (their
    /// count is returned).
    pub fn paste(&mut self, text: &str) -> usize {
        let (kept, left_out) = super::paste::one_line(text);
        let input = &mut self.focused().0;
        for c in kept.chars() {
            input.handle(tui_input::InputRequest::InsertChar(c));
        }
        left_out
    }

    /// The check started on the worker (by [`Effect::StartCheck`]).
    pub fn started(&mut self) {
        self.checked = self.user().to_owned();
        self.steps.clear();
        self.verdict = None;
        self.state = CheckState::Running;
        self.scroll = Scroll::default();
    }

    /// A step finished on the worker.
    pub fn step(&mut self, step: StepResult) {
        self.steps.push(step);
        // Follow the newest step while it runs.
        self.scroll.start_at(u16::MAX);
    }

    /// The worker ended without a result.
    pub fn lost(&mut self) {
        self.state = CheckState::Lost;
    }

    pub fn finished(&mut self, passed: bool) {
        let millis = self.steps.iter().map(|s| s.millis).sum();
        self.state = CheckState::Done { passed, millis };
        // Start at the first failure when it does not all fit.
        let failed = self.steps.iter().position(|s| s.outcome == Outcome::Fail);
        self.scroll.start_at(failed.map_or(u16::MAX, |_| 0));
    }
}

impl Default for CheckScreen {
    fn default() -> CheckScreen {
        CheckScreen::new()
    }
}

impl Page for CheckScreen {
    fn update(&mut self, action: Action, around: &Around) -> Effect {
        let running = self.state == CheckState::Running;
        match action {
            Action::Cancel => Effect::Close,
            Action::NextField | Action::PrevField => {
                self.focus = 1 - self.focus;
                Effect::Redraw
            }
            Action::RunCheck if running => Effect::info("The check is running; wait for its end"),
            Action::RunCheck if !self.user().is_empty() && self.password.0.value().is_empty() => {
                Effect::error(
                    "Type the password to log in as this user, or Ctrl-R for the reasons \
                     the account may be refused (no password needed)",
                )
            }
            Action::RunCheck => Effect::StartCheck,
            Action::CheckLogin => {
                let name = match self.user() {
                    "" => "anonymous",
                    name => name,
                };
                self.verdict = Some(login::check_login(around.saved, name, &Accounts::system()));
                self.scroll.start_at(u16::MAX);
                Effect::Redraw
            }
            Action::Type(key) => Effect::redraw_if(self.type_key(key)),
            other => Effect::redraw_if(self.scroll.update(other).is_some()),
        }
    }

    fn context(&self) -> Context {
        Context::TypingPage(TABLES)
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |action| hints::from(keys::CHECK, action, around.theme);
        vec![
            h(Action::NextField),
            h(Action::RunCheck),
            h(Action::CheckLogin),
            h(Action::PageDown),
            h(Action::Cancel),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn typed(screen: &mut CheckScreen, text: &str) {
        for c in text.chars() {
            screen.type_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    #[test]
    fn the_password_is_never_in_debug_and_control_characters_never_get_in() {
        let mut screen = CheckScreen::new();
        assert!(screen.credentials().is_none(), "no name: as configured");
        typed(&mut screen, "alice");
        screen.focus = 1;
        typed(&mut screen, "s3cret\r");
        assert_eq!(screen.paste("\r\nPASS x\r\n"), 0, "trimmed ends are not counted");
        assert_eq!(screen.paste("a\rb"), 1);
        let credentials = screen.credentials().expect("a name gives credentials");
        assert_eq!(
            (credentials.user.as_str(), credentials.password.as_str()),
            ("alice", "s3cretPASS xab")
        );
        let debug = format!("{screen:?}");
        assert!(!debug.contains("s3cret") && !debug.contains("alice"), "{debug}");
    }
}
