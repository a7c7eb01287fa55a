//! File and Directory Permissions as a 3x3 grid of checkboxes (User/Group/Other by
//! Read/Write/Execute), with the octal mode and symbolic form below.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::Common;
use crate::settings::Mode;
use crate::settings::mode::WHO;

/// Column of each grid checkbox, relative to the value column (under its header word).
const COLUMNS: [u16; 3] = [0, 7, 16];
const HEADER: &str = "Read   Write    Execute";

pub struct PermissionsWidget<'a> {
    pub common: Common<'a>,
    pub mode: Mode,
    /// The focused cell (who, what) when the grid has the focus.
    pub cell: Option<(usize, usize)>,
    /// File permissions: say that execute never reaches uploaded files.
    pub for_files: bool,
}

impl PermissionsWidget<'_> {
    pub fn height(&self) -> u16 {
        5 + u16::from(self.for_files)
    }
}

impl Widget for &PermissionsWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let value = self.common.render_label(area, buf);
        let theme = self.common.theme;
        let width = value.width as usize;
        buf.set_stringn(value.x, value.y, HEADER, width, theme.muted);
        for (who, name) in WHO.iter().enumerate() {
            let y = value.y + 1 + who as u16;
            if y >= area.bottom() {
                return;
            }
            let label = format!("{name:>6} ");
            let x = value.x.saturating_sub(label.len() as u16);
            buf.set_string(x, y, label, theme.label);
            for (what, column) in COLUMNS.iter().enumerate() {
                let mark = if self.mode.has(who, what) { "[x]" } else { "[ ]" };
                let style =
                    if self.cell == Some((who, what)) { theme.value_focused } else { theme.value };
                buf.set_string(value.x + column, y, mark, style);
            }
        }
        let summary = format!("{}  {}", self.mode, self.mode.symbolic());
        if value.y + 4 < area.bottom() {
            buf.set_stringn(value.x, value.y + 4, summary, width, theme.value);
        }
        if self.for_files && value.y + 5 < area.bottom() {
            let uploaded = self.mode.for_uploaded_files().symbolic();
            let note = format!("execute never applies to uploaded files: they get {uploaded}");
            let x = area.x + 2;
            let room = area.width.saturating_sub(2) as usize;
            buf.set_stringn(x, value.y + 5, note, room, theme.muted);
        }
    }
}
