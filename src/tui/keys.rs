//! Keys → actions. The whole key map is here, and [`KEY_HELP`] documents it for the `?`
//! screen, so what the help says and what the keys do cannot drift apart unnoticed.
//!
//! Every action has a plain key or a Ctrl combination (serial consoles, SSH and KVM
//! switches often lose function keys); F-keys are only extra aliases. Letters act as
//! commands only while the focus is not in a text field, where they are typed instead.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::certs::Keys as CertKeys;

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NextField,
    PrevField,
    NextTab,
    PrevTab,
    Up,
    Down,
    Left,
    Right,
    /// Space: tick a checkbox or grid cell.
    Toggle,
    /// Enter: open a list, enter a multi-line editor, confirm.
    Activate,
    /// Esc: close, cancel, undo the typing in this field.
    Cancel,
    /// A key for the focused text editor.
    Type(KeyEvent),
    /// An octal digit typed on a permissions grid row.
    Digit(u8),
    PageUp,
    PageDown,
    Home,
    End,
    Save,
    /// Save and put into service (offered only when applying is wired).
    Apply,
    /// Save and apply, then ask to keep it; reverted unless confirmed in time.
    ApplyConfirm,
    Quit,
    Help,
    ToggleAdvanced,
    RevertField,
    ResetDefaults,
    /// Repaint the whole screen (after line noise on a serial console).
    Redraw,
    /// A dialog's button, by its letter.
    Answer(Answer),
    /// Apply page: keep the applied settings (timed confirmation).
    Keep,
    /// Apply page: put the previous configuration back now.
    RevertNow,
    /// Certificate manager: a new self-signed certificate.
    Create,
    /// Certificate manager: import a certificate and its key.
    Import,
    /// Certificate manager: delete the highlighted certificate (asks first).
    Delete,
    /// Yes to a question that has only yes and no.
    Yes,
    /// Open "Manage certificates".
    ManageCertificates,
}

/// A dialog's answers; the letter on the button is only how to reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Save,
    Discard,
    Cancel,
    Reload,
    Overwrite,
    ResetAll,
}

/// One button of a dialog: its answer, its key and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Button {
    pub answer: Answer,
    pub key: char,
    pub label: &'static str,
}

/// What the focused field takes from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// Not a text field: letters are commands.
    No,
    /// Digits only (ports, counts, timeouts): letters and `?` stay commands.
    Digits,
    /// Bandwidth (digits and unit letters): `?` stays the help key.
    Rate,
    /// Any text (paths, host names): only Ctrl keys are commands.
    Text,
}

/// What has the keyboard, which decides what a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The form, and what the focused field takes when typed into.
    Form(Typing),
    /// Inside a multi-line editor.
    MultiLine,
    Dropdown,
    Review,
    Help,
    /// A question and its buttons.
    Confirm(&'static [Button]),
    /// The Apply page (steps, outcome); `confirming`: "Keep these settings?" is asked.
    Apply {
        confirming: bool,
    },
    /// Manage certificates: its list, one of its forms, or its delete question.
    Certs(CertKeys),
}

/// Maps a key to an action in `context`; `None` means the key does nothing there.
pub fn map(key: KeyEvent, context: Context) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(action) = global(key.code, ctrl, context) {
        return Some(action);
    }
    match context {
        Context::Form(typing) => form(key, typing),
        Context::MultiLine => multi_line(key),
        Context::Dropdown => list(key.code).or(match (key.code, ctrl) {
            (KeyCode::Enter | KeyCode::Char(' '), _) => Some(Action::Activate),
            (KeyCode::Esc | KeyCode::Char('q'), _) => Some(Action::Cancel),
            (KeyCode::Char('m'), false) | (KeyCode::Char('o'), true) => {
                Some(Action::ManageCertificates)
            }
            _ => None,
        }),
        Context::Review => list(key.code).or(match key.code {
            KeyCode::Enter | KeyCode::Char('s' | 'w') | KeyCode::F(2) => Some(Action::Save),
            KeyCode::Char('a') => Some(Action::Apply),
            KeyCode::Char('c') => Some(Action::ApplyConfirm),
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('b' | 'q') => Some(Action::Cancel),
            _ => None,
        }),
        Context::Help => list(key.code).or(match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::F(1) | KeyCode::Char('q' | '?') => {
                Some(Action::Cancel)
            }
            _ => None,
        }),
        Context::Apply { confirming: true } => match key.code {
            KeyCode::Enter | KeyCode::Char('k' | 'y') => Some(Action::Keep),
            KeyCode::Esc | KeyCode::Char('r' | 'n') => Some(Action::RevertNow),
            code => list(code),
        },
        Context::Apply { confirming: false } => match key.code {
            KeyCode::Enter => Some(Action::Activate),
            KeyCode::Esc | KeyCode::Char('q' | 'b') => Some(Action::Cancel),
            code => list(code),
        },
        Context::Confirm(buttons) => match key.code {
            KeyCode::Left | KeyCode::BackTab => Some(Action::Left),
            KeyCode::Right | KeyCode::Tab => Some(Action::Right),
            KeyCode::Enter => Some(Action::Activate),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Char(c) => buttons
                .iter()
                .find(|b| b.key == c.to_ascii_lowercase())
                .map(|b| Action::Answer(b.answer)),
            _ => None,
        },
        Context::Certs(keys) => certs(key, keys),
    }
}

