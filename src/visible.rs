//! Text from outside (files, certificates, logs, the network) made safe to print.
//!
//! A remote FTP client chooses the `USER` string proftpd logs; anyone can put escape
//! sequences in a certificate's subject. Printed raw, such text can retitle, clear or hide
//! parts of the admin's terminal. Everything ftpconf shows that it did not write itself goes
//! through [`line`] (or [`text`] for multi-line values), which replaces every character that
//! a terminal would act on, or that hides or reorders text, with a visible escape.

use std::borrow::Cow;

/// `s` for a single line: control characters (newline and tab included), terminal escapes,
/// bidirectional overrides and zero-width characters become `\x1b`, `\n`, `\u202e`, ...
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// Like [`line`], but newlines and tabs are kept (a multi-line value shown as lines).
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// Whether `c` is acted on or hidden by a terminal rather than shown as itself.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Format characters that change how text around them is shown (direction overrides and
/// isolates) or take no room at all (zero-width), so they can disguise a line.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if keep(c) || !is_unsafe(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(line("café ftp://nas/ ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_and_bidi_become_visible() {
        assert_eq!(line("a\x1b]0;T\x07b"), "a\\x1b]0;T\\x07b");
        assert_eq!(line("x\u{202e}y\u{200b}z\u{feff}"), "x\\u202ey\\u200bz\\ufeff");
        assert_eq!(line("c1\u{9b}2J del\x7f"), "c1\\x9b2J del\\x7f");
        assert_eq!(line("two\nlines\r\t"), "two\\nlines\\r\\t");
        assert_eq!(text("two\nlines\t\x1b"), "two\nlines\t\\x1b");
    }

    #[test]
    fn nothing_unsafe_survives_any_input() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let shown = line(&c.to_string()).into_owned();
            assert!(!shown.chars().any(is_unsafe), "U+{:04X} shown as {shown:?}", c as u32);
        }
    }
}
