//! Keys → actions, as data: each context reads a few binding tables (keys, action, and
//! how the hint bar shows them); [`map`] looks keys up there and adds the typing rules
//! (a field that takes a key gets it). The hint bar is built from the same tables
//! ([`super::hints`]); tests check that the hint bar, the `?` page
//! ([`super::help::KEY_HELP`]) and the key tables in README.md and docs/tui.md name only
//! keys that work, and that the `?` page names every binding (keys_tests.rs).
//!
//! Every action has a plain key or a Ctrl combination (serial consoles, SSH and KVM
//! switches often lose function keys); F-keys are only extra aliases. Letters act as
//! commands only while the focus is not in a text field, where they are typed instead.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::certs::Keys as CertKeys;

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NextField,
    PrevField,
    NextTab,
    PrevTab,
    Up,
    Down,
    Left,
    Right,
    /// Space: tick a checkbox or grid cell.
    Toggle,
    /// Enter: open a list, enter a multi-line editor, confirm.
    Activate,
    /// Esc: close, cancel, undo the typing in this field.
    Cancel,
    /// A key for the focused text editor.
    Type(KeyEvent),
    /// An octal digit typed on a permissions grid row.
    Digit(u8),
    PageUp,
    PageDown,
    Home,
    End,
    Save,
    /// Save and put into service (offered only when applying is wired).
    Apply,
    /// Save and apply, then ask to keep it; reverted unless confirmed in time.
    ApplyConfirm,
    Quit,
    Help,
    ToggleAdvanced,
    RevertField,
    ResetDefaults,
    /// Repaint the whole screen (after line noise on a serial console).
    Redraw,
    /// A dialog's button, by its letter.
    Answer(Answer),
    /// Apply page: keep the applied settings (timed confirmation).
    Keep,
    /// Apply page: put the previous configuration back now.
    RevertNow,
    /// Certificate manager: a new self-signed certificate.
    Create,
    /// Certificate manager: import a certificate and its key.
    Import,
    /// Certificate manager: delete the highlighted certificate (asks first).
    Delete,
    /// Yes to a question that has only yes and no.
    Yes,
    /// Open "Manage certificates".
    ManageCertificates,
    /// Run the doctor's check (Apply page, Check screen).
    RunCheck,
    /// Check screen: whether the named account may log in (no password).
    CheckLogin,
    /// Open the Log screen (proftpd's log, explained).
    OpenLog,
    /// Open the Check screen (log in as a user).
    OpenCheck,
    /// Log screen: read the logs again.
    Reread,
    /// Open the Service screen, or do something there ([`Service`]).
    Service(Service),
}

/// The Service screen's commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Open,
    Refresh,
    /// Turn the 2-second refresh on or off.
    AutoRefresh,
    Start,
    Stop,
    Restart,
    Enable,
    Disable,
    /// End the highlighted session.
    Kick,
}

/// A dialog's answers; the letter on the button is only how to reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Save,
    Discard,
    Cancel,
    Reload,
    Overwrite,
    ResetAll,
    Restore,
    Show,
    Later,
}

/// One button of a dialog: its answer, its key and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Button {
    pub answer: Answer,
    pub key: char,
    pub label: &'static str,
}

/// What the focused field takes from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// Not a text field: letters are commands.
    No,
    /// Digits only (ports, counts, timeouts): letters and `?` stay commands.
    Digits,
    /// Bandwidth (digits and unit letters): `?` stays the help key.
    Rate,
    /// Any text (paths, host names): only Ctrl keys are commands.
    Text,
}

/// What has the keyboard, which decides what a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The form, and what the focused field takes when typed into.
    Form(Typing),
    /// Inside a multi-line editor.
    MultiLine,
    Dropdown,
    Review,
    Help,
    /// A question and its buttons.
    Confirm(&'static [Button]),
    /// The Apply page (steps, outcome); `confirming`: "Keep these settings?" is asked.
    Apply {
        confirming: bool,
    },
    /// Manage certificates: its list, one of its forms, or its delete question.
    Certs(CertKeys),
    /// A screen that names its tables itself, e.g. `&[EVERYWHERE, BACK_OUT, SCROLL, MINE]`.
    Page(&'static [&'static [Binding]]),
    /// The same, with text fields: keys its tables leave are typed.
    TypingPage(&'static [&'static [Binding]]),
}

