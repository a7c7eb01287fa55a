//! Questions in a box over the form: unsaved changes on quit, reset to defaults.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::dialog::{Confirm, ConfirmKind};
use crate::tui::page::{Draw, Look};
use crate::tui::theme::Theme;

fn question(kind: ConfirmKind) -> (&'static str, &'static str) {
    match kind {
        ConfirmKind::Quit => (
            " Unsaved changes ",
            "Some settings are not saved. Save them (after a review), discard them and quit, or go back to the form?",
        ),
        ConfirmKind::ChangedOnDisk { .. } => (
            " Settings file changed on disk ",
            "Another ftpconf or an editor changed the settings file since it was loaded here. Reload it (your edits are lost), overwrite it with your edits, or cancel?",
        ),
        ConfirmKind::Draft => (
            " Unsaved edits from an earlier session ",
            "An editor ended with unsaved edits and kept them (the status line says when). Restore them (then save to keep them), show them, discard them, or decide later?",
        ),
        ConfirmKind::ResetDefaults => (
            " Reset to defaults ",
            "Set every field to its default (TrueNAS's fresh-install values)? Nothing is written until you save.",
        ),
    }
}

pub fn draw(confirm: &Confirm, theme: &Theme, area: Rect, frame: &mut Frame) {
    let (title, text) = question(confirm.kind);
    let box_area = area.centered(Constraint::Length(area.width.min(60)), Constraint::Length(7));
    let mut buttons = Vec::new();
    for (i, button) in confirm.kind.buttons().iter().enumerate() {
        let style = if i == confirm.selected { theme.button_selected } else { theme.button };
        let key = button.key.to_ascii_uppercase();
        buttons.push(Span::styled(format!("[{key}] {}", button.label), style));
        buttons.push(Span::raw("  "));
    }
    let lines = vec![Line::raw(text), Line::raw(""), Line::from(buttons)];
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(title, theme.title));
    frame.render_widget(Clear, box_area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), box_area);
}

impl Draw for Confirm {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.theme, area, frame);
    }
}
