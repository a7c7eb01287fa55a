//! The editor's save holds the settings writers' lock from its "changed on disk?" check
//! to its write (issue 8 item 6): a writer that changes the file meanwhile (`ftpconf set`)
//! never loses its change to the editor's save; either both changes persist or the
//! editor asks (the changed-on-disk dialog).

mod common;
mod tui_support;

use std::sync::mpsc;
use std::time::Duration;

use common::Sandbox;
use crossterm::event::KeyCode;
use ftpconf::settings::Settings;
use ftpconf::settings::store::{self, SettingsFile};
use ftpconf::tui::app::Screen;
use ftpconf::tui::{App, Environment, Theme};
use tui_support::{ctrl, drive, key, test_terminal, text};

/// An editor on the sandbox's settings with the Port field changed to `port` and the
/// review open (Enter then saves).
fn editor_about_to_save(
    sandbox: &Sandbox,
    port: u16,
) -> (App, ratatui::Terminal<ratatui::backend::TestBackend>) {
    let file = sandbox.paths.settings_file();
    let env = Environment::new(&sandbox.paths, &file);
    let mut app = App::new(env, store::load(&file).unwrap(), Theme::new(false, false));
    let mut terminal = test_terminal(80, 24);
    let mut keys = vec![ctrl('u')];
    keys.extend(text(&port.to_string()));
    keys.push(ctrl('s'));
    drive(&mut terminal, &mut app, keys);
    assert!(matches!(app.screen, Screen::Review(_)), "the review is open");
    (app, terminal)
}

fn saved(sandbox: &Sandbox) -> Settings {
    store::load(&sandbox.paths.settings_file()).unwrap()
}

/// Another writer holds the lock while the editor saves and changes Clients before it
/// lets go: the editor's check runs after, so it asks instead of writing over it.
#[test]
fn a_change_made_while_the_editor_waits_for_the_lock_is_never_lost() {
    let sandbox = Sandbox::new();
    sandbox.save_settings(&Settings { port: 2100, clients: 5, ..Settings::default() });
    let (mut app, mut terminal) = editor_about_to_save(&sandbox, 2101);
    let file = sandbox.paths.settings_file();
    let (locked_tx, locked_rx) = mpsc::channel();
    let writer = std::thread::spawn(move || {
        let mut locked = SettingsFile::open(&file).unwrap();
        locked_tx.send(()).unwrap();
        // The editor is now waiting for the lock (or, before the fix, past its check).
        std::thread::sleep(Duration::from_millis(400));
        let settings = Settings { clients: 7, ..locked.settings().unwrap() };
        locked.save(&settings).unwrap();
    });
    locked_rx.recv().unwrap();
    drive(&mut terminal, &mut app, vec![key(KeyCode::Enter)]);
    writer.join().unwrap();

    assert!(matches!(app.screen, Screen::Confirm(_)), "the editor asks: {:?}", app.screen);
    assert!(terminal.backend().to_string().contains("changed"), "the dialog says why");
    let now = saved(&sandbox);
    assert_eq!((now.clients, now.port), (7, 2100), "the other writer's change is kept");
}

/// The real `ftpconf set` racing the editor's save, both waiting for a third holder of
/// the lock: whichever goes first, neither change is lost silently.
#[test]
fn ftpconf_set_racing_the_editors_save_loses_nothing() {
    for round in 0..3u16 {
        let sandbox = Sandbox::new();
        sandbox.save_settings(&Settings { port: 2200, clients: 5, ..Settings::default() });
        let (mut app, mut terminal) = editor_about_to_save(&sandbox, 2201 + round);
        let file = sandbox.paths.settings_file();
        let holder = SettingsFile::open(&file).unwrap();
        let mut set = sandbox.ftpconf(&["set", &format!("clients={}", 8 + round)]).spawn().unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(holder);
        });
        drive(&mut terminal, &mut app, vec![key(KeyCode::Enter)]);
        release.join().unwrap();
        let out = set.wait().unwrap();
        assert!(out.success(), "round {round}: ftpconf set failed");

        let now = saved(&sandbox);
        assert_eq!(now.clients, u32::from(8 + round), "round {round}: the set's change is kept");
        match &app.screen {
            Screen::Confirm(_) => assert_eq!(now.port, 2200, "round {round}: asked, not written"),
            _ => assert_eq!(now.port, u32::from(2201 + round), "round {round}: both persist"),
        }
    }
}

/// The certificate manager deletes under the same lock, and checks the settings file as
/// it is then: a writer that chose the certificate meanwhile keeps it from going.
#[test]
fn a_certificate_chosen_while_the_manager_waits_for_the_lock_is_not_deleted() {
    let sandbox = Sandbox::new();
    sandbox.save_settings(&Settings::default());
    let made = sandbox.ftpconf(&["cert", "create", "edwire-del"]).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let file = sandbox.paths.settings_file();
    let mut app = App::new(
        Environment::new(&sandbox.paths, &file),
        store::load(&file).unwrap(),
        Theme::new(false, false),
    );
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![ctrl('o'), key(KeyCode::Char('x'))]);
    assert!(terminal.backend().to_string().contains("edwire-del"), "asked to delete it");
    let (locked_tx, locked_rx) = mpsc::channel();
    let writer = std::thread::spawn(move || {
        let mut locked = SettingsFile::open(&file).unwrap();
        locked_tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let settings = Settings { certificate: "edwire-del".into(), ..locked.settings().unwrap() };
        locked.save(&settings).unwrap();
    });
    locked_rx.recv().unwrap();
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('y'))]);
    writer.join().unwrap();

    let shown = terminal.backend().to_string();
    assert!(shown.contains("Not deleted"), "{shown}");
    assert!(sandbox.paths.certificate_file("edwire-del").exists());
    assert!(sandbox.paths.certificate_key("edwire-del").exists());
}
