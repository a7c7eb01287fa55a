//! The key help page (`?`): a scrolled list of every key ([`super::keys::KEY_HELP`]).

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context};
use super::page::{Around, Page};
use super::scroll::Scroll;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpPage {
    pub scroll: Scroll,
}

impl Page for HelpPage {
    fn update(&mut self, action: Action, _: &Around) -> Effect {
        match action {
            Action::Cancel => Effect::Close,
            other => Effect::redraw_if(self.scroll.update(other).is_some()),
        }
    }

    fn context(&self) -> Context {
        Context::Help
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |table, action| hints::from(table, action, around.theme);
        vec![h(keys::HELP, Action::Cancel), h(keys::SCROLL, Action::Up)]
    }
}
