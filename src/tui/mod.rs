//! The full-screen editor (`ftpconf` without a command).
//!
//! Layers, each ignorant of the ones above it:
//! - [`app`] + [`actions`] + [`save`]: state and how actions change it (no terminal);
//! - [`keys`]: key events → [`keys::Action`], and the key help;
//! - [`view`]: a plain snapshot of what to draw; [`screens`] and [`widgets`] draw it;
//! - [`theme`]: every style and glyph (colour or NO_COLOR, Unicode or `--ascii`);
//! - [`terminal`]: the real terminal (raw mode, alternate screen, restore on every exit).
//!
//! [`run_loop`] is generic over ratatui's `Backend`, so tests drive the real loop with a
//! `TestBackend` or a byte-counting writer and synthetic key events.

pub mod actions;
pub mod app;
pub mod certs;
pub mod dropdown;
pub mod editors;
pub mod focus;
pub mod keys;
pub mod review;
pub mod save;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::{self, IsTerminal};
use std::path::Path;

use crossterm::event::{Event, MouseEventKind};
use ratatui::backend::Backend;
use ratatui::buffer::Cell;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::{Terminal, backend::CrosstermBackend};

pub use app::{App, ApplyHook, Environment};
pub use theme::Theme;

use crate::cli::{Cli, Status};
use crate::paths::Paths;
use crate::settings::store;

/// Errors of the event loop: the terminal's, or reading events.
pub type LoopError = Box<dyn std::error::Error + Send + Sync>;

/// Opens the editor on the real terminal and runs it until the user quits.
pub fn run(cli: &Cli, paths: &Paths, settings_file: &Path) -> Status {
    let settings = match store::load(settings_file) {
        Ok(settings) => settings,
        Err(e) => {
            e.problems.iter().for_each(|p| eprintln!("ftpconf: {p}"));
            eprintln!("ftpconf: fix the settings file first (`ftpconf validate` explains)");
            return Status::Invalid;
        }
    };
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        eprintln!(
            "ftpconf: the editor needs a terminal; for scripts use a subcommand (see --help)"
        );
        return Status::Usage;
    }
    let theme = Theme::new(Theme::no_color_requested(), cli.ascii);
    let mut app = App::new(Environment::new(paths, settings_file), settings, theme);
    let options = terminal::Options { size: cli.size, mouse: cli.mouse };
    let events = std::iter::repeat_with(crossterm::event::read);
    match terminal::with_terminal(options, |t, fixed| run_loop(t, &mut app, events, fixed)) {
        Ok(Ok(())) => Status::Ok,
        Ok(Err(e)) => {
            eprintln!("ftpconf: terminal error: {e}");
            Status::Refused
        }
        Err(e) => {
            eprintln!("ftpconf: cannot use this terminal: {e}");
            Status::Refused
        }
    }
}

/// Draws, then handles events until the app quits or the events run out. Redraws only
/// after an event that changed something: nothing is written while the user is idle.
/// With `fixed_size` (`--size`) the screen keeps its size when the terminal resizes.
pub fn run_loop<B, I>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: I,
    fixed_size: bool,
) -> Result<(), LoopError>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    I: IntoIterator<Item = io::Result<Event>>,
{
    draw(terminal, app)?;
    for event in events {
        let event = event?;
        if let Event::Resize(cols, rows) = event
            && !fixed_size
            && cols > 0
            && rows > 0
        {
            terminal.resize(Rect::new(0, 0, cols, rows))?;
        }
        if handle(app, &event) {
            draw(terminal, app)?;
        }
        while let Some(work) = app.take_deferred() {
            app.run_deferred(work);
            draw(terminal, app)?;
        }
        if app.quit {
            break;
        }
    }
    Ok(())
}

/// Events to the app; the mouse wheel (with `--mouse`) moves like Up/Down.
fn handle(app: &mut App, event: &Event) -> bool {
    match event {
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => app.update(keys::Action::Down),
            MouseEventKind::ScrollUp => app.update(keys::Action::Up),
            _ => false,
        },
        other => app.handle_event(other),
    }
}

/// Draws one frame; only cells that changed since the last frame reach the terminal.
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> Result<(), B::Error> {
    if std::mem::take(&mut app.repaint) {
        invalidate(terminal);
    }
    let _output = terminal::output_lock();
    let (mut scroll, mut area) = (app.scroll, app.area);
    terminal.draw(|frame| {
        let view = view::build(app, frame.area());
        if let view::Page::Form(form) = &view.page {
            scroll = form.scroll;
        }
        area = frame.area();
        screens::draw(&view, frame);
    })?;
    app.scroll = scroll;
    app.area = area;
    Ok(())
}

/// Makes the next draw rewrite every cell (Ctrl-L), without `Terminal::clear`, which
/// would query the cursor position and hang on terminals that never answer.
fn invalidate<B: Backend>(terminal: &mut Terminal<B>) {
    let mut garbage = Cell::new("\u{fffd}");
    garbage.modifier = Modifier::HIDDEN;
    let buffer = terminal.current_buffer_mut();
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            buffer[(x, y)] = garbage.clone();
        }
    }
    terminal.swap_buffers();
}

/// A terminal over any writer, for tests and measurements: fixed size, no tty needed.
pub fn fixed_terminal<W: io::Write>(
    writer: W,
    cols: u16,
    rows: u16,
) -> io::Result<Terminal<CrosstermBackend<W>>> {
    let viewport = ratatui::Viewport::Fixed(Rect::new(0, 0, cols, rows));
    Terminal::with_options(CrosstermBackend::new(writer), ratatui::TerminalOptions { viewport })
}
