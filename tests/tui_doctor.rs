//! The doctor in the editor, driven by keys through the real event loop against a real
//! proftpd in a sandbox: the check after an apply (`t` on the Apply page), the Log
//! screen (`l`) explaining a real failed login, and the Check screen (`c`) with a wrong
//! password and with check-login (Ctrl-R). Snapshots in colour and NO_COLOR + --ascii.

mod common;
mod doctor_support;
mod tui_support;

use std::time::Duration;

use common::raw::Raw;
use common::users::User;
use common::{Sandbox, free_port};
use crossterm::event::KeyCode;
use doctor_support::Daemon;
use ftpconf::paths::Paths;
use ftpconf::proftpd::doctor::Outcome;
use ftpconf::settings::{Settings, store};
use ftpconf::tui::app::Screen;
use ftpconf::tui::apply::{ApplyOptions, Phase};
use ftpconf::tui::check_page::{CheckScreen, CheckState};
use ftpconf::tui::{App, Environment, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tui_support::{ctrl, drive, key, test_terminal, text};

/// An editor on `paths` with apply wired, stable title texts and no timings.
fn editor(paths: &Paths, theme: Theme) -> App {
    let file = paths.settings_file();
    let mut env = Environment::new(paths, &file);
    env.host = "nas".into();
    env.service = "proftpd running".into();
    env.file_label = "/etc/ftpconf/ftpconf.toml".into();
    env.apply = Some(ApplyOptions { start: false, confirm_after: Duration::from_secs(30) });
    let settings = store::load(&file).expect("settings load");
    let mut app = App::new(env, settings, theme);
    app.show_timings = false;
    app
}

fn check(app: &App) -> &CheckScreen {
    match &app.screen {
        Screen::Check(screen) => screen,
        other => panic!("not on the Check screen: {other:?}"),
    }
}

fn step_outcome(screen: &CheckScreen, name: &str) -> Outcome {
    let step = screen.steps.iter().find(|s| s.step == name);
    step.unwrap_or_else(|| panic!("no step {name}: {:?}", screen.steps)).outcome
}

/// Every run of digits (ports, pids, times) as one `#`, line ends trimmed.
fn normalized(terminal: &Terminal<TestBackend>) -> String {
    let digits = regex_lite_digits(&terminal.backend().to_string());
    digits.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

fn regex_lite_digits(text: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in text.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !in_digits {
            out.push('#');
        }
        in_digits = c.is_ascii_digit();
    }
    out
}

#[test]
fn after_an_apply_t_runs_the_check_and_every_step_passes() {
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    settings.anonymous_login = true;
    settings.anonymous_path = sandbox.mkdir("anon").to_string_lossy().into_owned();
    sandbox.save_settings(&settings);
    let _server = sandbox.serve(&settings);
    let port = free_port();
    let mut app = editor(&sandbox.paths, Theme::color());
    let mut terminal = test_terminal(80, 24);
    let mut events = vec![ctrl('u')];
    events.extend(text(&port.to_string()));
    events.extend([ctrl('s'), key(KeyCode::Char('a'))]);
    drive(&mut terminal, &mut app, events);
    let Screen::Apply(apply) = &app.screen else { panic!("not on the Apply page") };
    assert!(matches!(apply.phase, Phase::Done(_)), "{:?}", apply.phase);
    assert!(terminal.backend().to_string().contains("t test FTP"), "the page offers the check");

    // The loop keeps reading keys while the check runs; the script ends when it is done.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('t'))]);
    let screen = check(&app);
    assert!(matches!(screen.state, CheckState::Done { passed: true, .. }), "{screen:?}");
    for name in ["connect", "login", "pwd", "epsv", "list", "pasv"] {
        assert_eq!(step_outcome(screen, name), Outcome::Ok, "{name}: {:?}", screen.steps);
    }
    // The page follows the newest step; the outcome is the last line.
    let shown = terminal.backend().to_string();
    assert!(shown.contains("✓ PWD: the directory the session starts in"), "{shown}");
    assert!(shown.contains("Every step passed as configured."), "{shown}");
    // Ctrl-P scrolls up to the first steps (PgUp too).
    drive(&mut terminal, &mut app, vec![ctrl('p')]);
    let shown = terminal.backend().to_string();
    assert!(shown.contains(&format!("✓ Connect to 127.0.0.1 port {port}")), "{shown}");
    assert!(shown.contains("✓ Log in as anonymous"), "{shown}");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Form);
}