/// A key as the tables name it: its code, and whether Ctrl is held (Shift and Alt do
/// not change what a key means here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

/// One binding: these keys do `action`. `shown` is how the hint bar writes the keys
/// (`{ud}`/`{lr}` become the theme's arrows; "" keeps the binding off the bar) and
/// `label` what it says they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub shown: &'static str,
    pub label: &'static str,
}

const fn bind(keys: &'static [Key], action: Action) -> Binding {
    Binding { keys, action, shown: "", label: "" }
}

const fn hint(
    keys: &'static [Key],
    action: Action,
    shown: &'static str,
    label: &'static str,
) -> Binding {
    Binding { keys, action, shown, label }
}

use Action as A;
use KeyCode as K;

/// Everywhere.
pub const EVERYWHERE: &[Binding] = &[bind(&[ctrl('l')], A::Redraw)];

/// Outside the form, Ctrl-C backs out (it quits from the form).
pub const BACK_OUT: &[Binding] = &[bind(&[ctrl('c')], A::Cancel)];

/// The form, whatever the focused field takes (and inside a multi-line editor).
pub const FORM_GLOBAL: &[Binding] = &[
    hint(&[ctrl('q'), key(K::F(10)), ctrl('c')], A::Quit, "^Q", "quit"),
    hint(&[ctrl('s'), key(K::F(2))], A::Save, "^S", "save"),
    hint(&[ctrl('g'), key(K::F(1))], A::Help, "^G", "keys"),
];

/// Moving around the form and Ctrl commands, also while a text field has the focus.
pub const FORM_MOVES: &[Binding] = &[
    hint(&[key(K::Tab)], A::NextField, "Tab/{ud}", "field"),
    bind(&[key(K::BackTab)], A::PrevField),
    bind(&[key(K::Down)], A::Down),
    bind(&[key(K::Up)], A::Up),
    hint(&[ctrl('n'), key(K::PageDown)], A::NextTab, "^N/^P", "tab"),
    bind(&[ctrl('p'), key(K::PageUp)], A::PrevTab),
    bind(&[ctrl('t')], A::ToggleAdvanced),
    hint(&[ctrl('r')], A::RevertField, "^R", "revert"),
    bind(&[ctrl('d')], A::ResetDefaults),
    bind(&[ctrl('o')], A::ManageCertificates),
    hint(&[key(K::Esc)], A::Cancel, "Esc", "undo"),
];

/// Letters and other keys that are commands where the focused field does not take them.
pub const FORM_COMMANDS: &[Binding] = &[
    hint(&[key(K::Left)], A::Left, "{lr}", "tab"),
    bind(&[key(K::Right)], A::Right),
    hint(&[ch('[')], A::PrevTab, "[ ]", "tab"),
    bind(&[ch(']')], A::NextTab),
    bind(&[ch('k')], A::Up),
    bind(&[ch('j')], A::Down),
    hint(&[ch(' ')], A::Toggle, "Space", "toggle"),
    hint(&[key(K::Enter)], A::Activate, "Enter", "choose"),
    hint(&[ch('s'), ch('w')], A::Save, "s", "save"),
    hint(&[ch('q')], A::Quit, "q", "quit"),
    hint(&[ch('?')], A::Help, "?", "keys"),
    hint(&[ch('a')], A::ToggleAdvanced, "a", "advanced"),
    bind(&[ch('r')], A::RevertField),
    bind(&[ch('d')], A::ResetDefaults),
    hint(&[ch('m')], A::ManageCertificates, "m", "certs"),
    bind(&[ch('l')], A::OpenLog),
    bind(&[ch('c')], A::OpenCheck),
    hint(&[ch('v')], A::Service(Service::Open), "v", "service"),
];

