//! Where the event loop's input comes from: the real terminal, or a script of events
//! (tests). The loop asks for the next event with an optional deadline (the timed
//! confirmation after an apply) and wakes exactly once at it; there is no timer.

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};

/// What the loop gets from an [`EventSource`].
#[derive(Debug)]
pub enum Input {
    Event(Event),
    /// The deadline passed without an event.
    Timeout,
    /// No more events (a script ran out): the loop ends.
    End,
}

pub trait EventSource {
    /// The next event, waiting at most until `deadline` (`None`: as long as it takes).
    fn next(&mut self, deadline: Option<Instant>) -> io::Result<Input>;

    /// Drops keys typed while the editor was busy (an apply), so a key pressed during
    /// it never answers the question shown after it ("Keep these settings?").
    fn drop_typeahead(&mut self) {}
}

/// The real terminal, read through crossterm.
#[derive(Default)]
pub struct TerminalEvents {
    /// Non-key events found while dropping type-ahead (a resize must not be lost).
    kept: VecDeque<Event>,
}

impl EventSource for TerminalEvents {
    fn next(&mut self, deadline: Option<Instant>) -> io::Result<Input> {
        if let Some(event) = self.kept.pop_front() {
            return Ok(Input::Event(event));
        }
        if let Some(deadline) = deadline {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if !event::poll(remaining)? {
                return Ok(Input::Timeout);
            }
        }
        event::read().map(Input::Event)
    }

    fn drop_typeahead(&mut self) {
        while event::poll(Duration::ZERO).unwrap_or(false) {
            match event::read() {
                Ok(Event::Key(_)) | Err(_) => {}
                Ok(other) => self.kept.push_back(other),
            }
        }
    }
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