#[test]
fn the_log_screen_explains_a_real_failed_login_and_r_reads_again() {
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let port = settings.port as u16;
    let refused = Raw::open(port).0.login("nosuchuser-docscreen", "x");
    assert!(refused.starts_with("530"), "{refused}");
    let mut app = editor(&sandbox.paths, Theme::new(true, true));
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('l'))]);
    let Screen::Log(log) = &app.screen else { panic!("not on the Log screen") };
    let unknown = log.lines.iter().find(|l| l.explanation.is_some_and(|p| p.id == "unknown-user"));
    let unknown = unknown.unwrap_or_else(|| panic!("no explained line: {:?}", log.lines));
    assert!(unknown.text.contains("nosuchuser-docscreen"), "{unknown:?}");
    let shown = terminal.backend().to_string();
    assert!(shown.contains("-> someone tried to log in with a user name that does"), "{shown}");
    assert!(shown.contains("setting: create the account (`useradd -m NAME`)"), "{shown}");
    let before = log.lines.len();

    // New lines appear only when asked for.
    let refused = Raw::open(port).0.login("root", "x");
    assert!(refused.starts_with("530"), "{refused}");
    std::thread::sleep(Duration::from_millis(200));
    let Screen::Log(log) = &app.screen else { unreachable!() };
    assert_eq!(log.lines.len(), before, "nothing read without a key");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('r'))]);
    let Screen::Log(log) = &app.screen else { unreachable!() };
    assert!(log.lines.iter().any(|l| l.explanation.is_some_and(|p| p.id == "root-login")));
    assert!(terminal.backend().to_string().contains("root"), "the page shows the new lines");
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Form);
}

#[test]
fn a_wrong_password_fails_the_login_step_and_points_at_check_login() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let settings = sandbox.settings();
    let _daemon = Daemon::serve(&sandbox, &settings);
    let mut app = editor(&sandbox.paths, Theme::new(true, true));
    let mut terminal = test_terminal(80, 24);
    let secret = "wrong-docscreen-secret";
    let mut events = vec![key(KeyCode::Char('c'))];
    events.extend(text(&user.name));
    events.push(key(KeyCode::Tab));
    events.extend(text(secret));
    events.push(key(KeyCode::Enter));
    drive(&mut terminal, &mut app, events);
    let screen = check(&app);
    assert!(matches!(screen.state, CheckState::Done { passed: false, .. }), "{screen:?}");
    assert_eq!(step_outcome(screen, "connect"), Outcome::Ok);
    assert_eq!(step_outcome(screen, "login"), Outcome::Fail);
    let shown = terminal.backend().to_string();
    assert!(shown.contains(&format!("FAIL Log in as {}", user.name)), "--ascii marks:\n{shown}");
    assert!(shown.contains("cause: proftpd refused the login of"), "{shown}");
    assert!(shown.contains("fix: `ftpconf check-login"), "{shown}");
    assert!(shown.contains("Ctrl-R: every reason this account may be refused"), "{shown}");
    assert!(!shown.contains('✗') && !shown.contains('✓'), "--ascii draws no check marks");
    // The password is masked on screen and never in the state's debug text.
    assert!(!shown.contains(secret), "{shown}");
    assert!(shown.contains(&"*".repeat(secret.len())), "{shown}");
    assert!(!format!("{:?}", app.screen).contains(secret), "Debug shows the password");

    // check-login for the name: this account may log in (so the password was wrong).
    drive(&mut terminal, &mut app, vec![ctrl('r')]);
    let verdict = check(&app).verdict.clone().expect("a verdict");
    assert!(verdict.can_login, "{verdict:?}");
    let shown = terminal.backend().to_string();
    assert!(shown.contains("can log in with these settings (check-login)."), "{shown}");
}

