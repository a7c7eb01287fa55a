//! Questions that need an answer before going on: unsaved changes on quit, reset to
//! defaults, a settings file changed on disk. Each knows its buttons; keys pick one and
//! the answer goes back to the app as an [`Effect`].

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Answer, Button, Context};
use super::page::{Around, Page};
use super::review::Commit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    /// Quitting with unsaved changes.
    Quit,
    ResetDefaults,
    /// The settings file changed on disk since this editor loaded or saved it.
    ChangedOnDisk {
        commit: Commit,
        quit_after: bool,
    },
    /// Unsaved edits of a session that ended were kept in a draft.
    Draft,
}

const fn button(answer: Answer, key: char, label: &'static str) -> Button {
    Button { answer, key, label }
}

const QUIT: &[Button] = &[
    button(Answer::Save, 's', "Save..."),
    button(Answer::Discard, 'd', "Discard and quit"),
    button(Answer::Cancel, 'c', "Cancel"),
];
const RESET: &[Button] =
    &[button(Answer::ResetAll, 'y', "Reset all"), button(Answer::Cancel, 'n', "Cancel")];
const CHANGED: &[Button] = &[
    button(Answer::Reload, 'r', "Reload (lose edits)"),
    button(Answer::Overwrite, 'o', "Overwrite"),
    button(Answer::Cancel, 'c', "Cancel"),
];

const DRAFT: &[Button] = &[
    button(Answer::Restore, 'r', "Restore"),
    button(Answer::Show, 's', "Show"),
    button(Answer::Discard, 'd', "Discard"),
    button(Answer::Later, 'l', "Later"),
];

impl ConfirmKind {
    /// The buttons; the last one is the safe choice.
    pub fn buttons(self) -> &'static [Button] {
        match self {
            ConfirmKind::Quit => QUIT,
            ConfirmKind::ResetDefaults => RESET,
            ConfirmKind::ChangedOnDisk { .. } => CHANGED,
            ConfirmKind::Draft => DRAFT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirm {
    pub kind: ConfirmKind,
    pub selected: usize,
}

impl Confirm {
    /// A question with the button at `selected` highlighted.
    pub fn new(kind: ConfirmKind, selected: usize) -> Confirm {
        Confirm { kind, selected }
    }
}

impl Page for Confirm {
    fn update(&mut self, action: Action, _: &Around) -> Effect {
        let buttons = self.kind.buttons();
        match action {
            Action::Cancel => Effect::Close,
            Action::Left | Action::Right => {
                let step = if action == Action::Right { 1 } else { buttons.len() - 1 };
                self.selected = (self.selected + step) % buttons.len();
                Effect::Redraw
            }
            Action::Activate => Effect::Answer(self.kind, buttons[self.selected].answer),
            Action::Answer(answer) => Effect::Answer(self.kind, answer),
            _ => Effect::None,
        }
    }

    fn context(&self) -> Context {
        Context::Confirm(self.kind.buttons())
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |action| hints::from(keys::CONFIRM, action, around.theme);
        vec![h(Action::Left), h(Action::Activate), h(Action::Cancel)]
    }

    fn over_form(&self) -> bool {
        true
    }
}
