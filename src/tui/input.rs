//! Bytes from the terminal → events. crossterm's own reader waits for the end of a
//! bracketed paste (`ESC[201~`) for ever, so a stray `ESC[200~` (a crashed program, a
//! hostile clipboard) would swallow every later key; this parser ends a paste that has
//! been silent for [`PASTE_GAP`] instead, and drops it: a real paste always ends, so one
//! that does not is noise or an attack, and its bytes (whatever was typed meanwhile too)
//! are neither text nor keys ([`Parser::take_broken`] says how many). A paste is always
//! one [`Event::Paste`], never keys. It knows the keys a terminal sends (xterm and VT220 style); other sequences
//! are dropped whole.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

/// A paste that received nothing for this long is over: later keys are keys again.
pub const PASTE_GAP: Duration = Duration::from_millis(300);

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Text between `ESC[200~` and its end, as it arrives.
struct Paste {
    text: Vec<u8>,
    last: Instant,
}

#[derive(Default)]
pub struct Parser {
    /// The start of a sequence whose end has not arrived yet (a split read).
    pending: Vec<u8>,
    pending_since: Option<Instant>,
    paste: Option<Paste>,
    /// Characters of pastes that never ended, dropped since the last look.
    broken: Option<usize>,
    events: VecDeque<Event>,
}

impl Parser {
    /// Takes in one read's worth of bytes, received at `now`.
    pub fn feed(&mut self, bytes: &[u8], now: Instant) {
        self.expire(now);
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(bytes);
        let mut rest = &data[..];
        while !rest.is_empty() {
            if let Some(paste) = &mut self.paste {
                paste.last = now;
                match find(rest, PASTE_END) {
                    Some(end) => {
                        paste.text.extend_from_slice(&rest[..end]);
                        self.end_paste();
                        rest = &rest[end + PASTE_END.len()..];
                    }
                    None => {
                        // Keep a possible start of the end marker for the next read.
                        let keep = partial_suffix(rest, PASTE_END);
                        paste.text.extend_from_slice(&rest[..rest.len() - keep]);
                        self.pending = rest[rest.len() - keep..].to_vec();
                        rest = &[];
                    }
                }
                continue;
            }
            if rest.starts_with(PASTE_START) {
                self.paste = Some(Paste { text: Vec::new(), last: now });
                rest = &rest[PASTE_START.len()..];
                continue;
            }
            match parse(rest) {
                Parsed::Event(event, used) => {
                    self.events.extend(event);
                    rest = &rest[used..];
                }
                Parsed::Incomplete => {
                    self.pending = rest.to_vec();
                    self.pending_since = Some(now);
                    rest = &[];
                }
            }
        }
        if self.pending.is_empty() {
            self.pending_since = None;
        }
    }

    /// Ends a paste that has gone silent, and drops a sequence that never finished.
    pub fn expire(&mut self, now: Instant) {
        if self.paste.as_ref().is_some_and(|p| now.duration_since(p.last) >= PASTE_GAP) {
            let stale = std::mem::take(&mut self.pending);
            if let Some(paste) = self.paste.take() {
                let chars = String::from_utf8_lossy(&paste.text).chars().count();
                let chars = chars + String::from_utf8_lossy(&stale).chars().count();
                *self.broken.get_or_insert(0) += chars;
            }
        }
        if self.paste.is_none()
            && self.pending_since.is_some_and(|t| now.duration_since(t) >= PASTE_GAP)
        {
            self.pending.clear();
            self.pending_since = None;
        }
    }

    /// When [`Parser::expire`] has something to do.
    pub fn wake_at(&self) -> Option<Instant> {
        match &self.paste {
            Some(paste) => Some(paste.last + PASTE_GAP),
            None => self.pending_since.map(|t| t + PASTE_GAP),
        }
    }

    /// How many characters of pastes that never ended were dropped, once.
    pub fn take_broken(&mut self) -> Option<usize> {
        self.broken.take()
    }

    pub fn next_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn end_paste(&mut self) {
        if let Some(paste) = self.paste.take() {
            let text = String::from_utf8_lossy(&paste.text).into_owned();
            self.events.push_back(Event::Paste(text));
        }
    }
}

