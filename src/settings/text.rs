//! Labels and help texts, read once from `assets/fields.toml` (compiled in).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::fields::Field;

const SOURCE: &str = include_str!("../../assets/fields.toml");

/// Key of the always-on "TLS No Certificate Request" entry, which is not a setting.
pub const NO_CERT_REQUEST: &str = "tls.no_certificate_request";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldText {
    pub label: String,
    pub help: String,
}

static TEXTS: LazyLock<HashMap<String, FieldText>> = LazyLock::new(|| {
    let sections: HashMap<String, HashMap<String, FieldText>> =
        toml::from_str(SOURCE).expect("assets/fields.toml is valid (checked by tests)");
    sections
        .into_iter()
        .flat_map(|(section, fields)| {
            fields.into_iter().map(move |(key, text)| (format!("{section}.{key}"), text))
        })
        .collect()
});

/// Label and help for `section.key` (a field's path, or [`NO_CERT_REQUEST`]).
pub fn lookup(path: &str) -> &'static FieldText {
    TEXTS.get(path).unwrap_or_else(|| panic!("assets/fields.toml has no entry for {path}"))
}

impl Field {
    pub fn label(self) -> &'static str {
        &lookup(&self.path()).label
    }

    pub fn help(self) -> &'static str {
        &lookup(&self.path()).help
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_text_and_every_text_a_field() {
        for &f in Field::ALL {
            assert!(!f.label().is_empty() && f.help().len() > 20, "{f:?}");
        }
        let known: Vec<String> = Field::ALL.iter().map(|f| f.path()).collect();
        for path in TEXTS.keys() {
            assert!(known.contains(path) || path == NO_CERT_REQUEST, "stray entry {path}");
        }
        assert!(lookup(NO_CERT_REQUEST).help.contains("Always in effect"));
    }
}
