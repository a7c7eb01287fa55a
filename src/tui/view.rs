//! A plain snapshot of what to draw, built from the app state (television's draw
//! context). The screens render it with pure functions; nothing here touches a terminal.

use ratatui::layout::Rect;

pub use super::text::wrap;
use crate::visible;

use super::app::{App, MessageKind, Screen};
use super::editors::is_multiline;
use super::focus::{self, Row};
use super::layout::{FormLayout, status_height};
use super::page::Shown;
use super::theme::Theme;
use super::widgets::{
    CheckboxWidget, Common, FieldWidget, FixedWidget, PermissionsWidget, RateWidget, SelectWidget,
    TextAreaWidget, TextWidget,
};
use crate::settings::{Field, Kind, Section, Severity, Value, text};

pub struct View<'a> {
    pub theme: &'a Theme,
    pub title: String,
    pub page: Page<'a>,
    pub status: Status,
    /// (keys, what they do) for the bottom bar.
    pub hints: Vec<(String, &'static str)>,
    /// A screen drawn over the form (a list, a question).
    pub overlay: Option<&'a dyn Shown>,
    /// Show step durations (tests turn them off for stable snapshots).
    pub timings: bool,
}

pub enum Page<'a> {
    Form(FormView<'a>),
    /// Any other screen, which draws itself.
    Screen(&'a dyn Shown),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Error(String),
    /// Counts of errors, warnings and changes when there is no message.
    Summary(String),
}

impl Status {
    pub fn text(&self) -> &str {
        match self {
            Status::Info(t) | Status::Error(t) | Status::Summary(t) => t,
        }
    }
}

pub struct TabView {
    pub title: &'static str,
    pub errors: usize,
    pub selected: bool,
}

pub struct FormView<'a> {
    pub tabs: Vec<TabView>,
    pub advanced: bool,
    /// Errors in tabs that Basic mode hides.
    pub hidden_errors: usize,
    pub section_title: &'static str,
    pub rows: Vec<RowView<'a>>,
    /// Errors on fields that are hidden (their toggle is off), so they are not lost.
    pub notes: Vec<String>,
    pub scroll: u16,
    /// Help for the focused row: (label, text).
    pub help: (&'static str, &'static str),
}

pub struct RowView<'a> {
    pub focused: bool,
    pub changed: bool,
    /// Severity and message lines, already wrapped to the form's width.
    pub problems: Vec<(Severity, Vec<String>)>,
    pub widget: FieldWidget<'a>,
}

impl RowView<'_> {
    pub fn height(&self) -> u16 {
        let messages: usize = self.problems.iter().map(|(_, lines)| lines.len()).sum();
        self.widget.height() + messages as u16
    }
}

/// Builds the view of `app` for a screen of `area`.
pub fn build<'a>(app: &'a App, area: Rect) -> View<'a> {
    let theme = &app.theme;
    // The host name and the file's path come from the machine: shown, never acted on.
    let title = format!(
        "ftpconf {sep} {} {sep} {} {sep} {}",
        visible::line(&app.env.host),
        app.env.service,
        visible::line(&app.env.file_label),
        sep = theme.symbols.separator
    );
    let status = match &app.message {
        Some(m) if m.kind == MessageKind::Error => Status::Error(m.text.clone()),
        Some(m) => Status::Info(m.text.clone()),
        None => Status::Summary(summary(app)),
    };
    let status_height = status_height(status.text(), area.width);
    let shown = app.screen.page();
    let overlay = shown.filter(|page| page.over_form());
    let page = match shown {
        Some(page) if !page.over_form() => Page::Screen(page),
        _ => Page::Form(form(app, FormLayout::new(area, status_height))),
    };
    let hints = super::hints::for_app(app);
    View { theme, title, page, status, hints, overlay, timings: app.show_timings }
}

fn summary(app: &App) -> String {
    let errors: usize = Section::ALL.iter().map(|s| app.error_count(*s)).sum();
    let warnings = app.report.warnings().filter(|p| p.field.is_visible(&app.settings)).count();
    let changes = super::review::changes(&app.saved, &app.settings).len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let changes = match changes {
        0 => "no unsaved changes".to_owned(),
        n => format!("{} unsaved", plural(n, "change")),
    };
    format!("{} | {} | {changes}", plural(errors, "error"), plural(warnings, "warning"))
}

fn form(app: &App, layout: FormLayout) -> FormView<'_> {
    let theme = &app.theme;
    let section = app.focus.tab();
    let width = layout.rows_width();
    let rows: Vec<Row> = focus::rows(section, &app.settings);
    let focused_row = app.focus.row(&app.settings);
    let label_width = rows.iter().map(|r| label(*r).chars().count() as u16).max().unwrap_or(0) + 2;
    let label_width = label_width.min(width / 2);
    let editing = match app.screen {
        Screen::Editing(f) => Some(f),
        _ => None,
    };
    let row_views: Vec<RowView> = rows
        .iter()
        .map(|&row| {
            let common =
                Common { label: label(row), label_width, focused: row == focused_row, theme };
            RowView {
                focused: common.focused,
                changed: row.field().is_some_and(|f| f.get(&app.settings) != f.get(&app.saved)),
                problems: row.field().map(|f| problem_lines(app, f, width)).unwrap_or_default(),
                widget: widget(app, row, common, editing),
            }
        })
        .collect();
    let notes = section
        .fields()
        .filter(|f| !f.is_visible(&app.settings))
        .flat_map(|f| {
            app.problems(f).into_iter().filter(|p| p.0 == Severity::Error).map(move |p| (f, p.1))
        })
        .map(|(f, message)| format!("! {} (hidden): {message}", f.label()))
        .collect();
    let scroll = scroll_for(&row_views, app.scroll, layout.rows_height());
    let help = match focused_row {
        Row::Field(f) => (f.label(), f.help()),
        Row::NoCertRequest => {
            let t = text::lookup(text::NO_CERT_REQUEST);
            (t.label.as_str(), t.help.as_str())
        }
    };
    let tabs = app
        .tabs()
        .iter()
        .map(|s| TabView { title: s.title(), errors: app.error_count(*s), selected: *s == section })
        .collect();
    let hidden_errors = Section::ALL[app.tabs().len()..].iter().map(|s| app.error_count(*s)).sum();
    FormView {
        tabs,
        advanced: app.advanced,
        hidden_errors,
        section_title: section.title(),
        rows: row_views,
        notes,
        scroll,
        help,
    }
}

