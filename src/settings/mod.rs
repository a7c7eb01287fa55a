//! The FTP settings: model, text, validation, storage and TrueNAS import/export.
//! The bottom layer: it imports nothing from proftpd, the CLI or the editor.

pub mod bandwidth;
mod fields;
pub mod input;
pub mod mode;
pub mod samples;
mod settings_file;
pub mod store;
pub mod text;
pub mod tls_policy;
pub mod truenas;
mod validate;
mod validate_nat;
mod value;

#[cfg(test)]
pub(crate) use validate::tests as validate_tests;

pub use bandwidth::Rate;
pub use fields::{Field, NO_CERT_REQUEST_TRUENAS_KEY, Section, Settings};
pub use mode::Mode;
pub use tls_policy::TlsPolicy;
pub use validate::{
    Problem, Report, Severity, certificate_name_rule, check, is_certificate_name, is_host_name,
};
pub use value::{Dialect, Kind, MAX_LINE, MAX_TEXT, Value};

#[cfg(test)]
mod layer_tests {
    /// The bottom layer stays at the bottom: nothing under src/settings names a layer above.
    #[test]
    fn settings_import_nothing_from_the_layers_above() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/settings");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for layer in ["proftpd", "cli", "tui"].map(|name| format!("crate::{name}")) {
                assert!(!text.contains(&layer), "{} uses {layer}", path.display());
            }
        }
    }
}
