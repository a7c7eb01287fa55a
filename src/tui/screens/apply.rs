//! The Apply page: each step with its mark and time as it finishes, then the outcome
//! (or the "Keep these settings?" question of a timed apply).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::proftpd::apply::{Step, Verdict};
use crate::tui::apply::{ApplyMode, ApplyScreen, Ending, Phase, StepLine};
use crate::tui::page::{Draw, Look};
use crate::tui::theme::Theme;
use crate::tui::view::wrap;
use crate::visible;

pub fn draw(screen: &ApplyScreen, timings: bool, theme: &Theme, area: Rect, frame: &mut Frame) {
    let title = match screen.mode {
        ApplyMode::Plain => " Save and apply ",
        ApplyMode::Confirm => " Save and apply, with confirmation ",
    };
    let block = Block::bordered()
        .border_set(theme.symbols.border)
        .border_style(theme.border_focused)
        .title(Line::styled(title, theme.title));
    let lines = lines(screen, theme, area.width.saturating_sub(2), timings);
    let top = screen.scroll.record(lines.len() as u16, area.height.saturating_sub(2));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((top, 0)), area);
}

/// Every line of the page at `width`; `timings` off hides durations (stable snapshots).
pub fn lines(screen: &ApplyScreen, theme: &Theme, width: u16, timings: bool) -> Vec<Line<'static>> {
    let width = width as usize;
    let mut lines: Vec<Line> = screen.steps.iter().map(|l| step_line(l, theme, timings)).collect();
    for note in &screen.notes {
        for text in wrap(&visible::line(note), width.saturating_sub(6)) {
            lines.push(Line::styled(format!("      {text}"), theme.muted));
        }
    }
    lines.push(Line::raw(""));
    let mut paragraph = |text: &str, style: Style, indent: usize| {
        for text in wrap(text, width.saturating_sub(indent + 1)) {
            lines.push(Line::styled(format!("{}{text}", " ".repeat(indent)), style));
        }
    };
    match &screen.phase {
        Phase::Running => paragraph(&waiting(screen, timings), theme.info, 1),
        Phase::Reverting => {
            let waited = seconds(screen.waited, timings);
            paragraph(&format!("Putting the previous configuration back{waited}..."), theme.info, 1)
        }
        Phase::Confirming { clock, .. } => {
            paragraph("Applied. Check that FTP works as you meant it to.", theme.info, 1);
            paragraph(
                &format!("Keep these settings? Reverting at {clock} unless confirmed."),
                theme.title,
                1,
            );
            paragraph(
                "k or Enter: keep them.   r or Esc: put the previous ones back now.",
                theme.help,
                1,
            );
        }
        Phase::Done(end) => ending(end, theme, timings, &mut paragraph),
    }
    lines
}

/// What the running apply waits for, and for how long; whether Esc still stops it.
fn waiting(screen: &ApplyScreen, timings: bool) -> String {
    let waited = seconds(screen.waited, timings);
    let what = screen.running_step().map_or("the next step", |s| s.title());
    if screen.installing() {
        format!("Waiting for: {what}{waited}. Files are being installed: this cannot be cancelled.")
    } else if screen.cancelling {
        format!("Cancelling: waiting for {what} to stop{waited}.")
    } else {
        format!("Waiting for: {what}{waited}. Esc or Ctrl-C cancels (nothing is installed yet).")
    }
}

/// " (N s)", or nothing without timings (stable snapshots).
fn seconds(waited: u64, timings: bool) -> String {
    if timings { format!(" ({waited} s)") } else { String::new() }
}

fn ending(end: &Ending, theme: &Theme, timings: bool, out: &mut impl FnMut(&str, Style, usize)) {
    if (end.verdict, end.confirmed) == (Verdict::RolledBack, Some(false)) {
        // The user's own choice (or no answer): one line, no log to wade through.
        let what = end.message.trim_start_matches("not confirmed: ");
        out(&format!("Not confirmed: {what}."), theme.warning, 1);
        return;
    }
    if end.verdict == Verdict::Applied {
        let what = end.message.trim_start_matches("applied: ");
        let line = match (end.confirmed, timings) {
            (Some(true), _) => format!("Kept: {what}."),
            (_, true) => format!("Applied: {what} ({} ms in all).", end.total.as_millis()),
            (_, false) => format!("Applied: {what}."),
        };
        out(&line, theme.info, 1);
        return;
    }
    let (heading, style) = match (end.verdict, end.confirmed) {
        (Verdict::Applied, _) => unreachable!("handled above"),
        (Verdict::Invalid, _) => {
            ("Not applied: the settings are invalid. Nothing was changed.".to_owned(), theme.error)
        }
        (Verdict::Refused, _) => ("Refused: nothing was changed.".to_owned(), theme.error),
        (Verdict::RolledBack, _) => (
            "Failed and rolled back: the previous configuration serves again.".to_owned(),
            theme.error,
        ),
        (Verdict::Broken, _) => (
            "FTP MAY BE DOWN: the previous configuration could not be brought back.".to_owned(),
            theme.alarm,
        ),
    };
    out(&heading, style, 1);
    // Validation problems are the message, one per line; show them once, as a list.
    if end.problems.is_empty() {
        out(&visible::text(&end.message), style, 1);
    }
    for problem in &end.problems {
        out(&format!("! {}", visible::line(problem)), theme.error, 1);
    }
    if end.confirmed.is_none() {
        out(
            "The settings file is saved; what serves is unchanged until an apply succeeds.",
            theme.help,
            1,
        );
    }
    if end.foreign {
        out("Replace the hand-written proftpd.conf? A copy is kept.", theme.title, 1);
        out("y: replace it and apply.   Esc: leave it as it is.", theme.help, 1);
    }
    if !end.log.is_empty() {
        out("proftpd's log since the apply began:", theme.title, 1);
        for line in &end.log {
            out(&visible::line(line), theme.muted, 2);
        }
    }
}

