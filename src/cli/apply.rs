//! `ftpconf apply`, `backups` and `rollback`: the apply steps as a live list.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::{Cli, Command, Status};
use crate::proftpd::apply::{self, Outcome, Progress, Request, StepReport, Unconfirmed, Verdict};
use crate::visible;

/// Prints steps as they run: "  ✓ take the apply lock      0 ms  held by pid 1".
pub struct StepPrinter {
    ascii: bool,
    /// Whether "started" lines are shown (then overwritten): only on a terminal.
    live: bool,
    open: bool,
    held_notes: Vec<String>,
}

impl StepPrinter {
    pub fn new(cli: &Cli) -> StepPrinter {
        StepPrinter {
            ascii: cli.ascii || !utf8_locale(),
            live: std::io::stdout().is_terminal(),
            open: false,
            held_notes: Vec::new(),
        }
    }

    pub fn show(&mut self, event: &Progress) {
        let mut out = std::io::stdout().lock();
        match event {
            Progress::Started(step) => {
                if self.live {
                    let _ =
                        write!(out, "  {} {}", if self.ascii { "-" } else { "…" }, step.title());
                }
                self.open = true;
            }
            Progress::Finished(report) => {
                let line = self.line(report);
                // On a terminal the "started" line is overwritten (padded to its width).
                let cr = if self.live { "\r" } else { "" };
                let _ = writeln!(out, "{cr}{line:<40}");
                self.open = false;
                for note in self.held_notes.drain(..) {
                    let _ = writeln!(out, "      {}", visible::line(&note));
                }
            }
            Progress::Note(note) if self.open => self.held_notes.push(note.clone()),
            Progress::Note(note) => {
                let _ = writeln!(out, "      {}", visible::line(note));
            }
        }
        let _ = out.flush();
    }

    fn line(&self, r: &StepReport) -> String {
        let mark = match (r.ok, self.ascii) {
            (true, false) => "✓",
            (false, false) => "✗",
            (true, true) => "+",
            (false, true) => "X",
        };
        // A failure's detail is the error; it is printed in full with the outcome.
        let detail = if r.ok { visible::line(&r.detail) } else { "".into() };
        let ms = r.elapsed.as_secs_f64() * 1000.0;
        format!("  {mark} {:<34} {ms:>5.0} ms  {detail}", r.step.title()).trim_end().to_owned()
    }
}

fn utf8_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            v.to_ascii_uppercase().contains("UTF-8") || v.to_ascii_uppercase().contains("UTF8")
        })
}

pub fn request(cli: &Cli, start: bool) -> Request {
    let mut request = Request::new(cli.paths(), cli.settings_file());
    request.start = start;
    request.replace_foreign = matches!(
        cli.command,
        Some(
            Command::Apply(crate::cli::automation::ApplyArgs { replace_foreign: true, .. })
                | Command::Rollback { replace_foreign: true, .. }
        )
    );
    request
}

/// Prints the outcome and turns it into an exit status.
pub fn report(outcome: &Outcome) -> Status {
    let total: Duration = outcome.steps.iter().map(|s| s.elapsed).sum();
    match outcome.verdict {
        Verdict::Applied => {
            println!("{} ({} ms in all)", visible::text(&outcome.message), total.as_millis())
        }
        _ => {
            // Messages quote proftpd and file names, which may hold anything.
            eprintln!("ftpconf: {}", visible::text(&outcome.message));
            if !outcome.log.is_empty() {
                // proftpd logs what remote clients send (USER ...): never print it raw.
                eprintln!("proftpd's log since the apply began:");
                outcome.log.iter().for_each(|l| eprintln!("  {}", visible::line(l)));
            }
            if matches!(outcome.verdict, Verdict::Invalid | Verdict::Refused)
                && !outcome.needs_attention
            {
                eprintln!("ftpconf: nothing was changed");
            }
        }
    }
    if outcome.needs_attention {
        return Status::Interrupted;
    }
    status_of(outcome.verdict)
}

pub fn status_of(verdict: Verdict) -> Status {
    match verdict {
        Verdict::Applied => Status::Ok,
        Verdict::Invalid => Status::Invalid,
        Verdict::Refused => Status::Refused,
        Verdict::RolledBack => Status::RolledBack,
        Verdict::Broken => Status::Broken,
    }
}

