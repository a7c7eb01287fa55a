//! ftpconf: configure a NAS's FTP service (proftpd) the way TrueNAS's FTP screen does,
//! from a console.
//!
//! Layers, each in its own folder:
//! - [`settings`]: the settings model, validation, storage, import/export (no UI);
//! - [`proftpd`]: what ftpconf writes for proftpd and how it talks to it;
//! - [`cli`]: the command-line interface;
//! - `tui`: the full-screen editor.
//!
//! Beside them: [`paths`] (every file location), [`fsutil`] (atomic writes) and [`visible`]
//! (outside text made safe to print).

pub mod cli;
pub mod fsutil;
pub mod paths;
pub mod proftpd;
pub mod settings;
pub mod tui;
pub mod visible;
