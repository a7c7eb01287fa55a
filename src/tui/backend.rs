//! A ratatui backend that writes as few bytes as the frame allows: on a 9600-baud serial
//! console each byte costs about a millisecond. Compared with ratatui's crossterm backend
//! it writes the 16 basic colours as `30–37`/`90–97` (`40–47`/`100–107`) codes instead
//! of 256-colour ones, one SGR per style change with only what changed, no style reset
//! after each frame (it remembers what the terminal has), cursor moves only where the
//! next cell is not where the cursor already is (and the shortest form of them), and
//! shows or hides the cursor only when that changes.

use std::fmt::Write as _;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// What the terminal shows now, as far as this backend knows (`None`: unknown, e.g.
/// after something else wrote to it).
#[derive(Debug, Clone, Copy, Default)]
struct Known {
    cursor: Option<Position>,
    style: Option<(Color, Color, Modifier)>,
    visible: Option<bool>,
}

pub struct LeanBackend<W: Write> {
    writer: W,
    known: Known,
    /// What this backend wrote where (rows of cells), so that a short gap between two
    /// changed cells can be written again instead of jumped over with a longer sequence.
    screen: Vec<Vec<Cell>>,
    /// Where nothing was written the terminal is blank (true until a full repaint
    /// after line noise, when nothing is known).
    assume_blank: bool,
    /// Bytes of the frame being written (one write per flush).
    out: String,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(writer: W) -> LeanBackend<W> {
        LeanBackend {
            writer,
            known: Known::default(),
            screen: Vec::new(),
            assume_blank: true,
            out: String::new(),
        }
    }

    /// Forgets what the terminal shows (a full repaint follows).
    fn forget(&mut self) {
        self.known = Known::default();
        self.screen.clear();
        self.assume_blank = false;
    }

    /// The cell this backend last wrote at (x, y); where it wrote nothing, a blank one
    /// while the screen is known to start blank (the alternate screen does).
    fn written(&self, x: u16, y: u16) -> Option<Cell> {
        let row = self.screen.get(y as usize);
        match row.and_then(|r| r.get(x as usize)) {
            Some(cell) if cell.symbol().is_empty() => None,
            Some(cell) => Some(cell.clone()),
            None => self.assume_blank.then(Cell::default),
        }
    }

    fn remember(&mut self, x: u16, y: u16, cell: &Cell) {
        let (x, y) = (x as usize, y as usize);
        if self.screen.len() <= y {
            self.screen.resize(y + 1, Vec::new());
        }
        let row = &mut self.screen[y];
        if row.len() <= x {
            // Cells not written yet: blank if the screen started blank, else unknown.
            let filler = if self.assume_blank { Cell::default() } else { Cell::new("") };
            row.resize(x + 1, filler);
        }
        row[x] = cell.clone();
    }