/// Inside a multi-line editor (other keys are typed).
pub const MULTI_LINE: &[Binding] = &[
    hint(&[key(K::Esc)], A::Cancel, "Esc/Tab", "leave editor"),
    bind(&[key(K::Tab)], A::NextField),
    bind(&[key(K::BackTab)], A::PrevField),
];

/// Moving through a list or a scrolled page.
pub const SCROLL: &[Binding] = &[
    hint(&[key(K::Up), ch('k')], A::Up, "{ud} PgUp/PgDn", "scroll"),
    bind(&[key(K::Down), ch('j')], A::Down),
    bind(&[key(K::PageUp)], A::PageUp),
    bind(&[key(K::PageDown), ch(' ')], A::PageDown),
    bind(&[key(K::Home), ch('g')], A::Home),
    bind(&[key(K::End), ch('G')], A::End),
];

pub const DROPDOWN: &[Binding] = &[
    hint(&[key(K::Enter), ch(' ')], A::Activate, "Enter", "pick"),
    hint(&[key(K::Esc), ch('q')], A::Cancel, "Esc", "cancel"),
    hint(&[ch('m'), ctrl('o')], A::ManageCertificates, "m", "manage certificates"),
];

pub const REVIEW: &[Binding] = &[
    hint(&[key(K::Enter), ch('s'), ch('w'), key(K::F(2)), ctrl('s')], A::Save, "Enter/s", "save"),
    hint(&[ch('a'), ctrl('a')], A::Apply, "a", "save+apply"),
    hint(&[ch('c')], A::ApplyConfirm, "c", "apply+confirm"),
    hint(&[key(K::Esc), key(K::Backspace), ch('b'), ch('q')], A::Cancel, "Esc", "back"),
];

pub const HELP: &[Binding] = &[hint(
    &[key(K::Esc), key(K::Enter), key(K::F(1)), ch('q'), ch('?')],
    A::Cancel,
    "Esc/q",
    "close",
)];

/// The Apply page while "Keep these settings?" is asked.
pub const APPLY_ASKING: &[Binding] = &[
    hint(&[key(K::Enter), ch('k'), ch('y')], A::Keep, "k/Enter", "keep"),
    hint(&[key(K::Esc), ch('r'), ch('n')], A::RevertNow, "r/Esc", "revert now"),
];

/// The Apply page while the apply runs and nothing has been installed yet (Ctrl-C too,
/// from [`BACK_OUT`]).
pub const APPLY_RUNNING: &[Binding] = &[hint(&[key(K::Esc)], A::Cancel, "Esc/^C", "cancel")];
pub const APPLY_RUNNING_PAGE: &[&[Binding]] = &[EVERYWHERE, BACK_OUT, APPLY_RUNNING];

/// The Apply page after a refusal to replace a hand-written proftpd.conf.
pub const APPLY_FOREIGN: &[Binding] = &[hint(&[ch('y')], A::Yes, "y", "replace it")];
pub const APPLY_FOREIGN_PAGE: &[&[Binding]] =
    &[EVERYWHERE, BACK_OUT, APPLY_FOREIGN, APPLY_DONE, SCROLL];

/// The Apply page once finished.
pub const APPLY_DONE: &[Binding] = &[
    bind(&[key(K::Enter)], A::Activate),
    hint(&[key(K::Esc), ch('q'), ch('b')], A::Cancel, "Esc/Enter", "back to the form"),
    hint(&[ch('t')], A::RunCheck, "t", "test FTP"),
];

/// The Log screen (with [`SCROLL`]).
pub const LOG: &[Binding] = &[
    hint(&[ch('r'), ctrl('r')], A::Reread, "r", "read again"),
    hint(&[key(K::Esc), key(K::Backspace), ch('q'), ch('b')], A::Cancel, "Esc", "back"),
];

