//! Applies waiting for confirmation in this process, reverted when it is about to exit.
//!
//! The editor and `apply --confirm` keep their [`Pending`] here. A signal handler that is
//! about to exit (SIGTERM, or SIGHUP when the SSH session drops — the very case timed
//! confirmation exists for) calls [`revert_all`] first. An apply of this process that is
//! still running (reload, verify) has no [`Pending`] yet: its watchdog is told to revert
//! as soon as this process has let go of the apply lock. Whatever is missed here (a
//! `kill -9`) the watchdog reverts at the deadline.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use super::confirm_marker as marker;
use super::{Pending, Verdict, watchdog};
use crate::paths::Paths;

type Slot = Arc<Mutex<Option<Pending>>>;

/// Every holder's slot (weakly: a holder that is gone has nothing to revert).
static ALL: Mutex<Vec<Weak<Mutex<Option<Pending>>>>> = Mutex::new(Vec::new());

/// The state directories of this process's applies, for [`revert_all`].
static ROOTS: Mutex<Vec<Paths>> = Mutex::new(Vec::new());

/// One holder's apply waiting for confirmation, if any.
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

    /// The backup of the apply held here, if any (it stays held).
    pub fn backup_id(&self) -> Option<String> {
        let slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref().map(|p| p.backup().id().to_owned())
    }
}

/// Remembers that this process applies under `paths` (called when a watchdog is armed).
pub(crate) fn note_root(paths: &Paths) {
    let mut roots = ROOTS.lock().unwrap_or_else(PoisonError::into_inner);
    if !roots.contains(paths) {
        roots.push(paths.clone());
    }
}

/// Puts the previous configuration back for every apply of this process still waiting
/// for confirmation; returns what happened, one line each (for stderr, if it is still
/// there).
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
    let roots = ROOTS.lock().unwrap_or_else(PoisonError::into_inner).clone();
    for paths in roots {
        let Some(record) = marker::read(&paths) else { continue };
        if record.starter_pid != std::process::id() {
            continue;
        }
        if let Some(pid) = record.watchdog_pid {
            watchdog::revert_now(pid);
            lines.push(format!(
                "ftpconf: not confirmed: the apply was still running; its watchdog (pid {pid}) \
                 puts backup {} back once this ftpconf has exited",
                record.backup
            ));
        }
    }
    lines
}