/// The check-login verdict for an account that does not exist, with name and masked
/// password typed: a screen that does not depend on the machine.
fn check_login_screen(theme: Theme) -> (Terminal<TestBackend>, App) {
    let sandbox = tui_support::Sandbox::new();
    let mut app = sandbox.app_with(theme);
    let mut terminal = test_terminal(80, 24);
    let mut events = vec![key(KeyCode::Char('c'))];
    events.extend(text("nosuch-docscreen"));
    events.push(key(KeyCode::Tab));
    events.extend(text("secret"));
    events.push(ctrl('r'));
    drive(&mut terminal, &mut app, events);
    (terminal, app)
}

#[test]
fn check_screen_snapshots_in_colour_and_monochrome_ascii() {
    let (terminal, _app) = check_login_screen(Theme::color());
    let shown = terminal.backend().to_string();
    assert!(shown.contains("there is no user nosuch-docscreen on this machine"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
    insta::assert_snapshot!("check_login_80x24", normalized(&terminal));
    let buffer = terminal.backend().buffer();
    assert!(buffer.content.iter().any(|c| c.fg == Color::Red), "the refusal is red");

    let (terminal, _app) = check_login_screen(Theme::new(true, true));
    insta::assert_snapshot!("check_login_ascii_mono_80x24", normalized(&terminal));
    let buffer = terminal.backend().buffer();
    assert!(buffer.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(buffer.content.iter().all(|c| c.symbol().is_ascii()), "ASCII only");
}

/// A fixed system log: a known failure, a line with an escape sequence, a plain line.
fn log_screen(theme: Theme) -> Terminal<TestBackend> {
    let sandbox = tui_support::Sandbox::new();
    let log = sandbox.paths.system_log();
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    std::fs::write(
        &log,
        "2026-11-28 23:40:01,123 nas proftpd[4242] nas: ProFTPD 1.3.8 standalone mode STARTUP\n\
         2026-11-28 23:40:05,456 nas proftpd[4250] nas (127.0.0.1[127.0.0.1]): USER \
         nosuch: no such user found from 127.0.0.1 [127.0.0.1] to 127.0.0.1:2121\n\
         2026-11-28 23:40:06,789 nas proftpd[4250] nas (127.0.0.1[127.0.0.1]): USER \
         \x1b[31mred\x1b[0m: no such user found from 127.0.0.1 [127.0.0.1] to 127.0.0.1:2121\n",
    )
    .unwrap();
    let mut app = sandbox.app_with(theme);
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('l'))]);
    terminal
}

#[test]
fn log_screen_snapshots_in_colour_and_monochrome_ascii() {
    let terminal = log_screen(Theme::color());
    let shown = terminal.backend().to_string();
    assert!(shown.contains("\\x1b[31mred"), "escaped:\n{shown}");
    assert!(shown.contains("proftpd log: 3 lines, 2 explained"), "{shown}");
    insta::assert_snapshot!("log_80x24", terminal.backend().to_string());
    let buffer = terminal.backend().buffer();
    assert!(buffer.content.iter().any(|c| c.fg == Color::Yellow), "explanations stand out");

    let terminal = log_screen(Theme::new(true, true));
    insta::assert_snapshot!("log_ascii_mono_80x24", terminal.backend().to_string());
    let buffer = terminal.backend().buffer();
    assert!(buffer.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(buffer.content.iter().all(|c| c.symbol().is_ascii()), "ASCII only");
}

#[test]
fn a_missing_log_is_said_and_the_settings_are_untouched() {
    let sandbox = tui_support::Sandbox::new();
    let mut app = sandbox.app();
    let mut terminal = test_terminal(80, 24);
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('l'))]);
    let shown = terminal.backend().to_string();
    assert!(shown.contains("No proftpd log yet"), "{shown}");
    assert_eq!(app.settings, Settings::default());
}

