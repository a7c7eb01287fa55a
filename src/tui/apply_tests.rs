//! The Apply page's questions, with the App that answers them.

use super::*;
use crate::proftpd::apply::Step;
use crate::tui::effect::Effect;
use crate::tui::keys::Action;
use crate::tui::page::Page;
use crate::tui::{Environment, Theme};

/// The pipeline's typed refusal (`Outcome::foreign`, tested in apply/foreign.rs: the
/// check only guards the real root) becomes the page's question; `y` runs the same
/// apply again with `replace_foreign`.
#[test]
fn a_refusal_over_a_hand_written_file_offers_to_replace_it() {
    let dir = tempfile::tempdir().unwrap();
    let paths = crate::paths::Paths::new(dir.path());
    let env = Environment::new(&paths, &paths.settings_file());
    let app = App::new(env, crate::settings::Settings::default(), Theme::color());
    assert!(!app.request(false).replace_foreign);
    assert!(app.request(true).replace_foreign);

    let mut outcome = Outcome {
        verdict: Verdict::Refused,
        steps: vec![],
        failed: Some(Step::Render),
        message: "/etc/proftpd/proftpd.conf was not written by ftpconf".into(),
        problems: vec![],
        notes: vec![],
        log: vec![],
        backup: None,
        serving: true,
        needs_attention: false,
        foreign: false,
        settings_put_back: false,
    };
    let plain = ending(&outcome, None);
    outcome.foreign = true;
    let mut screen = ApplyScreen {
        mode: ApplyMode::Confirm,
        steps: vec![StepLine { step: Step::Render, report: None }],
        notes: vec![],
        phase: Phase::Done(plain),
        scroll: Scroll::default(),
        quit_after: false,
        waiting_since: Instant::now(),
        waited: 0,
        cancelling: false,
    };
    let around = app.around();
    assert_eq!(screen.update(Action::Yes, &around), Effect::None, "not asked: nothing");
    screen.phase = Phase::Done(ending(&outcome, None));
    assert!(screen.foreign());
    assert_eq!(screen.update(Action::Yes, &around), Effect::ReplaceForeign);
}
