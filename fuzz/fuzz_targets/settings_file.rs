//! A settings file as an admin (or an attacker with a copy of one) might write it:
//! parsing, validation and rendering never panic; a rendering records an origin for every
//! line and no quoted value spans lines; editing in place keeps the admin's text and
//! reads back as exactly the new settings.
#![no_main]

#[path = "offline.rs"]
mod offline;

use ftpconf::proftpd::{Facts, render, validate};
use ftpconf::settings::{Settings, store};
use libfuzzer_sys::fuzz_target;
use offline::system;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Include targets are files on this machine: not what this target explores.
    if text.contains("Include") {
        return;
    }
    let Ok(old) = store::parse(text, "fuzz") else { return };
    let report = validate(&old, system());
    if !report.has_errors() {
        let rendered = render(&old, &Facts::gather(&old, system()));
        assert_eq!(rendered.config.lines().count(), rendered.origins.len());
    }
    let new = Settings { port: if old.port == 2121 { 2122 } else { 2121 }, ..old.clone() };
    if let Some(edited) = store::edit_in_place(text, &old, &new) {
        let back = store::parse(&edited, "fuzz edited").expect("an edit reads back");
        assert_eq!(back, new);
    }
});
