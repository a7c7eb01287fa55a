//! ftpconf: configure a NAS's FTP service (proftpd) the way TrueNAS's FTP screen does,
//! from a console.
//!
//! Layers, each in its own folder:
//! - [`settings`]: the settings model, validation, storage, import/export (no UI);
//! - [`proftpd`]: what ftpconf writes for proftpd and how it talks to it;
//! - [`cli`]: the command-line interface;
//! - `tui`: the full-screen editor.

pub mod cli;
pub mod fsutil;
pub mod paths;
pub mod proftpd;
pub mod settings;
pub mod tui;
