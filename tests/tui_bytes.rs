//! Bytes written to the terminal (what a 9600-baud serial console pays for), counted
//! through a CrosstermBackend over a counting writer. Deterministic budgets, not timings.
//! `cargo test --test tui_bytes -- --nocapture` prints the measured numbers.

mod tui_support;

use std::io::{self, Write};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use crossterm::event::{Event, KeyCode};
use ftpconf::tui::service::AUTO_EVERY;
use ftpconf::tui::{App, LeanBackend, draw, fixed_terminal, run_loop};
use ratatui::Terminal;
use tui_support::{Sandbox, ctrl, key};

/// Counts every byte written.
#[derive(Clone, Default)]
struct Meter(Arc<Mutex<usize>>);

impl Meter {
    fn total(&self) -> usize {
        *self.0.lock().unwrap()
    }
}

impl Write for Meter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes written while handling `event` (drawing only when the app asks, as the loop does).
fn bytes_for(
    terminal: &mut Terminal<LeanBackend<Meter>>,
    app: &mut App,
    meter: &Meter,
    event: Event,
) -> usize {
    let before = meter.total();
    if app.handle_event(&event) {
        draw(terminal, app).unwrap();
    }
    meter.total() - before
}

#[test]
fn a_keystroke_costs_at_most_24_bytes_at_80x24() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app();
    let meter = Meter::default();
    let mut terminal = fixed_terminal(meter.clone(), 80, 24).unwrap();
    draw(&mut terminal, &mut app).unwrap();
    let first_frame = meter.total();

    let next_field = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Tab));
    let end = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::End));
    let first_change = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Char('0')));
    let keystroke = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Char('0')));
    let backspace = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Backspace));
    let nothing = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::F(12)));
    let advanced = bytes_for(&mut terminal, &mut app, &meter, ctrl('t'));
    let tab_switch = bytes_for(&mut terminal, &mut app, &meter, ctrl('n'));
    eprintln!(
        "bytes at 80x24: first frame {first_frame}, next field {next_field}, End {end}, \
         first change (adds '*' and the change count) {first_change}, one more character \
         {keystroke}, backspace {backspace}, unbound key {nothing}, Basic->Advanced {advanced}, \
         tab switch General->Access {tab_switch}"
    );
    assert!(first_frame <= 1600, "the first frame wrote {first_frame} bytes");
    assert!(first_change <= 80, "the first key in a field wrote {first_change} bytes");
    assert!(keystroke <= 24, "one typed character wrote {keystroke} bytes");
    assert!(backspace <= 24, "one backspace wrote {backspace} bytes");
    assert_eq!(nothing, 0, "a key that does nothing must not redraw");
    assert!(first_frame > 1000, "the first frame draws the whole screen ({first_frame})");
    assert!(tab_switch < first_frame, "a tab switch is a diff, not a full repaint");
    let repaint = bytes_for(&mut terminal, &mut app, &meter, ctrl('l'));
    assert!(repaint > first_frame / 2, "Ctrl-L rewrites the screen ({repaint} bytes)");
}

#[test]
fn monochrome_first_frame_is_smaller() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app_with(ftpconf::tui::Theme::new(true, true));
    let meter = Meter::default();
    let mut terminal = fixed_terminal(meter.clone(), 80, 24).unwrap();
    draw(&mut terminal, &mut app).unwrap();
    let first_frame = meter.total();
    let tab = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Tab));
    let keystroke = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Char('9')));
    let keystroke2 = bytes_for(&mut terminal, &mut app, &meter, key(KeyCode::Char('9')));
    eprintln!(
        "bytes at 80x24, NO_COLOR + --ascii: first frame {first_frame}, next field {tab}, \
         first key {keystroke}, next key {keystroke2}"
    );
    assert!(first_frame <= 1600 && keystroke <= 80 && keystroke2 <= 24);
}

type Editor = std::thread::JoinHandle<Result<(), String>>;