/// The Check screen: its fields take every other key.
pub const CHECK: &[Binding] = &[
    hint(&[key(K::Tab), key(K::Down)], A::NextField, "Tab", "field"),
    bind(&[key(K::BackTab), key(K::Up)], A::PrevField),
    hint(&[key(K::Enter), ctrl('s')], A::RunCheck, "Enter", "check"),
    hint(&[ctrl('r')], A::CheckLogin, "^R", "reasons (no password)"),
    hint(&[key(K::PageDown), ctrl('n')], A::PageDown, "^N/^P", "scroll"),
    bind(&[key(K::PageUp), ctrl('p')], A::PageUp),
    hint(&[key(K::Esc)], A::Cancel, "Esc", "back"),
];

/// A question's buttons are picked with these, or with the letter on the button.
pub const CONFIRM: &[Binding] = &[
    hint(&[key(K::Left), key(K::BackTab)], A::Left, "{lr}/Tab", "choose"),
    bind(&[key(K::Right), key(K::Tab)], A::Right),
    hint(&[key(K::Enter)], A::Activate, "Enter", "confirm"),
    hint(&[key(K::Esc)], A::Cancel, "Esc", "cancel"),
];

pub const CERT_LIST: &[Binding] = &[
    hint(&[key(K::Enter)], A::Activate, "Enter", "use"),
    hint(&[ch('c')], A::Create, "c", "create"),
    hint(&[ch('i')], A::Import, "i", "import"),
    hint(&[ch('x'), ch('d'), key(K::Delete)], A::Delete, "x", "delete"),
    hint(&[key(K::Esc), key(K::Backspace), ch('q')], A::Cancel, "Esc", "back"),
];

/// The certificate manager's forms (other keys are typed).
pub const CERT_FORM: &[Binding] = &[
    hint(&[key(K::Tab), key(K::Down)], A::NextField, "Tab/{ud}", "field"),
    bind(&[key(K::BackTab), key(K::Up)], A::PrevField),
    hint(&[key(K::Enter), ctrl('s')], A::Activate, "Enter", "create"),
    hint(&[key(K::Esc)], A::Cancel, "Esc", "cancel"),
];

pub const CERT_CONFIRM: &[Binding] = &[
    hint(&[ch('y'), ch('Y')], A::Yes, "y", "delete"),
    hint(&[key(K::Esc), key(K::Enter), ch('n'), ch('N')], A::Cancel, "n/Esc", "keep"),
];

/// The Service screen (Up/Down pick a session; SCROLL's other keys scroll the page).
pub const SERVICE: &[Binding] = &[
    hint(&[ch('r'), ctrl('r')], A::Service(Service::Refresh), "r", "refresh"),
    hint(&[ch('t')], A::Service(Service::AutoRefresh), "t", "auto"),
    hint(&[ch('s')], A::Service(Service::Start), "s/x/R", "start/stop/restart"),
    bind(&[ch('x')], A::Service(Service::Stop)),
    bind(&[ch('R')], A::Service(Service::Restart)),
    hint(&[ch('e')], A::Service(Service::Enable), "e/E", "boot on/off"),
    bind(&[ch('E')], A::Service(Service::Disable)),
    hint(&[ch('K'), key(K::Delete)], A::Service(Service::Kick), "K", "kick"),
    hint(&[key(K::Esc), key(K::Backspace), ch('q')], A::Cancel, "Esc", "back"),
];

/// The Service screen's question (stop, kick...): yes or no.
pub const SERVICE_ASK: &[Binding] = &[
    hint(&[ch('y'), ch('Y')], A::Yes, "y", "yes"),
    hint(&[key(K::Esc), key(K::Enter), ch('n'), ch('N'), ch('q')], A::Cancel, "n/Esc", "no"),
];

/// The Service screen's tables, and while it asks a question.
pub const SERVICE_PAGE: &[&[Binding]] = &[EVERYWHERE, BACK_OUT, SERVICE, SCROLL];
pub const SERVICE_ASKING: &[&[Binding]] = &[EVERYWHERE, BACK_OUT, SERVICE_ASK];

