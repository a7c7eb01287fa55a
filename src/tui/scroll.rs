//! One scrolled page (help, review, apply, and any page of lines to come). Drawing
//! records how many lines the content has and how many fit; keys only move the top line
//! within what the last draw recorded, so update never asks drawing code for sizes
//! (gitui's `VerticalScroll` works the same way).

use std::cell::Cell;

use super::keys::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scroll {
    top: Cell<u16>,
    content: Cell<u16>,
    viewport: Cell<u16>,
    /// A line to start at, resolved by the next draw (which knows the sizes).
    wanted: Cell<Option<u16>>,
}

impl Scroll {
    /// The first line shown.
    pub fn top(&self) -> u16 {
        self.top.get()
    }

    /// The last top line that still fills the page.
    fn last(&self) -> u16 {
        self.content.get().saturating_sub(self.viewport.get())
    }

    /// Moves for a scrolling action; `None` when `action` does not scroll.
    pub fn update(&mut self, action: Action) -> Option<bool> {
        let (top, page, last) = (self.top(), self.viewport.get().max(1), self.last());
        let next = match action {
            Action::Up => top.saturating_sub(1),
            Action::Down => top.saturating_add(1),
            Action::PageUp => top.saturating_sub(page),
            Action::PageDown => top.saturating_add(page),
            Action::Home => 0,
            Action::End => last,
            _ => return None,
        };
        self.top.set(next.min(last));
        Some(true)
    }

    /// Asks the next draw to start at `line` (`u16::MAX`: the end), as far as it can.
    pub fn start_at(&self, line: u16) {
        self.wanted.set(Some(line));
    }

    /// Drawing: records the sizes and returns the top line to draw from.
    pub fn record(&self, content: u16, viewport: u16) -> u16 {
        self.content.set(content);
        self.viewport.set(viewport);
        let top = self.wanted.take().unwrap_or(self.top());
        self.top.set(top.min(self.last()));
        self.top()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_within_what_the_last_draw_recorded() {
        let mut scroll = Scroll::default();
        assert_eq!(scroll.record(30, 10), 0);
        assert_eq!(scroll.update(Action::PageDown), Some(true));
        assert_eq!(scroll.top(), 10);
        scroll.update(Action::End);
        assert_eq!(scroll.top(), 20);
        scroll.update(Action::Down);
        assert_eq!(scroll.top(), 20, "not past the end");
        assert_eq!(scroll.update(Action::Save), None);
        scroll.start_at(u16::MAX);
        scroll.update(Action::Home);
        assert_eq!(scroll.record(12, 10), 2, "the wish wins, clamped to the content");
    }
}
