//! The real terminal: raw mode and the alternate screen on the way in; the same undone
//! on every way out (normal exit, error, panic, SIGTERM/SIGHUP/SIGINT/SIGQUIT).

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::style::ResetColor;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use signal_hook::consts::{SIGHUP, SIGTERM};

use super::backend::LeanBackend;
use crate::shutdown::{self, Stage};

/// Held while a frame is written, so a signal never cuts an escape sequence in half
/// before the terminal is restored.
static OUTPUT: Mutex<()> = Mutex::new(());

pub fn output_lock() -> MutexGuard<'static, ()> {
    OUTPUT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether the editor has the terminal now: 0 no, 1 yes, 2 yes with mouse capture.
static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// For a signal handler that is about to exit: waits for the frame being written,
/// restores the terminal when the editor has it, and returns the output lock; holding
/// it until exit keeps the editor from drawing over the restored screen.
pub fn restore_for_exit() -> MutexGuard<'static, ()> {
    let output = output_lock();
    match ACTIVE.swap(0, Ordering::SeqCst) {
        0 => {}
        state => restore(state == 2),
    }
    output
}

/// The size used when the terminal reports none (serial lines before `stty rows`).
pub const FALLBACK_SIZE: (u16, u16) = (80, 24);

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `--size COLSxROWS`: use this size whatever the terminal says.
    pub size: Option<(u16, u16)>,
    pub mouse: bool,
}

pub type RealTerminal = Terminal<LeanBackend<Stdout>>;

/// Sets the terminal up, runs `body` with it (and whether its size is fixed), and
/// restores the terminal afterwards, whatever `body` returned.
pub fn with_terminal<R>(
    options: Options,
    body: impl FnOnce(&mut RealTerminal, bool) -> R,
) -> io::Result<R> {
    install_panic_hook(options.mouse);
    // On a termination signal: the terminal back first (the output lock stays held, so
    // no frame follows), then the unsaved edits kept, then unconfirmed applies undone.
    let _restore = shutdown::on_signal(Stage::Terminal, |_| std::mem::forget(restore_for_exit()));
    let _keep = shutdown::on_signal(Stage::Keep, |signal| {
        // A dropped session (hang-up) or a shutdown keeps the unsaved edits.
        match [SIGHUP, SIGTERM].contains(&signal).then(super::draft::write_noted).flatten() {
            Some(Ok(path)) => eprintln!("ftpconf: unsaved edits kept in {}", path.display()),
            Some(Err(why)) => eprintln!("ftpconf: unsaved edits lost: {why}"),
            None => {}
        }
    });
    let _undo = shutdown::on_signal(Stage::Undo, |_| {
        super::unconfirmed::revert_all().iter().for_each(|l| eprintln!("{l}"));
    });
    ACTIVE.store(if options.mouse { 2 } else { 1 }, Ordering::SeqCst);
    let outcome = setup(options).map(|(mut terminal, fixed)| body(&mut terminal, fixed));
    {
        let _output = output_lock();
        ACTIVE.store(0, Ordering::SeqCst);
        restore(options.mouse);
    }
    outcome
}

fn setup(options: Options) -> io::Result<(RealTerminal, bool)> {
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    // Pasted text arrives marked, so it is never taken for keys (see `input`).
    execute!(stdout, EnterAlternateScreen, EnableBracketedPaste)?;
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
    let terminal = Terminal::with_options(LeanBackend::new(stdout), TerminalOptions { viewport })?;
    Ok((terminal, fixed))
}

/// Leaves the alternate screen, shows the cursor and ends raw mode; errors are ignored
/// because this also runs while panicking or on a hung-up line.
pub fn restore(mouse: bool) {
    let mut stdout = io::stdout();
    if mouse {
        let _ = execute!(stdout, DisableMouseCapture);
    }
    // Attributes too: the editor leaves its last style set (see `backend`).
    let _ = execute!(stdout, ResetColor, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
}

fn install_panic_hook(mouse: bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore(mouse);
        previous(info);
    }));
}
