//! Snapshots of every tab and screen (TestBackend + insta). Host name, service state
//! and file name are fixed by the test sandbox, so the snapshots do not depend on the
//! machine.

mod tui_support;

use crossterm::event::KeyCode;
use ftpconf::tui::Theme;
use ftpconf::tui::theme::Symbols;
use tui_support::{Sandbox, ctrl, drive, key, test_terminal, text};

/// Advanced mode, then `tabs` times Ctrl-N.
fn on_tab(tabs: usize) -> Vec<crossterm::event::Event> {
    let mut events = vec![ctrl('t')];
    events.extend(std::iter::repeat_n(ctrl('n'), tabs));
    events
}

#[test]
fn general_tab_in_basic_mode() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![]);
    insta::assert_snapshot!("general_basic_80x24", terminal.backend());
    terminal.backend_mut().assert_cursor_position((27, 3));
}

#[test]
fn access_tab_with_anonymous_login() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = on_tab(1);
    events.extend([key(KeyCode::Down), key(KeyCode::Char(' '))]);
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("access_80x24", terminal.backend());
}

#[test]
fn tls_tab_with_tls_on() {
    let sandbox = Sandbox::new();
    sandbox.add_certificate("nas");
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = on_tab(2);
    events.extend([key(KeyCode::Char(' ')), key(KeyCode::Down), key(KeyCode::Enter)]);
    events.push(key(KeyCode::Enter));
    events.extend(std::iter::repeat_n(key(KeyCode::Down), 10));
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("tls_80x24", terminal.backend());
}

#[test]
fn tls_policy_list() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = on_tab(2);
    events.extend([key(KeyCode::Char(' ')), key(KeyCode::Down), key(KeyCode::Down)]);
    events.extend([key(KeyCode::Enter), key(KeyCode::Down)]);
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("tls_policy_list_80x24", terminal.backend());
}

#[test]
fn other_tab_with_a_cross_field_error() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = on_tab(3);
    events.extend(text("3000"));
    events.push(key(KeyCode::Tab));
    events.extend(text("2000"));
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("other_error_80x24", terminal.backend());
}

#[test]
fn bandwidth_tab_explains_the_typed_rate() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = on_tab(4);
    events.push(ctrl('u'));
    events.extend(text("500M"));
    events.extend([key(KeyCode::Tab), ctrl('u')]);
    events.extend(text("12 kbit"));
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("bandwidth_80x24", terminal.backend());
}

#[test]
fn field_with_a_parse_error() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let events = vec![key(KeyCode::Tab), key(KeyCode::Backspace)];
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("general_parse_error_80x24", terminal.backend());
}

#[test]
fn access_tab_at_120x40() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(120, 40);
    let mut events = on_tab(1);
    events.extend(std::iter::repeat_n(key(KeyCode::Down), 5));
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("access_120x40", terminal.backend());
}

#[test]
fn review_screen_with_diff() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    let mut events = vec![ctrl('u')];
    events.extend(text("2121"));
    events.extend(on_tab(4));
    events.push(ctrl('u'));
    events.extend(text("1G"));
    events.push(ctrl('s'));
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("review_80x24", terminal.backend());
}

/// New Auxiliary Parameters lines that reach beyond FTP are marked with their reason; a
/// risky line already saved is not; the router line names the ports to forward.
#[test]
fn review_marks_new_risky_auxiliary_lines_and_the_ports_to_forward() {
    let sandbox = Sandbox::new();
    let mut saved = ftpconf::settings::Settings::default();
    saved.auxiliary_parameters = "AuthUserFile /etc/ftpd.passwd".into();
    (saved.passive_port_min, saved.passive_port_max) = (50000, 50100);
    std::fs::create_dir_all(sandbox.file.parent().unwrap()).unwrap();
    std::fs::write(&sandbox.file, ftpconf::settings::store::to_toml(&saved)).unwrap();
    let mut app = sandbox.app();
    app.settings.auxiliary_parameters = "AuthUserFile /etc/ftpd.passwd\n\
                                         Include /etc/hostname\n\
                                         SQLConnectInfo ftp@db.lan ftpuser s3cret"
        .into();
    app.editors.sync(&app.settings);
    app.revalidate();
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![ctrl('s')]);
    insta::assert_snapshot!("review_risky_80x24", terminal.backend());
}

#[test]
fn key_help() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![ctrl('g')]);
    insta::assert_snapshot!("key_help_80x24", terminal.backend());
    drive(&mut terminal, &mut app, vec![key(KeyCode::End)]);
    insta::assert_snapshot!("key_help_end_80x24", terminal.backend());
}

#[test]
fn ascii_borders_and_monochrome() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app_with(Theme::new(true, true));
    let mut terminal = test_terminal(80, 24);
    let mut events = on_tab(1);
    events.extend([key(KeyCode::Down), key(KeyCode::Char(' '))]);
    drive(&mut terminal, &mut app, events);
    insta::assert_snapshot!("access_ascii_mono_80x24", terminal.backend());
    let screen = terminal.backend().to_string();
    assert!(screen.is_ascii(), "--ascii draws only ASCII:\n{screen}");
    assert_eq!(Theme::new(true, true).symbols, Symbols::ASCII);
}

#[test]
fn monochrome_still_shows_focus_and_errors() {
    use ratatui::style::{Color, Modifier};
    let sandbox = Sandbox::new();
    let mut app = sandbox.app_with(Theme::new(true, false));
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert!(cell.fg == Color::Reset && cell.bg == Color::Reset, "no colour: {cell:?}");
    }
    // Row 3 is Port: focused value reversed, "!" and the message bold.
    assert!(buffer[(27, 3)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buffer[(2, 3)].symbol(), "!");
    assert!(buffer[(2, 3)].modifier.contains(Modifier::BOLD));
    assert_eq!(buffer[(6, 4)].symbol(), "!");
    assert!(buffer[(8, 4)].modifier.contains(Modifier::BOLD));
}

#[test]
fn small_and_odd_sizes_draw_without_panicking() {
    let sandbox = Sandbox::new();
    for (cols, rows) in [(20, 5), (30, 8), (40, 12), (60, 15), (80, 10), (200, 60)] {
        let mut app = sandbox.app();
        let mut terminal = test_terminal(cols, rows);
        let mut events = on_tab(0);
        for _ in 0..5 {
            events.extend([key(KeyCode::Char(' ')), key(KeyCode::Down), key(KeyCode::Down)]);
            events.extend([key(KeyCode::Enter), key(KeyCode::Esc), ctrl('n')]);
        }
        events.extend([ctrl('s'), key(KeyCode::Esc), ctrl('g'), key(KeyCode::End)]);
        events.extend([key(KeyCode::Esc), ctrl('q')]);
        drive(&mut terminal, &mut app, events);
        assert!(!terminal.backend().to_string().is_empty(), "{cols}x{rows}");
    }
}
