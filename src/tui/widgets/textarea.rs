//! A multi-line field: its label, then a framed editor (ratatui-textarea) that is
//! entered with Enter and left with Esc or Tab.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Widget};
use ratatui_textarea::TextArea;

use super::Common;

/// Text lines shown inside the frame.
const VISIBLE_LINES: u16 = 4;

pub struct TextAreaWidget<'a> {
    pub common: Common<'a>,
    pub area: &'a TextArea<'static>,
    pub editing: bool,
}

impl TextAreaWidget<'_> {
    pub fn height(&self) -> u16 {
        1 + VISIBLE_LINES + 2
    }
}

impl Widget for &TextAreaWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let value = self.common.render_label(area, buf);
        let theme = self.common.theme;
        let lines = match self.area.lines().len() {
            _ if self.area.is_empty() => "empty".to_owned(),
            1 => "1 line".to_owned(),
            n => format!("{n} lines"),
        };
        let hint = if self.editing {
            "editing: Esc or Tab leaves".to_owned()
        } else if self.common.focused {
            format!("Enter: edit ({lines})")
        } else {
            lines
        };
        buf.set_stringn(value.x, value.y, hint, value.width as usize, theme.muted);
        let frame = Rect {
            x: area.x + 2,
            y: area.y + 1,
            width: area.width.saturating_sub(2),
            height: area.height.saturating_sub(1).min(VISIBLE_LINES + 2),
        };
        let border = if self.editing { theme.border_focused } else { theme.border };
        let block = Block::bordered().border_set(theme.symbols.border).border_style(border);
        let inner = block.inner(frame);
        block.render(frame, buf);
        if self.area.is_empty() && !self.editing {
            buf.set_stringn(inner.x, inner.y, "(empty)", inner.width as usize, theme.muted);
        } else {
            self.area.render(inner, buf);
        }
    }
}
