//! The "Manage certificates" page: the store as a list with the highlighted certificate's
//! details, the create/import forms, and the delete question. Pure rendering of the
//! manager's state; the certificate columns are shared with the Certificate dropdown.

use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::proftpd::certs::{CertSummary, date};
use crate::settings::Severity;
use crate::tui::certs::{CertManager, Form, FormKind, Mode, RowValue};
use crate::tui::page::{Draw, Look};
use crate::tui::theme::Theme;
use crate::tui::view::wrap;
use crate::visible;

/// Widest CN column; longer names are cut with an ellipsis.
const CN_WIDTH: usize = 14;
/// Most list lines before the details.
const LIST_LINES: usize = 7;
/// Form labels' column.
const LABEL_WIDTH: u16 = 21;

/// The width of the CN column for `certs`.
pub fn cn_width<'a>(certs: impl Iterator<Item = &'a CertSummary>) -> usize {
    certs
        .map(|c| visible::line(&c.common_name).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, CN_WIDTH)
}

/// "CN nas.local   expires 2027-12-26  ok": what follows a certificate's name in lists.
pub fn summary_spans(c: &CertSummary, theme: &Theme, cn_width: usize) -> Vec<Span<'static>> {
    let Some(expires) = &c.expires else {
        return vec![
            Span::styled(format!("{:<w$}", "no certificate", w = cn_width + 24), theme.muted),
            health_span(c, theme),
        ];
    };
    let cn = cut(&visible::line(&c.common_name), cn_width, theme.symbols.ellipsis);
    let word = if c.days_left.is_some_and(|d| d < 0) { "expired" } else { "expires" };
    vec![
        Span::styled(format!("CN {cn:<cn_width$}  {word} {expires}  "), theme.help),
        health_span(c, theme),
    ]
}

fn health_span(c: &CertSummary, theme: &Theme) -> Span<'static> {
    let style = match c.problems.first().map(|p| p.severity) {
        Some(Severity::Error) => theme.error,
        Some(Severity::Warning) => theme.warning,
        None => theme.info,
    };
    Span::styled(visible::line(&c.health()).into_owned(), style)
}

/// `text` cut to `width` characters, ending in `ellipsis` when cut.
pub fn cut(text: &str, width: usize, ellipsis: &str) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let keep = width.saturating_sub(ellipsis.chars().count());
    text.chars().take(keep).chain(ellipsis.chars()).collect()
}

/// Cuts a line of spans to `width` characters (an ellipsis marks the cut).
pub fn fit(spans: Vec<Span<'static>>, width: usize, ellipsis: &str) -> Line<'static> {
    let mut out = Vec::new();
    let mut room = width;
    for span in spans {
        let len = span.content.chars().count();
        if len <= room {
            room -= len;
            out.push(span);
        } else {
            out.push(Span::styled(cut(&span.content, room, ellipsis), span.style));
            break;
        }
    }
    Line::from(out)
}

pub fn draw(manager: &CertManager, theme: &Theme, area: Rect, frame: &mut Frame) {
    match &manager.mode {
        Mode::Form(form) => draw_form(form, theme, area, frame),
        Mode::List => draw_list(manager, theme, area, frame),
        Mode::ConfirmDelete(name) => {
            draw_list(manager, theme, area, frame);
            draw_question(name, theme, area, frame);
        }
    }
}

fn block(title: &str, theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(format!(" {title} "), theme.title))
}