fn step_line(line: &StepLine, theme: &Theme, timings: bool) -> Line<'static> {
    let s = &theme.symbols;
    let width = [s.step_ok, s.step_failed, s.step_running]
        .map(|m| m.chars().count())
        .into_iter()
        .max()
        .unwrap_or(1);
    let title = Step::ALL.iter().map(|s| s.title().chars().count()).max().unwrap_or(34);
    let (mark, style) = match &line.report {
        None => (s.step_running, theme.muted),
        Some(r) if r.ok => (s.step_ok, theme.info),
        Some(_) => (s.step_failed, theme.error),
    };
    let time = match (&line.report, timings) {
        (Some(r), true) => format!("{:>4} ms", r.elapsed.as_millis()),
        _ => " ".repeat(7),
    };
    // A failure's detail is the error, shown in full with the outcome.
    let detail =
        line.report.as_ref().filter(|r| r.ok).map(|r| visible::line(&r.detail).into_owned());
    let detail = detail.unwrap_or_default();
    Line::from(vec![
        Span::styled(format!(" {mark:<width$} "), style),
        Span::raw(format!("{:<title$} ", line.step.title())),
        Span::styled(time, theme.muted),
        Span::raw(format!("  {detail}")),
    ])
}

impl Draw for ApplyScreen {
    fn draw(&self, look: &Look, area: Rect, frame: &mut Frame) {
        draw(self, look.timings, look.theme, area, frame);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::proftpd::apply::StepReport;

    fn done(verdict: Verdict, failed: Step, log: &[&str]) -> ApplyScreen {
        let report = |step, ok| StepReport {
            step,
            ok,
            elapsed: Duration::from_millis(3),
            detail: if ok { "fine".into() } else { "it broke".into() },
        };
        ApplyScreen {
            mode: ApplyMode::Plain,
            steps: vec![
                StepLine { step: Step::Lock, report: Some(report(Step::Lock, true)) },
                StepLine { step: failed, report: Some(report(failed, false)) },
            ],
            notes: vec![],
            phase: Phase::Done(Ending {
                verdict,
                message: "verify failed: proftpd exited after the reload".into(),
                problems: vec![],
                log: log.iter().map(|l| l.to_string()).collect(),
                total: Duration::from_millis(6),
                confirmed: None,
                foreign: false,
            }),
            scroll: Default::default(),
            quit_after: false,
            waiting_since: std::time::Instant::now(),
            waited: 0,
            cancelling: false,
        }
    }

    fn text(lines: &[Line]) -> String {
        lines.iter().map(|l| l.to_string() + "\n").collect()
    }

    #[test]
    fn a_rollback_names_the_failed_step_and_shows_proftpds_log() {
        let theme = Theme::new(true, true);
        let screen = done(Verdict::RolledBack, Step::Verify, &["fatal: Port 99999 is bad"]);
        let shown = text(&lines(&screen, &theme, 78, true));
        assert!(shown.contains(" ok   take the apply lock"), "{shown}");
        assert!(shown.contains(" FAIL proftpd serves the new config"), "{shown}");
        assert!(!shown.contains("it broke"), "the error is shown once, with the outcome");
        assert!(shown.contains("Failed and rolled back"), "{shown}");
        assert!(shown.contains("proftpd's log since the apply began:\n  fatal: Port 99999"));
    }

    #[test]
    fn broken_is_loud() {
        let theme = Theme::color();
        let screen = done(Verdict::Broken, Step::Recover, &[]);
        let all = lines(&screen, &theme, 78, false);
        let alarm = all.iter().find(|l| l.to_string().contains("FTP MAY BE DOWN")).unwrap();
        assert_eq!(alarm.style, theme.alarm);
        assert!(!text(&all).contains(" ms"), "timings hidden");
    }

    #[test]
    fn a_running_apply_says_what_it_waits_for_and_whether_esc_still_stops_it() {
        let theme = Theme::new(true, true);
        let mut screen = done(Verdict::Applied, Step::Render, &[]);
        screen.phase = Phase::Running;
        screen.steps.push(StepLine { step: Step::ConfigTest, report: None });
        screen.waited = 3;
        let shown = text(&lines(&screen, &theme, 78, true));
        assert!(shown.contains("Waiting for: proftpd -t on the new config (3 s)."), "{shown}");
        assert!(shown.contains("Esc or Ctrl-C cancels"), "{shown}");
        screen.cancelling = true;
        let shown = text(&lines(&screen, &theme, 78, true));
        assert!(shown.contains("Cancelling: waiting for proftpd -t on the new config"));
        screen.steps.push(StepLine { step: Step::Install, report: None });
        let shown = text(&lines(&screen, &theme, 78, true));
        assert!(shown.contains("this cannot be cancelled"), "{shown}");
        assert!(screen.installing());
    }

    #[test]
    fn a_refusal_over_a_hand_written_file_asks_to_replace_it() {
        let theme = Theme::new(true, true);
        let mut screen = done(Verdict::Refused, Step::Render, &[]);
        let shown = text(&lines(&screen, &theme, 78, false));
        assert!(!shown.contains("Replace the hand-written"), "{shown}");
        if let Phase::Done(end) = &mut screen.phase {
            end.foreign = true;
        }
        let shown = text(&lines(&screen, &theme, 78, false));
        assert!(shown.contains("Replace the hand-written proftpd.conf? A copy is kept."));
        assert!(shown.contains("y: replace it and apply."), "{shown}");
    }
}
