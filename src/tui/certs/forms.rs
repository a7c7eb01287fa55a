//! The two small forms of the certificate manager: a new self-signed certificate, and an
//! import of a PEM certificate + key. Each field's problem is kept beside the field; what
//! the store refuses afterwards is kept as the form's refusal, every reason of it.

use std::net::IpAddr;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::proftpd::certs::{self, KeyChoice, NewCert};
use crate::settings::is_host_name;

/// A line of text being typed (tui-input), comparable so screens stay `Eq`.
#[derive(Debug, Clone, Default)]
pub struct Entry(pub Input);

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

impl Eq for Entry {}

impl Entry {
    pub fn new(text: &str) -> Entry {
        Entry(Input::new(text.to_owned()))
    }

    pub fn value(&self) -> &str {
        self.0.value()
    }
}

/// The keys offered for a new certificate, EC first (the default).
pub const KEY_CHOICES: [KeyChoice; 4] = [
    KeyChoice::Ec,
    KeyChoice::Rsa { bits: 2048 },
    KeyChoice::Rsa { bits: 3072 },
    KeyChoice::Rsa { bits: 4096 },
];

const KEY_LABELS: [&str; 4] = ["EC P-256", "RSA 2048", "RSA 3072", "RSA 4096"];

/// What a row holds: typed text, or one of a few choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowValue {
    Text(Entry),
    Choice { labels: &'static [&'static str], selected: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRow {
    pub label: &'static str,
    pub value: RowValue,
    /// Why the value cannot be used, shown under the row.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Create,
    Import,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub rows: Vec<FormRow>,
    pub focus: usize,
    /// Every reason the store gave for refusing the last attempt.
    pub refusal: Vec<String>,
    /// The (possibly slow) creation runs after the next draw.
    pub busy: bool,
}

// Row positions.
const NAME: usize = 0;
const COMMON_NAME: usize = 1;
const ALT_NAMES: usize = 2;
const KEY: usize = 3;
const DAYS: usize = 4;
const CERT_FILE: usize = 1;
const KEY_FILE: usize = 2;

fn text_row(label: &'static str, text: &str) -> FormRow {
    FormRow { label, value: RowValue::Text(Entry::new(text)), error: None }
}

impl Form {
    /// A new certificate named `name`, prefilled with `defaults` (this host's names, EC, 397 days).
    pub fn create(name: &str, defaults: &NewCert) -> Form {
        let key = KEY_CHOICES.iter().position(|k| *k == defaults.key).unwrap_or(0);
        let rows = vec![
            text_row("Name", name),
            text_row("Common name (CN)", &defaults.common_name),
            text_row("Other names (SANs)", &defaults.alt_names.join(", ")),
            FormRow {
                label: "Key",
                value: RowValue::Choice { labels: &KEY_LABELS, selected: key },
                error: None,
            },
            text_row("Valid for (days)", &defaults.days.to_string()),
        ];
        Form { kind: FormKind::Create, rows, focus: 0, refusal: Vec::new(), busy: false }
    }

    pub fn import(name: &str) -> Form {
        let rows = vec![
            text_row("Name", name),
            text_row("Certificate file", ""),
            text_row("Private key file", ""),
        ];
        Form { kind: FormKind::Import, rows, focus: 0, refusal: Vec::new(), busy: false }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            FormKind::Create => "New self-signed certificate",
            FormKind::Import => "Import a certificate and its key",
        }
    }

    pub fn step(&mut self, step: isize) {
        let len = self.rows.len() as isize;
        self.focus = (self.focus as isize + step).rem_euclid(len) as usize;
    }

    /// Pasted text for the focused row, trimmed, control characters left out (their
    /// count is returned). `None`: the focused row is a choice, not text.
    pub fn paste(&mut self, text: &str) -> Option<usize> {
        let row = &mut self.rows[self.focus];
        let RowValue::Text(entry) = &mut row.value else { return None };
        let (kept, left_out) = crate::tui::paste::one_line(text);
        for c in kept.chars() {
            entry.0.handle(tui_input::InputRequest::InsertChar(c));
        }
        row.error = None;
        Some(left_out)
    }

    /// A key for the focused row: typed into text, or Space/Left/Right on a choice.
    /// Returns whether anything changed.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        let row = &mut self.rows[self.focus];
        let changed = match &mut row.value {
            RowValue::Text(entry) => {
                entry.0.handle_event(&Event::Key(key)).is_some_and(|c| c.value || c.cursor)
            }
            RowValue::Choice { labels, selected } => {
                let step = match key.code {
                    KeyCode::Char(' ') | KeyCode::Right => 1,
                    KeyCode::Left => labels.len() - 1,
                    _ => return false,
                };
                *selected = (*selected + step) % labels.len();
                true
            }
        };
        if changed {
            row.error = None;
        }
        changed
    }

    pub fn text(&self, row: usize) -> &str {
        match &self.rows[row].value {
            RowValue::Text(entry) => entry.value().trim(),
            RowValue::Choice { .. } => "",
        }
    }

    pub fn name(&self) -> &str {
        self.text(NAME)
    }

    pub fn cert_file(&self) -> &str {
        self.text(CERT_FILE)
    }

    pub fn key_file(&self) -> &str {
        self.text(KEY_FILE)
    }

    /// The chosen key of a create form.
    pub fn key_choice(&self) -> KeyChoice {
        match self.rows.get(KEY).map(|r| &r.value) {
            Some(RowValue::Choice { selected, .. }) => KEY_CHOICES[*selected],
            _ => KeyChoice::Ec,
        }
    }

    /// Checks every field (`taken`: a certificate of that name exists), puts each problem
    /// beside its field and returns whether the form can be submitted.
    pub fn check(&mut self, taken: impl Fn(&str) -> bool) -> bool {
        self.refusal.clear();
        let mut errors: Vec<(usize, String)> = Vec::new();
        if let Some(why) = name_problem(self.name(), taken) {
            errors.push((NAME, why));
        }
        match self.kind {
            FormKind::Create => {
                let cn = self.text(COMMON_NAME);
                if cn.is_empty() {
                    errors.push((COMMON_NAME, "Is required: the name clients connect to".into()));
                } else if cn.chars().count() > 64 {
                    errors.push((COMMON_NAME, "Is at most 64 characters (X.509 limit)".into()));
                }
                if let Some(why) = alt_names_problem(&self.alt_names()) {
                    errors.push((ALT_NAMES, why));
                }
                if self.days().is_none() {
                    errors.push((DAYS, "Is a whole number of days from 1 to 3650".into()));
                }
            }
            FormKind::Import => {
                if self.cert_file().is_empty() {
                    let why = "Is required: the PEM certificate file (the chain may follow)";
                    errors.push((CERT_FILE, why.into()));
                }
                if self.key_file().is_empty() {
                    errors.push((KEY_FILE, "Is required: the unencrypted PEM private key".into()));
                }
            }
        }
        for (i, row) in self.rows.iter_mut().enumerate() {
            row.error = errors.iter().find(|(r, _)| *r == i).map(|(_, why)| why.clone());
        }
        if let Some((first, _)) = errors.first() {
            self.focus = *first;
        }
        errors.is_empty()
    }

    /// Host names and addresses, split at commas and spaces.
    pub fn alt_names(&self) -> Vec<String> {
        self.text(ALT_NAMES)
            .split([',', ' '])
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn days(&self) -> Option<u32> {
        self.text(DAYS).parse().ok().filter(|d| (1..=3650).contains(d))
    }

    /// The certificate to make, once [`Form::check`] passed.
    pub fn new_cert(&self) -> NewCert {
        NewCert {
            key: self.key_choice(),
            days: self.days().unwrap_or(certs::DEFAULT_DAYS),
            common_name: self.text(COMMON_NAME).to_owned(),
            alt_names: self.alt_names(),
        }
    }
}

