use ratatui::Terminal;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::*;

fn terminal() -> Terminal<LeanBackend<Vec<u8>>> {
    let viewport = ratatui::Viewport::Fixed(Rect::new(0, 0, 20, 3));
    Terminal::with_options(LeanBackend::new(Vec::new()), ratatui::TerminalOptions { viewport })
        .unwrap()
}

fn written(t: &mut Terminal<LeanBackend<Vec<u8>>>, from: usize) -> String {
    String::from_utf8_lossy(&t.backend().writer()[from..]).into_owned()
}

#[test]
fn basic_colours_short_codes_and_nothing_twice() {
    let mut t = terminal();
    t.draw(|f| f.render_widget(Line::styled("ab", Style::new().cyan().on_blue().bold()), f.area()))
        .unwrap();
    let first = written(&mut t, 0);
    let line = format!("ab{}", " ".repeat(18));
    assert_eq!(first, format!("\x1b[0;1;36;44m\x1b[H{line}\x1b[?25l"));
    assert!(!first.contains("38;5"), "no 256-colour codes: {first:?}");
    let len = t.backend().writer().len();
    t.draw(|f| f.render_widget(Line::styled("ab", Style::new().cyan().on_blue().bold()), f.area()))
        .unwrap();
    assert_eq!(written(&mut t, len), "", "an unchanged frame writes nothing");
    t.draw(|f| {
        f.render_widget(Line::styled("ac", Style::new().cyan().on_blue().bold()), f.area());
        f.set_cursor_position((2, 0));
    })
    .unwrap();
    let third = written(&mut t, len);
    assert_eq!(third, "\x1b[1;2Hc\x1b[?25h", "only what changed: {third:?}");
}

#[test]
fn clearing_erases_with_the_default_background() {
    let mut t = terminal();
    t.draw(|f| f.render_widget(Line::styled("ab", Style::new().on_blue()), f.area())).unwrap();
    let len = t.backend().writer().len();
    t.backend_mut().clear_region(ClearType::All).unwrap();
    t.backend_mut().flush().unwrap();
    let cleared = written(&mut t, len);
    assert!(cleared.starts_with("\x1b[0m\x1b[2J"), "{cleared:?}");
}
