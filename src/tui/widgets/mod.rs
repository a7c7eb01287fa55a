//! One small widget per kind of field. Each draws its label and value into the row the
//! form gives it (`impl Widget for &…`, borrowing the state) and says where the terminal
//! cursor goes when it has one.

pub mod checkbox;
pub mod permissions;
pub mod rate;
pub mod select;
pub mod text;
pub mod textarea;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub use checkbox::{CheckboxWidget, FixedWidget};
pub use permissions::PermissionsWidget;
pub use rate::RateWidget;
pub use select::SelectWidget;
pub use text::TextWidget;
pub use textarea::TextAreaWidget;

use super::theme::Theme;

/// What every field widget has: its label, the label column's width, focus, theme.
#[derive(Debug, Clone, Copy)]
pub struct Common<'a> {
    pub label: &'a str,
    pub label_width: u16,
    pub focused: bool,
    pub theme: &'a Theme,
}

impl Common<'_> {
    /// Draws the label on the first line of `area` and returns the value column's area.
    pub fn render_label(&self, area: Rect, buf: &mut Buffer) -> Rect {
        let style = if self.focused { self.theme.label_focused } else { self.theme.label };
        let width = self.label_width.min(area.width);
        Line::from(Span::styled(self.label, style)).render(Rect { width, height: 1, ..area }, buf);
        Rect { x: area.x + width, width: area.width - width, ..area }
    }

    /// Draws a note on line `y` from the value column, shifted left (not before the label
    /// indent) when it would not fit.
    pub fn render_note(&self, area: Rect, y: u16, note: &str, buf: &mut Buffer) {
        let len = note.chars().count() as u16;
        let value_x = area.x + self.label_width.min(area.width);
        let x = value_x.min(area.right().saturating_sub(len)).max(area.x + 2);
        let room = area.right().saturating_sub(x) as usize;
        buf.set_stringn(x, y, note, room, self.theme.muted);
    }

    pub fn value_style(&self) -> ratatui::style::Style {
        if self.focused { self.theme.value_focused } else { self.theme.value }
    }
}

/// The widget of one form row.
pub enum FieldWidget<'a> {
    Text(TextWidget<'a>),
    Rate(RateWidget<'a>),
    Checkbox(CheckboxWidget<'a>),
    Select(SelectWidget<'a>),
    Permissions(PermissionsWidget<'a>),
    TextArea(TextAreaWidget<'a>),
    Fixed(FixedWidget<'a>),
}

impl FieldWidget<'_> {
    /// Lines the widget needs.
    pub fn height(&self) -> u16 {
        match self {
            FieldWidget::Text(_) | FieldWidget::Checkbox(_) | FieldWidget::Fixed(_) => 1,
            FieldWidget::Rate(_) => 2,
            FieldWidget::Select(w) => w.height(),
            FieldWidget::Permissions(w) => w.height(),
            FieldWidget::TextArea(w) => w.height(),
        }
    }

    /// Where the terminal cursor goes when this widget, drawn in `area`, has the focus.
    pub fn cursor(&self, area: Rect) -> Option<Position> {
        match self {
            FieldWidget::Text(w) => w.cursor(area),
            FieldWidget::Rate(w) => w.text.cursor(area),
            _ => None,
        }
    }
}

impl Widget for &FieldWidget<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match self {
            FieldWidget::Text(w) => w.render(area, buf),
            FieldWidget::Rate(w) => w.render(area, buf),
            FieldWidget::Checkbox(w) => w.render(area, buf),
            FieldWidget::Select(w) => w.render(area, buf),
            FieldWidget::Permissions(w) => w.render(area, buf),
            FieldWidget::TextArea(w) => w.render(area, buf),
            FieldWidget::Fixed(w) => w.render(area, buf),
        }
    }
}
