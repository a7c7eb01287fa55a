//! A TrueNAS `ftp.config` export from elsewhere (a trust boundary): the import never
//! panics, and what it accepts validates without panicking.
#![no_main]

use std::sync::OnceLock;

use ftpconf::paths::Paths;
use ftpconf::proftpd::{System, validate};
use ftpconf::settings::{Settings, truenas};
use libfuzzer_sys::fuzz_target;

fn system() -> &'static System {
    static SYSTEM: OnceLock<System> = OnceLock::new();
    SYSTEM.get_or_init(|| System::new(Paths::new("/nonexistent-ftpconf-fuzz")).offline())
}

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
