//! "Save and apply" from the editor against a real proftpd in a sandbox, driven by keys
//! through the real event loop (TestBackend): the Apply screen, a refusal, the timed
//! confirmation (kept, and reverted at the deadline with no key), and the dialog for a
//! settings file changed behind the editor's back.

mod common;
mod tui_support;

use std::collections::VecDeque;
use std::io;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::apply::{greets, running_pid};
use common::{Sandbox, free_port, proftpd_binary};
use crossterm::event::{Event, KeyCode};
use ftpconf::proftpd::apply::Verdict;
use ftpconf::settings::{Settings, store};
use ftpconf::tui::app::Screen;
use ftpconf::tui::apply::{ApplyOptions, Phase};
use ftpconf::tui::{App, Environment, EventSource, Input, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_support::{ctrl, drive, key, test_terminal, text};

/// An editor on the sandbox with apply wired, stable title texts and no timings.
fn editor(sandbox: &Sandbox, confirm_after: Duration) -> App {
    let file = sandbox.paths.settings_file();
    let mut env = Environment::new(&sandbox.paths, &file);
    env.host = "nas".into();
    env.file_label = "/etc/ftpconf/ftpconf.toml".into();
    env.apply = Some(ApplyOptions { start: false, confirm_after });
    let settings = store::load(&file).expect("settings load");
    let mut app = App::new(env, settings, Theme::new(false, false));
    app.show_timings = false;
    app
}

/// A running proftpd on default settings (on a free port), saved as the settings file.
fn serving(sandbox: &Sandbox) -> (Settings, common::Server) {
    proftpd_binary();
    let settings = sandbox.settings();
    sandbox.save_settings(&settings);
    let server = sandbox.serve(&settings);
    (settings, server)
}

/// Keys that clear the Port field, type `port`, open the review.
fn new_port(port: u16) -> Vec<Event> {
    let mut events = vec![ctrl('u')];
    events.extend(text(&port.to_string()));
    events.push(ctrl('s'));
    events
}

/// Keys only: ends when they run out, even while a confirmation waits (the snapshot of
/// the question is taken then).
struct Keys(VecDeque<Event>);

impl EventSource for Keys {
    fn next(&mut self, _deadline: Option<Instant>) -> io::Result<Input> {
        Ok(self.0.pop_front().map(Input::Event).unwrap_or(Input::End))
    }
}

fn drive_keys(terminal: &mut Terminal<TestBackend>, app: &mut App, events: Vec<Event>) {
    ftpconf::tui::run_with(terminal, app, &mut Keys(events.into()), false).expect("event loop");
}

/// The screen with every run of digits (ports, pids, backup ids, clock) shown as one
/// `#`, "sessions" as "session", and the blanks that then vary in length trimmed from
/// line ends.
fn normalized(terminal: &Terminal<TestBackend>) -> String {
    let mut out = String::new();
    for line in terminal.backend().to_string().lines() {
        // The title's session count may still include the apply's own probe: one or none.
        let line = line.replace(" sessions", " session");
        let mut collapsed = String::new();
        let mut in_digits = false;
        for c in line.chars() {
            if c.is_ascii_digit() && !in_digits {
                collapsed.push('#');
            } else if !c.is_ascii_digit() {
                collapsed.push(c);
            }
            in_digits = c.is_ascii_digit();
        }
        let inner = collapsed.trim_end_matches('"');
        let (inner, border) = match inner.strip_suffix(['│', '|']) {
            Some(rest) => (rest, &inner[rest.len()..]),
            None => (inner, ""),
        };
        out.push_str(&format!("{}{border}\"\n", inner.trim_end()));
    }
    out
}

fn phase(app: &App) -> Phase {
    match &app.screen {
        Screen::Apply(screen) => screen.phase.clone(),
        _ => panic!("not on the Apply screen"),
    }
}

fn verdict(app: &App) -> Verdict {
    match phase(app) {
        Phase::Done(end) => end.verdict,
        other => panic!("the apply has not finished: {other:?}"),
    }
}

#[test]
fn a_port_change_is_saved_applied_and_greets() {
    let sandbox = Sandbox::new();
    let (old, mut server) = serving(&sandbox);
    let port = free_port();
    let mut app = editor(&sandbox, Duration::from_secs(30));
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, new_port(port));
    assert!(terminal.backend().to_string().contains("a save+apply"), "the review offers it");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('a'))]);

    assert_eq!(verdict(&app), Verdict::Applied);
    let Screen::Apply(screen) = &app.screen else { unreachable!() };
    let steps: Vec<&str> = screen.steps.iter().map(|l| l.step.name()).collect();
    assert_eq!(steps.last(), Some(&"verify"), "{steps:?}");
    assert!(screen.steps.iter().all(|l| l.report.as_ref().is_some_and(|r| r.ok)), "{steps:?}");
    assert!(greets(port), "the new port greets");
    assert!(server.is_alive());
    assert_eq!(store::load(&sandbox.paths.settings_file()).unwrap().port, u32::from(port));
    let shown = terminal.backend().to_string();
    assert_eq!(shown.matches('✓').count(), 11, "every step is marked ok:\n{shown}");
    assert!(shown.contains("│ proftpd running, "), "title refreshed:\n{shown}");
    insta::assert_snapshot!("apply_done_80x24", normalized(&terminal));

    // Back to the form; the status line keeps the outcome.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Form);
    assert!(terminal.backend().to_string().contains("Applied: proftpd serves"));
    assert_ne!(old.port, u32::from(port));
}

