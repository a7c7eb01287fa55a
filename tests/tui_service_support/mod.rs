//! Shared by the Service screen's tests: an editor on a sandbox, a real proftpd with
//! users logged in over FTP, and what the screen asks.
#![allow(dead_code)] // each test binary uses a different part

use std::time::{Duration, Instant};

use crate::common::apply::DaemonGuard;
use crate::common::users::User;
use crate::common::{Sandbox, ftp, proftpd_binary};
use crate::service_support;
use crate::tui_support::key;
use crossterm::event::{Event, KeyCode};
use ftpconf::proftpd::service;
use ftpconf::settings::store;
use ftpconf::tui::app::Screen;
use ftpconf::tui::{App, Environment, Theme};

/// An editor on the sandbox with stable host and file texts.
pub fn editor(sandbox: &Sandbox, theme: Theme) -> App {
    let file = sandbox.paths.settings_file();
    let mut env = Environment::new(&sandbox.paths, &file);
    env.host = "nas".into();
    env.file_label = "/etc/ftpconf/ftpconf.toml".into();
    let settings = store::load(&file).expect("settings load");
    App::new(env, settings, theme)
}

pub fn press(c: char) -> Event {
    key(KeyCode::Char(c))
}

/// Waits until proftpd lists exactly `users` as logged in (10 s at most).
pub fn logged_in(sandbox: &Sandbox, users: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = service::sessions(&sandbox.paths).expect("sessions");
        let mut names: Vec<&str> = list.iter().filter_map(|s| s.user.as_deref()).collect();
        names.sort_unstable();
        let mut wanted = users.to_vec();
        wanted.sort_unstable();
        if names == wanted && list.len() == users.len() {
            return;
        }
        assert!(Instant::now() < deadline, "never saw {users:?} logged in: {list:#?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A running proftpd (stopped on drop) with `n` users logged in over real FTP.
pub struct Served {
    pub sandbox: Sandbox,
    pub port: u16,
    pub users: Vec<User>,
    pub clients: Vec<suppaftp::FtpStream>,
    pub master: u32,
    _guard: DaemonGuard,
}

pub fn served(n: usize) -> Served {
    served_with(n, |_| {})
}

pub fn served_with(n: usize, tweak: impl FnOnce(&mut ftpconf::settings::Settings)) -> Served {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let users: Vec<User> = (0..n).map(|_| User::create(&home, true)).collect();
    let mut settings = service_support::settings(&sandbox);
    tweak(&mut settings);
    let (guard, master) = service_support::serve(&sandbox, &settings);
    let port = u16::try_from(settings.port).unwrap();
    let clients = users.iter().map(|u| ftp::login(port, &u.name, &u.password)).collect();
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    logged_in(&sandbox, &names);
    Served { sandbox, port, users, clients, master, _guard: guard }
}

pub fn question(app: &App) -> Option<String> {
    match &app.screen {
        Screen::Service(screen) => screen.asking.as_ref().map(|q| q.text.clone()),
        _ => panic!("not on the Service screen"),
    }
}