fn name_problem(name: &str, taken: impl Fn(&str) -> bool) -> Option<String> {
    if name.is_empty() {
        Some(
            "Is required: letters, digits, '.', '_' and '-'; it names NAME.crt and NAME.key".into(),
        )
    } else if !certs::is_valid_name(name) {
        Some(certs::name_rule(name))
    } else if taken(name) {
        Some(format!("{name:?} exists already; choose another name (or delete it first)"))
    } else {
        None
    }
}

fn alt_names_problem(names: &[String]) -> Option<String> {
    if names.is_empty() {
        return Some(
            "Needs at least one host name or IP address: clients check these, not the CN".into(),
        );
    }
    let bad: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| {
            let host = n.strip_prefix("*.").unwrap_or(n);
            n.parse::<IpAddr>().is_err() && !is_host_name(host)
        })
        .collect();
    let quoted: Vec<String> = bad.iter().map(|n| format!("{n:?}")).collect();
    match quoted.len() {
        0 => None,
        1 => Some(format!("{} is neither a host name nor an IP address", quoted[0])),
        _ => Some(format!("{} are neither host names nor IP addresses", quoted.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> NewCert {
        NewCert {
            key: KeyChoice::Ec,
            days: 397,
            common_name: "nas.local".into(),
            alt_names: vec!["nas.local".into(), "127.0.0.1".into()],
        }
    }

    #[test]
    fn a_prefilled_create_form_passes_and_makes_the_defaults() {
        let mut form = Form::create("ftp", &defaults());
        assert!(form.check(|_| false), "{:?}", form.rows);
        assert_eq!(form.new_cert(), defaults());
    }

    #[test]
    fn each_bad_field_gets_its_own_error_and_the_focus_goes_to_the_first() {
        let mut form = Form::create("bad name", &defaults());
        form.rows[ALT_NAMES].value = RowValue::Text(Entry::new("ok.example, -bad-, 10.0.0.1"));
        form.rows[DAYS].value = RowValue::Text(Entry::new("4000"));
        assert!(!form.check(|_| false));
        assert!(form.rows[NAME].error.as_deref().unwrap().contains("not a certificate name"));
        assert_eq!(form.rows[COMMON_NAME].error, None);
        let sans = form.rows[ALT_NAMES].error.as_deref().unwrap();
        assert!(sans.contains("\"-bad-\" is neither a host name"), "{sans}");
        assert!(form.rows[DAYS].error.as_deref().unwrap().contains("1 to 3650"));
        assert_eq!(form.focus, NAME);
    }

    #[test]
    fn a_taken_name_is_refused_and_space_cycles_the_key() {
        let mut form = Form::create("nas", &defaults());
        assert!(!form.check(|n| n == "nas"));
        assert!(form.rows[NAME].error.as_deref().unwrap().contains("exists already"));
        form.focus = KEY;
        form.type_key(KeyEvent::from(KeyCode::Char(' ')));
        form.type_key(KeyEvent::from(KeyCode::Char(' ')));
        form.type_key(KeyEvent::from(KeyCode::Char(' ')));
        assert_eq!(form.key_choice(), KeyChoice::Rsa { bits: 4096 });
        form.type_key(KeyEvent::from(KeyCode::Right));
        assert_eq!(form.key_choice(), KeyChoice::Ec, "wraps around");
    }

    #[test]
    fn import_needs_both_files() {
        let mut form = Form::import("x");
        assert!(!form.check(|_| false));
        assert!(form.rows[CERT_FILE].error.is_some() && form.rows[KEY_FILE].error.is_some());
    }
}