fn draw_list(manager: &CertManager, theme: &Theme, area: Rect, frame: &mut Frame) {
    let dir = format!(" {} ", manager.dir);
    let block = block("Manage certificates", theme)
        .title_bottom(Line::styled(dir, theme.muted).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = list_lines(manager, theme, width);
    lines.push(Line::styled(theme.symbols.border.horizontal_top.repeat(width), theme.border));
    lines.extend(detail_lines(manager, theme, width));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn list_lines(manager: &CertManager, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    if manager.certificates.is_empty() {
        let mut lines = vec![Line::raw("No certificates in the store yet.")];
        if let Some(why) = &manager.load_error {
            lines.extend(wrap(why, width).into_iter().map(|l| Line::styled(l, theme.error)));
        }
        return lines;
    }
    let name_width =
        manager.certificates.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).clamp(6, 14);
    let cn_width = cn_width(manager.certificates.iter());
    let first = (manager.selected + 1).saturating_sub(LIST_LINES);
    manager
        .certificates
        .iter()
        .enumerate()
        .skip(first)
        .take(LIST_LINES)
        .map(|(i, c)| {
            let selected = i == manager.selected;
            let style = if selected { theme.value_focused } else { theme.value };
            let name = cut(&c.name, name_width, theme.symbols.ellipsis);
            let pointer = if selected { ">" } else { " " };
            let mut spans = vec![
                Span::styled(pointer, theme.label_focused),
                Span::raw(" "),
                Span::styled(format!("{name:<name_width$}"), style),
                Span::raw("  "),
            ];
            spans.extend(summary_spans(c, theme, cn_width));
            fit(spans, width, theme.symbols.ellipsis)
        })
        .collect()
}

fn detail_lines(manager: &CertManager, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let (Some(summary), Some(info)) = (manager.selected_summary(), &manager.info) else {
        let hint = "c creates a self-signed certificate for this host; i imports a PEM certificate and its key.";
        return wrap(hint, width).into_iter().map(|l| Line::styled(l, theme.help)).collect();
    };
    let mut lines = Vec::new();
    let used =
        if summary.name == manager.in_use { "  (the Certificate field names it)" } else { "" };
    lines.push(Line::from(vec![
        Span::styled(summary.name.clone(), theme.title),
        Span::styled(used, theme.changed),
    ]));
    // Problems first: they matter most and must not fall off a small screen.
    for problem in &summary.problems {
        let (mark, style) = match problem.severity {
            Severity::Error => ("! ", theme.error),
            Severity::Warning => ("~ ", theme.warning),
        };
        let message = upper_first(&visible::line(&problem.message));
        for (i, line) in wrap(&message, width.saturating_sub(4)).into_iter().enumerate() {
            let mark = if i == 0 { mark } else { "  " };
            lines.push(Line::styled(format!("  {mark}{line}"), style));
        }
    }
    let mut row = |label: &str, text: String, style: Style| {
        for (i, line) in wrap(&text, width.saturating_sub(12)).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("  {label:<10}"), theme.label),
                Span::styled(line, style),
            ]));
        }
    };
    if summary.problems.is_empty() {
        row("Health", "ok: usable for FTPS".into(), theme.info);
    }
    if let Some(d) = info.details() {
        row("Subject", visible::line(&d.subject).into_owned(), theme.help);
        let names = if d.alt_names.is_empty() {
            "(none)".into()
        } else {
            visible::line(&d.alt_names.join(", ")).into_owned()
        };
        row("Names", names, theme.help);
        let issuer = if d.self_signed {
            "self-signed".to_owned()
        } else {
            visible::line(&d.issuer).into_owned()
        };
        row("Issuer", issuer, theme.help);
        let left = match summary.days_left {
            Some(n) if n < 0 => format!("expired {} days ago", -n),
            Some(n) => format!("{n} days left"),
            None => String::new(),
        };
        row(
            "Valid",
            format!("{} to {} ({left})", date(d.not_before), date(d.not_after)),
            theme.help,
        );
        let chain = match d.chain.len() {
            0 => "no chain".to_owned(),
            1 => "chain of 1 certificate".to_owned(),
            n => format!("chain of {n} certificates"),
        };
        row("Key", format!("{}, signed with {}, {chain}", d.key, d.digest.name), theme.help);
    }
    lines
}

fn draw_question(name: &str, theme: &Theme, area: Rect, frame: &mut Frame) {
    let popup = area.centered(Constraint::Length(area.width.min(60)), Constraint::Length(6));
    let text = format!(
        "Delete {name}.crt and {name}.key from the certificate directory? This cannot be undone."
    );
    let lines = vec![
        Line::raw(text),
        Line::raw(""),
        Line::from(vec![
            Span::styled("[Y] Delete", theme.button),
            Span::raw("  "),
            Span::styled("[N] Keep", theme.button_selected),
        ]),
    ];
    frame.render_widget(Clear, popup);
    let paragraph =
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block("Delete certificate", theme));
    frame.render_widget(paragraph, popup);
}

