//! The choices of the two list fields (TLS Policy, Certificate) and an open list's state.

use super::effect::Effect;
use super::hints::{self, Hint};
use super::keys::{self, Action, Context};
use super::page::{Around, Page};
use crate::paths::Paths;
use crate::proftpd::certs;
use crate::settings::{Field, Kind, Settings, TlsPolicy, Value};

/// One entry of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: Value,
    pub label: String,
    /// What picking it means (TLS Policy), or "" when the label says it all.
    pub meaning: String,
    /// A certificate's CN, expiry and health, drawn as columns after the name.
    pub cert: Option<certs::CertSummary>,
}

/// An open list: which field, its choices, and the highlighted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropdown {
    pub field: Field,
    pub choices: Vec<Choice>,
    pub selected: usize,
    /// Where the choices come from, said when there are none.
    pub empty_hint: String,
}

impl Dropdown {
    /// Opens the list of `field`, highlighting its current value.
    pub fn open(field: Field, settings: &Settings, paths: &Paths) -> Dropdown {
        let choices = choices(field, paths);
        let current = field.get(settings);
        let selected = choices.iter().position(|c| c.value == current).unwrap_or(0);
        let empty_hint = format!(
            "No certificate in {}. Press m to create or import one.",
            paths.certificate_dir().display()
        );
        Dropdown { field, choices, selected, empty_hint }
    }

    pub fn step(&mut self, step: isize) {
        if self.choices.is_empty() {
            return;
        }
        let last = self.choices.len() as isize - 1;
        self.selected = (self.selected as isize + step).clamp(0, last) as usize;
    }

    pub fn chosen(&self) -> Option<&Choice> {
        self.choices.get(self.selected)
    }
}

impl Page for Dropdown {
    fn update(&mut self, action: Action, _: &Around) -> Effect {
        let step = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -5,
            Action::PageDown => 5,
            Action::Home => -1000,
            Action::End => 1000,
            Action::Activate => {
                return match self.chosen() {
                    Some(choice) => Effect::All(vec![
                        Effect::Set(self.field, choice.value.clone()),
                        Effect::Close,
                    ]),
                    None => Effect::Close,
                };
            }
            Action::Cancel => return Effect::Close,
            Action::ManageCertificates if self.field.kind() == Kind::Certificate => {
                return Effect::OpenCertificates;
            }
            _ => return Effect::None,
        };
        self.step(step);
        Effect::Redraw
    }

    fn context(&self) -> Context {
        Context::Dropdown
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let h = |action| hints::from(keys::DROPDOWN, action, around.theme);
        let mut shown = vec![hints::literal("{ud}", "move", around.theme)];
        shown.extend([h(Action::Activate), h(Action::Cancel)]);
        if self.field.kind() == Kind::Certificate {
            shown.push(h(Action::ManageCertificates));
        }
        shown
    }

    fn over_form(&self) -> bool {
        true
    }
}

/// The entries of a list field.
pub fn choices(field: Field, paths: &Paths) -> Vec<Choice> {
    match field.kind() {
        Kind::Policy => TlsPolicy::ALL
            .iter()
            .map(|p| Choice {
                value: Value::Policy(*p),
                label: p.label().to_owned(),
                meaning: p.meaning().to_owned(),
                cert: None,
            })
            .collect(),
        // Unusable certificates are listed too (marked); choosing one shows why on the field.
        Kind::Certificate => certs::list(paths)
            .unwrap_or_default()
            .into_iter()
            .map(|cert| Choice {
                value: Value::Text(cert.name.clone()),
                label: cert.name.clone(),
                meaning: String::new(),
                cert: Some(cert),
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_list_has_ten_entries_and_opens_on_the_current_one() {
        let mut s = Settings::default();
        s.tls_policy = TlsPolicy::CtrlData;
        let d = Dropdown::open(Field::TlsPolicy, &s, &Paths::default());
        assert_eq!(d.choices.len(), 10);
        assert_eq!(d.chosen().unwrap().label, "Ctrl + Data");
    }
}
