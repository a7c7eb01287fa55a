//! The text being typed into fields, kept apart from the settings it turns into.
//!
//! A single-line field keeps exactly what the user typed, even when it does not parse
//! ("21x"): the settings keep their last good value and the field shows why the text was
//! refused, so nothing typed is silently lost or "corrected".

use std::collections::BTreeMap;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use crate::settings::{Dialect, Field, Kind, Settings, Value};

/// A single-line field's text, and the reason it does not parse, if it does not.
#[derive(Debug, Clone, Default)]
pub struct TextField {
    pub input: Input,
    pub error: Option<String>,
    /// The text when the field got the focus; Esc goes back to it.
    entry: String,
    /// Just entered: the first character typed replaces the value (as a form field
    /// selected on focus does); any editing key first keeps it.
    pub fresh: bool,
}

/// Fields that take typed text rather than a choice.
pub fn is_typed(field: Field) -> bool {
    matches!(
        field.kind(),
        Kind::Number { .. } | Kind::PassivePort | Kind::Line | Kind::Directory | Kind::Rate
    )
}

pub fn is_multiline(field: Field) -> bool {
    field.kind() == Kind::Text
}

/// Editing state of every text and multi-line field.
#[derive(Debug, Default)]
pub struct Editors {
    texts: BTreeMap<Field, TextField>,
    areas: BTreeMap<Field, TextArea<'static>>,
}

fn new_area(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(text.lines().map(str::to_owned).collect());
    area.set_cursor_line_style(Style::default());
    area.set_cursor_style(Style::default());
    area
}

impl Editors {
    pub fn new(settings: &Settings) -> Editors {
        let mut editors = Editors::default();
        editors.sync(settings);
        editors
    }

    /// Replaces every editor's content with the settings' values (after revert, reset, load).
    pub fn sync(&mut self, settings: &Settings) {
        for &field in Field::ALL {
            self.sync_field(field, settings);
        }
    }

    pub fn sync_field(&mut self, field: Field, settings: &Settings) {
        if is_typed(field) {
            let text = field.get_text(settings, Dialect::Ftpconf);
            let input = Input::new(text.clone());
            self.texts.insert(field, TextField { input, error: None, entry: text, fresh: false });
        } else if is_multiline(field) {
            self.areas.insert(field, new_area(&field.get_text(settings, Dialect::Ftpconf)));
        }
    }

    pub fn text(&self, field: Field) -> Option<&TextField> {
        self.texts.get(&field)
    }

