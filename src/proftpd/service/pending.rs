//! A timed confirmation (`apply --confirm`) still waiting for its answer.
//!
//! Until the confirm module offers `pending_confirmation(&Paths)`, this reads the marker
//! that `apply --confirm` writes (state directory, `confirm.pending`, holding the id of
//! the backup a revert would restore). The marker records no deadline.

use serde::Serialize;

use crate::paths::Paths;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingConfirmation {
    /// The backup that is put back unless the change is confirmed.
    pub backup: String,
    /// When the change was applied (seconds since the epoch).
    pub since: Option<i64>,
    /// When it is reverted unless confirmed; `None` when not recorded.
    pub deadline: Option<i64>,
}

/// The marker `apply --confirm` keeps while it waits.
pub fn marker(paths: &Paths) -> std::path::PathBuf {
    paths.state_dir().join("confirm.pending")
}

pub fn read(paths: &Paths) -> Option<PendingConfirmation> {
    let path = marker(paths);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(PendingConfirmation {
        backup: crate::visible::line(text.trim()).into_owned(),
        since: super::status::modified(&path),
        deadline: None,
    })
}
