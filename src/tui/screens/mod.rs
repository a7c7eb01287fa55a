//! Pure rendering of a [`View`]: one module per screen, dispatched by `match`.

pub mod apply;
pub mod certs;
pub mod check;
pub mod confirm;
pub mod dropdown;
pub mod form;
pub mod help;
pub mod log;
pub mod review;
pub mod service;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::layout::{Chrome, status_height};
use super::page::Look;
use super::view::{Page, Status, View, wrap};

/// Draws the whole screen.
pub fn draw(view: &View, frame: &mut Frame) {
    let chrome = Chrome::new(frame.area(), status_height(view.status.text(), frame.area().width));
    let theme = view.theme;
    let title = Line::styled(view.title.as_str(), theme.title);
    frame.render_widget(title, chrome.title);
    let look = Look { theme, timings: view.timings };
    match &view.page {
        Page::Form(form) => form::draw(form, theme, chrome.body, frame, view.overlay.is_none()),
        Page::Screen(screen) => screen.draw(&look, chrome.body, frame),
    }
    draw_status(&view.status, theme, chrome.status, frame);
    draw_hints(&view.hints, theme, chrome.hints, frame);
    if let Some(overlay) = view.overlay {
        overlay.draw(&look, chrome.body, frame);
    }
}

fn draw_status(status: &Status, theme: &super::theme::Theme, area: Rect, frame: &mut Frame) {
    let (text, style) = match status {
        Status::Info(t) => (t, theme.info),
        Status::Error(t) => (t, theme.error),
        Status::Summary(t) => (t, theme.muted),
    };
    for (i, line) in
        wrap(text, area.width as usize).into_iter().take(area.height as usize).enumerate()
    {
        let row = Rect { y: area.y + i as u16, height: 1, ..area };
        frame.render_widget(Line::styled(line, style), row);
    }
}

fn draw_hints(
    hints: &[(String, &str)],
    theme: &super::theme::Theme,
    area: Rect,
    frame: &mut Frame,
) {
    let mut spans = Vec::new();
    for (keys, what) in hints {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys.as_str(), theme.key));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(Line::from(spans), area);
}
