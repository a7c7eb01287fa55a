//! ftpconf: configure a NAS's FTP service (proftpd) the way TrueNAS's FTP screen does,
//! from a console.
//!
//! Layers, each in its own folder:
//! - [`settings`]: the settings model, validation, storage, import/export (no UI);
//! - [`proftpd`]: what ftpconf writes for proftpd and how it talks to it;
//! - [`cli`]: the command-line interface;
//! - [`tui`]: the full-screen editor (it knows nothing of the CLI).
//!
//! Above both: [`editor`] and [`demo`] wire the editor into the command line. Beside
//! them: [`paths`] (every file location), [`fsutil`] (atomic writes), [`visible`]
//! (outside text made safe to print) and [`shutdown`] (the one owner of termination
//! signals).

pub mod cli;
pub mod demo;
pub mod editor;
pub mod fsutil;
pub mod paths;
pub mod proftpd;
pub mod settings;
pub mod shutdown;
pub mod tui;
pub mod visible;
