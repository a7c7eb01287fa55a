//! A list field shown closed: `[Ctrl + Data    ▾]`, with what the choice means below.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::Common;

pub struct SelectWidget<'a> {
    pub common: Common<'a>,
    pub value: String,
    /// A second line: the chosen policy's meaning, or a note about the certificates.
    pub note: Option<String>,
    pub width: u16,
}

impl SelectWidget<'_> {
    pub fn height(&self) -> u16 {
        1 + u16::from(self.note.is_some())
    }
}

impl Widget for &SelectWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let value = self.common.render_label(area, buf);
        let symbols = &self.common.theme.symbols;
        let width = self.width.min(value.width.saturating_sub(2)) as usize;
        let text_width = width.saturating_sub(symbols.dropdown.chars().count() + 1);
        let shown = format!("{:<text_width$.text_width$} {}", self.value, symbols.dropdown);
        buf.set_string(value.x, value.y, "[", self.common.theme.muted);
        buf.set_stringn(value.x + 1, value.y, shown, width, self.common.value_style());
        buf.set_string(value.x + 1 + width as u16, value.y, "]", self.common.theme.muted);
        if let (Some(note), true) = (&self.note, area.height > 1) {
            let line = format!("{} {note}", symbols.arrow);
            self.common.render_note(area, area.y + 1, &line, buf);
        }
    }
}
