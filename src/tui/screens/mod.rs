//! Pure rendering of a [`View`]: one module per screen, dispatched by `match`.

pub mod apply;
pub mod certs;
pub mod confirm;
pub mod dropdown;
pub mod form;
pub mod help;
pub mod review;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::app::{App, Screen};
use super::certs::{FormKind, Mode as CertMode, RowValue};
use super::keys::Typing;
use super::view::{Overlay, Page, Status, View, wrap};
use crate::settings::{Kind, Section};

/// Draws the whole screen.
pub fn draw(view: &View, frame: &mut Frame) {
    let chrome = Chrome::new(frame.area(), status_height(&view.status, frame.area().width));
    let theme = view.theme;
    let title = Line::styled(view.title.as_str(), theme.title);
    frame.render_widget(title, chrome.title);
    match &view.page {
        Page::Form(form) => {
            form::draw(form, theme, chrome.body, frame, matches!(view.overlay, Overlay::None))
        }
        Page::Review(review) => review::draw(review, theme, chrome.body, frame),
        Page::Help(scroll) => help::draw(scroll, theme, chrome.body, frame),
        Page::Apply { screen, timings } => apply::draw(screen, *timings, theme, chrome.body, frame),
        Page::Certs(manager) => certs::draw(manager, theme, chrome.body, frame),
    }
    draw_status(&view.status, theme, chrome.status, frame);
    draw_hints(&view.hints, theme, chrome.hints, frame);
    match &view.overlay {
        Overlay::None => {}
        Overlay::Dropdown(dropdown) => dropdown::draw(dropdown, theme, chrome.body, frame),
        Overlay::Confirm(confirm) => confirm::draw(confirm, theme, chrome.body, frame),
    }
}