/// The field's problems, each marked ("!" error, "~" warning) and wrapped to `width`
/// with a hanging indent.
fn problem_lines(app: &App, field: Field, width: u16) -> Vec<(Severity, Vec<String>)> {
    let problems = app.problems(field).into_iter();
    problems
        .map(|(severity, message)| {
            let mark = if severity == Severity::Error { "! " } else { "~ " };
            let lines = wrap(&capitalized(&message), width.saturating_sub(4) as usize);
            let lines = lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| format!("{}{line}", if i == 0 { mark } else { "  " }))
                .collect();
            (severity, lines)
        })
        .collect()
}

/// Messages are written to follow a field name ("is required…"); alone they start a
/// sentence. Program names keep their case.
fn capitalized(message: &str) -> String {
    if message.starts_with("proftpd") || message.starts_with("ftpconf") {
        return message.to_owned();
    }
    let mut chars = message.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn label(row: Row) -> &'static str {
    match row {
        Row::Field(f) => f.label(),
        Row::NoCertRequest => &text::lookup(text::NO_CERT_REQUEST).label,
    }
}

fn widget<'a>(
    app: &'a App,
    row: Row,
    common: Common<'a>,
    editing: Option<Field>,
) -> FieldWidget<'a> {
    let Row::Field(field) = row else {
        return FieldWidget::Fixed(FixedWidget { common, text: "always in effect" });
    };
    let value = field.get(&app.settings);
    let text_widget = |width| {
        app.editors.text(field).map(|t| TextWidget {
            common,
            input: &t.input,
            width,
            selected: t.fresh,
        })
    };
    match (field.kind(), value) {
        (Kind::Number { .. }, _) => text_widget(10).map(FieldWidget::Text),
        (Kind::PassivePort, _) => text_widget(10).map(FieldWidget::Text),
        (Kind::Line | Kind::Directory, _) => text_widget(u16::MAX).map(FieldWidget::Text),
        (Kind::Rate, Value::Rate(rate)) => text_widget(16).map(|text| {
            let explain = app.editors.parse_error(field).is_none().then(|| explain(rate));
            FieldWidget::Rate(RateWidget { text, explain })
        }),
        (Kind::Toggle | Kind::TlsOption(_), Value::Bool(on)) => {
            Some(FieldWidget::Checkbox(CheckboxWidget { common, on }))
        }
        (Kind::Policy, Value::Policy(p)) => Some(FieldWidget::Select(SelectWidget {
            common,
            value: p.label().to_owned(),
            note: Some(p.meaning().to_owned()),
            width: 16,
        })),
        (Kind::Certificate, Value::Text(name)) => {
            let (value, note) = match (name.is_empty(), app.env.certificates.is_empty()) {
                (true, true) => (
                    "(none found)".to_owned(),
                    Some("no certificate yet: m creates or imports one".to_owned()),
                ),
                (true, false) => ("(choose)".to_owned(), None),
                (false, _) => (name, None),
            };
            Some(FieldWidget::Select(SelectWidget { common, value, note, width: 24 }))
        }
        (Kind::Permissions, Value::Mode(mode)) => {
            Some(FieldWidget::Permissions(PermissionsWidget {
                common,
                mode,
                cell: common.focused.then_some(app.focus.cell),
                for_files: field == Field::FilePermissions,
            }))
        }
        _ if is_multiline(field) => app.editors.area(field).map(|area| {
            FieldWidget::TextArea(TextAreaWidget { common, area, editing: editing == Some(field) })
        }),
        _ => None,
    }
    .unwrap_or(FieldWidget::Fixed(FixedWidget { common, text: "(cannot be shown)" }))
}

/// What a rate means, without "100 KiB/s = 100 KiB/s" when it is already in KiB/s.
fn explain(rate: crate::settings::Rate) -> String {
    if !rate.is_unlimited() && rate.human() == format!("{} KiB/s", rate.0) {
        format!("{} per session", rate.human())
    } else {
        rate.explain()
    }
}

/// The first line to show so that the focused row is entirely visible, moving as little
/// as possible from `previous`.
fn scroll_for(rows: &[RowView], previous: u16, height: u16) -> u16 {
    let total: u16 = rows.iter().map(RowView::height).sum();
    let mut top = 0;
    for row in rows {
        let bottom = top + row.height();
        if row.focused {
            let mut scroll = previous.min(total.saturating_sub(height));
            if bottom > scroll + height {
                scroll = bottom.saturating_sub(height);
            }
            return scroll.min(top);
        }
        top = bottom;
    }
    0
}
