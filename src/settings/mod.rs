//! The FTP settings: model, text, validation, storage and TrueNAS import/export.
//! The bottom layer: it imports nothing from proftpd, the CLI or the editor.

pub mod bandwidth;
mod fields;
pub mod mode;
pub mod samples;
pub mod store;
pub mod text;
pub mod tls_policy;
pub mod truenas;
mod validate;
mod value;

pub use bandwidth::Rate;
pub use fields::{Field, NO_CERT_REQUEST_TRUENAS_KEY, Section, Settings};
pub use mode::Mode;
pub use tls_policy::TlsPolicy;
pub use validate::{
    Problem, Report, Severity, certificate_name_rule, check, is_certificate_name, is_host_name,
};
pub use value::{Dialect, Kind, MAX_LINE, MAX_TEXT, Value};
