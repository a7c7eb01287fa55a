//! What a save would change: the fields, and the proftpd.conf the settings produce.

use similar::{ChangeTag, TextDiff};

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context};
use super::page::{Around, Page};
use super::scroll::Scroll;
use crate::proftpd::directives::risky_lines;
use crate::proftpd::{Facts, render};
use crate::settings::{Field, Settings};

/// One changed setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Header,
    Hunk,
    Context,
    Added,
    Removed,
}

/// What the review screen can do with the reviewed settings.
///
/// The apply variants are offered only when the program sets
/// [`super::Environment::apply`]; this module never applies anything itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Save,
    SaveAndApply,
    /// Save and apply, then keep only if confirmed in time.
    SaveAndConfirm,
}

/// The review screen's content and scroll position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub changes: Vec<Change>,
    pub diff: Vec<(DiffKind, String)>,
    pub warnings: Vec<String>,
    pub scroll: Scroll,
    /// Quit once saved (the save came from the unsaved-changes question).
    pub quit_after: bool,
    /// Nothing is unsaved; the review is there to apply the saved file (`diff` is then
    /// against the live proftpd.conf).
    pub saved_only: bool,
    /// Auxiliary Parameters lines that load modules, include files, run commands or carry
    /// credentials, new in this save: "line N: why".
    pub risky: Vec<String>,
    /// The ports a router must forward to this NAS, in one line.
    pub forward: String,
}

impl Page for Review {
    fn update(&mut self, action: Action, around: &Around) -> Effect {
        let apply_wired = around.env.apply.is_some();
        let commit = match action {
            Action::Save => Commit::Save,
            Action::Apply if apply_wired => Commit::SaveAndApply,
            Action::ApplyConfirm if apply_wired => Commit::SaveAndConfirm,
            Action::Cancel => return Effect::Close,
            other => return Effect::redraw_if(self.scroll.update(other).is_some()),
        };
        Effect::Commit { commit, quit_after: self.quit_after }
    }

    fn context(&self) -> Context {
        Context::Review
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |table, action| hints::from(table, action, around.theme);
        let mut shown = vec![h(keys::REVIEW, Action::Save)];
        let back = if around.env.apply.is_some() {
            shown.extend([h(keys::REVIEW, Action::Apply), h(keys::REVIEW, Action::ApplyConfirm)]);
            "back"
        } else {
            "back to the form"
        };
        shown.extend([hints::with(h(keys::REVIEW, Action::Cancel), back)]);
        shown.push(h(keys::SCROLL, Action::Up));
        shown
    }
}

/// Every field whose value differs between `saved` and `edited`, in screen order.
pub fn changes(saved: &Settings, edited: &Settings) -> Vec<Change> {
    Field::ALL
        .iter()
        .filter(|f| f.get(saved) != f.get(edited))
        .map(|&field| Change {
            field,
            old: field.get(saved).display(),
            new: field.get(edited).display(),
        })
        .collect()
}

/// The risky Auxiliary Parameters lines of `text` ([`risky_lines`]) that `before` (the
/// saved Auxiliary Parameters, or the live proftpd.conf) does not already have, as
/// "line N: why". Compared by the line's text, so moving a line is not news.
pub fn new_risky_lines(text: &str, before: &str) -> Vec<String> {
    let known: Vec<&str> = before.lines().map(str::trim).collect();
    let lines: Vec<&str> = text.lines().collect();
    risky_lines(text)
        .into_iter()
        .filter(|(n, _)| !known.contains(&lines[n - 1].trim()))
        .map(|(n, why)| format!("line {n}: {why}"))
        .collect()
}

/// Unified diff of the proftpd.conf rendered from `saved` and from `edited`.
pub fn config_diff(
    saved: (&Settings, &Facts),
    edited: (&Settings, &Facts),
) -> Vec<(DiffKind, String)> {
    let old = render(saved.0, saved.1).config;
    let new = render(edited.0, edited.1).config;
    text_diff(&old, &new, ("proftpd.conf from the saved settings", "proftpd.conf after this save"))
}

/// Unified diff of the live proftpd.conf and the one the (saved) settings produce: what
/// an apply of the saved settings would change.
pub fn live_diff(live: &str, settings: (&Settings, &Facts)) -> Vec<(DiffKind, String)> {
    let new = render(settings.0, settings.1).config;
    text_diff(live, &new, ("live proftpd.conf", "proftpd.conf from the saved settings"))
}

/// The diff's lines, each with its kind taken from the diff itself (not from its text).
fn text_diff(old: &str, new: &str, headers: (&str, &str)) -> Vec<(DiffKind, String)> {
    let diff = TextDiff::from_lines(old, new);
    let mut unified = diff.unified_diff();
    let hunks: Vec<_> = unified.context_radius(2).iter_hunks().collect();
    if hunks.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        (DiffKind::Header, format!("--- {}", headers.0)),
        (DiffKind::Header, format!("+++ {}", headers.1)),
    ];
    for hunk in hunks {
        lines.push((DiffKind::Hunk, hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let (kind, sign) = match change.tag() {
                ChangeTag::Delete => (DiffKind::Removed, '-'),
                ChangeTag::Insert => (DiffKind::Added, '+'),
                ChangeTag::Equal => (DiffKind::Context, ' '),
            };
            lines.push((kind, format!("{sign}{}", change.value().trim_end_matches('\n'))));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::Paths;

    #[test]
    fn lists_changed_fields_and_diffs_the_config() {
        let saved = Settings::default();
        let mut edited = saved.clone();
        edited.port = 2121;
        edited.local_upload = crate::settings::Rate(512_000);
        let c = changes(&saved, &edited);
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].old.as_str(), c[0].new.as_str()), ("21", "2121"));
        assert_eq!(c[1].new, "500 MiB/s");
        let facts = Facts {
            paths: Paths::new("/sandbox"),
            hostname: "nas".into(),
            ftp_group_exists: true,
            certificate: None,
            loopback_only: true,
        };
        let diff = config_diff((&saved, &facts), (&edited, &facts));
        assert!(diff.contains(&(DiffKind::Removed, "-Port 21".into())), "{diff:?}");
        assert!(diff.contains(&(DiffKind::Added, "+Port 2121".into())), "{diff:?}");
    }

    #[test]
    fn only_risky_lines_new_in_this_save_are_marked() {
        let before = "LoadModule mod_ban.c\nMaxInstances 5";
        let text =
            "MaxInstances 5\n  LoadModule mod_ban.c\nInclude /etc/x.conf\nSQLConnectInfo db@h u p";
        let marked = new_risky_lines(text, before);
        assert_eq!(marked.len(), 2, "{marked:?}");
        assert!(marked[0].starts_with("line 3: Include reads another file"), "{marked:?}");
        assert!(marked[1].starts_with("line 4: SQLConnectInfo connects"), "{marked:?}");
    }
}