/// The lines every screen has: title on top, status and key hints at the bottom.
pub struct Chrome {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

impl Chrome {
    pub fn new(area: Rect, status_height: u16) -> Chrome {
        let [title, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);
        Chrome { title, body, status, hints }
    }
}

/// Lines the status needs at `width` (a refusal that names many fields takes two).
pub fn status_height(status: &Status, width: u16) -> u16 {
    let text = match status {
        Status::Info(t) | Status::Error(t) | Status::Summary(t) => t,
    };
    (wrap(text, width as usize).len() as u16).clamp(1, 2)
}

fn draw_status(status: &Status, theme: &super::theme::Theme, area: Rect, frame: &mut Frame) {
    let (text, style) = match status {
        Status::Info(t) => (t, theme.info),
        Status::Error(t) => (t, theme.error),
        Status::Summary(t) => (t, theme.muted),
    };
    for (i, line) in
        wrap(text, area.width as usize).into_iter().take(area.height as usize).enumerate()
    {
        let row = Rect { y: area.y + i as u16, height: 1, ..area };
        frame.render_widget(Line::styled(line, style), row);
    }
}

fn draw_hints(
    hints: &[(String, &str)],
    theme: &super::theme::Theme,
    area: Rect,
    frame: &mut Frame,
) {
    let mut spans = Vec::new();
    for (keys, what) in hints {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys.as_str(), theme.key));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The key hints for what has the keyboard now.
pub fn hints(app: &App) -> Vec<(String, &'static str)> {
    let s = &app.theme.symbols;
    let h = |keys: &str, what: &'static str| (keys.to_owned(), what);
    match &app.screen {
        Screen::Form => {
            let field = app.focused_field();
            let advanced = if app.advanced { "basic" } else { "advanced" };
            match app.typing() {
                Typing::Text => {
                    return vec![
                        h(&format!("Tab/{}", s.up_down), "field"),
                        h("^N/^P", "tab"),
                        h("^S", "save"),
                        h("^Q", "quit"),
                        h("^R", "revert"),
                        h("Esc", "undo"),
                        h("^G", "keys"),
                    ];
                }
                Typing::Digits => {
                    return vec![
                        h(&format!("Tab/{}", s.up_down), "field"),
                        h("[ ]", "tab"),
                        h("s", "save"),
                        h("q", "quit"),
                        h("a", advanced),
                        h("Esc", "undo"),
                        h("?", "keys"),
                    ];
                }
                Typing::Rate => {
                    return vec![
                        h(&format!("Tab/{}", s.up_down), "field"),
                        h("^N/^P", "tab"),
                        h("^S", "save"),
                        h("^Q", "quit"),
                        h("Esc", "undo"),
                        h("?", "keys"),
                    ];
                }
                Typing::No => {}
            }
            let change = match field.map(|f| f.kind()) {
                Some(Kind::Toggle | Kind::TlsOption(_)) => h("Space", "toggle"),
                Some(Kind::Permissions) => h("Space/0-7", "set"),
                Some(Kind::Policy | Kind::Certificate) => h("Enter", "choose"),
                Some(Kind::Text) => h("Enter", "edit"),
                _ => h("", ""),
            };
            // On the TLS tab the certificate manager takes the place of `a`, which the
            // tab bar shows anyway (80 columns, ASCII arrows included).
            let mode_or_certs =
                if app.focus.tab() == Section::Tls { h("m", "certs") } else { h("a", advanced) };
            let mut hints = vec![
                h(&format!("Tab/{}", s.up_down), "field"),
                h(s.left_right, "tab"),
                change,
                h("s", "save"),
                h("q", "quit"),
                mode_or_certs,
                h("?", "keys"),
            ];
            hints.retain(|(k, _)| !k.is_empty());
            hints
        }
        Screen::Editing(_) => {
            vec![
                h("Esc/Tab", "leave editor"),
                h("Enter", "new line"),
                h("^S", "save"),
                h("^Q", "quit"),
            ]
        }
        Screen::Dropdown(d) => {
            let mut hints = vec![h(s.up_down, "move"), h("Enter", "pick"), h("Esc", "cancel")];
            if d.field.kind() == Kind::Certificate {
                hints.push(h("m", "manage certificates"));
            }
            hints
        }
        Screen::Certs(manager) => match &manager.mode {
            CertMode::List => vec![
                h(s.up_down, "move"),
                h("Enter", "use"),
                h("c", "create"),
                h("i", "import"),
                h("x", "delete"),
                h("Esc", "back"),
            ],
            CertMode::Form(form) => {
                let submit = if form.kind == FormKind::Create { "create" } else { "import" };
                let mut hints = vec![h(&format!("Tab/{}", s.up_down), "field")];
                if let RowValue::Choice { .. } = form.rows[form.focus].value {
                    hints.push(h("Space", "change"));
                } else {
                    hints.push(h("^U", "clear"));
                }
                hints.extend([h("Enter", submit), h("Esc", "cancel")]);
                hints
            }
            CertMode::ConfirmDelete(_) => vec![h("y", "delete"), h("n/Esc", "keep")],
        },
        Screen::Review(_) => {
            let mut hints = vec![h("Enter/s", "save")];
            let back = if app.env.apply.is_some() {
                hints.extend([h("a", "save+apply"), h("c", "apply+confirm")]);
                "back"
            } else {
                "back to the form"
            };
            hints.extend([h("Esc", back), h(&format!("{} PgUp/PgDn", s.up_down), "scroll")]);
            hints
        }
        Screen::Help(_) => {
            vec![h("Esc/q", "close"), h(&format!("{} PgUp/PgDn", s.up_down), "scroll")]
        }
        Screen::Apply(screen) => apply_hints(screen, s.up_down),
        Screen::Confirm(_) => vec![
            h(&format!("{}/Tab", s.left_right), "choose"),
            h("Enter", "confirm"),
            h("Esc", "cancel"),
        ],
    }
}

fn apply_hints(screen: &super::apply::ApplyScreen, up_down: &str) -> Vec<(String, &'static str)> {
    use super::apply::Phase;
    let h = |keys: &str, what: &'static str| (keys.to_owned(), what);
    match screen.phase {
        Phase::Running | Phase::Reverting => {
            vec![h("", "working: keys wait until it has finished")]
        }
        Phase::Confirming { .. } => vec![h("k/Enter", "keep"), h("r/Esc", "revert now")],
        Phase::Done(_) => {
            vec![h("Esc/Enter", "back to the form"), h(&format!("{up_down} PgUp/PgDn"), "scroll")]
        }
    }
}
