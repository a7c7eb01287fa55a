//! The Log screen: proftpd's newest log lines, each known failure followed by what it
//! means and the setting that controls it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::tui::log_page::LogScreen;
use crate::tui::page::{Draw, Look};
use crate::tui::theme::Theme;
use crate::tui::view::wrap;

pub fn draw(screen: &LogScreen, theme: &Theme, area: Rect, frame: &mut Frame) {
    let explained = screen.lines.iter().filter(|l| l.explanation.is_some()).count();
    let count = screen.lines.len();
    let s = if count == 1 { "" } else { "s" };
    let title = format!(" proftpd log: {count} line{s}, {explained} explained ");
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(title, theme.title));
    let lines = lines(screen, theme, area.width.saturating_sub(2) as usize);
    let top = screen.scroll.record(lines.len() as u16, area.height.saturating_sub(2));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), area);
}

/// Every line of the page at `width`, oldest first.
pub fn lines(screen: &LogScreen, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut add = |text: &str, indent: usize, style| {
        for (i, part) in wrap(text, width.saturating_sub(indent + 2)).into_iter().enumerate() {
            // A log line's own continuation is indented a little, explanations more.
            let pad = if i == 0 { indent } else { indent + 2 };
            out.push(Line::styled(format!("{}{part}", " ".repeat(pad)), style));
        }
    };
    if let Some(missing) = &screen.missing {
        add(missing, 1, theme.warning);
    } else if screen.lines.is_empty() {
        add("The logs are empty.", 1, theme.muted);
    }
    if screen.older > 0 {
        let text = format!("({} older lines not shown; `ftpconf log` prints them)", screen.older);
        add(&text, 1, theme.muted);
    }
    for line in &screen.lines {
        match line.explanation {
            None => add(&line.text, 1, theme.help),
            Some(pattern) => {
                add(&line.text, 1, theme.error);
                let arrow = theme.symbols.arrow;
                add(&format!("{arrow} {}", pattern.explanation), 3, theme.warning);
                add(&format!("setting: {}", pattern.setting), 3, theme.info);
            }
        }
    }
    out
}

impl Draw for LogScreen {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.theme, area, frame);
    }
}
