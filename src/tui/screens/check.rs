//! The Check screen: the name and (masked) password fields, then the check's steps as
//! they finish — mark, title, time, what was seen, and for a failure its cause and the
//! setting that fixes it — and a check-login verdict with every reason.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::proftpd::doctor::login::LoginVerdict;
use crate::proftpd::doctor::{Outcome, StepResult};
use crate::tui::check_page::{CheckScreen, CheckState, Secret};
use crate::tui::page::{Draw, Look};
use crate::tui::theme::Theme;
use crate::tui::view::wrap;
use crate::visible;

const LABEL: usize = 10;
/// The fields, a line of help, a blank line.
const TOP: u16 = 4;

pub fn draw(screen: &CheckScreen, timings: bool, theme: &Theme, area: Rect, frame: &mut Frame) {
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(" Check FTP as a client would ", theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let box_width = width.saturating_sub(LABEL + 6).min(32);
    let mut top = vec![
        field(screen, 0, "Name", box_width, theme),
        field(screen, 1, "Password", box_width, theme),
    ];
    let help = "Enter: check (no name: as configured). Ctrl-R: reasons it may be refused.";
    top.extend(
        wrap(help, width.saturating_sub(2))
            .into_iter()
            .map(|l| Line::styled(format!(" {l}"), theme.muted)),
    );
    let top_height = (top.len() as u16 + 1).max(TOP).min(inner.height);
    frame.render_widget(Paragraph::new(top), Rect { height: top_height, ..inner });
    let focused = if screen.focus == 0 { &screen.name } else { &screen.password };
    // The name scrolls to keep the cursor in view; the stars stop at the box's end.
    let room = box_width.saturating_sub(1);
    let scroll = if screen.focus == 0 { focused.0.visual_scroll(room) } else { 0 };
    let x = focused.0.visual_cursor().saturating_sub(scroll).min(room) as u16;
    let cursor = Position::new(inner.x + 3 + LABEL as u16 + 1 + x, inner.y + screen.focus as u16);
    if cursor.x < inner.right() && cursor.y < inner.bottom() {
        frame.set_cursor_position(cursor);
    }
    let body =
        Rect { y: inner.y + top_height, height: inner.height.saturating_sub(top_height), ..inner };
    let lines = results(screen, theme, width, timings);
    let first = screen.scroll.record(lines.len() as u16, body.height);
    frame.render_widget(Paragraph::new(lines).scroll((first, 0)), body);
}

/// One field: `> Name      [alice      ]`; the password shows a `*` per character.
fn field(
    screen: &CheckScreen,
    row: usize,
    label: &str,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let focused = screen.focus == row;
    let input: &Secret = if row == 0 { &screen.name } else { &screen.password };
    let value = input.0.value();
    let room = width.saturating_sub(1);
    let shown: String = match row {
        0 => value.chars().skip(input.0.visual_scroll(room)).take(width).collect(),
        _ => "*".repeat(value.chars().count().min(width)),
    };
    let (mark, label_style, value_style) = match focused {
        true => ("> ", theme.label_focused, theme.value_focused),
        false => ("  ", theme.label, theme.value),
    };
    Line::from(vec![
        Span::styled(format!(" {mark}"), theme.label_focused),
        Span::styled(format!("{label:<LABEL$}"), label_style),
        Span::styled("[", theme.muted),
        Span::styled(format!("{shown:<width$}"), value_style),
        Span::styled("]", theme.muted),
    ])
}

/// The steps, the outcome and the check-login verdict, at `width`.
pub fn results(
    screen: &CheckScreen,
    theme: &Theme,
    width: usize,
    timings: bool,
) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut add = |text: &str, indent: usize, style: Style| {
        for part in wrap(text, width.saturating_sub(indent + 1)) {
            out.push(Line::styled(format!("{}{part}", " ".repeat(indent)), style));
        }
    };
    for step in &screen.steps {
        step_lines(step, theme, timings, &mut add);
    }
    let who = match screen.checked.as_str() {
        "" => "as configured".to_owned(),
        name => format!("as {}", visible::line(name)),
    };
    match &screen.state {
        CheckState::Idle => {}
        CheckState::Running => add(&format!("Checking {who}..."), 1, theme.info),
        CheckState::Done { passed: true, millis } => {
            let time = if timings { format!(" ({millis} ms)") } else { String::new() };
            add(&format!("Every step passed {who}{time}."), 1, theme.info);
        }
        CheckState::Done { passed: false, .. } => {
            let failed = screen.steps.iter().filter(|s| s.outcome == Outcome::Fail).count();
            let s = if failed == 1 { "" } else { "s" };
            add(
                &format!("{failed} step{s} failed {who}; each says why and what fixes it."),
                1,
                theme.error,
            );
        }
        CheckState::Lost => {
            add("The check stopped unexpectedly; run `ftpconf check`.", 1, theme.error)
        }
    }
    let login_failed = screen.steps.iter().any(|s| s.step == "login" && s.outcome == Outcome::Fail);
    if login_failed && screen.verdict.is_none() {
        add("Ctrl-R: every reason this account may be refused (check-login).", 1, theme.help);
    }
    if let Some(verdict) = &screen.verdict {
        if !screen.steps.is_empty() || screen.state != CheckState::Idle {
            add("", 0, theme.help);
        }
        verdict_lines(verdict, theme, &mut add);
    }
    out
}

fn step_lines(
    step: &StepResult,
    theme: &Theme,
    timings: bool,
    add: &mut impl FnMut(&str, usize, Style),
) {
    let s = &theme.symbols;
    let (mark, style) = match step.outcome {
        Outcome::Ok => (s.step_ok, theme.info),
        Outcome::Fail => (s.step_failed, theme.error),
        Outcome::Note => (s.step_note, theme.warning),
        Outcome::Skipped => (s.step_skipped, theme.muted),
    };
    let time = match (step.outcome, timings) {
        (Outcome::Ok | Outcome::Fail, true) => format!(" ({} ms)", step.millis),
        _ => String::new(),
    };
    // Texts from the doctor are escaped there already.
    add(&format!("{mark} {}{time}", step.title), 1, style);
    if !step.detail.is_empty() {
        add(&step.detail, 5, theme.help);
    }
    if let Some(cause) = &step.cause {
        add(&format!("cause: {cause}"), 5, theme.error);
    }
    if let Some(fix) = &step.fix {
        add(&format!("fix: {fix}"), 5, theme.key);
    }
}

fn verdict_lines(verdict: &LoginVerdict, theme: &Theme, add: &mut impl FnMut(&str, usize, Style)) {
    let name = visible::line(&verdict.account);
    if verdict.can_login {
        add(&format!("{name} can log in with these settings (check-login)."), 1, theme.info);
    } else {
        add(&format!("{name} cannot log in with these settings (check-login):"), 1, theme.error);
    }
    for reason in &verdict.reasons {
        add(&format!("- {}", reason.cause), 3, theme.error);
        add(&format!("fix: {}", reason.fix), 5, theme.key);
    }
    for note in &verdict.notes {
        add(&format!("note: {note}"), 3, theme.warning);
    }
}

impl Draw for CheckScreen {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.timings, look.theme, area, frame);
    }
}
