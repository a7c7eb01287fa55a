//! The Service screen as the real binary shows it in an 80x24 pty (NO_COLOR, --ascii:
//! state, a session, bytes while idle and with auto-refresh), and a session list longer
//! than the page.

mod common;
mod pty_support;
mod service_support;
mod tui_service_support;
mod tui_support;

use std::time::Duration;

use common::Sandbox;
use crossterm::event::KeyCode;
use ftpconf::proftpd::service;
use ftpconf::tui::Theme;
use ftpconf::tui::app::Screen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_service_support::{editor, press, question, served};
use tui_support::{drive, key, test_terminal};

/// Bytes the program writes during `wait`.
fn written_during(session: &pty_support::Session, wait: Duration) -> usize {
    let before = session.bytes().len();
    std::thread::sleep(wait);
    session.bytes().len() - before
}

#[test]
fn the_real_binary_shows_the_service_at_80x24_and_writes_nothing_while_idle() {
    let s = served(1);
    let alice = &s.users[0];
    let root = s.sandbox.dir.path();
    let mut pty = pty_support::Session::start_with(root, 24, 80, &["--ascii"], true);
    let form = pty.wait_for("| proftpd running, 1 session |", 24, 80);
    assert!(form.contains("General"), "{form}");
    // Let the first frame finish, then measure: the form idle, the screen opened, idle.
    std::thread::sleep(Duration::from_millis(300));
    let idle_form = written_during(&pty, Duration::from_millis(500));
    let before = pty.bytes().len();
    pty.send(b"v");
    let screen = pty.wait_for("Sessions: 1", 24, 80);
    std::thread::sleep(Duration::from_millis(300));
    let opened = pty.bytes().len() - before;
    let row = screen.lines().find(|l| l.contains(&alice.name)).expect("alice's row");
    assert!(row.contains("127.0.0.1") && row.contains("idle"), "{screen}");
    assert!(screen.contains(&format!("running (pid {}", s.master)), "{screen}");
    let idle_screen = written_during(&pty, Duration::from_millis(2500));
    // Auto-refresh on: the uptime and idle counters change, and only they are written.
    pty.send(b"t");
    std::thread::sleep(Duration::from_millis(300));
    let auto = written_during(&pty, Duration::from_millis(4100));
    eprintln!(
        "pty 80x24 NO_COLOR --ascii: form idle {idle_form} B, opening the Service screen \
         {opened} B, its idle 2.5 s {idle_screen} B, 4.1 s with auto-refresh {auto} B"
    );
    assert_eq!((idle_form, idle_screen), (0, 0), "an idle editor writes nothing");
    assert!(auto > 0 && auto < 400, "auto-refresh writes only what changed ({auto} B)");
    pty.send(b"\x1b");
    let form = pty.wait_for("+ General", 24, 80);
    assert!(form.contains("no unsaved changes"), "no message outlives the screen: {form}");
    pty.send(b"q");
    assert!(pty.wait_exit().success());
    pty_support::assert_restored(&pty.bytes());
    let output = String::from_utf8_lossy(&pty.bytes()).into_owned();
    assert!(!pty_support::writes_colour(&output), "NO_COLOR: no colour written");
    assert!(!output.contains(['│', '─', '┌']), "--ascii: no box characters");
}

fn idle_session(pid: u32) -> ftpconf::proftpd::service::Session {
    ftpconf::proftpd::service::Session {
        pid,
        user: Some(format!("user{pid}")),
        anonymous: false,
        client_address: "192.0.2.7".into(),
        client_name: "192.0.2.7".into(),
        server_port: 21,
        connected_since: ftpconf::tui::service::now() - 60,
        activity: service::Activity::Idle,
        idle_seconds: Some(5),
        command: None,
        argument: None,
        directory: None,
        transfer: None,
    }
}

#[test]
fn a_long_session_list_scrolls_and_keeps_the_highlight_in_view() {
    // No proftpd needed: thirty sessions put on the screen as the scoreboard would give them.
    let sandbox = Sandbox::new();
    sandbox.save_settings(&sandbox.settings());
    let mut app = editor(&sandbox, Theme::new(true, true));
    let mut screen = ftpconf::tui::service::ServiceScreen::read(&sandbox.paths);
    screen.sessions = Ok((1000..1030).map(idle_session).collect());
    app.screen = Screen::Service(screen);
    let mut terminal = test_terminal(80, 24);
    let shown = |terminal: &Terminal<TestBackend>| terminal.backend().to_string();
    drive(&mut terminal, &mut app, vec![key(KeyCode::End)]);
    let text = shown(&terminal);
    assert!(text.contains("> 1029") && !text.contains("| proftpd  "), "End: the last one\n{text}");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Up); 3]);
    assert!(shown(&terminal).contains("> 1026"));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Home)]);
    let text = shown(&terminal);
    assert!(text.contains("> 1000") && text.contains("| proftpd  "), "Home: the top\n{text}");
    drive(&mut terminal, &mut app, vec![key(KeyCode::PageDown)]);
    assert!(shown(&terminal).contains("> 1010"), "{}", shown(&terminal));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Down); 12]);
    let text = shown(&terminal);
    assert!(text.contains("> 1022") && text.contains("user1022"), "Down follows\n{text}");
    // Kick asks about the highlighted one; with proftpd stopped, nothing is signalled.
    drive(&mut terminal, &mut app, vec![press('K')]);
    assert!(question(&app).expect("asks").contains("user1022@192.0.2.7 (pid 1022)"));
    drive(&mut terminal, &mut app, vec![press('y')]);
    let text = shown(&terminal);
    assert!(text.contains("Kick of user1022@192.0.2.7 failed: "), "{text}");
}
