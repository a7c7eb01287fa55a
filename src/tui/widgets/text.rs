//! A single-line text or number field: `[value   ]`, scrolled to keep the cursor in view.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use tui_input::Input;

use super::Common;

pub struct TextWidget<'a> {
    pub common: Common<'a>,
    pub input: &'a Input,
    /// Width of the box between the brackets; capped by the space there is.
    pub width: u16,
    /// Typing replaces the value (just entered); drawn as a selection.
    pub selected: bool,
}

impl TextWidget<'_> {
    fn geometry(&self, area: Rect) -> (Rect, usize) {
        let value_x = area.x + self.common.label_width.min(area.width);
        let room = (area.x + area.width).saturating_sub(value_x).saturating_sub(3);
        let inner = Rect::new(value_x + 1, area.y, self.width.min(room), 1);
        // One column stays free for the cursor after the last character.
        let scroll = self.input.visual_scroll(inner.width.saturating_sub(1) as usize);
        (inner, scroll)
    }

    pub fn cursor(&self, area: Rect) -> Option<Position> {
        let (inner, scroll) = self.geometry(area);
        let x = self.input.visual_cursor().max(scroll) - scroll;
        Some(Position::new(inner.x + x as u16, inner.y))
    }
}

impl Widget for &TextWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        self.common.render_label(area, buf);
        let (inner, scroll) = self.geometry(area);
        let style = self.common.value_style();
        let bracket = self.common.theme.muted;
        buf.set_string(inner.x - 1, inner.y, "[", bracket);
        buf.set_string(inner.x + inner.width, inner.y, "]", bracket);
        let visible: String = self.input.value().chars().skip(scroll).collect();
        buf.set_style(inner, style);
        let text_style = if self.common.focused && self.selected {
            self.common.theme.value_selected
        } else {
            style
        };
        Line::from(Span::styled(visible, text_style)).render(inner, buf);
    }
}
