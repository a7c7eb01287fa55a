//! The FTP service itself: is it running, will it start at boot, who is connected, and
//! starting, stopping and kicking. A library API (nothing here prints) shared by the
//! command line and the editor.
//!
//! - [`status()`]: everything `ftpconf status` shows, as a [`ServiceStatus`]; [`brief()`]:
//!   the cheap part of it for a title line (running, sessions, pending confirmation).
//! - [`sessions()`]: the connected clients from proftpd's scoreboard.
//! - [`kick()`]: ends sessions (SIGTERM, then SIGKILL after a grace period), only processes
//!   that are session children of the verified proftpd master.
//! - [`control`]: start, stop, restart, enable, disable (systemd when it manages
//!   proftpd.service, else the PidFile).

pub mod control;
pub mod drift;
pub mod kick;
mod log;
pub mod pending;
pub mod process;
pub mod scoreboard;
pub mod sessions;
pub mod status;
pub mod systemd;
pub mod text;

pub use control::{Action, perform};
pub use kick::{KickOutcome, KickResult, Target, kick};
pub use sessions::{Activity, Session, Transfer, sessions};
pub use status::{Brief, Health, RunState, ServiceStatus, brief, status};
