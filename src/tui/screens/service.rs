//! The Service screen: proftpd's state, the session list (the highlighted one is what
//! `K` ends), the running action or the last result, and a yes/no question in a box.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::proftpd::service::drift::ConfigVerdict;
use crate::proftpd::service::text::{clock, command, progress, span, utc};
use crate::proftpd::service::{RunState, ServiceStatus, Session};
use crate::tui::page::{Draw, Look};
use crate::tui::service::ServiceScreen;
use crate::tui::theme::Theme;
use crate::tui::view::wrap;
use crate::visible;

/// The label column.
const LABEL: usize = 12;
/// Where a transfer's line starts (under USER: room for its numbers at 80 columns).
const TRANSFER: usize = 3 + 8;

pub fn draw(screen: &ServiceScreen, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = area.width.saturating_sub(2) as usize;
    let (lines, selected_line) = lines(screen, theme, width);
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(" FTP service ", theme.title));
    let height = area.height.saturating_sub(2);
    let mut top = screen.scroll.record(lines.len() as u16, height);
    // Keep the highlighted session in sight.
    if let Some(line) = selected_line.map(|l| l as u16)
        && (line < top || line >= top + height)
    {
        screen.scroll.start_at(line.saturating_sub(height.saturating_sub(1)).max(line.min(top)));
        top = screen.scroll.record(lines.len() as u16, height);
    }
    frame.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), area);
    if let Some(question) = &screen.asking {
        ask(&question.text, theme, area, frame);
    }
}

/// Every line at `width`, and which one holds the highlighted session.
fn lines(
    screen: &ServiceScreen,
    theme: &Theme,
    width: usize,
) -> (Vec<Line<'static>>, Option<usize>) {
    let st = &screen.status;
    let mut out = Vec::new();
    let mut fact = |label: &str, text: String, style: Style| {
        for (i, part) in wrap(&text, width.saturating_sub(LABEL + 1)).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!(" {label:<LABEL$}"), theme.label),
                Span::styled(part, style),
            ]));
        }
    };
    let (state, style) = state(st, theme);
    fact("proftpd", state, style);
    let boot = &st.start_at_boot;
    fact("at boot", format!("{} ({})", boot.state, boot.detail), theme.value);
    let drift = &st.configuration.drift;
    let (marker, style) = match drift.state {
        ConfigVerdict::Changed => ("CHANGED: ", theme.warning),
        _ => ("", theme.value),
    };
    fact("config", format!("{marker}{}", visible::line(&drift.detail)), style);
    if st.configuration.reload_pending == Some(true) {
        fact("", "changed after proftpd last read it (not reloaded yet)".into(), theme.warning);
    }
    let label = if st.listening_from == "sockets" { "listening" } else { "configured" };
    fact(label, st.listening.join(", "), theme.value);
    match &st.pending_confirmation {
        Some(p) => {
            let at = p.deadline.map_or("at its deadline".into(), |d| format!("at {}", clock(d)));
            let text = format!("WAITING: reverts {at} unless kept (backup {})", p.backup);
            fact("confirm", text, theme.warning);
        }
        None => fact("confirm", "none waiting".into(), theme.value),
    }
    match &st.newest_backup {
        Some(b) => {
            let text = format!("{}, {}", utc(b.created as i64), visible::line(&b.reason));
            fact("backup", text, theme.value);
        }
        None => fact("backup", "none".into(), theme.value),
    }
    for problem in &st.problems {
        fact("!", visible::line(problem).into_owned(), theme.error);
    }
    // The read time only while it changes on a key: auto-refresh would rewrite it each time.
    let refresh = match screen.next_refresh {
        Some(_) => "every 2 s while open (t: off)".to_owned(),
        None => format!("read at {}; r again, t every 2 s", clock(screen.read_at)),
    };
    fact("refresh", refresh, theme.muted);
    match (&screen.busy, &screen.result) {
        (Some(busy), _) => fact("now", busy.clone(), theme.info),
        (None, Some((true, text))) => fact("done", visible::line(text).into_owned(), theme.info),
        (None, Some((false, text))) => {
            fact("failed", visible::line(text).into_owned(), theme.error)
        }
        (None, None) => {}
    }
    out.push(Line::raw(""));
    let selected = sessions(screen, theme, width, &mut out);
    (out, selected)
}

