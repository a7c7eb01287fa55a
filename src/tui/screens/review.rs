//! The review page: what a save changes, in settings and in the generated proftpd.conf.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::tui::review::Review;
use crate::tui::theme::Theme;
use crate::tui::view::review_lines;

pub fn draw(review: &Review, theme: &Theme, area: Rect, frame: &mut Frame) {
    let title =
        if review.quit_after { " Review, save and quit " } else { " Review before saving " };
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(title, theme.title));
    let paragraph = Paragraph::new(review_lines(review, theme, area.width.saturating_sub(2)))
        .block(block)
        .scroll((review.scroll, 0));
    frame.render_widget(paragraph, area);
}
