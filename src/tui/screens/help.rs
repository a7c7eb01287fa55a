//! The key help page (`?`): every key, from the same table the key map is checked against.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::help::HelpPage;
use crate::tui::help::KEY_HELP;
use crate::tui::page::{Draw, Look};
use crate::tui::scroll::Scroll;
use crate::tui::theme::Theme;

pub fn draw(scroll: &Scroll, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = KEY_HELP.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 2;
    let lines: Vec<Line> = KEY_HELP
        .iter()
        .map(|(keys, what)| match *keys {
            "#" => Line::styled(*what, theme.title),
            _ => Line::from(vec![
                Span::styled(format!("  {keys:<width$}"), theme.key),
                Span::raw(*what),
            ]),
        })
        .collect();
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(" Keys ", theme.title));
    let top = scroll.record(lines.len() as u16, area.height.saturating_sub(2));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), area);
}

impl Draw for HelpPage {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(&self.scroll, look.theme, area, frame);
    }
}