fn state(st: &ServiceStatus, theme: &Theme) -> (String, Style) {
    let why = st.reason.as_deref().map(|r| format!(": {}", visible::line(r))).unwrap_or_default();
    match (st.state, st.pid) {
        (RunState::Running, Some(pid)) => {
            let up = st.uptime_seconds.map(|u| format!(", up {}", span(u))).unwrap_or_default();
            (format!("running (pid {pid}{up})"), theme.info)
        }
        (RunState::Running, None) => ("running".into(), theme.info),
        (RunState::Stopped, _) => (format!("stopped{why}"), theme.warning),
        (RunState::Failed, _) => (format!("FAILED{why}"), theme.error),
    }
}

/// The session table; returns the line of the highlighted session.
fn sessions(
    screen: &ServiceScreen,
    theme: &Theme,
    width: usize,
    out: &mut Vec<Line<'static>>,
) -> Option<usize> {
    let list = match &screen.sessions {
        Ok(list) => list,
        Err(e) => {
            let text = format!(" Sessions cannot be read: {}", visible::line(e));
            out.extend(wrap(&text, width).into_iter().map(|l| Line::styled(l, theme.error)));
            return None;
        }
    };
    let title = match list.len() {
        0 => " Sessions: none".to_owned(),
        n => format!(" Sessions: {n}"),
    };
    out.push(Line::styled(title, theme.title));
    if list.is_empty() {
        return None;
    }
    let header =
        format!("   {:<7} {:<12} {:<16} {:<10} {}", "PID", "USER", "CLIENT", "CONNECTED", "DOING");
    out.push(Line::styled(fit(&header, width, theme), theme.muted));
    let mut selected = None;
    for (i, session) in list.iter().enumerate() {
        let is_selected = i == screen.selected;
        if is_selected {
            selected = Some(out.len());
        }
        let text = row(session, screen.read_at, theme);
        let pointer = if is_selected { " > " } else { "   " };
        let style = if is_selected { theme.value_focused } else { theme.value };
        out.push(Line::styled(fit(&format!("{pointer}{text}"), width, theme), style));
        // A transfer's numbers on a line of their own.
        if let Some(transfer) = &session.transfer {
            let text = format!("{:TRANSFER$}{} {}", "", theme.symbols.arrow, progress(transfer));
            out.push(Line::styled(fit(&text, width, theme), style));
        }
    }
    selected
}

fn row(s: &Session, now: i64, theme: &Theme) -> String {
    let user = match (&s.user, s.anonymous) {
        (Some(u), true) => format!("{} (anon)", visible::line(u)),
        (Some(u), false) => visible::line(u).into_owned(),
        (None, _) => "-".into(),
    };
    let connected = span((now - s.connected_since).max(0) as u64);
    format!(
        "{:<7} {} {} {:<10} {}",
        s.pid,
        cut(&user, 12, theme),
        cut(&visible::line(&s.client_address), 16, theme),
        connected,
        command(s)
    )
}

/// `text` padded or cut to `width` characters.
fn cut(text: &str, width: usize, theme: &Theme) -> String {
    if text.chars().count() <= width {
        return format!("{text:<width$}");
    }
    let ellipsis = theme.symbols.ellipsis;
    let keep = width.saturating_sub(ellipsis.chars().count());
    format!("{}{ellipsis}", text.chars().take(keep).collect::<String>())
}

/// A table line cut to the page's width.
fn fit(text: &str, width: usize, theme: &Theme) -> String {
    cut(text, width, theme).trim_end().to_owned()
}

fn ask(text: &str, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = area.width.min(64);
    let text_lines = wrap(text, width.saturating_sub(4) as usize).len() as u16;
    let height = (text_lines + 4).min(area.height);
    let box_area = area.centered(Constraint::Length(width), Constraint::Length(height));
    let lines = vec![
        Line::raw(text.to_owned()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("[Y] Yes", theme.button),
            Span::raw("  "),
            Span::styled("[N] No", theme.button_selected),
        ]),
    ];
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(" Are you sure? ", theme.title));
    frame.render_widget(Clear, box_area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), box_area);
}

impl Draw for ServiceScreen {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.theme, area, frame);
    }
}
