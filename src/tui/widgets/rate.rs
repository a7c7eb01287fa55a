//! A bandwidth field: the text as typed, and below it what the text means
//! ("500M → 500 MiB/s = 512000 KiB/s per session").

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::TextWidget;

pub struct RateWidget<'a> {
    pub text: TextWidget<'a>,
    /// `Rate::explain` of the typed value; `None` while the text does not parse.
    pub explain: Option<String>,
}

impl Widget for &RateWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        (&self.text).render(area, buf);
        let Some(explain) = &self.explain else { return };
        let common = &self.text.common;
        let typed = self.text.input.value().trim();
        let typed = if typed.is_empty() { "(empty)" } else { typed };
        let line = format!("{typed} {} {explain}", common.theme.symbols.arrow);
        if area.height > 1 {
            common.render_note(area, area.y + 1, &line, buf);
        }
    }
}