/// The certificate manager: letters are commands in its list, text in its forms.
fn certs(key: KeyEvent, keys: CertKeys) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match keys {
        CertKeys::List => list(key.code).or(match (key.code, ctrl) {
            (KeyCode::Enter, _) => Some(Action::Activate),
            (KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('q'), false) => Some(Action::Cancel),
            (KeyCode::Delete, _) | (KeyCode::Char('x' | 'd'), false) => Some(Action::Delete),
            (KeyCode::Char('c'), false) => Some(Action::Create),
            (KeyCode::Char('i'), false) => Some(Action::Import),
            _ => None,
        }),
        CertKeys::Form => match (key.code, ctrl) {
            (KeyCode::Tab | KeyCode::Down, _) => Some(Action::NextField),
            (KeyCode::BackTab | KeyCode::Up, _) => Some(Action::PrevField),
            (KeyCode::Enter, _) | (KeyCode::Char('s'), true) => Some(Action::Activate),
            (KeyCode::Esc, _) => Some(Action::Cancel),
            _ => Some(Action::Type(key)),
        },
        CertKeys::Confirm => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Action::Yes),
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('n' | 'N') => Some(Action::Cancel),
            _ => None,
        },
    }
}

/// Ctrl keys that mean the same everywhere they make sense.
fn global(code: KeyCode, ctrl: bool, context: Context) -> Option<Action> {
    let in_form = matches!(context, Context::Form { .. } | Context::MultiLine);
    let action = match (code, ctrl) {
        (KeyCode::Char('c'), true) => {
            if in_form {
                Action::Quit
            } else {
                Action::Cancel
            }
        }
        (KeyCode::Char('l'), true) => Action::Redraw,
        (KeyCode::Char('s'), true) if in_form || context == Context::Review => Action::Save,
        (KeyCode::Char('a'), true) if context == Context::Review => Action::Apply,
        (KeyCode::Char('q'), true) | (KeyCode::F(10), _) if in_form => Action::Quit,
        (KeyCode::F(2), _) if in_form => Action::Save,
        (KeyCode::Char('g'), true) | (KeyCode::F(1), _) if in_form => Action::Help,
        _ => return None,
    };
    Some(action)
}

fn form(key: KeyEvent, typing: Typing) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let common = match (key.code, ctrl) {
        (KeyCode::Tab, _) => Some(Action::NextField),
        (KeyCode::BackTab, _) => Some(Action::PrevField),
        (KeyCode::Down, _) => Some(Action::Down),
        (KeyCode::Up, _) => Some(Action::Up),
        (KeyCode::Char('n'), true) | (KeyCode::PageDown, _) => Some(Action::NextTab),
        (KeyCode::Char('p'), true) | (KeyCode::PageUp, _) => Some(Action::PrevTab),
        (KeyCode::Char('t'), true) => Some(Action::ToggleAdvanced),
        (KeyCode::Char('r'), true) => Some(Action::RevertField),
        (KeyCode::Char('d'), true) => Some(Action::ResetDefaults),
        (KeyCode::Char('o'), true) => Some(Action::ManageCertificates),
        (KeyCode::Esc, _) => Some(Action::Cancel),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    // Characters a field can never contain keep their command meaning in it.
    let command_char = match (typing, key.code) {
        (Typing::No, _) => true,
        (_, KeyCode::Char(_)) if ctrl => false,
        (Typing::Digits, KeyCode::Char(c)) => !c.is_ascii_digit(),
        (Typing::Rate, KeyCode::Char(c)) => c == '?',
        _ => false,
    };
    if typing != Typing::No && !command_char {
        return match key.code {
            KeyCode::Enter => Some(Action::NextField),
            _ => Some(Action::Type(key)),
        };
    }
    if ctrl {
        return None;
    }
    match key.code {
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Char('[') => Some(Action::PrevTab),
        KeyCode::Char(']') => Some(Action::NextTab),
        KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Char(' ') => Some(Action::Toggle),
        KeyCode::Enter => Some(Action::Activate),
        KeyCode::Char('s' | 'w') => Some(Action::Save),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') => Some(Action::Help),
        KeyCode::Char('a') => Some(Action::ToggleAdvanced),
        KeyCode::Char('r') => Some(Action::RevertField),
        KeyCode::Char('d') => Some(Action::ResetDefaults),
        KeyCode::Char('m') => Some(Action::ManageCertificates),
        KeyCode::Char(c @ '0'..='7') => Some(Action::Digit(c as u8 - b'0')),
        _ => None,
    }
}

