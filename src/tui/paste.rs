//! Pasted text (bracketed paste): it goes into the focused text field and nowhere else.
//! It is never taken for keys, so a Tab or a letter inside it cannot move, save or apply.

use super::app::{App, Screen};
use super::certs::Mode;
use crate::settings::Field;
use crate::visible;

impl App {
    /// Takes a paste in; returns whether the screen must be redrawn.
    pub fn paste(&mut self, text: &str) -> bool {
        let left_out = match &mut self.screen {
            Screen::Form => match self.focused_field() {
                Some(field) => self.paste_into(field, text),
                None => None,
            },
            Screen::Editing(field) => {
                let field = *field;
                self.paste_into(field, text)
            }
            Screen::Check(check) => {
                let label = if check.focus == 0 { "Name" } else { "Password" };
                Some((label, check.paste(text)))
            }
            Screen::Certs(manager) => match &mut manager.mode {
                Mode::Form(form) => form.paste(text).map(|n| (form.rows[form.focus].label, n)),
                _ => None,
            },
            _ => None,
        };
        match left_out {
            Some((_, 0)) => self.message = None,
            Some((label, n)) => {
                let s = if n == 1 { "" } else { "s" };
                self.info(format!(
                    "Pasted into {label}; left out {n} tab, line break or control character{s}"
                ));
            }
            None => {
                let what = self.focused_field().map(Field::label).unwrap_or("this row");
                let place = match self.screen {
                    Screen::Form => format!("{what} is not a text field"),
                    _ => "nothing here takes text".to_owned(),
                };
                self.error(format!("Paste ignored: {place}"));
            }
        }
        true
    }

    /// Into a form field: one line for a single-line field, as it is for a multi-line one.
    fn paste_into(&mut self, field: Field, text: &str) -> Option<(&'static str, usize)> {
        let left_out = match self.editors.paste_line(field, text, &mut self.settings) {
            Some(n) => n,
            None => self.editors.paste_area(field, text, &mut self.settings)?,
        };
        self.revalidate();
        Some((field.label(), left_out))
    }
}

/// `text` for a one-line entry: trimmed, control characters (tabs, line breaks, escapes)
/// and invisible format characters (direction overrides, zero-width) left out; with how
/// many were left out.
pub fn one_line(text: &str) -> (String, usize) {
    let text = text.trim();
    let kept: String = text.chars().filter(|c| !visible::is_unsafe(*c)).collect();
    let left_out = text.chars().count() - kept.chars().count();
    (kept, left_out)
}