    /// The cells between the cursor and `x` on its row, when writing them again is
    /// shorter than moving over them: each already shows its symbol in the current style.
    fn gap_text(&self, from: u16, x: u16, y: u16, budget: usize) -> Option<String> {
        let style = self.known.style?;
        let mut text = String::new();
        for gx in from..x {
            let cell = self.written(gx, y)?;
            let symbol = match () {
                _ if looks_blank(&cell) && blank_style(style) => " ",
                _ if (cell.fg, cell.bg, cell.modifier) == style && cell.symbol().width() == 1 => {
                    cell.symbol()
                }
                _ => return None,
            };
            if text.len() + symbol.len() >= budget {
                return None;
            }
            text.push_str(symbol);
        }
        Some(text)
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    fn move_to(&mut self, x: u16, y: u16) {
        let target = Position { x, y };
        if self.known.cursor == Some(target) {
            return;
        }
        let absolute = match (x, y) {
            (0, 0) => "\x1b[H".to_owned(),
            (0, _) => format!("\x1b[{}H", y + 1),
            _ => format!("\x1b[{};{}H", y + 1, x + 1),
        };
        let relative = match self.known.cursor {
            Some(p) if p.y == y && x > p.x => {
                let jump = match x - p.x {
                    1 => "\x1b[C".to_owned(),
                    n => format!("\x1b[{n}C"),
                };
                Some(self.gap_text(p.x, x, y, jump.len()).unwrap_or(jump))
            }
            Some(p) if x == 0 && y == p.y + 1 => Some("\r\n".to_owned()),
            _ => None,
        };
        match relative {
            Some(r) if r.len() < absolute.len() => self.out.push_str(&r),
            _ => self.out.push_str(&absolute),
        }
        self.known.cursor = Some(target);
    }

    fn set_style(&mut self, fg: Color, bg: Color, modifier: Modifier) {
        let mut codes = String::new();
        let (old_fg, old_bg, old_modifier) = match self.known.style {
            Some(style) if style == (fg, bg, modifier) => return,
            Some((f, b, m)) if m.difference(modifier).is_empty() => (f, b, m),
            // A modifier switched off, or nothing known: start from a reset.
            _ => {
                codes.push('0');
                (Color::Reset, Color::Reset, Modifier::empty())
            }
        };
        for (flag, code) in MODIFIER_CODES {
            if modifier.contains(*flag) && !old_modifier.contains(*flag) {
                push_code(&mut codes, code);
            }
        }
        if fg != old_fg {
            push_code(&mut codes, &colour(fg, false));
        }
        if bg != old_bg {
            push_code(&mut codes, &colour(bg, true));
        }
        let _ = write!(self.out, "\x1b[{codes}m");
        self.known.style = Some((fg, bg, modifier));
    }
}

/// Modifiers that show on a space.
const SHOW_ON_BLANK: Modifier =
    Modifier::REVERSED.union(Modifier::UNDERLINED).union(Modifier::CROSSED_OUT);

/// Whether text written in `style` shows a space as a blank cell.
fn blank_style((_, bg, modifier): (Color, Color, Modifier)) -> bool {
    bg == Color::Reset && !modifier.intersects(SHOW_ON_BLANK)
}

/// A cell that shows nothing: a space on the default background, whatever its colour.
fn looks_blank(cell: &Cell) -> bool {
    cell.symbol() == " " && blank_style((cell.fg, cell.bg, cell.modifier))
}

const MODIFIER_CODES: &[(Modifier, &str)] = &[
    (Modifier::BOLD, "1"),
    (Modifier::DIM, "2"),
    (Modifier::ITALIC, "3"),
    (Modifier::UNDERLINED, "4"),
    (Modifier::SLOW_BLINK, "5"),
    (Modifier::RAPID_BLINK, "6"),
    (Modifier::REVERSED, "7"),
    (Modifier::HIDDEN, "8"),
    (Modifier::CROSSED_OUT, "9"),
];

fn push_code(codes: &mut String, code: &str) {
    if !codes.is_empty() {
        codes.push(';');
    }
    codes.push_str(code);
}

/// The SGR parameters for a colour: basic ones as the short ANSI codes.
fn colour(color: Color, background: bool) -> String {
    let base = if background { 40 } else { 30 };
    let basic = |n: u16| (base + n).to_string();
    let bright = |n: u16| (base + 60 + n).to_string();
    match color {
        Color::Reset => (base + 9).to_string(),
        Color::Black => basic(0),
        Color::Red => basic(1),
        Color::Green => basic(2),
        Color::Yellow => basic(3),
        Color::Blue => basic(4),
        Color::Magenta => basic(5),
        Color::Cyan => basic(6),
        Color::Gray => basic(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Indexed(i) => format!("{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            if (x, y) == (0, 0) && !self.screen.is_empty() {
                // A later frame that starts at the top left is a full repaint (Ctrl-L
                // after line noise, a resize): assume nothing about the terminal.
                self.forget();
            }
            if looks_blank(cell) && self.written(x, y).is_some_and(|c| looks_blank(&c)) {
                self.remember(x, y, cell);
                continue;
            }
            // The style first: a gap before the cell may then be written in it.
            self.set_style(cell.fg, cell.bg, cell.modifier);
            self.move_to(x, y);
            self.out.push_str(cell.symbol());
            self.remember(x, y, cell);
            // Where the terminal leaves the cursor is sure only for a one-column symbol.
            let one_column = cell.symbol().width() == 1;
            self.known.cursor = one_column.then_some(Position { x: x.saturating_add(1), y });
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.known.visible != Some(false) {
            self.out.push_str("\x1b[?25l");
            self.known.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.known.visible != Some(true) {
            self.out.push_str("\x1b[?25h");
            self.known.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let (x, y) = crossterm::cursor::position()?;
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        self.move_to(x, y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        let code = match clear_type {
            ClearType::All => "2J",
            ClearType::AfterCursor => "J",
            ClearType::BeforeCursor => "1J",
            ClearType::CurrentLine => "2K",
            ClearType::UntilNewLine => "K",
        };
        // Erasing fills with the current background (most terminals): the default one.
        let plain = (Color::Reset, Color::Reset, Modifier::empty());
        if self.known.style != Some(plain) {
            self.out.push_str("\x1b[0m");
            self.known.style = Some(plain);
        }
        let _ = write!(self.out, "\x1b[{code}");
        if matches!(clear_type, ClearType::All) {
            self.screen.clear();
            self.assume_blank = true;
        } else {
            self.forget();
        }
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let size = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size { width: size.columns, height: size.rows },
            pixels: Size { width: size.width, height: size.height },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.writer.write_all(self.out.as_bytes())?;
            self.out.clear();
        }
        self.writer.flush()
    }
}

#[cfg(test)]
#[path = "backend_tests.rs"]
mod tests;
