//! The editor's Service screen against the real proftpd with real FTP clients, driven by
//! keys through the real event loop (TestBackend, 80x24): the state and who is
//! connected, kicking one session while another stays, stop asking first and naming
//! whom it cuts, stop and start from the screen, and snapshots in colour and in
//! NO_COLOR + ASCII.

mod common;
mod pty_support;
mod service_support;
mod tui_support;

use std::collections::VecDeque;
use std::io;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::apply::{DaemonGuard, running_pid};
use common::users::User;
use common::{Sandbox, ftp, proftpd_binary};
use crossterm::event::{Event, KeyCode};
use ftpconf::proftpd::service;
use ftpconf::settings::store;
use ftpconf::tui::app::Screen;
use ftpconf::tui::{App, Environment, EventSource, Input, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui_support::{drive, key, test_terminal};

/// An editor on the sandbox with stable host and file texts.
fn editor(sandbox: &Sandbox, theme: Theme) -> App {
    let file = sandbox.paths.settings_file();
    let mut env = Environment::new(&sandbox.paths, &file);
    env.host = "nas".into();
    env.file_label = "/etc/ftpconf/ftpconf.toml".into();
    let settings = store::load(&file).expect("settings load");
    App::new(env, settings, theme)
}

fn press(c: char) -> Event {
    key(KeyCode::Char(c))
}

/// Waits until proftpd lists exactly `users` as logged in (10 s at most).
fn logged_in(sandbox: &Sandbox, users: &[&str]) {
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
struct Served {
    sandbox: Sandbox,
    port: u16,
    users: Vec<User>,
    clients: Vec<suppaftp::FtpStream>,
    master: u32,
    _guard: DaemonGuard,
}

fn served(n: usize) -> Served {
    served_with(n, |_| {})
}

fn served_with(n: usize, tweak: impl FnOnce(&mut ftpconf::settings::Settings)) -> Served {
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

fn question(app: &App) -> Option<String> {
    match &app.screen {
        Screen::Service(screen) => screen.asking.as_ref().map(|q| q.text.clone()),
        _ => panic!("not on the Service screen"),
    }
}

#[test]
fn the_service_screen_shows_sessions_kicks_one_and_asks_before_stopping() {
    let mut s = served(2);
    let (alice, bob) = (&s.users[0], &s.users[1]);
    let mut app = editor(&s.sandbox, Theme::color());
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![press('v')]);
    let screen = terminal.backend().to_string();
    assert!(screen.contains(&format!("running (pid {}", s.master)), "{screen}");
    assert!(
        screen.contains(&format!("proftpd running (pid {}), 2 sessions", s.master)),
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
    assert!(screen.contains(&format!("proftpd running (pid {}), 1 session", s.master)));

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
    let form = pty.wait_for(&format!("proftpd running (pid {}), 1 session", s.master), 24, 80);
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
