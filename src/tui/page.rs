//! What every screen but the form provides: its own key handling (returning an
//! [`Effect`]), which keys it reads, its hint bar ([`Page`]), and its drawing ([`Draw`],
//! implemented beside the drawing code in `screens/`). The `Screen` enum lists the
//! screens once (`screens!` in app.rs); everything else dispatches through these traits.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::Environment;
use super::effect::Effect;
use super::hints::Hint;
use super::keys::{Action, Context};
use super::theme::Theme;
use crate::settings::Settings;

/// What a screen may read of the editor while it handles a key or shows its hints.
pub struct Around<'a> {
    pub env: &'a Environment,
    pub edited: &'a Settings,
    pub saved: &'a Settings,
    pub theme: &'a Theme,
}

pub trait Page {
    /// A key, already mapped through [`Page::context`]'s tables.
    fn update(&mut self, action: Action, around: &Around) -> Effect;
    /// Which key tables apply.
    fn context(&self) -> Context;
    /// The bottom line: the keys that work here.
    fn hints(&self, around: &Around) -> Vec<Hint>;
    /// Drawn over the form (a list, a question) rather than instead of it.
    fn over_form(&self) -> bool {
        false
    }
}

/// How it looks; what drawing may read besides the screen's own state.
pub struct Look<'a> {
    pub theme: &'a Theme,
    /// Show step durations (tests turn them off for stable snapshots).
    pub timings: bool,
}

pub trait Draw {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame);
}

/// A screen: its keys and its drawing.
pub trait Shown: Page + Draw {}

impl<T: Page + Draw> Shown for T {}