#[test]
fn a_port_held_by_another_program_is_refused_and_nothing_changes() {
    let sandbox = Sandbox::new();
    let (old, mut server) = serving(&sandbox);
    let live = sandbox.live_config();
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().port();
    let mut app = editor(&sandbox, Duration::from_secs(30));
    app.theme = Theme::new(true, true);
    let mut terminal = test_terminal(80, 24);
    let mut events = new_port(taken);
    events.push(ctrl('a'));
    drive(&mut terminal, &mut app, events);

    assert_eq!(verdict(&app), Verdict::Refused);
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Refused: nothing was changed."), "{shown}");
    assert!(shown.contains(&format!("port {taken} is already in use by pid")), "{shown}");
    assert!(shown.contains("FAIL port is free or ours"), "--ascii marks:\n{shown}");
    assert!(!shown.contains('✓'), "--ascii draws no check marks");
    assert_eq!(sandbox.live_config(), live, "the live configuration is untouched");
    assert!(greets(u16::try_from(old.port).unwrap()), "the old port still serves");
    assert!(server.is_alive());
    drop(holder);
}

#[test]
fn a_timed_apply_is_reverted_when_nobody_confirms() {
    let sandbox = Sandbox::new();
    let (old, mut server) = serving(&sandbox);
    // Applied once by ftpconf, so it knows these as the settings that serve.
    let first = sandbox.ftpconf(&["apply"]).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let old_port = u16::try_from(old.port).unwrap();
    let port = free_port();
    let mut app = editor(&sandbox, Duration::from_secs(1));
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, new_port(port));
    let started = Instant::now();
    // No key after `c`: the loop sleeps until the deadline, which reverts.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('c'))]);
    let Phase::Done(end) = phase(&app) else { panic!("not finished") };
    assert_eq!((end.verdict, end.confirmed), (Verdict::RolledBack, Some(false)), "{end:?}");
    assert!(started.elapsed() >= Duration::from_secs(1), "reverted at the deadline, not before");
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Not confirmed: the previous configuration (backup"), "{shown}");
    assert!(greets(old_port), "the previous port serves again");
    assert!(!greets(port), "the new port is closed again");
    assert!(server.is_alive());
    assert_eq!(running_pid(&sandbox.paths), Some(server.pid()));
    assert!(!sandbox.paths.state_dir().join("confirm.pending").exists());
    // Undone in the settings file too; the form keeps the new port as an unsaved edit.
    let on_disk = store::load(&sandbox.paths.settings_file()).unwrap();
    assert_eq!(on_disk.port, old.port, "the settings file still holds the unconfirmed port");
    assert_eq!((app.saved.port, app.settings.port), (old.port, u32::from(port)));
    assert!(app.is_dirty());
    let kept = ftpconf::proftpd::apply::unconfirmed_settings_file(&sandbox.paths);
    assert!(std::fs::read_to_string(kept).unwrap().contains(&format!("port = {port}")));
    // Saving again is not taken for a change made behind the editor's back.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc), ctrl('s'), key(KeyCode::Enter)]);
    let shown = terminal.backend().to_string();
    assert!(!shown.contains("Settings file changed on disk"), "{shown}");
    assert_eq!(store::load(&sandbox.paths.settings_file()).unwrap().port, u32::from(port));
}

#[test]
fn a_timed_apply_is_kept_when_confirmed() {
    let sandbox = Sandbox::new();
    let (_old, mut server) = serving(&sandbox);
    let port = free_port();
    let mut app = editor(&sandbox, Duration::from_secs(30));
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, new_port(port));
    drive_keys(&mut terminal, &mut app, vec![key(KeyCode::Char('c'))]);
    assert!(matches!(phase(&app), Phase::Confirming { .. }), "{:?}", phase(&app));
    assert!(greets(port), "live while the question waits");
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Keep these settings? Reverting at"), "{shown}");
    insta::assert_snapshot!("apply_confirm_80x24", normalized(&terminal));

    drive_keys(&mut terminal, &mut app, vec![key(KeyCode::Char('k'))]);
    let Phase::Done(end) = phase(&app) else { panic!("not finished") };
    assert_eq!((end.verdict, end.confirmed), (Verdict::Applied, Some(true)));
    assert!(terminal.backend().to_string().contains("Kept: proftpd serves the new configuration."));
    assert!(greets(port));
    assert!(server.is_alive());
    assert!(!sandbox.paths.state_dir().join("confirm.pending").exists());
}