fn multi_line(key: KeyEvent) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Tab => Some(Action::NextField),
        KeyCode::BackTab => Some(Action::PrevField),
        _ => Some(Action::Type(key)),
    }
}

/// Moving through a list or a scrolled page.
fn list(code: KeyCode) -> Option<Action> {
    match code {
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
        KeyCode::Home | KeyCode::Char('g') => Some(Action::Home),
        KeyCode::End | KeyCode::Char('G') => Some(Action::End),
        _ => None,
    }
}

/// The key map as the help screen shows it: (keys, what they do). Sections start with "#".
pub const KEY_HELP: &[(&str, &str)] = &[
    ("#", "Moving around"),
    ("Tab, Down, j", "next field (Shift-Tab, Up, k: previous)"),
    ("[ ]", "previous/next tab (not in a text field)"),
    ("Left/Right", "the same, where there is no text cursor"),
    ("Ctrl-N, Ctrl-P", "next/previous tab, anywhere (PgDn/PgUp too)"),
    ("a, Ctrl-T", "Basic (General only) or Advanced (all tabs)"),
    ("#", "Changing values"),
    ("typing", "edits the focused text field; the first key"),
    ("", "replaces the value (Left/Right/End first to keep it)"),
    ("Enter", "in a text field: go to the next field"),
    ("Esc", "in a text field: undo the typing in this field"),
    ("Space", "tick a checkbox or a permissions cell"),
    ("0-7", "on a permissions row: set the row from a digit"),
    ("Enter", "open a list: Up/Down, Enter picks, Esc keeps"),
    ("Enter", "edit a multi-line field; Esc or Tab leaves it"),
    ("r, Ctrl-R", "revert the focused field to its saved value"),
    ("d, Ctrl-D", "reset every field to its default (asks first)"),
    ("#", "Saving and leaving"),
    ("s, w, Ctrl-S, F2", "review the changes and the proftpd.conf diff,"),
    ("", "then Enter saves (atomically) or Esc goes back"),
    ("a, Ctrl-A", "in the review: save, then apply (proftpd reloads)"),
    ("c", "in the review: save and apply, then keep it only"),
    ("", "if you confirm (k/Enter) before the time shown"),
    ("q, Ctrl-Q, Ctrl-C, F10", "quit; asks first when changes are unsaved"),
    ("?, Ctrl-G, F1", "this help"),
    ("Ctrl-L", "repaint the whole screen"),
    ("--mouse", "start with this for the mouse wheel (off by default)"),
    ("#", "Certificates"),
    ("m, Ctrl-O", "manage certificates (listed on the TLS tab):"),
    ("", "details, create, import, delete; Enter uses the"),
    ("", "highlighted one for the Certificate field"),
    ("c, i", "in the manager: create a self-signed one, import"),
    ("x, d, Delete", "in the manager: delete (asks; refused while in use)"),
    ("Tab, Enter", "in its forms: next field, create/import; Esc: back"),
    ("#", "Notes"),
    ("letters", "are commands except in fields that take them"),
    ("", "(paths, host names, bandwidth units): use Ctrl keys"),
    ("Ctrl-S, Ctrl-Q", "may be lost to XON/XOFF flow control on serial"),
    ("", "lines: use s or w to save and q to quit from"),
    ("", "any field that is not a text field"),
    ("marks", "! error (blocks saving)  ~ warning  * changed"),
    ("", "> the focused field"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn letters_are_typed_in_text_fields_and_commands_elsewhere() {
        let q = press(KeyCode::Char('q'));
        assert_eq!(map(q, Context::Form(Typing::Text)), Some(Action::Type(q)));
        assert_eq!(map(q, Context::Form(Typing::No)), Some(Action::Quit));
        assert_eq!(map(q, Context::Form(Typing::Digits)), Some(Action::Quit), "no digit");
        let help = press(KeyCode::Char('?'));
        assert_eq!(map(help, Context::Form(Typing::Rate)), Some(Action::Help));
        let m = press(KeyCode::Char('m'));
        assert_eq!(map(m, Context::Form(Typing::Rate)), Some(Action::Type(m)));
        let seven = press(KeyCode::Char('7'));
        assert_eq!(map(seven, Context::Form(Typing::Digits)), Some(Action::Type(seven)));
        assert_eq!(map(ctrl('q'), Context::Form(Typing::Text)), Some(Action::Quit));
        assert_eq!(map(ctrl('s'), Context::MultiLine), Some(Action::Save));
    }

    #[test]
    fn apply_keys_in_the_review_and_on_the_apply_page() {
        assert_eq!(map(press(KeyCode::Char('a')), Context::Review), Some(Action::Apply));
        assert_eq!(map(ctrl('a'), Context::Review), Some(Action::Apply));
        assert_eq!(map(press(KeyCode::Char('c')), Context::Review), Some(Action::ApplyConfirm));
        assert_eq!(map(ctrl('a'), Context::Form(Typing::No)), None, "only in the review");
        let asking = Context::Apply { confirming: true };
        let done = Context::Apply { confirming: false };
        let k = press(KeyCode::Char('k'));
        assert_eq!(map(k, asking), Some(Action::Keep), "k keeps, it does not scroll");
        assert_eq!(map(k, done), Some(Action::Up));
        assert_eq!(map(press(KeyCode::Enter), asking), Some(Action::Keep));
        assert_eq!(map(press(KeyCode::Enter), done), Some(Action::Activate));
        assert_eq!(map(press(KeyCode::Esc), asking), Some(Action::RevertNow));
        assert_eq!(map(press(KeyCode::Esc), done), Some(Action::Cancel));
        assert_eq!(map(ctrl('c'), asking), Some(Action::Cancel), "Ctrl-C: do not keep");
        assert_eq!(map(press(KeyCode::Down), done), Some(Action::Down));
    }

    #[test]
    fn certificate_manager_letters_are_commands_in_its_list_and_text_in_its_forms() {
        let c = press(KeyCode::Char('c'));
        assert_eq!(map(c, Context::Certs(CertKeys::List)), Some(Action::Create));
        assert_eq!(map(c, Context::Certs(CertKeys::Form)), Some(Action::Type(c)));
        let del = press(KeyCode::Delete);
        assert_eq!(map(del, Context::Certs(CertKeys::List)), Some(Action::Delete));
        assert_eq!(map(ctrl('s'), Context::Certs(CertKeys::Form)), Some(Action::Activate));
        assert_eq!(map(ctrl('c'), Context::Certs(CertKeys::Form)), Some(Action::Cancel));
        let enter = press(KeyCode::Enter);
        assert_eq!(map(enter, Context::Certs(CertKeys::Confirm)), Some(Action::Cancel), "safe");
        // Ctrl-O reaches the manager from a text field, where `m` is typed.
        let m = press(KeyCode::Char('m'));
        assert_eq!(map(m, Context::Form(Typing::Text)), Some(Action::Type(m)));
        assert_eq!(map(ctrl('o'), Context::Form(Typing::Text)), Some(Action::ManageCertificates));
    }

    #[test]
    fn every_action_has_a_key_without_function_keys() {
        let form = Context::Form(Typing::No);
        let keys = [
            (press(KeyCode::Tab), Action::NextField),
            (press(KeyCode::Char(']')), Action::NextTab),
            (ctrl('n'), Action::NextTab),
            (press(KeyCode::Char('s')), Action::Save),
            (press(KeyCode::Char('?')), Action::Help),
            (ctrl('g'), Action::Help),
            (ctrl('t'), Action::ToggleAdvanced),
            (ctrl('r'), Action::RevertField),
            (ctrl('d'), Action::ResetDefaults),
            (ctrl('l'), Action::Redraw),
            (press(KeyCode::Char('m')), Action::ManageCertificates),
            (ctrl('o'), Action::ManageCertificates),
        ];
        for (key, action) in keys {
            assert_eq!(map(key, form), Some(action), "{key:?}");
        }
    }
}
