//! The editor's Service screen against the real proftpd with real FTP clients, driven by
//! keys through the real event loop (TestBackend, 80x24): the state and who is
//! connected, kicking one session while another stays, stop and restart asking first and
//! naming whom they cut, stop, start, restart and start at boot from the screen, a
//! throttled download followed by auto-refresh, and snapshots in colour and in
//! NO_COLOR + ASCII. The real binary in a pty and a long list: tui_service_view.rs.

mod common;
mod service_support;
mod tui_service_support;
mod tui_support;

use std::collections::VecDeque;
use std::io;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::apply::running_pid;
use common::ftp;
use crossterm::event::{Event, KeyCode};
use ftpconf::proftpd::service;
use ftpconf::tui::app::Screen;
use ftpconf::tui::{App, EventSource, Input, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_service_support::{editor, logged_in, press, question, served, served_with};
use tui_support::{drive, key, test_terminal};

#[test]
fn the_service_screen_shows_sessions_kicks_one_asks_before_stopping_and_restarts() {
    let mut s = served(2);
    let (alice, bob) = (&s.users[0], &s.users[1]);
    // What the title costs after every key: the PidFile and the scoreboard.
    let started = Instant::now();
    for _ in 0..100 {
        assert_eq!(service::brief(&s.sandbox.paths).sessions, Some(2));
    }
    let each = started.elapsed() / 100;
    eprintln!("service::brief with 2 sessions: {} µs per call", each.as_micros());
    assert!(each < Duration::from_millis(20), "brief is not cheap: {each:?}");

    let mut app = editor(&s.sandbox, Theme::color());
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![press('v')]);
    let screen = terminal.backend().to_string();
    assert!(screen.contains(&format!("running (pid {}", s.master)), "{screen}");
    assert!(
        screen.contains("ftpconf │ nas │ proftpd running, 2 sessions │ /etc/ftpconf/ftpconf.toml"),
        "{screen}"
    );
    assert!(screen.contains("Sessions: 2"), "{screen}");
    for user in [alice, bob] {
        let row = screen.lines().find(|l| l.contains(&user.name)).expect("a row per user");
        assert!(row.contains("127.0.0.1") && row.contains("idle"), "{row}");
    }

    // Highlight alice, kick: asked first, then she is gone and bob stays.
    let index = match &app.screen {
        Screen::Service(screen) => screen
            .sessions
            .as_ref()
            .unwrap()
            .iter()
            .position(|x| x.user.as_deref() == Some(alice.name.as_str()))
            .unwrap(),
        _ => unreachable!(),
    };
    let mut keys = vec![key(KeyCode::Down); index];
    keys.push(press('K'));
    drive(&mut terminal, &mut app, keys);
    let asked = question(&app).expect("kick asks first");
    assert!(asked.contains(&format!("{}@127.0.0.1", alice.name)), "{asked}");
    assert!(terminal.backend().to_string().contains("Are you sure?"));
    drive(&mut terminal, &mut app, vec![press('y')]);
    let screen = terminal.backend().to_string();
    assert!(screen.contains(&format!("Ended the session of {}@127.0.0.1", alice.name)), "{screen}");
    assert!(screen.contains("Sessions: 1"), "{screen}");
    assert!(s.clients[0].noop().is_err(), "alice is still connected");
    assert!(s.clients[1].noop().is_ok(), "bob was disconnected too");
    assert!(screen.contains("proftpd running, 1 session │"), "the title follows: {screen}");

    // Stop asks and names whom it cuts; "no" leaves everything as it was.
    drive(&mut terminal, &mut app, vec![press('x')]);
    let asked = question(&app).expect("stop asks first");
    let bob_at = format!("{}@127.0.0.1", bob.name);
    assert!(asked.contains("ends 1 connected session") && asked.contains(&bob_at), "{asked}");
    drive(&mut terminal, &mut app, vec![press('n')]);
    assert_eq!(question(&app), None);
    assert_eq!(running_pid(&s.sandbox.paths), Some(s.master));
    assert!(s.clients[1].noop().is_ok(), "a stop that was declined cut bob");

    // Yes stops it (bob is cut), and s + y starts it again.
    drive(&mut terminal, &mut app, vec![press('x'), press('y')]);
    let screen = terminal.backend().to_string();
    assert_eq!(running_pid(&s.sandbox.paths), None, "{screen}");
    assert!(screen.contains("stopped") && screen.contains("proftpd not running"), "{screen}");
    assert!(screen.contains("Stop: "), "the result is shown: {screen}");
    assert!(s.clients[1].noop().is_err(), "bob survived the stop");
    drive(&mut terminal, &mut app, vec![press('s')]);
    assert!(question(&app).expect("start asks first").contains("Start proftpd?"));
    drive(&mut terminal, &mut app, vec![press('y')]);
    let screen = terminal.backend().to_string();
    let pid = running_pid(&s.sandbox.paths).expect("started from the screen");
    assert!(screen.contains(&format!("running (pid {pid}")), "{screen}");
    assert!(ftp::try_login(s.port, &bob.name, &bob.password).is_ok(), "bob cannot log in");

    // Restart with bob connected: asked, naming him; a new master, bob cut.
    let mut bob_again = ftp::login(s.port, &bob.name, &bob.password);
    logged_in(&s.sandbox, &[&bob.name]);
    drive(&mut terminal, &mut app, vec![press('R')]);
    let asked = question(&app).expect("restart asks first");
    assert!(asked.starts_with("Restart proftpd? This ends 1 connected session"), "{asked}");
    assert!(asked.contains(&bob_at), "{asked}");
    drive(&mut terminal, &mut app, vec![press('y')]);
    let restarted = running_pid(&s.sandbox.paths).expect("running after the restart");
    assert_ne!(restarted, pid, "restart started a new master");
    assert!(bob_again.noop().is_err(), "bob survived the restart");
    assert!(terminal.backend().to_string().contains(&format!("running (pid {restarted}")));

    // Start at boot: a sandbox has no service manager, and the refusal says so.
    drive(&mut terminal, &mut app, vec![press('e')]);
    assert_eq!(question(&app).as_deref(), Some("Make proftpd start at boot?"));
    drive(&mut terminal, &mut app, vec![press('y')]);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Start at boot on refused: there is no service manager"), "{screen}");
    // Esc goes back to the form.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Form);
}