/// `ftpconf apply [--start] [--confirm SECONDS [--detach]]`.
pub fn apply(cli: &Cli, start: bool, confirm: Option<u64>, detach: bool) -> Status {
    let mut request = request(cli, start);
    let mut printer = StepPrinter::new(cli);
    let Some(seconds) = confirm else {
        let outcome = apply::run(&request, &mut |e| printer.show(e));
        return report(&outcome);
    };
    // Ctrl-C/SIGTERM from here on mean "do not keep it": caught before the apply starts,
    // so a signal during the apply itself also ends in a revert, never in a kill.
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        let _ = signal_hook::flag::register(signal, Arc::clone(&interrupted));
    }
    request.confirm_within = Duration::from_secs(seconds);
    let pending = match apply::run_pending(&request, &mut |e| printer.show(e)) {
        Ok(pending) => pending,
        Err(outcome) => {
            // Nothing to confirm: unchanged (the files serve already), or refused/failed.
            let status = report(&outcome);
            if outcome.verdict == Verdict::Applied {
                println!("{}", changed_word(outcome.changed()));
            }
            return status;
        }
    };
    println!("{}", pending.outcome().message);
    let backup = pending.backup().id().to_owned();
    if detach {
        // Left to the watchdog, which already owns the deadline.
        let until = pending.deadline().map(time::OffsetDateTime::from).map_or_else(
            || "the deadline".to_owned(),
            |t| format!("{} {:02}:{:02}:{:02} UTC", t.date(), t.hour(), t.minute(), t.second()),
        );
        drop(pending);
        println!(
            "pending: keep it with `ftpconf confirm` before {until}; otherwise backup {backup} is \
             put back then (`ftpconf revert` does it now)"
        );
        println!("{}", changed_word(true));
        return Status::Ok;
    }
    // Held where the editor holds its own (one registry for every pending apply).
    let held = Unconfirmed::default();
    held.put(pending);
    println!(
        "Keep this configuration? Press Enter or type y within {seconds} s; anything else, \
         end of input or no answer puts backup {backup} back. From another shell: \
         `ftpconf confirm` keeps it, `ftpconf revert` undoes it; if this ftpconf dies, a \
         watchdog undoes it at the deadline."
    );
    let paths = request.paths.clone();
    let waiting = || apply::pending_confirmation(&paths).is_some_and(|p| p.backup_id == backup);
    let keep = wait_for_confirmation(Duration::from_secs(seconds), &interrupted, &waiting);
    let Some(pending) = held.take() else { return Status::Broken };
    if keep || !waiting() {
        // Kept here, or settled from another shell meanwhile (then the outcome says how).
        let outcome = pending.confirm();
        if keep && outcome.verdict == Verdict::Applied {
            println!("confirmed: keeping the new configuration");
        } else {
            println!("{}", outcome.message);
        }
        // Settled elsewhere as "put back": the live state is what it was.
        println!("{}", changed_word(outcome.verdict == Verdict::Applied));
        status_of(outcome.verdict)
    } else {
        println!("not confirmed: putting the previous configuration back");
        let outcome = pending.revert(&mut |e| printer.show(e));
        let status = status_of(outcome.verdict);
        if outcome.verdict == Verdict::RolledBack {
            println!("{}", outcome.message);
            println!("{}", changed_word(false));
        } else {
            report(&outcome);
        }
        status
    }
}

/// The last line of a state-changing command (docs/automation.md): whether the live
/// state is now different from before it ran.
fn changed_word(changed: bool) -> &'static str {
    if changed { "changed" } else { "unchanged" }
}

/// Reads one line from stdin (a terminal or not) within `timeout`: Enter, "y" or "yes"
/// confirm; anything else, end of input, the timeout, Ctrl-C or SIGTERM do not (the
/// signals then revert at once instead of killing ftpconf mid-wait).
/// Also ends (false) when `waiting` says it was settled from another shell.
fn wait_for_confirmation(
    timeout: Duration,
    interrupted: &AtomicBool,
    waiting: &dyn Fn() -> bool,
) -> bool {
    let (tx, rx) = mpsc::channel();
    // The reader may outlive the wait; a blocked stdin read cannot be cancelled.
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        let _ = tx.send(match read {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line),
        });
    });
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline && !interrupted.load(Ordering::Relaxed) && waiting() {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(line)) => {
                return matches!(line.trim().to_ascii_lowercase().as_str(), "" | "y" | "yes");
            }
            Ok(None) | Err(mpsc::RecvTimeoutError::Disconnected) => return false,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    false
}

/// `ftpconf backups`.
pub fn backups(cli: &Cli) -> Status {
    let all = apply::backups(&cli.paths());
    if all.is_empty() {
        println!("no backups yet in {}", cli.paths().backup_dir().display());
        return Status::Ok;
    }
    println!("{:<24} {:<24} {:>6}  REASON", "ID", "TIME", "PORT");
    for backup in &all {
        let port = backup.manifest.port.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
        // A backup another user could have written is listed, flagged, and never used.
        let flag = match backup.check_trusted() {
            Ok(()) => String::new(),
            Err(why) => format!("  [NOT USED: {}]", visible::line(&why)),
        };
        println!(
            "{:<24} {:<24} {port:>6}  {}{flag}",
            visible::line(backup.id()),
            backup.time(),
            visible::line(&backup.manifest.reason)
        );
    }
    if std::io::stdout().is_terminal() {
        println!("`ftpconf rollback` puts the newest back; `ftpconf rollback ID` a given one.");
    }
    Status::Ok
}

/// `ftpconf rollback [ID]`.
pub fn rollback(cli: &Cli, id: Option<&str>, start: bool) -> Status {
    let request = request(cli, start);
    let mut printer = StepPrinter::new(cli);
    let outcome = apply::rollback(&request, id, &mut |e| printer.show(e));
    report(&outcome)
}

/// `ftpconf recover [--discard-journal]`.
pub fn recover(cli: &Cli, discard_journal: bool) -> Status {
    let request = request(cli, false);
    let mut printer = StepPrinter::new(cli);
    let outcome = if discard_journal {
        apply::discard_journal(&request, &mut |e| printer.show(e))
    } else {
        apply::recover_now(&request, &mut |e| printer.show(e))
    };
    report(&outcome)
}
