//! No safety net, no change: when the confirmation watchdog cannot be started, an apply
//! with confirmation is refused before anything is installed. (Its own test binary: it
//! points the process-wide watchdog program at something that is not ftpconf.)

mod common;

use common::apply::greets;
use common::{Sandbox, free_port, proftpd_binary};
use ftpconf::proftpd::apply::{self, Step, Verdict};

#[test]
fn an_apply_whose_watchdog_cannot_start_is_refused_and_changes_nothing() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let old = sandbox.settings();
    let server = sandbox.serve(&old);
    let before = sandbox.live_config();
    let mut new = old.clone();
    new.port = u32::from(free_port());
    sandbox.save_settings(&new);
    // A program that exits at once without saying "armed".
    apply::set_watchdog_program("/bin/true");
    let outcome = apply::run_pending(&sandbox.request(), &mut |_| {}).err().expect("refused");
    assert_eq!(outcome.verdict, Verdict::Refused, "{outcome:#?}");
    assert_eq!(outcome.failed, Some(Step::Install));
    assert!(outcome.message.contains("cannot start the confirmation watchdog"), "{outcome:#?}");
    assert!(!outcome.steps.iter().any(|s| s.step == Step::Install), "installed anyway");
    assert_eq!(sandbox.live_config(), before);
    assert!(apply::pending_confirmation(&sandbox.paths).is_none(), "a marker was left");
    assert!(greets(server.port));
}