/// The screen with user names replaced, every run of digits as one `#`, runs of blanks
/// as two and the title without the file label, so pids, ports, times and column
/// padding do not change it.
fn normalized(terminal: &Terminal<TestBackend>, names: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for line in terminal.backend().to_string().lines() {
        // The title's end (the file label) moves with the pid's length: cut it.
        let line = line.find(" /etc/").map_or(line, |at| &line[..at]);
        let mut line = line.to_owned();
        for (name, shown) in names {
            line = line.replace(name, shown);
        }
        let mut collapsed = String::new();
        for c in line.chars() {
            let last = collapsed.chars().last();
            let blanks = collapsed.ends_with("  ");
            match c {
                '0'..='9' if last == Some('#') => {}
                '0'..='9' => collapsed.push('#'),
                ' ' if blanks => {}
                c => collapsed.push(c),
            }
        }
        // A pid's length also moves what follows it up to a dialog's border drawn over
        // the table: "# │" (4 digits) and "#│" (5) are the same screen.
        for border in ['│', '|'] {
            for gap in ["  ", " "] {
                collapsed = collapsed.replace(&format!("#{gap}{border}"), &format!("#{border}"));
            }
        }
        out.push_str(&collapsed);
        out.push('\n');
    }
    out
}

#[test]
fn service_screen_snapshots_in_colour_and_no_color_ascii() {
    let s = served(1);
    let names = [(s.users[0].name.as_str(), "alice")];
    for (name, theme) in [("colour", Theme::color()), ("no_color_ascii", Theme::new(true, true))] {
        let mut app = editor(&s.sandbox, theme);
        let mut terminal = test_terminal(80, 24);
        drive(&mut terminal, &mut app, vec![press('v')]);
        insta::assert_snapshot!(format!("service_{name}_80x24"), normalized(&terminal, &names));
        let cells = terminal.backend().buffer().content();
        let coloured = cells.iter().any(|c| c.fg != ratatui::style::Color::Reset);
        assert_eq!(coloured, name == "colour", "colour only in colour");
        if name != "colour" {
            let text = terminal.backend().to_string();
            assert!(!text.contains(['│', '─', '┌', '▾', '…']), "ASCII only: {text}");
        }
        // The question, over the screen.
        drive(&mut terminal, &mut app, vec![press('x')]);
        insta::assert_snapshot!(
            format!("service_stop_{name}_80x24"),
            normalized(&terminal, &names)
        );
    }
}

