//! Every style and drawing symbol the editor uses, in one place.
//!
//! Two palettes: [`Theme::color`] keeps to the 8 basic ANSI colours (serial consoles and
//! the Linux VGA console have no more), [`Theme::mono`] (NO_COLOR) uses only bold,
//! reverse and underline, so focus and errors still show on a monochrome screen.
//! [`Symbols`] picks Unicode or plain ASCII glyphs (`--ascii`).

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// How the screen is drawn: colours (or none) and glyphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub title: Style,
    pub tab: Style,
    pub tab_selected: Style,
    pub tab_errors: Style,
    pub label: Style,
    pub label_focused: Style,
    /// A value that is not focused.
    pub value: Style,
    /// The focused value (text being typed, the checkbox under the cursor…).
    pub value_focused: Style,
    /// The value of a text field just entered: typing replaces it.
    pub value_selected: Style,
    pub muted: Style,
    pub error: Style,
    pub warning: Style,
    pub changed: Style,
    pub info: Style,
    pub help: Style,
    pub key: Style,
    pub border: Style,
    pub border_focused: Style,
    pub diff_added: Style,
    pub diff_removed: Style,
    pub diff_hunk: Style,
    pub button: Style,
    pub button_selected: Style,
    /// Something a person must act on now (an apply that could not be undone).
    pub alarm: Style,
    pub symbols: Symbols,
}

/// Glyphs that differ between Unicode and ASCII screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    pub border: border::Set<'static>,
    pub arrow: &'static str,
    pub dropdown: &'static str,
    pub ellipsis: &'static str,
    pub separator: &'static str,
    pub up_down: &'static str,
    pub left_right: &'static str,
    pub more_above: &'static str,
    pub more_below: &'static str,
    /// Apply steps: finished fine, failed, still running.
    pub step_ok: &'static str,
    pub step_failed: &'static str,
    pub step_running: &'static str,
    /// Check steps: worth knowing (not a failure), not run.
    pub step_note: &'static str,
    pub step_skipped: &'static str,
}

/// `+`, `-` and `|` borders for terminals without line-drawing characters.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Symbols {
    pub const UNICODE: Symbols = Symbols {
        border: border::PLAIN,
        arrow: "→",
        dropdown: "▾",
        ellipsis: "…",
        separator: "│",
        up_down: "↑↓",
        left_right: "←→",
        more_above: "▲ more",
        more_below: "▼ more",
        step_ok: "✓",
        step_failed: "✗",
        step_running: "…",
        step_note: "i",
        step_skipped: "-",
    };

    pub const ASCII: Symbols = Symbols {
        border: ASCII_BORDER,
        arrow: "->",
        dropdown: "v",
        ellipsis: "...",
        separator: "|",
        up_down: "Up/Dn",
        left_right: "Lt/Rt",
        more_above: "^ more",
        more_below: "v more",
        step_ok: "ok",
        step_failed: "FAIL",
        step_running: "..",
        step_note: "note",
        step_skipped: "skip",
    };
}

const fn fg(color: Color) -> Style {
    Style::new().fg(color)
}

const BOLD: Modifier = Modifier::BOLD;
const REVERSED: Modifier = Modifier::REVERSED;
const UNDERLINED: Modifier = Modifier::UNDERLINED;

impl Theme {
    /// Chooses the palette from `NO_COLOR` (set and non-empty means monochrome) and the glyphs
    /// from `ascii`.
    pub fn new(monochrome: bool, ascii: bool) -> Theme {
        let symbols = if ascii { Symbols::ASCII } else { Symbols::UNICODE };
        let theme = if monochrome { Theme::mono() } else { Theme::color() };
        Theme { symbols, ..theme }
    }

    /// Whether the environment asks for no colour (<https://no-color.org>).
    pub fn no_color_requested() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    pub const fn color() -> Theme {
        Theme {
            title: Style::new().add_modifier(BOLD),
            tab: Style::new(),
            tab_selected: fg(Color::Black).bg(Color::Cyan).add_modifier(BOLD),
            tab_errors: fg(Color::Red).add_modifier(BOLD),
            label: Style::new(),
            label_focused: fg(Color::Cyan).add_modifier(BOLD),
            value: fg(Color::Cyan),
            value_focused: fg(Color::Black).bg(Color::Cyan),
            value_selected: fg(Color::Black).bg(Color::White),
            muted: fg(Color::DarkGray),
            error: fg(Color::Red).add_modifier(BOLD),
            warning: fg(Color::Yellow),
            changed: fg(Color::Magenta).add_modifier(BOLD),
            info: fg(Color::Green),
            help: Style::new(),
            key: fg(Color::Cyan).add_modifier(BOLD),
            border: Style::new(),
            border_focused: fg(Color::Cyan),
            diff_added: fg(Color::Green),
            diff_removed: fg(Color::Red),
            diff_hunk: fg(Color::Cyan),
            button: Style::new(),
            button_selected: fg(Color::Black).bg(Color::Cyan).add_modifier(BOLD),
            alarm: fg(Color::White).bg(Color::Red).add_modifier(BOLD),
            symbols: Symbols::UNICODE,
        }
    }

    pub const fn mono() -> Theme {
        let plain = Style::new();
        Theme {
            title: plain.add_modifier(BOLD),
            tab: plain,
            tab_selected: plain.add_modifier(REVERSED).add_modifier(BOLD),
            tab_errors: plain.add_modifier(BOLD),
            label: plain,
            label_focused: plain.add_modifier(BOLD).add_modifier(UNDERLINED),
            value: plain,
            value_focused: plain.add_modifier(REVERSED),
            value_selected: plain.add_modifier(REVERSED).add_modifier(BOLD),
            muted: plain,
            error: plain.add_modifier(BOLD),
            warning: plain,
            changed: plain.add_modifier(BOLD),
            info: plain,
            help: plain,
            key: plain.add_modifier(BOLD),
            border: plain,
            border_focused: plain.add_modifier(BOLD),
            diff_added: plain.add_modifier(BOLD),
            diff_removed: plain,
            diff_hunk: plain.add_modifier(UNDERLINED),
            button: plain,
            button_selected: plain.add_modifier(REVERSED).add_modifier(BOLD),
            alarm: plain.add_modifier(REVERSED).add_modifier(BOLD),
            symbols: Symbols::UNICODE,
        }
    }
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::color()
    }
}
