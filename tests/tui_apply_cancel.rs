//! Cancelling a running apply from the editor (issue 8 item 3), through the real event
//! loop against a real proftpd: an Include that turns into a FIFO after validation hangs
//! `proftpd -t`; the Apply page says what it waits for, Esc stops it within a second,
//! the live files are untouched and no `proftpd -t` is left.

mod common;
mod tui_support;

use std::collections::VecDeque;
use std::io;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::apply::{greets, processes_mentioning};
use common::{Sandbox, proftpd_binary};
use crossterm::event::{Event, KeyCode};
use ftpconf::proftpd::apply::{Lock, Verdict};
use ftpconf::settings::store;
use ftpconf::tui::app::Screen;
use ftpconf::tui::apply::{ApplyOptions, Phase};
use ftpconf::tui::{App, Environment, EventSource, Input, Theme};
use tui_support::{key, test_terminal};

/// Keys for the form; during the apply, Esc once `press_after` says so (the time it was
/// pressed is recorded).
struct Source {
    keys: VecDeque<Event>,
    press_after: Arc<Mutex<Option<Instant>>>,
    pressed: Option<Instant>,
}

impl EventSource for Source {
    fn next(&mut self, _deadline: Option<Instant>) -> io::Result<Input> {
        Ok(self.keys.pop_front().map(Input::Event).unwrap_or(Input::End))
    }

    fn typed_while_working(&mut self) -> io::Result<Option<Event>> {
        let due = self.press_after.lock().unwrap().is_some_and(|t| Instant::now() >= t);
        if due && self.pressed.is_none() {
            self.pressed = Some(Instant::now());
            return Ok(Some(key(KeyCode::Esc)));
        }
        Ok(None)
    }
}

#[test]
fn esc_cancels_a_hanging_config_test_and_nothing_changes() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    let server = sandbox.serve(&settings);
    let live = sandbox.live_config();
    let included = sandbox.path("edwire-cancel.conf");
    std::fs::write(&included, "").unwrap();
    settings.auxiliary_parameters = format!("Include {}", included.display());
    sandbox.save_settings(&settings);

    // Pause before `proftpd -t`, make the included file a FIFO, let it go: it hangs.
    // SAFETY: set before any thread of this test process starts; each test runs alone.
    unsafe { std::env::set_var("FTPCONF_TEST_PAUSE_AT", "configtest") };
    let marker = sandbox.paths.state_dir().join("test-pause");
    let press_after = Arc::new(Mutex::new(None));
    let fifo = {
        let (included, press_after) = (included.clone(), Arc::clone(&press_after));
        std::thread::spawn(move || {
            let started = Instant::now();
            while !marker.exists() {
                assert!(started.elapsed() < Duration::from_secs(20), "never paused");
                std::thread::sleep(Duration::from_millis(10));
            }
            std::fs::remove_file(&included).unwrap();
            assert!(Command::new("mkfifo").arg(&included).status().unwrap().success());
            std::fs::remove_file(&marker).unwrap();
            // Let it hang a while (the page shows the seconds), then press Esc.
            *press_after.lock().unwrap() = Some(Instant::now() + Duration::from_millis(1500));
        })
    };

    let file = sandbox.paths.settings_file();
    let mut env = Environment::new(&sandbox.paths, &file);
    env.apply = Some(ApplyOptions { start: false, confirm_after: Duration::from_secs(30) });
    let mut app = App::new(env, store::load(&file).unwrap(), Theme::new(false, false));
    let mut terminal = test_terminal(80, 24);
    // Nothing unsaved: `s` reviews the saved settings against the live file, `a` applies.
    let keys = [KeyCode::Char('s'), KeyCode::Char('a')].map(key).into_iter().collect();
    let mut source = Source { keys, press_after, pressed: None };
    ftpconf::tui::run_with(&mut terminal, &mut app, &mut source, false).expect("event loop");
    let ended = Instant::now();
    fifo.join().unwrap();

    let pressed = source.pressed.expect("Esc was pressed while the apply ran");
    assert!(ended - pressed < Duration::from_secs(1), "took {:?} after Esc", ended - pressed);
    let Screen::Apply(screen) = &app.screen else { panic!("not on the Apply page") };
    let Phase::Done(end) = &screen.phase else { panic!("not finished: {:?}", screen.phase) };
    assert_eq!(end.verdict, Verdict::Refused, "{end:?}");
    assert!(end.message.contains("cancelled"), "{}", end.message);
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Refused: nothing was changed."), "{shown}");
    assert_eq!(sandbox.live_config(), live, "the live files are untouched");
    let dir = sandbox.paths.proftpd_conf().parent().unwrap().to_owned();
    let left: Vec<u32> = processes_mentioning(dir.to_str().unwrap())
        .into_iter()
        .filter(|&p| p != server.pid())
        .collect();
    assert!(left.is_empty(), "processes left behind (a proftpd -t?): {left:?}");
    Lock::acquire(&sandbox.paths).expect("the lock is free again");
    std::fs::remove_file(&included).unwrap();
    assert!(greets(server.port));
}
