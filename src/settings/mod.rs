//! The FTP settings: model, text, validation, storage and TrueNAS import/export.
//! Nothing here knows about the terminal UI.

pub mod bandwidth;
mod fields;
pub mod mode;
pub mod samples;
pub mod store;
mod system;
pub mod text;
pub mod tls_policy;
pub mod truenas;
mod validate;
mod validate_nat;
mod value;

pub use bandwidth::Rate;
pub use fields::{Field, NO_CERT_REQUEST_TRUENAS_KEY, Section, Settings};
pub use mode::Mode;
pub use system::{RESOLVE_TIMEOUT, System};
pub use tls_policy::TlsPolicy;
pub use validate::{Problem, Report, Severity, is_host_name, validate};
pub use value::{Dialect, Kind, MAX_LINE, MAX_TEXT, Value};
