//! The full-screen editor (`ftpconf` without a command).
//!
//! The shape, from the keyboard to the screen:
//! - [`input`] turns terminal bytes into events; [`keys`] maps a key to an [`keys::Action`]
//!   through the current context's binding tables (data, also the hint bar's source);
//! - the form's state is the [`App`]'s own ([`actions`]); every other screen has its own
//!   state that handles its keys and returns an [`effect::Effect`] ([`page::Page`]);
//!   [`App::apply`] carries effects out, the one place screens open and close;
//! - [`view`] builds a plain snapshot from `&App` (with [`hints`] and [`layout`]);
//!   [`screens`] and [`widgets`] draw it, recording what key handling needs ([`scroll`]);
//! - [`backend`] writes only the bytes a change needs; [`terminal`] sets the terminal up
//!   and gives it back on every way out; [`theme`] holds every style and glyph.
//!
//! [`run_loop`] is generic over ratatui's `Backend`, so tests drive the real loop with a
//! `TestBackend` or a byte-counting writer and synthetic key events.

pub mod actions;
pub mod app;
pub mod apply;
pub mod apply_page;
pub mod backend;
pub mod certs;
pub mod check_job;
pub mod check_page;
pub mod dialog;
pub mod draft;
pub mod draft_offer;
pub mod dropdown;
pub mod editors;
pub mod effect;
pub mod events;
pub mod focus;
pub mod help;
pub mod hints;
pub mod input;
pub mod keys;
pub mod layout;
pub mod log_page;
pub mod page;
pub mod paste;
pub mod review;
pub mod save;
pub mod screens;
pub mod scroll;
pub mod service;
pub mod service_run;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod unconfirmed;
pub mod view;
pub mod widgets;

use std::io::{self, IsTerminal};
use std::path::Path;

use crossterm::event::{Event, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Cell;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

pub use app::{App, Environment};
pub use apply::ApplyOptions;
pub use backend::LeanBackend;
pub use events::{EventSource, Input, Scripted, TerminalEvents};
pub use theme::Theme;

use crate::paths::Paths;
use crate::proftpd::apply::read_with_fingerprint;
use crate::settings::store;

/// Errors of the event loop: the terminal's, or reading events.
pub type LoopError = Box<dyn std::error::Error + Send + Sync>;

/// How the editor looks and what it takes from the terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// `+ - |` borders and ASCII arrows.
    pub ascii: bool,
    /// The mouse wheel moves the focus and scrolls.
    pub mouse: bool,
    /// Use this size (columns, rows) whatever the terminal says.
    pub size: Option<(u16, u16)>,
}

/// Why the editor could not run (or stopped).
#[derive(Debug)]
pub enum Error {
    /// The settings file cannot be read.
    Unreadable(String),
    /// The settings file does not load: every problem, with its place.
    Load(Vec<String>),
    /// Standard input or output is not a terminal.
    NotATerminal,
    /// The terminal could not be set up.
    Setup(io::Error),
    /// The terminal failed while the editor ran.
    Terminal(LoopError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Unreadable(why) => write!(f, "cannot read the settings file: {why}"),
            Error::Load(problems) => {
                write!(f, "the settings file does not load: {}", problems.join("; "))
            }
            Error::NotATerminal => {
                write!(f, "the editor needs a terminal; for scripts use a subcommand (see --help)")
            }
            Error::Setup(e) => write!(f, "cannot use this terminal: {e}"),
            Error::Terminal(e) => write!(f, "terminal error: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Opens the editor on the real terminal and runs it until the user quits.
pub fn run(options: &Options, paths: &Paths, settings_file: &Path) -> Result<(), Error> {
    // One read gives the settings and the fingerprint that later tells whether the file
    // changed behind the editor's back.
    let (text, disk) =
        read_with_fingerprint(settings_file).map_err(|e| Error::Unreadable(e.to_string()))?;
    let settings = match text {
        Some(text) => store::parse(&text, &settings_file.display().to_string())
            .map_err(|e| Error::Load(e.problems))?,
        None => crate::settings::Settings::default(),
    };
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return Err(Error::NotATerminal);
    }
    let theme = Theme::new(Theme::no_color_requested(), options.ascii);
    let mut env = Environment::new(paths, settings_file);
    env.apply = Some(ApplyOptions::from_env());
    let mut app = App::new(env, settings, theme);
    app.disk = disk;
    app.offer_draft();
    let terminal_options = terminal::Options { size: options.size, mouse: options.mouse };
    let result = terminal::with_terminal(terminal_options, |t, fixed| {
        let mut events = TerminalEvents::new()?;
        run_with(t, &mut app, &mut events, fixed)
    });
    // The loop only ends while a confirmation waits when the terminal failed: unconfirmed
    // means undone.
    unconfirmed::revert_all().iter().for_each(|line| eprintln!("{line}"));
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Error::Terminal(e)),
        Err(e) => Err(Error::Setup(e)),
    }
}