fn draw_form(form: &Form, theme: &Theme, area: Rect, frame: &mut Frame) {
    let block = block(form.title(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let box_width = inner.width.saturating_sub(LABEL_WIDTH + 5);
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    for (i, row) in form.rows.iter().enumerate() {
        let focused = i == form.focus;
        let label_style = if focused { theme.label_focused } else { theme.label };
        let value_style = if focused { theme.value_focused } else { theme.value };
        let mark = match (&row.error, focused) {
            (Some(_), _) => Span::styled(if focused { ">! " } else { " ! " }, theme.error),
            (None, true) => Span::styled(">  ", theme.label_focused),
            (None, false) => Span::raw("   "),
        };
        let label = format!("{:<w$}", row.label, w = LABEL_WIDTH as usize);
        let mut spans =
            vec![mark, Span::styled(label, label_style), Span::styled("[", theme.muted)];
        match &row.value {
            RowValue::Text(entry) => {
                let room = box_width.saturating_sub(1) as usize;
                let scroll = entry.0.visual_scroll(room);
                let shown: String = entry.value().chars().skip(scroll).take(room + 1).collect();
                spans.push(Span::styled(
                    format!("{shown:<w$}", w = box_width as usize),
                    value_style,
                ));
                if focused {
                    let x = entry.0.visual_cursor().saturating_sub(scroll) as u16;
                    let y = lines.len() as u16;
                    cursor = Some(Position::new(inner.x + 3 + LABEL_WIDTH + 1 + x, inner.y + y));
                }
            }
            RowValue::Choice { labels, selected } => {
                spans.push(Span::styled(
                    format!("{:<12}{}", labels[*selected], theme.symbols.dropdown),
                    value_style,
                ));
            }
        }
        spans.push(Span::styled("]", theme.muted));
        if let RowValue::Choice { .. } = row.value {
            let keys = format!("  Space/{} change", theme.symbols.left_right);
            spans.push(Span::styled(keys, theme.muted));
        }
        lines.push(Line::from(spans));
        if let Some(why) = &row.error {
            for (j, line) in wrap(why, width.saturating_sub(6)).into_iter().enumerate() {
                let mark = if j == 0 { "! " } else { "  " };
                lines.push(Line::styled(format!("    {mark}{line}"), theme.error));
            }
        }
    }
    lines.push(Line::raw(""));
    let note = match form.kind {
        FormKind::Create => {
            "Other names: host names and IP addresses, separated by commas. Self-signed: clients must be told to trust it (curl --cacert NAME.crt, lftp set ssl:ca-file NAME.crt), or import one a CA signed."
        }
        FormKind::Import => {
            "PEM files: the certificate (any intermediate certificates after it) and its unencrypted private key. Both are checked before anything is stored."
        }
    };
    lines.extend(wrap(note, width).into_iter().map(|l| Line::styled(l, theme.muted)));
    if form.busy {
        lines.push(Line::styled("Creating... (generating the key)", theme.info));
    }
    if !form.refusal.is_empty() {
        let verb = if form.kind == FormKind::Create { "created" } else { "imported" };
        lines.push(Line::styled(format!("Not {verb}:"), theme.error));
        for reason in &form.refusal {
            for (j, line) in
                wrap(&upper_first(reason), width.saturating_sub(4)).into_iter().enumerate()
            {
                let mark = if j == 0 { "! " } else { "  " };
                lines.push(Line::styled(format!("  {mark}{line}"), theme.error));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(position) = cursor.filter(|p| p.y < inner.bottom() && p.x < inner.right()) {
        frame.set_cursor_position(position);
    }
}

/// Store messages follow a subject ("the private key … does not belong"); alone they
/// start a sentence.
fn upper_first(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl Draw for CertManager {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.theme, area, frame);
    }
}
