//! The editor driven by synthetic key events through the real event loop.

mod common;
mod tui_support;

use crossterm::event::KeyCode;
use ftpconf::settings::{Field, Rate, Settings, TlsPolicy, store};
use ftpconf::tui::app::Screen;
use tui_support::{Sandbox, ctrl, drive, key, test_terminal, text};

fn run_proftpd_check(sandbox: &Sandbox, settings: &Settings) {
    common::assert_proftpd_accepts(&sandbox.paths, settings);
}

#[test]
fn every_kind_of_field_is_edited_with_keys_and_saved() {
    let sandbox = Sandbox::new();
    sandbox.add_certificate("ftp-cert");
    let anon = tempfile::tempdir().unwrap();
    let anon_path = anon.path().to_str().unwrap().to_owned();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);

    let mut events = vec![ctrl('u')];
    events.extend(text("2121"));
    events.extend([key(KeyCode::Tab), ctrl('t'), ctrl('n')]);
    // Access: Allow Anonymous Login, then its Path.
    events.extend([key(KeyCode::Down), key(KeyCode::Char(' ')), key(KeyCode::Down)]);
    events.extend(text(&anon_path));
    // TLS: enable, pick the certificate, pick Ctrl + Data.
    events.extend([ctrl('n'), key(KeyCode::Char(' ')), key(KeyCode::Down), key(KeyCode::Enter)]);
    events.push(key(KeyCode::Enter));
    events.extend([key(KeyCode::Down), key(KeyCode::Enter)]);
    events.extend(std::iter::repeat_n(key(KeyCode::Down), 6));
    events.push(key(KeyCode::Enter));
    // Right leaves TLS Policy for Other, whose first field is text: Ctrl-N goes on.
    events.extend([key(KeyCode::Right), ctrl('n'), ctrl('u')]);
    events.extend(text("500M"));
    drive(&mut terminal, &mut app, events);
    assert!(!app.report.has_errors(), "{:?}", app.report);
    assert!(terminal.backend().to_string().contains("500M → 500 MiB/s = 512000 KiB/s per session"));

    drive(&mut terminal, &mut app, vec![ctrl('s')]);
    assert!(matches!(app.screen, Screen::Review(_)), "Ctrl-S opens the review");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Port: 21 → 2121"), "{screen}");
    assert!(screen.contains("+Port 2121"), "{screen}");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Enter), ctrl('q')]);
    assert!(app.quit, "quits without asking once saved");

    let saved = store::load(&sandbox.file).expect("saved settings load");
    assert_eq!(saved.port, 2121);
    assert!(saved.anonymous_login);
    assert_eq!(saved.anonymous_path, anon_path);
    assert!(saved.tls_enable);
    assert_eq!(saved.certificate, "ftp-cert");
    assert_eq!(saved.tls_policy, TlsPolicy::CtrlData);
    assert_eq!(saved.local_upload, Rate(512_000));
    run_proftpd_check(&sandbox, &saved);
}

#[test]
fn save_is_refused_while_errors_remain_and_says_where() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = text("0");
    events.extend([ctrl('t'), ctrl('n'), ctrl('n'), ctrl('n')]);
    events.extend(text("5000"));
    events.push(ctrl('s'));
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.screen, Screen::Form);
    let message = app.message.clone().expect("a refusal").text;
    assert!(message.starts_with("Not saved: 2 errors"), "{message}");
    assert!(message.contains("General: Port"), "{message}");
    assert!(message.contains("Other: Maximum Passive Port"), "{message}");
    assert_eq!(app.focused_field(), Some(Field::Port), "focus goes to the first error");
    assert!(!sandbox.file.exists(), "nothing written");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("General (1)"), "{screen}");
    assert!(screen.contains("Other (1)"), "{screen}");
}