/// [`run_with`] over a list (or channel) of events, as tests and measurements use it.
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
    run_with(terminal, app, &mut Scripted(events.into_iter()), fixed_size)
}

/// Draws, then handles events until the app quits or the events run out. Redraws only
/// after an event that changed something: nothing is written while the user is idle.
/// While an apply runs, the loop waits for its steps (drawing each, and the seconds
/// waited, at most once a second) and looks for Esc/Ctrl-C every [`KEY_CHECK`]; other
/// keys typed meanwhile are dropped. During a timed confirmation it wakes once a second
/// (did another shell settle it?) and at the deadline. With `fixed_size` (`--size`) the screen keeps its size on resize.
pub fn run_with<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    source: &mut S,
    fixed_size: bool,
) -> Result<(), LoopError>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    S: EventSource,
{
    draw(terminal, app)?;
    while !app.quit {
        if app.working() {
            let mut changed = app.wait_for_work(std::time::Instant::now() + KEY_CHECK);
            // A terminal that fails now (hung up) does not end the loop mid-apply: the
            // apply finishes first, and the next read after it reports the failure.
            if let Ok(Some(key)) = source.typed_while_working() {
                changed |= handle(app, &key);
            }
            if changed {
                draw(terminal, app)?;
            }
            if !app.working() {
                source.drop_typeahead();
            }
            continue;
        }
        let redraw = match source.next(app.wake_at())? {
            Input::Event(event) => {
                if let Event::Resize(cols, rows) = event
                    && !fixed_size
                    && cols > 0
                    && rows > 0
                {
                    terminal.resize(Rect::new(0, 0, cols, rows))?;
                }
                handle(app, &event)
            }
            Input::Timeout => app.deadline_passed(),
            Input::BrokenPaste(chars) => {
                let s = if chars == 1 { "" } else { "s" };
                app.error(format!(
                    "Ignored a paste that never ended ({chars} character{s}, keys typed in it too)"
                ));
                true
            }
            Input::End => break,
        };
        // A running check's steps are taken in between keys (which keep working).
        let redraw = app.poll_check() | redraw;
        if redraw {
            draw(terminal, app)?;
        }
        while let Some(work) = app.take_deferred() {
            app.run_deferred(work);
            draw(terminal, app)?;
        }
    }
    Ok(())
}

/// How often a running apply looks for Esc/Ctrl-C (a wake-up, not a redraw).
const KEY_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

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
    // Every change is drawn: what a hang-up would keep is noted here too.
    draft::note(app);
    if std::mem::take(&mut app.repaint) {
        invalidate(terminal);
    }
    let _output = terminal::output_lock();
    let mut scroll = app.scroll;
    terminal.draw(|frame| {
        let view = view::build(app, frame.area());
        if let view::Page::Form(form) = &view.page {
            scroll = form.scroll;
        }
        screens::draw(&view, frame);
    })?;
    app.scroll = scroll;
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
) -> io::Result<Terminal<LeanBackend<W>>> {
    let viewport = ratatui::Viewport::Fixed(Rect::new(0, 0, cols, rows));
    Terminal::with_options(LeanBackend::new(writer), ratatui::TerminalOptions { viewport })
}
