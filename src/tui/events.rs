//! Where the event loop's input comes from: the real terminal, or a script of events
//! (tests). The loop asks for the next event with an optional deadline (the timed
//! confirmation after an apply, and its once-a-second look for a settlement from another
//! shell) and wakes at it; while the user is idle on the form there is no timer.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use crossterm::event::Event;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use signal_hook::consts::SIGWINCH;

use super::input::Parser;

/// What the loop gets from an [`EventSource`].
#[derive(Debug)]
pub enum Input {
    Event(Event),
    /// The deadline passed without an event.
    Timeout,
    /// A paste that never ended was dropped (this many characters).
    BrokenPaste(usize),
    /// No more events (a script ran out): the loop ends.
    End,
}

pub trait EventSource {
    /// The next event, waiting at most until `deadline` (`None`: as long as it takes).
    fn next(&mut self, deadline: Option<Instant>) -> io::Result<Input>;

    /// Drops keys typed while the editor was busy (an apply), so a key pressed during
    /// it never answers the question shown after it ("Keep these settings?").
    fn drop_typeahead(&mut self) {}

    /// While an apply runs: a key typed by now (Esc/Ctrl-C cancel it), without waiting.
    /// Scripts keep their keys for after the apply, so by default there is none.
    fn typed_while_working(&mut self) -> io::Result<Option<Event>> {
        Ok(None)
    }
}

/// The real terminal: its bytes read here and turned into events by [`Parser`] (not
/// crossterm's reader, which waits for ever on an unterminated paste); SIGWINCH becomes
/// a resize event.
pub struct TerminalEvents {
    parser: Parser,
    /// Written to by the SIGWINCH handler; readable means "the size changed".
    winch: UnixStream,
    winch_id: signal_hook::SigId,
    /// Non-key events found while dropping type-ahead (a resize must not be lost).
    kept: VecDeque<Event>,
}

impl TerminalEvents {
    pub fn new() -> io::Result<TerminalEvents> {
        let (winch, writer) = UnixStream::pair()?;
        winch.set_nonblocking(true)?;
        let winch_id = signal_hook::low_level::pipe::register(SIGWINCH, writer)?;
        Ok(TerminalEvents { parser: Parser::default(), winch, winch_id, kept: VecDeque::new() })
    }

    /// Waits until `until` (`None`: for ever) for bytes or a resize; takes them in.
    fn wait(&mut self, until: Option<Instant>) -> io::Result<Option<Event>> {
        let timeout = until.map(|t| {
            let left = t.saturating_duration_since(Instant::now());
            Timespec { tv_sec: left.as_secs() as _, tv_nsec: left.subsec_nanos() as _ }
        });
        let stdin = rustix::stdio::stdin();
        let mut fds = [PollFd::new(&stdin, PollFlags::IN), PollFd::new(&self.winch, PollFlags::IN)];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        let (input, resized) = (!fds[0].revents().is_empty(), !fds[1].revents().is_empty());
        if resized {
            let mut sink = [0u8; 64];
            while matches!((&self.winch).read(&mut sink), Ok(n) if n > 0) {}
            let (cols, rows) = crossterm::terminal::size()?;
            return Ok(Some(Event::Resize(cols, rows)));
        }
        if input {
            let mut buf = [0u8; 1024];
            match rustix::io::read(stdin, &mut buf) {
                // The line hung up: nothing more will come.
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the terminal closed",
                    ));
                }
                Ok(n) => self.parser.feed(&buf[..n], Instant::now()),
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.parser.expire(Instant::now());
        Ok(self.parser.next_event())
    }
}

impl Drop for TerminalEvents {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.winch_id);
    }
}

impl EventSource for TerminalEvents {
    fn next(&mut self, deadline: Option<Instant>) -> io::Result<Input> {
        if let Some(chars) = self.parser.take_broken() {
            return Ok(Input::BrokenPaste(chars));
        }
        if let Some(event) = self.kept.pop_front().or_else(|| self.parser.next_event()) {
            return Ok(Input::Event(event));
        }
        loop {
            let until = match (deadline, self.parser.wake_at()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let event = self.wait(until)?;
            if let Some(chars) = self.parser.take_broken() {
                // Said before the event that came with it (it is queued again).
                self.kept.extend(event);
                return Ok(Input::BrokenPaste(chars));
            }
            if let Some(event) = event {
                return Ok(Input::Event(event));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(Input::Timeout);
            }
        }
    }

    fn typed_while_working(&mut self) -> io::Result<Option<Event>> {
        let event = match self.parser.next_event() {
            Some(event) => Some(event),
            None => self.wait(Some(Instant::now()))?,
        };
        // Only keys matter now; a resize waits for the end, a paste is dropped.
        Ok(event.and_then(|e| match e {
            Event::Key(_) => Some(e),
            other => {
                self.kept.extend(keep_unless_typed(other));
                None
            }
        }))
    }

    fn drop_typeahead(&mut self) {
        // Everything that already arrived; keys and pastes go, a resize is kept.
        while input_waiting() {
            match self.wait(Some(Instant::now())) {
                Ok(Some(event)) => self.kept.extend(keep_unless_typed(event)),
                Ok(None) => {}
                Err(_) => break,
            }
        }
        while let Some(event) = self.parser.next_event() {
            self.kept.extend(keep_unless_typed(event));
        }
    }
}

/// Whether the terminal has bytes waiting to be read.
fn input_waiting() -> bool {
    let stdin = rustix::stdio::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let now = Timespec { tv_sec: 0, tv_nsec: 0 };
    matches!(poll(&mut fds, Some(&now)), Ok(n) if n > 0)
}

fn keep_unless_typed(event: Event) -> Option<Event> {
    (!matches!(event, Event::Key(_) | Event::Paste(_))).then_some(event)
}

/// Events from a list or a channel (tests, measurements). When the script has run out
/// while a deadline is set, it waits for the deadline, as a user who presses nothing.
pub struct Scripted<I>(pub I);

impl<I: Iterator<Item = io::Result<Event>>> EventSource for Scripted<I> {
    fn next(&mut self, deadline: Option<Instant>) -> io::Result<Input> {
        match (self.0.next(), deadline) {
            (Some(event), _) => event.map(Input::Event),
            (None, Some(deadline)) => {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                Ok(Input::Timeout)
            }
            (None, None) => Ok(Input::End),
        }
    }
}
