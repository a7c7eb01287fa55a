//! The "Manage certificates" screen's state: the certificates in the store, the
//! highlighted one read in full, and what the screen is doing (list, a form, a question).
//! Nothing here draws; [`actions`] says how keys change it.

pub mod actions;
pub mod forms;

pub use forms::{Entry, Form, FormKind, FormRow, RowValue};

use crate::paths::Paths;
use crate::proftpd::certs::{self, CertInfo, CertSummary};

/// What the manager shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    List,
    Form(Form),
    /// Asking before deleting this certificate.
    ConfirmDelete(String),
}

/// Which keys the manager takes in its current mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    List,
    Form,
    Confirm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertManager {
    pub certificates: Vec<CertSummary>,
    /// Why the certificate directory could not be read.
    pub load_error: Option<String>,
    pub selected: usize,
    /// The highlighted certificate, read in full (for the details panel).
    pub info: Option<CertInfo>,
    pub mode: Mode,
    /// The certificate the edited settings name ("" when none).
    pub in_use: String,
    /// The certificate directory, as shown.
    pub dir: String,
}

impl CertManager {
    /// Reads the store and highlights `current` (the Certificate field's value) when listed.
    pub fn open(paths: &Paths, current: &str) -> CertManager {
        let mut manager = CertManager {
            certificates: Vec::new(),
            load_error: None,
            selected: 0,
            info: None,
            mode: Mode::List,
            in_use: current.to_owned(),
            dir: paths.certificate_dir().display().to_string(),
        };
        manager.refresh(paths, Some(current));
        manager
    }

    /// Reads the store again, keeping the highlight on `select` (else on the same name).
    pub fn refresh(&mut self, paths: &Paths, select: Option<&str>) {
        let keep = select.map(str::to_owned).or_else(|| self.selected_name().map(str::to_owned));
        match certs::list(paths) {
            Ok(list) => {
                self.certificates = list;
                self.load_error = None;
            }
            Err(why) => {
                self.certificates.clear();
                self.load_error = Some(why);
            }
        }
        let found = keep.and_then(|name| self.certificates.iter().position(|c| c.name == name));
        self.selected =
            found.unwrap_or(self.selected).min(self.certificates.len().saturating_sub(1));
        self.read_selected(paths);
    }

    pub fn step(&mut self, paths: &Paths, step: isize) -> bool {
        if self.certificates.is_empty() {
            return false;
        }
        let last = self.certificates.len() as isize - 1;
        let next = (self.selected as isize + step).clamp(0, last) as usize;
        if next == self.selected {
            return false;
        }
        self.selected = next;
        self.read_selected(paths);
        true
    }

    fn read_selected(&mut self, paths: &Paths) {
        self.info = self.selected_name().map(|name| certs::inspect(paths, name));
    }

    pub fn selected_name(&self) -> Option<&str> {
        self.selected_summary().map(|c| c.name.as_str())
    }

    pub fn selected_summary(&self) -> Option<&CertSummary> {
        self.certificates.get(self.selected)
    }

    pub fn keys(&self) -> Keys {
        match self.mode {
            Mode::List => Keys::List,
            Mode::Form(_) => Keys::Form,
            Mode::ConfirmDelete(_) => Keys::Confirm,
        }
    }

    /// A name for the next certificate: "ftp", else "ftp-2", "ftp-3"…
    pub fn free_name(&self, paths: &Paths) -> String {
        (1..)
            .map(|n| if n == 1 { "ftp".to_owned() } else { format!("ftp-{n}") })
            .find(|name| !name_taken(paths, name))
            .unwrap_or_default()
    }
}

/// A certificate or key file of that name exists in the store.
pub fn name_taken(paths: &Paths, name: &str) -> bool {
    certs::is_valid_name(name)
        && (paths.certificate_file(name).exists() || paths.certificate_key(name).exists())
}