/// Keys, then `ticks` timed wake-ups (auto-refresh) as a user who waits, then the end.
struct Waiting {
    keys: VecDeque<Event>,
    ticks: usize,
}

impl EventSource for Waiting {
    fn next(&mut self, deadline: Option<Instant>) -> io::Result<Input> {
        if let Some(event) = self.keys.pop_front() {
            return Ok(Input::Event(event));
        }
        match deadline {
            Some(at) if self.ticks > 0 => {
                self.ticks -= 1;
                std::thread::sleep(at.saturating_duration_since(Instant::now()));
                Ok(Input::Timeout)
            }
            _ => Ok(Input::End),
        }
    }
}

fn transfer_bytes(app: &App) -> u64 {
    match &app.screen {
        Screen::Service(screen) => {
            let list = screen.sessions.as_ref().expect("sessions");
            list.iter().find_map(|s| s.transfer.as_ref()).map_or(0, |t| t.bytes)
        }
        _ => panic!("not on the Service screen"),
    }
}

#[test]
fn watch_a_throttled_download_with_auto_refresh_and_kick_it_from_the_screen() {
    let mut s = served_with(2, |settings| settings.local_download = ftpconf::settings::Rate(128));
    let alice = &s.users[0];
    std::fs::write(alice.home.join("big.bin"), vec![7u8; 4 * 1024 * 1024]).unwrap();
    let url = format!("ftp://127.0.0.1:{}/big.bin", s.port);
    let mut curl = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "--user", &format!("{}:{}", alice.name, alice.password)])
        .arg(&url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("curl is needed for this test");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !service::sessions(&s.sandbox.paths)
        .unwrap()
        .iter()
        .any(|x| x.transfer.as_ref().is_some_and(|t| t.bytes > 0))
    {
        assert!(Instant::now() < deadline, "the download never showed");
        std::thread::sleep(Duration::from_millis(100));
    }

    let mut app = editor(&s.sandbox, Theme::color());
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![press('v')]);
    let first = transfer_bytes(&app);
    let screen = terminal.backend().to_string();
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines.iter().position(|l| l.contains("RETR big.bin")).expect("the download");
    assert!(lines[row].contains(&alice.name), "{screen}");
    assert!(
        lines[row + 1].contains("of 4.0 MiB (") && lines[row + 1].contains("KiB/s"),
        "{screen}"
    );
    // Auto-refresh on, two wake-ups: the screen follows the transfer without a key.
    let keys = Waiting { keys: VecDeque::from([press('t')]), ticks: 2 };
    ftpconf::tui::run_with(&mut terminal, &mut app, &mut { keys }, false).expect("loop");
    let later = transfer_bytes(&app);
    assert!(later > first, "the refreshes did not follow the transfer ({first} -> {later})");
    let screen = terminal.backend().to_string();
    let shown = service::text::size(later);
    assert!(screen.contains(&format!("{shown} of 4.0 MiB")), "the screen shows {shown}: {screen}");
    assert!(screen.contains("every 2 s while open"), "{screen}");

    // Kick the download (highlighted: it is alice's); bob stays connected.
    let index = match &app.screen {
        Screen::Service(screen) => {
            screen.sessions.as_ref().unwrap().iter().position(|x| x.transfer.is_some())
        }
        _ => None,
    }
    .expect("the download's session");
    let mut keys = vec![key(KeyCode::Char('t')), key(KeyCode::Home)];
    keys.extend(vec![key(KeyCode::Down); index]);
    keys.extend([press('K'), press('y')]);
    drive(&mut terminal, &mut app, keys);
    let screen = terminal.backend().to_string();
    assert!(screen.contains(&format!("Ended the session of {}@", alice.name)), "{screen}");
    let status = curl.wait().expect("curl ends");
    assert!(!status.success(), "the download was not cut");
    for client in &mut s.clients {
        assert!(client.noop().is_ok(), "an idle session was cut with the download");
    }
}
