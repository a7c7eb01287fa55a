//! The hint bar: which bindings to show for what has the keyboard now. The keys and
//! words come from the key tables ([`super::keys`]); the form's hints are chosen here, every
//! other screen chooses its own ([`super::page::Page::hints`]) with these helpers.

use super::app::{App, Screen};
use super::keys::{self as k, Action, Binding, Typing};
use super::theme::Theme;
use crate::settings::{Kind, Section};

/// (keys as shown, what they do).
pub type Hint = (String, &'static str);

/// The hint of `action` in `table`, worded as the table says.
pub fn from(table: &[Binding], action: Action, theme: &Theme) -> Hint {
    let binding = table.iter().find(|b| b.action == action && !b.shown.is_empty());
    let (shown, label) = binding.map_or(("", ""), |b| (b.shown, b.label));
    (arrows(shown, theme), label)
}

/// `hint` with another word (the same keys do something worded by state).
pub fn with(hint: Hint, label: &'static str) -> Hint {
    (hint.0, label)
}

/// A hint for keys that are typed rather than bound (Enter in a multi-line field).
pub fn literal(shown: &str, label: &'static str, theme: &Theme) -> Hint {
    (arrows(shown, theme), label)
}

fn arrows(shown: &str, theme: &Theme) -> String {
    let s = &theme.symbols;
    shown.replace("{ud}", s.up_down).replace("{lr}", s.left_right)
}

/// The key hints for what has the keyboard now.
pub fn for_app(app: &App) -> Vec<Hint> {
    let theme = &app.theme;
    let h = |table: &[Binding], action| from(table, action, theme);
    let (moves, global, commands) = (k::FORM_MOVES, k::FORM_GLOBAL, k::FORM_COMMANDS);
    let advanced = if app.advanced { "basic" } else { "advanced" };
    match &app.screen {
        Screen::Form => match app.typing() {
            Typing::Text => vec![
                h(moves, Action::NextField),
                h(moves, Action::NextTab),
                h(global, Action::Save),
                h(global, Action::Quit),
                h(moves, Action::RevertField),
                h(moves, Action::Cancel),
                h(global, Action::Help),
            ],
            Typing::Digits => vec![
                h(moves, Action::NextField),
                h(commands, Action::PrevTab),
                h(commands, Action::Save),
                h(commands, Action::Quit),
                with(h(commands, Action::ToggleAdvanced), advanced),
                h(moves, Action::Cancel),
                h(commands, Action::Help),
            ],
            Typing::Rate => vec![
                h(moves, Action::NextField),
                h(moves, Action::NextTab),
                h(global, Action::Save),
                h(global, Action::Quit),
                h(moves, Action::Cancel),
                h(commands, Action::Help),
            ],
            Typing::No => {
                let change = match app.focused_field().map(|f| f.kind()) {
                    Some(Kind::Toggle | Kind::TlsOption(_)) => Some(h(commands, Action::Toggle)),
                    Some(Kind::Permissions) => Some(literal("Space/0-7", "set", theme)),
                    Some(Kind::Policy | Kind::Certificate) => Some(h(commands, Action::Activate)),
                    Some(Kind::Text) => Some(with(h(commands, Action::Activate), "edit")),
                    _ => None,
                };
                // On the TLS tab the certificate manager takes the place of `a`, which the
                // tab bar shows anyway (80 columns, ASCII arrows included).
                let mode_or_certs = if app.focus.tab() == Section::Tls {
                    h(commands, Action::ManageCertificates)
                } else {
                    with(h(commands, Action::ToggleAdvanced), advanced)
                };
                let mut hints = vec![h(moves, Action::NextField), h(commands, Action::Left)];
                hints.extend(change);
                hints.extend([
                    h(commands, Action::Save),
                    h(commands, Action::Quit),
                    mode_or_certs,
                    h(commands, Action::Help),
                ]);
                hints
            }
        },
        Screen::Editing(_) => vec![
            h(k::MULTI_LINE, Action::Cancel),
            literal("Enter", "new line", theme),
            h(global, Action::Save),
            h(global, Action::Quit),
        ],
        screen => screen.page().map(|page| page.hints(&app.around())).unwrap_or_default(),
    }
}