#[test]
fn quit_with_changes_asks_and_discard_keeps_the_file_untouched() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = text("1");
    events.push(ctrl('q'));
    drive(&mut terminal, &mut app, events);
    assert!(!app.quit);
    assert!(terminal.backend().to_string().contains("Unsaved changes"));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);
    assert!(!app.quit && app.screen == Screen::Form, "Esc cancels the question");
    drive(&mut terminal, &mut app, vec![ctrl('q'), key(KeyCode::Char('d'))]);
    assert!(app.quit);
    assert!(!sandbox.file.exists());
}

#[test]
fn quit_and_save_goes_through_the_review() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = text("1");
    events.extend([ctrl('q'), key(KeyCode::Char('s'))]);
    drive(&mut terminal, &mut app, events);
    assert!(matches!(app.screen, Screen::Review(_)));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('s'))]);
    assert!(app.quit);
    assert_eq!(store::load(&sandbox.file).unwrap().port, 1, "typing replaced 21");
}

#[test]
fn revert_field_and_reset_to_defaults() {
    let sandbox = Sandbox::new();
    let mut saved = Settings::default();
    saved.clients = 50;
    store::save(&sandbox.file, &saved).unwrap();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    // Letters are commands in a number field; an empty one does not parse.
    let mut events = vec![key(KeyCode::Down), ctrl('u')];
    events.extend(text("x"));
    drive(&mut terminal, &mut app, events);
    assert!(app.editors.parse_error(Field::Clients).is_some());
    let screen = terminal.backend().to_string();
    assert!(screen.contains("\"\" is not a whole number from 1 to 10000"), "{screen}");
    drive(&mut terminal, &mut app, vec![ctrl('r')]);
    assert_eq!(app.settings.clients, 50);
    assert_eq!(app.editors.parse_error(Field::Clients), None);
    // Reset asks first; Cancel is the default button.
    drive(&mut terminal, &mut app, vec![ctrl('d'), key(KeyCode::Enter)]);
    assert_eq!(app.settings.clients, 50);
    drive(&mut terminal, &mut app, vec![ctrl('d'), key(KeyCode::Char('y'))]);
    assert_eq!(app.settings, Settings::default());
    assert_eq!(app.editors.text(Field::Clients).unwrap().input.value(), "5");
}

#[test]
fn permissions_grid_and_multi_line_editor() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    // Focus starts in Port, a text field, where letters are typed: Ctrl keys switch.
    // Access tab, down to File Permissions (Always Chroot, Anonymous, Local, IDENT, grid).
    let mut events = vec![ctrl('t'), ctrl('n')];
    events.extend(std::iter::repeat_n(key(KeyCode::Down), 4));
    // Group row, Read column: tick it; Other row: type 4.
    events.extend([key(KeyCode::Down), key(KeyCode::Char(' '))]);
    events.extend([key(KeyCode::Down), key(KeyCode::Char('4'))]);
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.settings.file_permissions.to_string(), "744");
    assert!(terminal.backend().to_string().contains("744  rwxr--r--"));

    // Other tab: Display Login is the 7th row; Enter edits, Esc leaves.
    let mut events = vec![key(KeyCode::Char(']')), key(KeyCode::Char(']'))];
    assert!(!app.quit);
    events.extend(std::iter::repeat_n(key(KeyCode::Tab), 6));
    events.push(key(KeyCode::Enter));
    events.extend(text("Welcome"));
    events.push(key(KeyCode::Enter));
    events.extend(text("q to quit"));
    events.push(key(KeyCode::Esc));
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.settings.display_login, "Welcome\nq to quit");
    assert_eq!(app.screen, Screen::Form);
    assert!(!app.quit, "q inside the editor was text");
}

