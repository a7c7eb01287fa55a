//! An open list (TLS Policy, Certificate) over the form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::certs;
use crate::tui::dropdown::Dropdown;
use crate::tui::page::{Draw, Look};
use crate::tui::theme::Theme;

pub fn draw(dropdown: &Dropdown, theme: &Theme, area: Rect, frame: &mut Frame) {
    let ellipsis = theme.symbols.ellipsis;
    let label_width =
        dropdown.choices.iter().map(|c| c.label.chars().count()).max().unwrap_or(0).clamp(14, 16);
    let cn_width = certs::cn_width(dropdown.choices.iter().filter_map(|c| c.cert.as_ref()));
    let room = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = dropdown
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let selected = i == dropdown.selected;
            let style = if selected { theme.value_focused } else { theme.value };
            let pointer = if selected { "> " } else { "  " };
            let label = certs::cut(&choice.label, label_width, ellipsis);
            let mut spans: Vec<Span<'static>> =
                vec![Span::styled(format!("{pointer}{label:<label_width$}"), style)];
            if let Some(cert) = &choice.cert {
                spans.push(Span::raw("  "));
                spans.extend(certs::summary_spans(cert, theme, cn_width));
            } else if !choice.meaning.is_empty() {
                spans.push(Span::styled(format!(" {}", choice.meaning), theme.muted));
            }
            certs::fit(spans, room, ellipsis)
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

impl Draw for Dropdown {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.theme, area, frame);
    }
}
