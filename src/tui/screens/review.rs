//! The review page: what a save changes, in settings and in the generated proftpd.conf.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::page::{Draw, Look};
use crate::tui::review::{DiffKind, Review};
use crate::tui::theme::Theme;
use crate::tui::view::wrap;
use crate::visible;

pub fn draw(review: &Review, theme: &Theme, area: Rect, frame: &mut Frame) {
    let title =
        if review.quit_after { " Review, save and quit " } else { " Review before saving " };
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(title, theme.title));
    let lines = review_lines(review, theme, area.width.saturating_sub(2));
    let top = review.scroll.record(lines.len() as u16, area.height.saturating_sub(2));
    let paragraph = Paragraph::new(lines).block(block).scroll((top, 0));
    frame.render_widget(paragraph, area);
}

/// The review screen's lines: the changes, new risky Auxiliary Parameters lines, the
/// warnings, the proftpd.conf diff, then the ports a router must forward.
pub fn review_lines(review: &Review, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let mut lines =
        vec![Line::styled(format!("Changed settings ({}):", review.changes.len()), theme.title)];
    match (review.changes.is_empty(), review.saved_only) {
        (true, true) => lines.push(Line::raw("  none: the file is saved; `a` or `c` applies it")),
        (true, false) => {
            lines.push(Line::raw("  none (the settings file will be written for the first time)"))
        }
        _ => {}
    }
    for change in &review.changes {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(format!("{}: ", change.field.label()), theme.label),
            Span::styled(visible::line(&change.old).into_owned(), theme.diff_removed),
            Span::raw(format!(" {} ", theme.symbols.arrow)),
            Span::styled(visible::line(&change.new).into_owned(), theme.diff_added),
        ]));
    }
    if !review.risky.is_empty() {
        lines.push(Line::raw(""));
        let title = "Auxiliary Parameters that reach beyond FTP (new; check them):";
        lines.push(Line::styled(title, theme.title));
        for risky in &review.risky {
            for (i, line) in wrap(risky, width.saturating_sub(6) as usize).iter().enumerate() {
                let mark = if i == 0 { "!" } else { " " };
                lines
                    .push(Line::styled(format!("  {mark} {}", visible::line(line)), theme.warning));
            }
        }
    }
    if !review.warnings.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Warnings (saving is allowed):", theme.title));
        for warning in &review.warnings {
            for (i, line) in wrap(warning, width.saturating_sub(6) as usize).iter().enumerate() {
                let mark = if i == 0 { "~" } else { " " };
                lines.push(Line::styled(format!("  {mark} {line}"), theme.warning));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("proftpd.conf that `ftpconf apply` would write:", theme.title));
    if review.diff.is_empty() {
        lines.push(Line::raw("  no difference"));
    }
    for (kind, text) in &review.diff {
        let style = match kind {
            DiffKind::Header => theme.muted,
            DiffKind::Hunk => theme.diff_hunk,
            DiffKind::Added => theme.diff_added,
            DiffKind::Removed => theme.diff_removed,
            DiffKind::Context => theme.help,
        };
        lines.push(Line::styled(visible::line(text).into_owned(), style));
    }
    // For clients outside the LAN: what the router must forward (issue 11).
    if !review.forward.is_empty() {
        lines.push(Line::raw(""));
    }
    for line in wrap(&review.forward, width.saturating_sub(1) as usize) {
        lines.push(Line::styled(line, theme.help));
    }
    lines
}

impl Draw for Review {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.theme, area, frame);
    }
}
