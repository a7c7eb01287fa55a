//! How service facts read for people, shared by `ftpconf status`/`sessions` and the
//! editor's Service screen. Client-chosen text is escaped ([`crate::visible::line`]).

use super::sessions::{Activity, Session, Transfer};
use crate::visible;

/// "2026-11-28 23:05:45 UTC".
pub fn utc(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!(
            "{}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => format!("@{secs}"),
    }
}

/// "23:05:45 UTC": the time of day only (a deadline minutes away).
pub fn clock(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!("{:02}:{:02}:{:02} UTC", t.hour(), t.minute(), t.second()),
        Err(_) => format!("@{secs}"),
    }
}

/// "3 d 4 h", "1 h 5 min", "4 min 3 s", "12 s".
pub fn span(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => format!("{m} min {s} s"),
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

/// "alice@192.0.2.7 (pid 42)".
pub fn who(s: &Session) -> String {
    format!("{} (pid {})", user_at(s), s.pid)
}

/// "alice@192.0.2.7" ("(logging in)@…" before the login).
pub fn user_at(s: &Session) -> String {
    let user = s.user.as_deref().map_or("(logging in)".into(), |u| visible::line(u).into_owned());
    format!("{user}@{}", visible::line(&s.client_address))
}

/// What the session does: "idle 12 s", "LIST /pub", "RETR big.bin (1024 B 3% 128 KiB/s)".
pub fn doing(s: &Session) -> String {
    let what = || {
        let arg =
            s.argument.as_deref().map(|a| format!(" {}", visible::line(a))).unwrap_or_default();
        format!("{}{arg}", visible::line(s.command.as_deref().unwrap_or("")))
    };
    match s.activity {
        Activity::Authenticating => "logging in".into(),
        Activity::Idle => format!("idle {}", span(s.idle_seconds.unwrap_or(0))),
        Activity::Command => what(),
        Activity::Download | Activity::Upload => {
            let t = s.transfer.as_ref();
            let bytes = t.map_or(0, |t| t.bytes);
            let percent = t.and_then(|t| t.percent).map(|p| format!(" {p}%")).unwrap_or_default();
            let rate = t
                .and_then(|t| t.bytes_per_second)
                .map(|r| format!(" {} KiB/s", r / 1024))
                .unwrap_or_default();
            format!("{} ({bytes} B{percent}{rate})", what())
        }
    }
}

/// "512 B", "16 KiB", "1.5 MiB", "2.0 GiB".
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    match bytes {
        b if b < KIB => format!("{b} B"),
        b if b < KIB * KIB => format!("{} KiB", b / KIB),
        b if b < KIB * KIB * KIB => format!("{:.1} MiB", b as f64 / (KIB * KIB) as f64),
        b => format!("{:.1} GiB", b as f64 / (KIB * KIB * KIB) as f64),
    }
}

/// A transfer in a few words: "16 KiB of 4.0 MiB (0%), 128 KiB/s".
pub fn progress(t: &Transfer) -> String {
    let of = t.size.map(|s| format!(" of {}", size(s))).unwrap_or_default();
    let percent = t.percent.map(|p| format!(" ({p}%)")).unwrap_or_default();
    let rate = t.bytes_per_second.map(|r| format!(", {}/s", size(r))).unwrap_or_default();
    format!("{}{of}{percent}{rate}", size(t.bytes))
}

/// [`doing`] without the transfer's numbers (shown apart by [`progress`]).
pub fn command(s: &Session) -> String {
    match (s.activity, &s.command) {
        (Activity::Download | Activity::Upload | Activity::Command, Some(command)) => {
            let arg = s.argument.as_deref().map(|a| format!(" {}", visible::line(a)));
            format!("{}{}", visible::line(command), arg.unwrap_or_default())
        }
        _ => doing(s),
    }
}
