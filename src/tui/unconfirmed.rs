//! Applies waiting for "Keep these settings?". Each editor keeps its own here; a signal
//! handler that is about to exit (SIGTERM, or SIGHUP when the SSH session drops — the
//! very case timed confirmation exists for) reverts them all first, as `ftpconf apply
//! --confirm` does, instead of leaving an unconfirmed configuration serving.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::proftpd::apply::{Pending, Verdict};

type Slot = Arc<Mutex<Option<Pending>>>;

/// Every editor's slot (weakly: an editor that is gone has nothing to revert).
static ALL: Mutex<Vec<Weak<Mutex<Option<Pending>>>>> = Mutex::new(Vec::new());

/// One editor's apply waiting for confirmation, if any.
pub struct Unconfirmed(Slot);

impl Default for Unconfirmed {
    fn default() -> Unconfirmed {
        let slot = Slot::default();
        let mut all = ALL.lock().unwrap_or_else(PoisonError::into_inner);
        all.retain(|weak| weak.strong_count() > 0);
        all.push(Arc::downgrade(&slot));
        Unconfirmed(slot)
    }
}

impl Unconfirmed {
    pub fn put(&self, pending: Pending) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(pending);
    }

    pub fn take(&self) -> Option<Pending> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Puts the previous configuration back for every apply still waiting for confirmation;
/// returns what happened, one line each (for stderr, if it is still there).
pub fn revert_all() -> Vec<String> {
    let slots: Vec<Slot> = ALL
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    let mut lines = Vec::new();
    for slot in slots {
        let pending = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(pending) = pending {
            let outcome = pending.revert(&mut |_| {});
            let word = if outcome.verdict == Verdict::RolledBack { "" } else { "FAILED: " };
            lines.push(format!("ftpconf: not confirmed: {word}{}", outcome.message));
        }
    }
    lines
}