/// The tables that `context` reads, first match wins; what they leave is decided by
/// [`map`]'s rules for typing.
pub fn tables(context: Context) -> &'static [&'static [Binding]] {
    match context {
        Context::Form(Typing::No) => &[EVERYWHERE, FORM_GLOBAL, FORM_MOVES, FORM_COMMANDS],
        Context::Form(_) => &[EVERYWHERE, FORM_GLOBAL, FORM_MOVES],
        Context::MultiLine => &[EVERYWHERE, FORM_GLOBAL, MULTI_LINE],
        Context::Dropdown => &[EVERYWHERE, BACK_OUT, SCROLL, DROPDOWN],
        Context::Review => &[EVERYWHERE, BACK_OUT, SCROLL, REVIEW],
        Context::Help => &[EVERYWHERE, BACK_OUT, SCROLL, HELP],
        Context::Apply { confirming: true } => &[EVERYWHERE, BACK_OUT, APPLY_ASKING, SCROLL],
        Context::Apply { confirming: false } => &[EVERYWHERE, BACK_OUT, APPLY_DONE, SCROLL],
        Context::Confirm(_) => &[EVERYWHERE, BACK_OUT, CONFIRM],
        Context::Certs(CertKeys::List) => &[EVERYWHERE, BACK_OUT, SCROLL, CERT_LIST],
        Context::Certs(CertKeys::Form) => &[EVERYWHERE, BACK_OUT, CERT_FORM],
        Context::Certs(CertKeys::Confirm) => &[EVERYWHERE, BACK_OUT, CERT_CONFIRM],
        Context::Page(tables) | Context::TypingPage(tables) => tables,
    }
}

/// The binding of `key` in `context`'s tables.
pub fn binding(key: Key, context: Context) -> Option<&'static Binding> {
    tables(context).iter().flat_map(|t| t.iter()).find(|b| b.keys.contains(&key))
}

/// The hint-bar binding of `action` in `context` (the first with something to show).
pub fn hint_for(action: Action, context: Context) -> Option<&'static Binding> {
    let mut all = tables(context).iter().flat_map(|t| t.iter());
    all.find(|b| b.action == action && !b.shown.is_empty())
}

/// Maps a key to an action in `context`; `None` means the key does nothing there.
pub fn map(event: KeyEvent, context: Context) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let typing = match context {
        Context::Form(typing) => typing,
        _ => Typing::No,
    };
    // A field that takes the key gets it (Ctrl keys edit: Ctrl-U clears), before any
    // letter command.
    let typed = match (typing, event.code) {
        (Typing::No, _) => false,
        (_, KeyCode::Char(_)) if ctrl => true,
        (Typing::Digits, KeyCode::Char(c)) => c.is_ascii_digit(),
        (Typing::Rate, KeyCode::Char(c)) => c != '?',
        _ => true,
    };
    let key = Key { code: event.code, ctrl };
    if let Some(found) = binding(key, context) {
        return Some(found.action);
    }
    match context {
        Context::Form(Typing::No) => match event.code {
            KeyCode::Char(c @ '0'..='7') if !ctrl => Some(Action::Digit(c as u8 - b'0')),
            _ => None,
        },
        Context::Form(_) if typed && event.code == KeyCode::Enter => Some(Action::NextField),
        Context::Form(_) if typed => Some(Action::Type(event)),
        // Letters a field can never contain keep their command meaning in it.
        Context::Form(_) => binding(key, Context::Form(Typing::No)).map(|b| b.action),
        Context::MultiLine | Context::Certs(CertKeys::Form) | Context::TypingPage(_) => {
            Some(Action::Type(event))
        }
        Context::Confirm(buttons) => match event.code {
            KeyCode::Char(c) => buttons
                .iter()
                .find(|b| b.key == c.to_ascii_lowercase())
                .map(|b| Action::Answer(b.answer)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod table_tests;
