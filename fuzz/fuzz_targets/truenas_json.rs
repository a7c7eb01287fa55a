//! A TrueNAS `ftp.config` export from elsewhere (a trust boundary): the import never
//! panics, and what it accepts validates without panicking.
#![no_main]

#[path = "offline.rs"]
mod offline;

use ftpconf::proftpd::validate;
use ftpconf::settings::{Settings, truenas};
use libfuzzer_sys::fuzz_target;
use offline::system;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.contains("Include") {
        return;
    }
    if let Ok(imported) = truenas::import(text, &Settings::default()) {
        let _ = validate(&imported.settings, system());
        let again =
            truenas::import(&truenas::export(&imported.settings).to_string(), &Settings::default())
                .expect("an export imports again");
        assert_eq!(again.settings, imported.settings);
    }
});