#[test]
fn leaving_the_masquerade_field_checks_the_name_and_the_verdict_sticks() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = on_other_tab();
    events.extend([key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    events.extend([key(KeyCode::Down), key(KeyCode::Down)]);
    events.extend(text("nonexistent.invalid"));
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.focused_field(), Some(Field::MasqueradeAddress));
    assert!(app.problems(Field::MasqueradeAddress).is_empty(), "no DNS while typing");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Tab)]);
    let problems = app.problems(Field::MasqueradeAddress);
    assert!(problems.iter().any(|p| p.1.contains("resolve")), "{problems:?}");
    // Other edits re-validate offline; the DNS verdict stays while the address is unchanged.
    drive(
        &mut terminal,
        &mut app,
        vec![key(KeyCode::Up), key(KeyCode::Up), key(KeyCode::Char(' '))],
    );
    assert!(app.report.for_field(Field::MasqueradeAddress).any(|p| p.message.contains("resolve")));
}

fn on_other_tab() -> Vec<crossterm::event::Event> {
    vec![ctrl('t'), ctrl('n'), ctrl('n'), ctrl('n')]
}

#[test]
fn the_review_offers_apply_only_when_it_is_wired() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = text("2");
    events.extend([ctrl('s'), key(KeyCode::Char('a')), key(KeyCode::Char('c'))]);
    drive(&mut terminal, &mut app, events);
    assert!(matches!(app.screen, Screen::Review(_)), "not wired: `a` and `c` do nothing");
    assert!(!terminal.backend().to_string().contains("save+apply"));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);

    app.env.apply = Some(ftpconf::tui::ApplyOptions::default());
    drive(&mut terminal, &mut app, vec![ctrl('s')]);
    let shown = terminal.backend().to_string();
    assert!(shown.contains("a save+apply") && shown.contains("c apply+confirm"), "{shown}");
    // The real apply is tested against a running proftpd in tests/tui_apply.rs.
}

#[test]
fn allow_per_user_is_an_error_until_the_policy_is_off() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    // TLS tab: enable, then Allow Per User is the 6th row (Enable, Certificate, Policy,
    // Renegotiations, Dot Login, Per User).
    let mut events = vec![ctrl('t'), ctrl('n'), ctrl('n'), key(KeyCode::Char(' '))];
    events.extend(std::iter::repeat_n(key(KeyCode::Down), 5));
    events.push(key(KeyCode::Char(' ')));
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.focused_field(), Some(Field::TlsAllowPerUser));
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("! proftpd will not start with TLS Allow Per User and TLS"),
        "{screen}"
    );
    // Up to TLS Policy, pick Off (second entry).
    let events = vec![
        key(KeyCode::Up),
        key(KeyCode::Up),
        key(KeyCode::Up),
        key(KeyCode::Enter),
        key(KeyCode::Down),
        key(KeyCode::Enter),
    ];
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.settings.tls_policy, TlsPolicy::Off);
    assert!(app.problems(Field::TlsAllowPerUser).is_empty());
    assert!(!app.problems(Field::TlsPolicy).is_empty(), "Off is a warning");
}

/// A paste into a multi-line field keeps its lines and tabs; in a single-line field the
/// line breaks are left out and said so; pasted letters never act as commands.
#[test]
fn pasted_text_keeps_its_lines_only_where_the_field_has_lines() {
    use crossterm::event::Event;
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    // Other tab: Down×6 is Display Login (multi-line); Enter edits it.
    let mut events = vec![ctrl('t'), ctrl('n'), ctrl('n'), ctrl('n')];
    events.extend(std::iter::repeat_n(key(KeyCode::Down), 6));
    events.push(Event::Paste("Welcome\n\tto the NAS\x1b[2J".into()));
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.settings.display_login, "Welcome\n\tto the NAS[2J");
    assert!(matches!(app.screen, Screen::Form), "nothing acted as a key");
    // A direction override would disguise the value: left out too.
    let paste = Event::Paste("ho\u{202e}st\nq".into());
    drive(&mut terminal, &mut app, vec![key(KeyCode::Up), paste]);
    assert_eq!(app.settings.masquerade_address, "hostq");
    let message = app.message.clone().expect("a message").text;
    assert!(message.contains("left out 2 tab, line break"), "{message}");
    assert!(!app.quit);
}