enum Parsed {
    /// The event (none for sequences that mean nothing here) and the bytes it used.
    Event(Option<Event>, usize),
    Incomplete,
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Event> {
    Some(Event::Key(KeyEvent::new(code, modifiers)))
}

fn parse(bytes: &[u8]) -> Parsed {
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    match bytes[0] {
        0x1b => match bytes.get(1) {
            // A lone Esc at the end of a read is the Esc key (as crossterm reads it).
            None => Parsed::Event(key(KeyCode::Esc, none), 1),
            Some(b'[') => csi(bytes),
            Some(b'O') => match bytes.get(2) {
                None => Parsed::Incomplete,
                Some(&b) => Parsed::Event(ss3(b), 3),
            },
            Some(0x1b) => Parsed::Event(key(KeyCode::Esc, none), 1),
            Some(_) => match parse(&bytes[1..]) {
                Parsed::Event(Some(Event::Key(mut k)), used) => {
                    k.modifiers |= KeyModifiers::ALT;
                    Parsed::Event(Some(Event::Key(k)), used + 1)
                }
                Parsed::Event(other, used) => Parsed::Event(other, used + 1),
                Parsed::Incomplete => Parsed::Incomplete,
            },
        },
        b'\r' => Parsed::Event(key(KeyCode::Enter, none), 1),
        b'\t' => Parsed::Event(key(KeyCode::Tab, none), 1),
        0x7f => Parsed::Event(key(KeyCode::Backspace, none), 1),
        0 => Parsed::Event(key(KeyCode::Char(' '), ctrl), 1),
        c @ 0x01..=0x1a => Parsed::Event(key(KeyCode::Char((c - 1 + b'a') as char), ctrl), 1),
        c @ 0x1c..=0x1f => Parsed::Event(key(KeyCode::Char((c - 0x1c + b'4') as char), ctrl), 1),
        _ => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> Parsed {
    let len = match bytes[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Parsed::Event(None, 1), // not UTF-8: dropped
    };
    if bytes.len() < len {
        return Parsed::Incomplete;
    }
    match std::str::from_utf8(&bytes[..len]).ok().and_then(|s| s.chars().next()) {
        Some(c) => {
            let shift = if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            Parsed::Event(key(KeyCode::Char(c), shift), len)
        }
        None => Parsed::Event(None, 1),
    }
}

/// `ESC [ params final`: cursor keys, editing keys, function keys, the mouse wheel.
fn csi(bytes: &[u8]) -> Parsed {
    let Some(end) = bytes[2..].iter().position(|b| (0x40..=0x7e).contains(b)) else {
        // Parameters and intermediates only so far; anything else breaks the sequence.
        return match bytes[2..].iter().all(|b| (0x20..=0x3f).contains(b)) {
            true => Parsed::Incomplete,
            false => Parsed::Event(None, 2),
        };
    };
    let used = 2 + end + 1;
    let params = std::str::from_utf8(&bytes[2..2 + end]).unwrap_or("");
    let last = bytes[2 + end];
    if let Some(mouse) = params.strip_prefix('<') {
        return Parsed::Event(wheel(mouse), used);
    }
    let numbers: Vec<u16> = params.split(';').map(|p| p.parse().unwrap_or(1)).collect();
    let modifiers = modifiers(numbers.get(1).copied().unwrap_or(1));
    if let Some(code) = letter_key(last) {
        return Parsed::Event(key(code, modifiers), used);
    }
    let code = match last {
        b'Z' => return Parsed::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), used),
        b'~' => match numbers.first().copied().unwrap_or(0) {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            n @ 11..=15 => KeyCode::F((n - 10) as u8),
            n @ 17..=21 => KeyCode::F((n - 11) as u8),
            n @ 23..=24 => KeyCode::F((n - 12) as u8),
            _ => return Parsed::Event(None, used),
        },
        _ => return Parsed::Event(None, used),
    };
    Parsed::Event(key(code, modifiers), used)
}

/// `ESC O x` (application cursor keys, F1–F4).
fn ss3(b: u8) -> Option<Event> {
    key(letter_key(b)?, KeyModifiers::NONE)
}

/// The keys named by a sequence's final letter, the same after `ESC [` and `ESC O`.
fn letter_key(b: u8) -> Option<KeyCode> {
    Some(match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(b - b'P' + 1),
        _ => return None,
    })
}

/// xterm's modifier parameter: 1 + (shift 1, alt 2, ctrl 4).
fn modifiers(parameter: u16) -> KeyModifiers {
    let bits = parameter.saturating_sub(1);
    let mut modifiers = KeyModifiers::NONE;
    for (bit, modifier) in
        [(1, KeyModifiers::SHIFT), (2, KeyModifiers::ALT), (4, KeyModifiers::CONTROL)]
    {
        if bits & bit != 0 {
            modifiers |= modifier;
        }
    }
    modifiers
}

/// SGR mouse report `b;x;y`: only the wheel means something here.
fn wheel(params: &str) -> Option<Event> {
    let mut parts = params.split(';').map(|p| p.parse::<u16>().ok());
    let (Some(Some(button)), Some(Some(x)), Some(Some(y))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let kind = match button & !0b1_1100 {
        64 => MouseEventKind::ScrollUp,
        65 => MouseEventKind::ScrollDown,
        _ => return None,
    };
    Some(Event::Mouse(MouseEvent {
        kind,
        column: x.saturating_sub(1),
        row: y.saturating_sub(1),
        modifiers: KeyModifiers::NONE,
    }))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How many bytes at the end of `data` could begin `marker`.
fn partial_suffix(data: &[u8], marker: &[u8]) -> usize {
    (1..marker.len()).rev().find(|&n| data.len() >= n && data.ends_with(&marker[..n])).unwrap_or(0)
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
