//! Shared set-up for the editor's tests: a sandbox root, an app with stable texts,
//! synthetic key events.
#![allow(dead_code)]

use std::io;
use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ftpconf::paths::Paths;
use ftpconf::settings::store;
use ftpconf::tui::{App, Environment, Theme};
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use tempfile::TempDir;

pub struct Sandbox {
    pub dir: TempDir,
    pub paths: Paths,
    pub file: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::new(dir.path());
        let file = paths.settings_file();
        Sandbox { dir, paths, file }
    }

    /// An app on this sandbox whose title texts do not depend on the machine.
    pub fn app(&self) -> App {
        self.app_with(Theme::color())
    }

    pub fn app_with(&self, theme: Theme) -> App {
        let mut env = Environment::new(&self.paths, &self.file);
        env.host = "nas".into();
        env.service = "proftpd not running".into();
        env.file_label = "/etc/ftpconf/ftpconf.toml".into();
        // A group file with "ftp", so the "no group ftp" warning does not depend on the machine.
        let groups = self.dir.path().join("group");
        std::fs::write(&groups, "root:x:0:\nftp:x:50:\n").expect("group file");
        env.system.group_file = groups;
        env.quick = env.system.quick();
        let settings = store::load(&self.file).expect("settings load");
        App::new(env, settings, theme)
    }

    /// Writes a self-signed certificate pair NAME.crt/NAME.key into the certificate directory.
    pub fn add_certificate(&self, name: &str) {
        let cert = rcgen::generate_simple_self_signed(vec!["nas.local".into()]).expect("rcgen");
        let dir = self.paths.certificate_dir();
        std::fs::create_dir_all(&dir).expect("cert dir");
        std::fs::write(self.paths.certificate_file(name), cert.cert.pem()).expect("crt");
        let key = self.paths.certificate_key(name);
        std::fs::write(&key, cert.signing_key.serialize_pem()).expect("key");
        let private = std::os::unix::fs::PermissionsExt::from_mode(0o600);
        std::fs::set_permissions(&key, private).expect("key mode");
        // A key readable by others is a (deserved) health warning; keep it private.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn text(s: &str) -> Vec<Event> {
    s.chars().map(|c| key(KeyCode::Char(c))).collect()
}

/// Runs the real event loop over `events` on `terminal`.
pub fn drive<B>(terminal: &mut Terminal<B>, app: &mut App, events: Vec<Event>)
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let events = events.into_iter().map(Ok::<Event, io::Error>);
    ftpconf::tui::run_loop(terminal, app, events, false).expect("event loop");
}

pub fn test_terminal(cols: u16, rows: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(cols, rows)).expect("test terminal")
}

/// A certificate made with fixed dates, so screens that show them do not change with
/// the day the tests run.
pub struct DatedCert<'a> {
    pub name: &'a str,
    pub common_name: &'a str,
    pub alt_names: &'a [&'a str],
    /// (year, month, day), UTC.
    pub not_before: (i32, u8, u8),
    pub not_after: (i32, u8, u8),
}

/// PEM certificate and key for `cert` (a fresh EC P-256 key).
pub fn dated_pem(cert: &DatedCert) -> (String, String) {
    let mut params = rcgen::CertificateParams::new(
        cert.alt_names.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
    )
    .expect("params");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(rcgen::DnType::CommonName, cert.common_name);
    let (y, m, d) = cert.not_before;
    params.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = cert.not_after;
    params.not_after = rcgen::date_time_ymd(y, m, d);
    let key = rcgen::KeyPair::generate().expect("key");
    let signed = params.self_signed(&key).expect("self-signed");
    (signed.pem(), key.serialize_pem())
}

impl Sandbox {
    /// Stores `cert` in the certificate directory (key 0600).
    pub fn add_dated(&self, cert: &DatedCert) {
        let (pem, key) = dated_pem(cert);
        self.store_pair(cert.name, &pem, &key);
    }

    /// Stores `cert` with the key of another certificate: a mismatch.
    pub fn add_mismatched(&self, cert: &DatedCert) {
        let (pem, _) = dated_pem(cert);
        let (_, other_key) = dated_pem(cert);
        self.store_pair(cert.name, &pem, &other_key);
    }

    pub fn store_pair(&self, name: &str, pem: &str, key: &str) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(self.paths.certificate_dir()).expect("cert dir");
        std::fs::write(self.paths.certificate_file(name), pem).expect("crt");
        let key_file = self.paths.certificate_key(name);
        std::fs::write(&key_file, key).expect("key");
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }

    /// An app whose "new certificate" proposal does not depend on the machine.
    pub fn app_for_certs(&self, theme: Theme) -> App {
        let mut app = self.app_with(theme);
        app.env.new_cert = ftpconf::proftpd::certs::NewCert {
            key: ftpconf::proftpd::certs::KeyChoice::Ec,
            days: 397,
            common_name: "nas.local".into(),
            alt_names: vec!["nas.local".into(), "localhost".into(), "127.0.0.1".into()],
        };
        app
    }
}

/// Insta settings that hide what changes from day to day and run to run: day counts and
/// the temporary root.
pub fn stable_dates(root: &std::path::Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\b\d+ days\b", "[N] days");
    settings.add_filter(&regex_escape(&root.display().to_string()), "[root]");
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special.then_some('\\').into_iter().chain(std::iter::once(c))
        })
        .collect()
}
