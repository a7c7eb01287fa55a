//! Checkboxes, and the read-only line of an option that is always in effect.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::Common;

pub struct CheckboxWidget<'a> {
    pub common: Common<'a>,
    pub on: bool,
}

impl Widget for &CheckboxWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let value = self.common.render_label(area, buf);
        let mark = if self.on { "[x]" } else { "[ ]" };
        buf.set_string(value.x, value.y, mark, self.common.value_style());
    }
}

/// A line that explains a fixed behaviour; it can be focused (for its help) but not changed.
pub struct FixedWidget<'a> {
    pub common: Common<'a>,
    pub text: &'a str,
}

impl Widget for &FixedWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let value = self.common.render_label(area, buf);
        let width = value.width as usize;
        buf.set_stringn(value.x, value.y, self.text, width, self.common.theme.muted);
    }
}
