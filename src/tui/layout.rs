//! Where things go on the screen, for both sides: building the view (which needs the
//! form's width and height to wrap messages and keep the focus visible) and drawing it.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

use super::text::wrap;

/// The lines every screen has: title on top, status and key hints at the bottom.
pub struct Chrome {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

impl Chrome {
    pub fn new(area: Rect, status_height: u16) -> Chrome {
        let [title, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);
        Chrome { title, body, status, hints }
    }
}

/// Lines the status needs at `width` (a refusal that names many fields takes two).
pub fn status_height(text: &str, width: u16) -> u16 {
    (wrap(text, width as usize).len() as u16).clamp(1, 2)
}

/// Columns before each row: focus pointer, error/warning mark, changed mark.
pub const MARKER_WIDTH: u16 = 3;
/// Lines of help under the form.
pub const HELP_LINES: u16 = 3;

/// Where the parts of the form page go on a screen of a given size.
pub struct FormLayout {
    pub tabs: Rect,
    pub form: Rect,
    pub help: Rect,
}

impl FormLayout {
    pub fn new(area: Rect, status_height: u16) -> FormLayout {
        Self::in_body(Chrome::new(area, status_height).body)
    }

    pub fn in_body(body: Rect) -> FormLayout {
        let [tabs, form, help] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(HELP_LINES),
        ])
        .areas(body);
        FormLayout { tabs, form, help }
    }

    pub fn inner(&self) -> Rect {
        Block::bordered().inner(self.form)
    }

    /// Width available to a field widget and its messages.
    pub fn rows_width(&self) -> u16 {
        self.inner().width.saturating_sub(MARKER_WIDTH)
    }

    pub fn rows_height(&self) -> u16 {
        self.inner().height
    }
}
