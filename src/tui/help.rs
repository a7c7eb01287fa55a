//! The key help page (`?`): a scrolled list of every key ([`KEY_HELP`]).

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

/// The key map as the help screen shows it: (keys, what they do). Sections start with "#".
pub const KEY_HELP: &[(&str, &str)] = &[
    ("#", "Moving around"),
    ("Tab, Down, j", "next field"),
    ("Shift-Tab, Up, k", "previous field"),
    ("[ ]", "previous/next tab (not in a text field)"),
    ("Left/Right", "the same, where there is no text cursor"),
    ("Ctrl-N, Ctrl-P", "next/previous tab, anywhere (PgDn/PgUp too)"),
    ("a, Ctrl-T", "Basic (General only) or Advanced (all tabs)"),
    ("#", "Changing values"),
    ("typing", "edits the focused text field; the first key"),
    ("", "replaces the value (Left/Right/End first to keep it)"),
    ("Enter", "in a text field: go to the next field"),
    ("Esc", "in a text field: undo the typing in this field"),
    ("Space", "tick a checkbox or a permissions cell"),
    ("0-7", "on a permissions row: set the row from a digit"),
    ("Enter", "open a list: Up/Down, Enter picks, Esc keeps"),
    ("Enter", "edit a multi-line field; Esc or Tab leaves it"),
    ("r, Ctrl-R", "revert the focused field to its saved value"),
    ("d, Ctrl-D", "reset every field to its default (asks first)"),
    ("#", "Lists, the review and other pages"),
    ("Up/Down, k/j", "move or scroll by a line"),
    ("PgUp/PgDn, Space", "by a page"),
    ("Home/End, g/G", "to the start or the end"),
    ("y, n", "answer a yes/no question (n or Esc: no)"),
    ("#", "Saving and leaving"),
    ("s, w, Ctrl-S, F2", "review the changes and the proftpd.conf diff,"),
    ("", "then Enter saves (atomically) or Esc goes back"),
    ("a, Ctrl-A", "in the review: save, then apply (proftpd reloads)"),
    ("c", "in the review: save and apply, then keep it only"),
    ("", "if you confirm (k/Enter) before the time shown"),
    ("Esc, Ctrl-C", "while an apply runs: cancel it (until files are installed)"),
    ("q, Ctrl-Q, Ctrl-C, F10", "quit; asks first when changes are unsaved"),
    ("?, Ctrl-G, F1", "this help"),
    ("Ctrl-L", "repaint the whole screen"),
    ("--mouse", "start with this for the mouse wheel (off by default)"),
    ("#", "Certificates"),
    ("m, Ctrl-O", "manage certificates (listed on the TLS tab):"),
    ("", "details, create, import, delete; Enter uses the"),
    ("", "highlighted one for the Certificate field"),
    ("c, i", "in the manager: create a self-signed one, import"),
    ("x, d, Delete", "in the manager: delete (asks; refused while in use)"),
    ("Tab, Enter", "in its forms: next field, create/import; Esc: back"),
    ("#", "Checking the service"),
    ("t", "on the Apply page, once finished: test FTP as a"),
    ("", "client would (ftpconf check): each step, its time,"),
    ("", "and for a failure its cause and the fixing setting"),
    ("c", "Check screen: log in as a user (name, password);"),
    ("", "Enter checks (no name: as configured), Ctrl-R"),
    ("", "lists every reason the account may be refused"),
    ("l", "proftpd's log, newest last, known failures"),
    ("", "explained; r reads it again"),
    ("#", "Service (v on the form)"),
    ("v", "the Service screen: state, sessions, actions"),
    ("Up/Down, k/j", "on it: highlight a session"),
    ("r, Ctrl-R", "on it: read the state again"),
    ("t", "on it: refresh every 2 s while open (on/off)"),
    ("s, x, R", "on it: start, stop, restart proftpd (asks)"),
    ("e, E", "on it: start at boot on, off (asks)"),
    ("K, Delete", "on it: end the highlighted session (asks)"),
    ("y, n", "answer its question; Esc or q: back to the form"),
    ("#", "Notes"),
    ("letters", "are commands except in fields that take them"),
    ("", "(paths, host names, bandwidth units): use Ctrl keys"),
    ("Ctrl-S, Ctrl-Q", "may be lost to XON/XOFF flow control on serial"),
    ("", "lines: use s or w to save and q to quit from"),
    ("", "any field that is not a text field"),
    ("marks", "! error (blocks saving)  ~ warning  * changed"),
    ("", "> the focused field"),
];
