//! The form page: tab bar, the current tab's fields (scrolled), and the focused field's help.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use crate::settings::Severity;
use crate::tui::layout::{FormLayout, HELP_LINES, MARKER_WIDTH};
use crate::tui::theme::Theme;
use crate::tui::view::{FormView, wrap};

pub fn draw(form: &FormView, theme: &Theme, body: Rect, frame: &mut Frame, show_cursor: bool) {
    let layout = FormLayout::in_body(body);
    frame.render_widget(tab_bar(form, theme), layout.tabs);
    let inner = layout.inner();
    let total = render_rows(form, theme, inner, frame.buffer_mut());
    let mut block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border)
        .title(Line::styled(format!(" {} ", form.section_title), theme.title));
    if form.scroll > 0 {
        block =
            block.title_top(Line::styled(theme.symbols.more_above, theme.muted).right_aligned());
    }
    if total > form.scroll + inner.height {
        block =
            block.title_bottom(Line::styled(theme.symbols.more_below, theme.muted).right_aligned());
    }
    frame.render_widget(block, layout.form);
    if show_cursor && let Some(position) = cursor(form, inner) {
        frame.set_cursor_position(position);
    }
    let (label, help) = form.help;
    let lines = wrap(&format!("{label}: {help}"), layout.help.width as usize);
    for (i, line) in lines.iter().take(HELP_LINES as usize).enumerate() {
        let mut text = line.clone();
        if i + 1 == HELP_LINES as usize && lines.len() > HELP_LINES as usize {
            text.push_str(theme.symbols.ellipsis);
        }
        let row = Rect { y: layout.help.y + i as u16, height: 1, ..layout.help };
        frame.render_widget(Line::styled(text, theme.help), row);
    }
}

fn tab_bar<'a>(form: &'a FormView, theme: &'a Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, tab) in form.tabs.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(theme.symbols.separator, theme.muted));
        }
        let style = if tab.selected { theme.tab_selected } else { theme.tab };
        spans.push(Span::styled(format!(" {} ", tab.title), style));
        if tab.errors > 0 {
            spans.push(Span::styled(format!("({}) ", tab.errors), theme.tab_errors));
        }
    }
    let toggle = if form.advanced { "a: Basic Options" } else { "a: Advanced Options" };
    spans.push(Span::raw("   "));
    spans.push(Span::styled(toggle, theme.muted));
    if form.hidden_errors > 0 {
        spans.push(Span::styled(
            format!(" ({} errors there)", form.hidden_errors),
            theme.tab_errors,
        ));
    }
    Line::from(spans)
}

/// Draws every row into an off-screen buffer as tall as the form, then copies the
/// visible window; returns the form's full height.
fn render_rows(form: &FormView, theme: &Theme, inner: Rect, buf: &mut Buffer) -> u16 {
    let notes: u16 = form.notes.len() as u16;
    let total = form.rows.iter().map(|r| r.height()).sum::<u16>() + notes;
    let mut page = Buffer::empty(Rect::new(0, 0, inner.width, total.max(1)));
    let width = inner.width.saturating_sub(MARKER_WIDTH);
    let mut y = 0;
    for row in &form.rows {
        let (mark, mark_style) = match row.problems.first().map(|p| p.0) {
            Some(Severity::Error) => ("!", theme.error),
            Some(Severity::Warning) => ("~", theme.warning),
            None => (" ", theme.label),
        };
        if row.focused {
            page.set_string(0, y, ">", theme.label_focused);
        }
        page.set_string(1, y, mark, mark_style);
        if row.changed {
            page.set_string(2, y, "*", theme.changed);
        }
        let area = Rect::new(MARKER_WIDTH, y, width, row.widget.height());
        (&row.widget).render(area, &mut page);
        y += row.widget.height();
        for (severity, lines) in &row.problems {
            let style = if *severity == Severity::Error { theme.error } else { theme.warning };
            for line in lines {
                page.set_stringn(
                    MARKER_WIDTH + 2,
                    y,
                    line,
                    width.saturating_sub(2) as usize,
                    style,
                );
                y += 1;
            }
        }
    }
    for note in &form.notes {
        page.set_stringn(1, y, note, inner.width.saturating_sub(1) as usize, theme.error);
        y += 1;
    }
    for row in 0..inner.height.min(total.saturating_sub(form.scroll)) {
        for x in 0..inner.width {
            buf[(inner.x + x, inner.y + row)] = page[(x, form.scroll + row)].clone();
        }
    }
    total
}

/// The terminal cursor for a focused text field that is fully on screen.
fn cursor(form: &FormView, inner: Rect) -> Option<Position> {
    let mut y = 0;
    for row in &form.rows {
        if row.focused {
            let area = Rect::new(MARKER_WIDTH, y, inner.width.saturating_sub(MARKER_WIDTH), 1);
            let p = row.widget.cursor(area)?;
            let visible = p.y >= form.scroll && p.y < form.scroll + inner.height;
            return visible.then(|| Position::new(inner.x + p.x, inner.y + p.y - form.scroll));
        }
        y += row.height();
    }
    None
}
