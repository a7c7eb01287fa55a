//! The Log screen: the newest lines of proftpd's system and TLS logs, each explained
//! when it matches a known failure (`ftpconf log`, through `doctor::log`). It reads the
//! logs when it opens and on `r`, never by itself: an idle editor writes nothing.

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context};
use super::page::{Around, Page};
use super::scroll::Scroll;
use crate::paths::Paths;
use crate::proftpd::doctor::log::Reader;
use crate::proftpd::doctor::patterns::Pattern;

/// At most this many of the newest lines are kept.
pub const NEWEST: usize = 500;

/// A log line as shown: escaped text, and the explanation of a known failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub text: String,
    pub explanation: Option<&'static Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogScreen {
    pub lines: Vec<Shown>,
    /// The logs, when none of them exists yet.
    pub missing: Option<String>,
    /// How many lines the logs had beyond the newest kept.
    pub older: usize,
    pub scroll: Scroll,
}

pub const TABLES: &[&[keys::Binding]] =
    &[keys::EVERYWHERE, keys::BACK_OUT, keys::SCROLL, keys::LOG];

impl LogScreen {
    /// Reads the logs under `paths`; the page opens at the newest line.
    pub fn open(paths: &Paths) -> LogScreen {
        let mut screen =
            LogScreen { lines: Vec::new(), missing: None, older: 0, scroll: Scroll::default() };
        screen.read(paths);
        screen
    }

    fn read(&mut self, paths: &Paths) {
        let mut reader = Reader::new(paths);
        let mut lines = reader.read(None);
        self.missing = reader.missing_all().then(|| {
            format!(
                "No proftpd log yet: neither {} nor {} exists.",
                paths.system_log().display(),
                paths.tls_log().display()
            )
        });
        self.older = lines.len().saturating_sub(NEWEST);
        self.lines = lines
            .drain(self.older..)
            .map(|l| Shown { text: l.text, explanation: l.explanation })
            .collect();
        self.scroll.start_at(u16::MAX);
    }
}

impl Page for LogScreen {
    fn update(&mut self, action: Action, around: &Around) -> Effect {
        match action {
            Action::Cancel => Effect::Close,
            Action::Reread => {
                self.read(&around.env.paths);
                Effect::Redraw
            }
            other => Effect::redraw_if(self.scroll.update(other).is_some()),
        }
    }

    fn context(&self) -> Context {
        Context::Page(TABLES)
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |table, action| hints::from(table, action, around.theme);
        vec![
            h(keys::LOG, Action::Reread),
            h(keys::SCROLL, Action::Up),
            h(keys::LOG, Action::Cancel),
        ]
    }
}
