//! The hint bar: which bindings to show for what has the keyboard now. The keys and
//! words come from the key tables ([`keys`]); this module only chooses and orders them
//! (and words a few by state: "advanced"/"basic", "edit"/"choose").

use super::app::{App, Screen};
use super::apply::Phase;
use super::certs::{FormKind, Mode as CertView, RowValue};
use super::keys::{self as k, Action, Binding, Typing};
use crate::settings::{Kind, Section};

/// (keys as shown, what they do).
pub type Hint = (String, &'static str);

/// The hint of `action` in `table`, worded as the table says.
fn from(table: &[Binding], action: Action, app: &App) -> Hint {
    let binding = table.iter().find(|b| b.action == action && !b.shown.is_empty());
    let (shown, label) = binding.map_or(("", ""), |b| (b.shown, b.label));
    (arrows(shown, app), label)
}

fn with(hint: Hint, label: &'static str) -> Hint {
    (hint.0, label)
}

fn literal(shown: &str, label: &'static str, app: &App) -> Hint {
    (arrows(shown, app), label)
}

fn arrows(shown: &str, app: &App) -> String {
    let s = &app.theme.symbols;
    shown.replace("{ud}", s.up_down).replace("{lr}", s.left_right)
}

/// The key hints for what has the keyboard now.
pub fn for_app(app: &App) -> Vec<Hint> {
    let h = |table: &[Binding], action| from(table, action, app);
    let (moves, global, commands) = (k::FORM_MOVES, k::FORM_GLOBAL, k::FORM_COMMANDS);
    let advanced = if app.advanced { "basic" } else { "advanced" };
    let scroll = h(k::SCROLL, Action::Up);
    let moving = literal("{ud}", "move", app);
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
                    Some(Kind::Permissions) => Some(literal("Space/0-7", "set", app)),
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
            literal("Enter", "new line", app),
            h(global, Action::Save),
            h(global, Action::Quit),
        ],
        Screen::Dropdown(d) => {
            let mut hints =
                vec![moving, h(k::DROPDOWN, Action::Activate), h(k::DROPDOWN, Action::Cancel)];
            if d.field.kind() == Kind::Certificate {
                hints.push(h(k::DROPDOWN, Action::ManageCertificates));
            }
            hints
        }
        Screen::Certs(manager) => match &manager.mode {
            CertView::List => {
                let list = k::CERT_LIST;
                let mut hints = vec![moving];
                let actions = [Action::Activate, Action::Create, Action::Import, Action::Delete];
                hints.extend(actions.into_iter().map(|a| h(list, a)));
                hints.push(h(list, Action::Cancel));
                hints
            }
            CertView::Form(form) => {
                let submit = if form.kind == FormKind::Create { "create" } else { "import" };
                let edit = match form.rows[form.focus].value {
                    RowValue::Choice { .. } => literal("Space", "change", app),
                    RowValue::Text(_) => literal("^U", "clear", app),
                };
                vec![
                    h(k::CERT_FORM, Action::NextField),
                    edit,
                    with(h(k::CERT_FORM, Action::Activate), submit),
                    h(k::CERT_FORM, Action::Cancel),
                ]
            }
            CertView::ConfirmDelete(_) => {
                vec![h(k::CERT_CONFIRM, Action::Yes), h(k::CERT_CONFIRM, Action::Cancel)]
            }
        },
        Screen::Review(_) => {
            let mut hints = vec![h(k::REVIEW, Action::Save)];
            let back = if app.env.apply.is_some() {
                hints.extend([h(k::REVIEW, Action::Apply), h(k::REVIEW, Action::ApplyConfirm)]);
                "back"
            } else {
                "back to the form"
            };
            hints.extend([with(h(k::REVIEW, Action::Cancel), back), scroll]);
            hints
        }
        Screen::Help(_) => vec![h(k::HELP, Action::Cancel), scroll],
        Screen::Apply(page) => match page.phase {
            Phase::Running | Phase::Reverting => {
                vec![literal("", "working: keys wait until it has finished", app)]
            }
            Phase::Confirming { .. } => {
                vec![h(k::APPLY_ASKING, Action::Keep), h(k::APPLY_ASKING, Action::RevertNow)]
            }
            Phase::Done(_) => vec![h(k::APPLY_DONE, Action::Cancel), scroll],
        },
        Screen::Confirm(_) => vec![
            h(k::CONFIRM, Action::Left),
            h(k::CONFIRM, Action::Activate),
            h(k::CONFIRM, Action::Cancel),
        ],
    }
}
