//! An open list (TLS Policy, Certificate) over the form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::dropdown::Dropdown;
use crate::tui::theme::Theme;

pub fn draw(dropdown: &Dropdown, theme: &Theme, area: Rect, frame: &mut Frame) {
    let mut lines: Vec<Line> = dropdown
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let selected = i == dropdown.selected;
            let style = if selected { theme.value_focused } else { theme.value };
            let pointer = if selected { "> " } else { "  " };
            let mut spans = vec![Span::styled(format!("{pointer}{:<14}", choice.label), style)];
            if !choice.meaning.is_empty() {
                spans.push(Span::styled(format!(" {}", choice.meaning), theme.muted));
            }
            Line::from(spans)
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::raw("(none found)"));
        let room = area.width.saturating_sub(2) as usize;
        for line in crate::tui::view::wrap(&dropdown.empty_hint, room) {
            lines.push(Line::styled(line, theme.muted));
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    let title = dropdown.field.label().len() as u16 + 4;
    let width = area.width.min(widest.max(title) + 2);
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    let inner_height = height.saturating_sub(2);
    let scroll = (dropdown.selected as u16 + 1).saturating_sub(inner_height);
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(format!(" {} ", dropdown.field.label()), theme.title));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), popup);
}