    pub fn area(&self, field: Field) -> Option<&TextArea<'static>> {
        self.areas.get(&field)
    }

    /// Why the text typed into `field` does not parse.
    pub fn parse_error(&self, field: Field) -> Option<&str> {
        self.texts.get(&field).and_then(|t| t.error.as_deref())
    }

    pub fn parse_errors(&self) -> impl Iterator<Item = (Field, &str)> {
        self.texts.iter().filter_map(|(f, t)| t.error.as_deref().map(|e| (*f, e)))
    }

    /// Remembers the text of `field` as it is on entering it, for [`Editors::cancel`].
    pub fn enter(&mut self, field: Field) {
        if let Some(t) = self.texts.get_mut(&field) {
            t.entry = t.input.value().to_owned();
            t.fresh = true;
        }
    }

    /// Feeds a key to a single-line field; stores the value when it parses. Returns whether
    /// anything visible changed (text or cursor).
    pub fn type_key(&mut self, field: Field, key: KeyEvent, settings: &mut Settings) -> bool {
        let Some(t) = self.texts.get_mut(&field) else { return false };
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        let was_fresh = std::mem::take(&mut t.fresh);
        if was_fresh && plain && matches!(key.code, KeyCode::Char(_)) {
            t.input.reset();
        }
        match t.input.handle_event(&Event::Key(key)) {
            Some(change) if change.value => {
                let text = t.input.value().to_owned();
                t.error = store(field, &text, settings).err();
                true
            }
            Some(change) => change.cursor || was_fresh,
            None => was_fresh,
        }
    }

    /// Pastes into a single-line field as typing would (replacing a freshly entered
    /// value); surrounding blanks are trimmed, and tabs, line breaks and other control
    /// characters inside are left out. Returns how many were left out, or `None` when
    /// `field` takes no typed text.
    pub fn paste_line(
        &mut self,
        field: Field,
        text: &str,
        settings: &mut Settings,
    ) -> Option<usize> {
        let t = self.texts.get_mut(&field)?;
        let (kept, left_out) = super::paste::one_line(text);
        if kept.is_empty() {
            return Some(left_out);
        }
        if std::mem::take(&mut t.fresh) {
            t.input.reset();
        }
        for c in kept.chars() {
            t.input.handle(InputRequest::InsertChar(c));
        }
        let value = t.input.value().to_owned();
        t.error = store(field, &value, settings).err();
        Some(left_out)
    }

    /// Pastes into a multi-line editor: line breaks and tabs are kept, other control
    /// characters left out (their count is returned). `None`: not a multi-line field.
    pub fn paste_area(
        &mut self,
        field: Field,
        text: &str,
        settings: &mut Settings,
    ) -> Option<usize> {
        let area = self.areas.get_mut(&field)?;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let kept: String = text
            .chars()
            .filter(|c| !crate::visible::is_unsafe(*c) || matches!(c, '\n' | '\t'))
            .collect();
        if area.insert_str(&kept) {
            let _ = field.set(settings, Value::Text(area.lines().join("\n")));
        }
        Some(text.chars().count() - kept.chars().count())
    }

    /// Puts back the text the field had when it got the focus.
    pub fn cancel(&mut self, field: Field, settings: &mut Settings) -> bool {
        let Some(t) = self.texts.get_mut(&field) else { return false };
        if t.input.value() == t.entry {
            return false;
        }
        t.input = Input::new(t.entry.clone());
        t.fresh = true;
        t.error = store(field, &t.entry, settings).err();
        true
    }

    /// Feeds a key to a multi-line editor; stores the text. Returns whether it changed.
    pub fn type_area_key(&mut self, field: Field, key: KeyEvent, settings: &mut Settings) -> bool {
        let Some(area) = self.areas.get_mut(&field) else { return false };
        let before = (area.cursor(), area.lines().len());
        let changed = area.input(key);
        if changed {
            let _ = field.set(settings, Value::Text(area.lines().join("\n")));
        }
        changed || before != (area.cursor(), area.lines().len())
    }

    /// Shows or hides a multi-line editor's cursor (it draws its own).
    pub fn set_area_active(&mut self, field: Field, active: bool) {
        if let Some(area) = self.areas.get_mut(&field) {
            let style =
                if active { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            area.set_cursor_style(style);
        }
    }
}

fn store(field: Field, text: &str, settings: &mut Settings) -> Result<(), String> {
    field.set_text(settings, text, Dialect::Ftpconf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn unparsable_text_is_kept_and_the_value_is_not_touched() {
        let mut s = Settings::default();
        let mut e = Editors::new(&s);
        e.enter(Field::Port);
        e.type_key(Field::Port, KeyEvent::from(KeyCode::End), &mut s);
        assert!(e.type_key(Field::Port, key('x'), &mut s));
        assert_eq!(e.text(Field::Port).unwrap().input.value(), "21x");
        assert!(e.parse_error(Field::Port).unwrap().contains("from 1 to 65535"));
        assert_eq!(s.port, 21);
        assert!(e.cancel(Field::Port, &mut s));
        assert_eq!(e.parse_error(Field::Port), None);
        e.type_key(Field::Port, key('2'), &mut s);
        assert_eq!(s.port, 2, "the first key after entering replaces");
        e.type_key(Field::Port, key('1'), &mut s);
        assert_eq!(s.port, 21);
    }

    #[test]
    fn multi_line_text_reaches_the_settings() {
        let mut s = Settings::default();
        let mut e = Editors::new(&s);
        for c in ['h', 'i'] {
            e.type_area_key(Field::DisplayLogin, key(c), &mut s);
        }
        e.type_area_key(Field::DisplayLogin, KeyEvent::from(KeyCode::Enter), &mut s);
        e.type_area_key(Field::DisplayLogin, key('x'), &mut s);
        assert_eq!(s.display_login, "hi\nx");
    }
}
