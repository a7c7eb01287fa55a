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