#[test]
fn keys_work_while_a_check_waits_for_a_silent_server() {
    // A port that accepts connections and never greets: the check's first step waits
    // for its 5 s limit on the worker.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let sandbox = Sandbox::new();
    let settings =
        Settings { port: u32::from(silent.local_addr().unwrap().port()), ..sandbox.settings() };
    sandbox.save_settings(&settings);
    let mut app = editor(&sandbox.paths, Theme::color());
    let mut terminal = test_terminal(80, 24);
    let started = std::time::Instant::now();
    let events = vec![key(KeyCode::Char('c')), key(KeyCode::Enter), key(KeyCode::Esc)];
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.screen, Screen::Form, "Esc left while the check ran");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

/// A finished check with a failed step, drawn from its state: marks, times, what was
/// seen, cause and fix (deterministic, unlike a live run's ports).
fn steps_screen(theme: Theme) -> Terminal<TestBackend> {
    use ftpconf::proftpd::doctor::StepResult;
    let sandbox = tui_support::Sandbox::new();
    let mut app = sandbox.app_with(theme);
    let step =
        |step, title: &str, outcome, detail: &str, cause: Option<&str>, fix: Option<&str>| {
            StepResult {
                step,
                title: title.into(),
                outcome,
                millis: 3,
                detail: detail.into(),
                cause: cause.map(str::to_owned),
                fix: fix.map(str::to_owned),
            }
        };
    let mut screen = CheckScreen::new();
    screen.name.0 = "alice".into();
    screen.password.0 = "hunter2".into();
    screen.started();
    screen.step(step(
        "connect",
        "Connect to 127.0.0.1 port 2121 and read the greeting",
        Outcome::Ok,
        "127.0.0.1:2121: 220 FTP Server ready.",
        None,
        None,
    ));
    screen.step(step("login", "Log in as alice", Outcome::Fail, "530 Login incorrect.", Some("proftpd refused the login of alice: wrong password, or the account may not log in"), Some("`ftpconf check-login alice` lists every reason an account is refused; `ftpconf log` shows proftpd's")));
    screen.step(step(
        "forward",
        "Ports to forward for clients outside the LAN",
        Outcome::Note,
        "Ports to forward to this NAS: 2121 (control) and 40000-40019 (passive)",
        None,
        None,
    ));
    screen.finished(false);
    app.screen = Screen::Check(screen);
    let mut terminal = test_terminal(80, 24);
    ftpconf::tui::draw(&mut terminal, &mut app).unwrap();
    terminal
}

#[test]
fn check_steps_snapshots_in_colour_and_monochrome_ascii() {
    let terminal = steps_screen(Theme::color());
    let shown = terminal.backend().to_string();
    assert!(shown.contains("✓ Connect to") && shown.contains("✗ Log in as alice (3 ms)"));
    assert!(!shown.contains("hunter2"), "{shown}");
    insta::assert_snapshot!("check_steps_80x24", shown);
    let buffer = terminal.backend().buffer();
    assert!(buffer.content.iter().any(|c| c.fg == Color::Red), "the failure is red");

    let terminal = steps_screen(Theme::new(true, true));
    let shown = terminal.backend().to_string();
    assert!(shown.contains("FAIL Log in as alice") && shown.contains("note Ports to forward"));
    insta::assert_snapshot!("check_steps_ascii_mono_80x24", shown);
    let buffer = terminal.backend().buffer();
    assert!(buffer.content.iter().all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
    assert!(buffer.content.iter().all(|c| c.symbol().is_ascii()), "ASCII only");
}