/// `ftpconf confirm` or `ftpconf revert` from another shell while "Keep these settings?"
/// waits: the editor notices within about a second and says so, long before its deadline.
#[test]
fn a_confirmation_settled_from_another_shell_is_noticed() {
    for (command, verdict, said) in [
        ("confirm", Verdict::Applied, "Kept: already settled elsewhere"),
        ("revert", Verdict::RolledBack, "Not confirmed: the previous configuration (backup"),
    ] {
        let sandbox = Sandbox::new();
        let (old, mut server) = serving(&sandbox);
        let port = free_port();
        let mut app = editor(&sandbox, Duration::from_secs(30));
        let mut terminal = test_terminal(80, 24);
        drive(&mut terminal, &mut app, new_port(port));
        let other_shell = {
            let command = sandbox.ftpconf(&[command]);
            std::thread::spawn(move || {
                let mut command = command;
                std::thread::sleep(Duration::from_millis(1500));
                let out = command.output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                Instant::now()
            })
        };
        let started = Instant::now();
        // No key after `c`: only the other shell settles it.
        drive(&mut terminal, &mut app, vec![key(KeyCode::Char('c'))]);
        let ended = Instant::now();
        let settled = other_shell.join().unwrap();
        assert!(ended - settled < Duration::from_millis(1500), "{command}: noticed late");
        assert!(ended - started < Duration::from_secs(10), "{command}: not its own deadline");
        let Phase::Done(end) = phase(&app) else { panic!("{command}: not finished") };
        assert_eq!(end.verdict, verdict, "{command}: {end:?}");
        let shown = terminal.backend().to_string();
        assert!(shown.contains(said), "{command}: {shown}");
        let serving_port = if command == "confirm" { port } else { old.port as u16 };
        assert!(greets(serving_port), "{command}: port {serving_port} serves");
        assert!(server.is_alive());
    }
}

#[test]
fn a_file_changed_behind_the_editors_back_is_not_overwritten_silently() {
    let sandbox = tui_support::Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    // Someone else writes the file after the editor loaded it.
    let theirs = Settings { clients: 7, ..Settings::default() };
    store::save(&sandbox.file, &theirs).unwrap();
    let mut events = vec![ctrl('u')];
    events.extend(text("2121"));
    events.extend([ctrl('s'), key(KeyCode::Enter)]);
    drive(&mut terminal, &mut app, events);
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Settings file changed on disk"), "{shown}");
    assert!(shown.contains("[R] Reload (lose edits)") && shown.contains("[O] Overwrite"));

    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('c'))]);
    assert_eq!(store::load(&sandbox.file).unwrap(), theirs, "cancel writes nothing");

    // Reload: their file, our edit dropped.
    drive(&mut terminal, &mut app, vec![ctrl('s'), key(KeyCode::Enter), key(KeyCode::Char('r'))]);
    assert_eq!((app.settings.clients, app.settings.port), (7, 21));
    assert!(!app.is_dirty());

    // Changed again, then overwrite with our edit; our own save is not "a change".
    store::save(&sandbox.file, &Settings { clients: 9, ..Settings::default() }).unwrap();
    let mut events = vec![ctrl('u')];
    events.extend(text("2121"));
    events.extend([ctrl('s'), key(KeyCode::Enter), key(KeyCode::Char('o'))]);
    drive(&mut terminal, &mut app, events);
    let saved = store::load(&sandbox.file).unwrap();
    assert_eq!((saved.port, saved.clients), (2121, 7), "ours, over theirs");
    let mut events = vec![ctrl('u')];
    events.extend(text("2122"));
    events.extend([ctrl('s'), key(KeyCode::Enter)]);
    drive(&mut terminal, &mut app, events);
    assert_eq!(store::load(&sandbox.file).unwrap().port, 2122, "saved without asking");
}

#[test]
fn settings_saved_earlier_are_applied_from_the_review_later() {
    let sandbox = Sandbox::new();
    let (_old, mut server) = serving(&sandbox);
    let port = free_port();
    let mut app = editor(&sandbox, Duration::from_secs(30));
    let mut terminal = test_terminal(80, 24);
    let mut events = new_port(port);
    events.push(key(KeyCode::Enter)); // save only
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.screen, Screen::Form);
    assert!(!greets(port), "saved, not applied");

    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('s'))]);
    let shown = terminal.backend().to_string();
    assert!(shown.contains("none: the file is saved; `a` or `c` applies it"), "{shown}");
    assert!(shown.contains(&format!("+Port {port}")), "the diff is against the live file");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('a'))]);
    assert_eq!(verdict(&app), Verdict::Applied);
    assert!(greets(port));
    assert!(server.is_alive());
}
