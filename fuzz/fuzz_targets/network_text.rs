//! What the network and proftpd's files hand ftpconf: FTP replies (PASV/EPSV), lines of
//! the data-connection log, the scoreboard's bytes. Nothing panics, nothing grows without
//! bound, and text made visible for the terminal holds no control character.
#![no_main]

use ftpconf::proftpd::doctor::client::{parse_epsv, parse_pasv};
use ftpconf::proftpd::doctor::passive_log::Tracker;
use ftpconf::proftpd::service::scoreboard;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = scoreboard::parse(data);
    let text = String::from_utf8_lossy(data);
    let _ = parse_epsv(&text);
    let _ = parse_pasv(&text);
    let mut tracker = Tracker::default();
    for line in text.lines() {
        if let Some(unused) = tracker.feed(line) {
            assert!(!unused.text.chars().any(|c| c.is_control()), "{:?}", unused.text);
        }
    }
    let shown = ftpconf::visible::line(&text);
    assert!(!shown.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)));
});
