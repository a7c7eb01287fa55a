//! A timed confirmation (`apply --confirm`, the editor's `c`) still waiting for its answer,
//! as the apply layer records it.

use serde::Serialize;

use crate::paths::Paths;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingConfirmation {
    /// The backup that is put back unless the change is confirmed.
    pub backup: String,
    /// When the change was applied (seconds since the epoch), from the marker's time.
    pub since: Option<i64>,
    /// When the watchdog reverts it unless confirmed (seconds since the epoch).
    pub deadline: Option<i64>,
}

pub fn read(paths: &Paths) -> Option<PendingConfirmation> {
    let info = crate::proftpd::apply::pending_confirmation(paths)?;
    let epoch = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() as i64)
    };
    Some(PendingConfirmation {
        backup: crate::visible::line(&info.backup_id).into_owned(),
        since: super::status::modified(&paths.state_dir().join("confirm.pending")),
        deadline: epoch(info.deadline),
    })
}
