//! `ftpconf confirm`, `ftpconf revert` (from any shell, for an apply waiting for
//! confirmation) and the hidden `ftpconf __watchdog` that reverts it at the deadline.

use std::io::Write;

use super::apply::{StepPrinter, status_of};
use super::{Cli, Status};
use crate::proftpd::apply::{self, Verdict};

/// `ftpconf confirm` (keep) or `ftpconf revert` (undo now). Nothing pending: exit 3.
pub fn settle(cli: &Cli, keep: bool) -> Status {
    let paths = cli.paths();
    let mut printer = StepPrinter::new(cli);
    let Some(outcome) = apply::settle_pending(&paths, keep, &mut |e| printer.show(e)) else {
        let what = if keep { "confirm" } else { "revert" };
        eprintln!(
            "ftpconf: nothing to {what}: no apply is waiting for confirmation under {}",
            paths.state_dir().display()
        );
        return Status::Refused;
    };
    match outcome.verdict {
        Verdict::Applied | Verdict::RolledBack => {
            println!("changed\n{}", crate::visible::text(&outcome.message));
            Status::Ok
        }
        _ => {
            eprintln!("ftpconf: {}", outcome.message);
            outcome.log.iter().for_each(|l| eprintln!("  {l}"));
            status_of(outcome.verdict)
        }
    }
}

/// `ftpconf __watchdog BACKUP`: started by an apply waiting for confirmation; its
/// stderr is STATE/confirm.log.
pub fn watchdog(cli: &Cli, backup: &str) -> Status {
    let said = apply::run_watchdog(&cli.paths(), backup);
    let at = time::OffsetDateTime::now_utc();
    let mut log = std::io::stderr().lock();
    let _ = writeln!(
        log,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC watchdog pid {}: {said}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        std::process::id()
    );
    Status::Ok
}
