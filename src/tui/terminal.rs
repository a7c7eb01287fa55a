//! The real terminal: raw mode and the alternate screen on the way in; the same undone
//! on every way out (normal exit, error, panic, SIGTERM/SIGHUP/SIGINT/SIGQUIT).

use std::io::{self, Stdout};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

/// Held while a frame is written, so a signal never cuts an escape sequence in half
/// before the terminal is restored.
static OUTPUT: Mutex<()> = Mutex::new(());

pub fn output_lock() -> MutexGuard<'static, ()> {
    OUTPUT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The size used when the terminal reports none (serial lines before `stty rows`).
pub const FALLBACK_SIZE: (u16, u16) = (80, 24);

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `--size COLSxROWS`: use this size whatever the terminal says.
    pub size: Option<(u16, u16)>,
    pub mouse: bool,
}

pub type RealTerminal = Terminal<CrosstermBackend<Stdout>>;

/// Sets the terminal up, runs `body` with it (and whether its size is fixed), and
/// restores the terminal afterwards, whatever `body` returned.
pub fn with_terminal<R>(
    options: Options,
    body: impl FnOnce(&mut RealTerminal, bool) -> R,
) -> io::Result<R> {
    install_panic_hook(options.mouse);
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    let signal_handle = signals.handle();
    let mouse = options.mouse;
    let watcher = std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _output = output_lock();
            restore(mouse);
            std::process::exit(128 + signal);
        }
    });
    let outcome = setup(options).map(|(mut terminal, fixed)| body(&mut terminal, fixed));
    restore(options.mouse);
    signal_handle.close();
    let _ = watcher.join();
    outcome
}

fn setup(options: Options) -> io::Result<(RealTerminal, bool)> {
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    execute!(stdout, EnterAlternateScreen)?;
    if options.mouse {
        execute!(stdout, EnableMouseCapture)?;
    }
    let (viewport, fixed) = match (options.size, crossterm::terminal::size()) {
        (Some((cols, rows)), _) => (Viewport::Fixed(Rect::new(0, 0, cols, rows)), true),
        (None, Ok((cols, rows))) if cols > 0 && rows > 0 => (Viewport::Fullscreen, false),
        (None, _) => {
            let (cols, rows) = FALLBACK_SIZE;
            (Viewport::Fixed(Rect::new(0, 0, cols, rows)), false)
        }
    };
    let terminal =
        Terminal::with_options(CrosstermBackend::new(stdout), TerminalOptions { viewport })?;
    Ok((terminal, fixed))
}

/// Leaves the alternate screen, shows the cursor and ends raw mode; errors are ignored
/// because this also runs while panicking or on a hung-up line.
pub fn restore(mouse: bool) {
    let mut stdout = io::stdout();
    if mouse {
        let _ = execute!(stdout, DisableMouseCapture);
    }
    let _ = execute!(stdout, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
}

fn install_panic_hook(mouse: bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore(mouse);
        previous(info);
    }));
}