/// The real loop on a sandbox's editor, on a thread, fed through the returned sender.
fn editor_thread(meter: &Meter) -> (mpsc::Sender<io::Result<Event>>, Editor) {
    let (events, received) = mpsc::channel::<io::Result<Event>>();
    let loop_meter = meter.clone();
    let editor = std::thread::spawn(move || {
        let sandbox = Sandbox::new();
        let mut app = sandbox.app();
        let mut terminal = fixed_terminal(loop_meter, 80, 24).unwrap();
        run_loop(&mut terminal, &mut app, received, false).map_err(|e| e.to_string())
    });
    (events, editor)
}

/// Waits until the loop has drawn what it was going to draw; the bytes written by then.
fn settle(meter: &Meter) -> usize {
    let mut last = meter.total();
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = meter.total();
        if now == last && now > 0 {
            return now;
        }
        last = now;
    }
}

#[test]
fn an_idle_editor_writes_nothing() {
    let meter = Meter::default();
    let (events, editor) = editor_thread(&meter);
    let after_first_frame = settle(&meter);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(meter.total(), after_first_frame, "nothing is written while idle");
    events.send(Ok(key(KeyCode::Down))).unwrap();
    let after_key = settle(&meter);
    assert!(after_key > after_first_frame, "a key that moves the focus redraws");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(meter.total(), after_key, "and then nothing again");
    events.send(Ok(ctrl('q'))).unwrap();
    editor.join().unwrap().unwrap();
}

#[test]
fn the_open_log_screen_writes_nothing_while_idle() {
    let meter = Meter::default();
    let (events, received) = mpsc::channel::<io::Result<Event>>();
    let loop_meter = meter.clone();
    let editor = std::thread::spawn(move || {
        let sandbox = Sandbox::new();
        let log = sandbox.paths.system_log();
        std::fs::create_dir_all(log.parent().unwrap()).unwrap();
        let line = "2026-11-28 23:40:05,456 nas proftpd[1] nas: USER x: no such user found\n";
        std::fs::write(&log, line.repeat(40)).unwrap();
        let mut app = sandbox.app();
        let mut terminal = fixed_terminal(loop_meter, 80, 24).unwrap();
        run_loop(&mut terminal, &mut app, received, false).map_err(|e| e.to_string())
    });
    let first_frame = settle(&meter);
    events.send(Ok(key(KeyCode::Char('l')))).unwrap();
    let opened = settle(&meter);
    eprintln!("bytes at 80x24: opening the Log screen {}", opened - first_frame);
    assert!(opened > first_frame, "the Log screen is drawn");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(meter.total(), opened, "the open Log screen writes nothing while idle");
    events.send(Ok(key(KeyCode::Char('r')))).unwrap();
    let reread = settle(&meter);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(meter.total(), reread, "nothing after reading again either");
    events.send(Ok(key(KeyCode::Esc))).unwrap();
    events.send(Ok(ctrl('q'))).unwrap();
    editor.join().unwrap().unwrap();
}

#[test]
fn the_open_service_screen_writes_nothing_while_idle() {
    let meter = Meter::default();
    let (events, editor) = editor_thread(&meter);
    let after_form = settle(&meter);
    events.send(Ok(key(KeyCode::Char('v')))).unwrap();
    let opened = settle(&meter);
    eprintln!("bytes at 80x24: opening the Service screen {}", opened - after_form);
    assert!(opened > after_form, "v opens the Service screen");
    // Auto-refresh is off until asked for: no timer, nothing written.
    std::thread::sleep(AUTO_EVERY + Duration::from_millis(500));
    assert_eq!(meter.total(), opened, "the idle Service screen wrote bytes");
    // On, with proftpd stopped (nothing shown changes): the timed refreshes write nothing
    // either.
    events.send(Ok(key(KeyCode::Char('t')))).unwrap();
    let auto_on = settle(&meter);
    std::thread::sleep(AUTO_EVERY * 2 + Duration::from_millis(500));
    assert_eq!(meter.total(), auto_on, "a refresh that changed nothing wrote bytes");
    events.send(Ok(key(KeyCode::Esc))).unwrap();
    events.send(Ok(ctrl('q'))).unwrap();
    editor.join().unwrap().unwrap();
}
