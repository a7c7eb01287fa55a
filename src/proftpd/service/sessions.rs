//! Who is connected: the running master's session processes, as its scoreboard records
//! them.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::process;
use super::scoreboard::{self, Record};
use crate::paths::Paths;
use crate::proftpd::directives::unquote;
use crate::proftpd::status::{self, State};

/// One connected client. Text that the client chose (user name, command argument,
/// directory) is kept as sent (invalid UTF-8 replaced); print it through
/// [`crate::visible::line`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub pid: u32,
    /// The login name; `None` while the client has not logged in yet.
    pub user: Option<String>,
    /// Logged in through an `<Anonymous>` section.
    pub anonymous: bool,
    pub client_address: String,
    /// The client's name when reverse DNS is on (else its address again).
    pub client_name: String,
    pub server_port: u16,
    /// When the client connected (seconds since the epoch).
    pub connected_since: i64,
    pub activity: Activity,
    /// Seconds idle, when idle.
    pub idle_seconds: Option<u64>,
    /// The command being served ("RETR", "LIST", ...), when busy.
    pub command: Option<String>,
    /// Its argument (a file name, usually).
    pub argument: Option<String>,
    /// The session's current directory (as the client sees it, inside its chroot).
    pub directory: Option<String>,
    pub transfer: Option<Transfer>,
}

/// What a session is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Connected, not logged in yet.
    Authenticating,
    Idle,
    /// Running a command that is not a transfer.
    Command,
    Download,
    Upload,
}

/// A transfer in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    /// Bytes moved so far.
    pub bytes: u64,
    /// The file's size (downloads; unknown for uploads).
    pub size: Option<u64>,
    /// Done, in percent of `size`.
    pub percent: Option<u8>,
    pub elapsed_ms: u64,
    /// Average bytes per second so far.
    pub bytes_per_second: Option<u64>,
}

/// The sessions of the running proftpd (none when it is not running). Only slots whose
/// process is alive and a child of the verified master count: a crashed session leaves
/// its slot behind.
pub fn sessions(paths: &Paths) -> Result<Vec<Session>, String> {
    let State::Running { pid: master } = status::state(paths) else { return Ok(Vec::new()) };
    if process::exe(master).is_none() {
        return Err(format!(
            "cannot verify the session processes of proftpd (pid {master}): /proc/{master}/exe \
             is not readable; run ftpconf as root"
        ));
    }
    let config = std::fs::read_to_string(paths.proftpd_conf()).unwrap_or_default();
    let board = scoreboard::read(&scoreboard_file(paths, &config))?;
    let anonymous = anonymous_users(&config);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let mut found: Vec<Session> = board
        .records
        .iter()
        .filter(|r| process::is_session_of(r.pid, master))
        .map(|r| session(r, &anonymous, now))
        .collect();
    found.sort_by_key(|s| (s.connected_since, s.pid));
    Ok(found)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn session(r: &Record, anonymous: &HashSet<String>, now: i64) -> Session {
    let user = lossy(&r.user);
    let logged_in = !user.is_empty() && user != "(none)";
    let command = lossy(&r.command);
    let activity = match command.as_str() {
        _ if !logged_in => Activity::Authenticating,
        "idle" | "" => Activity::Idle,
        "RETR" | "READ" => Activity::Download,
        "STOR" | "STOU" | "APPE" | "WRITE" => Activity::Upload,
        _ => Activity::Command,
    };
    let transfer = matches!(activity, Activity::Download | Activity::Upload).then(|| {
        let bytes = r.transfer_len.max(0) as u64;
        let size = (r.transfer_size > 0).then_some(r.transfer_size as u64);
        let done = r.transfer_done.max(0) as u64;
        Transfer {
            bytes,
            size,
            percent: size.map(|s| (done.min(s) * 100 / s) as u8),
            elapsed_ms: r.transfer_elapsed_ms,
            bytes_per_second: (r.transfer_elapsed_ms > 0)
                .then(|| bytes * 1000 / r.transfer_elapsed_ms),
        }
    });
    let busy = matches!(activity, Activity::Command | Activity::Download | Activity::Upload);
    let non_empty = |bytes: &[u8]| (!bytes.is_empty()).then(|| lossy(bytes));
    Session {
        pid: r.pid,
        anonymous: logged_in && anonymous.contains(&user),
        user: logged_in.then_some(user),
        client_address: lossy(&r.client_address),
        client_name: lossy(&r.client_name),
        server_port: r.server_port,
        connected_since: r.begin_session,
        idle_seconds: (activity == Activity::Idle && r.begin_idle > 0)
            .then(|| (now - r.begin_idle).max(0) as u64),
        command: busy.then_some(command),
        argument: if busy { non_empty(&r.argument) } else { None },
        directory: non_empty(&r.cwd),
        activity,
        transfer,
    }
}

/// The scoreboard the configuration names (ftpconf renders `paths`' one; a hand-edited
/// configuration may name another).
pub(super) fn scoreboard_file(paths: &Paths, config: &str) -> std::path::PathBuf {
    config
        .lines()
        .map(str::trim)
        .find_map(|l| {
            let (name, value) = l.split_once(char::is_whitespace)?;
            name.eq_ignore_ascii_case("ScoreboardFile").then(|| unquote(value.trim()).into())
        })
        .unwrap_or_else(|| paths.scoreboard_file())
}

/// The accounts `<Anonymous>` sections log clients in as (their `User`): the scoreboard
/// records that account, not the name the client typed.
fn anonymous_users(config: &str) -> HashSet<String> {
    let mut users = HashSet::new();
    let mut depth = 0usize;
    for line in config.lines().map(str::trim) {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("<anonymous") {
            depth += 1;
        } else if lower.starts_with("</anonymous") {
            depth = depth.saturating_sub(1);
        } else if depth > 0
            && let Some(name) = lower.strip_prefix("user ").map(|_| line[5..].trim())
        {
            users.insert(unquote(name));
        }
    }
    users
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_accounts_and_the_scoreboard_come_from_the_configuration() {
        let conf = "User nobody\n<Anonymous \"/srv\">\n  User ftp\n  UserAlias anonymous ftp\n</Anonymous>\n";
        assert_eq!(anonymous_users(conf), HashSet::from(["ftp".to_owned()]));
        let paths = Paths::new("/r");
        assert_eq!(scoreboard_file(&paths, conf), paths.scoreboard_file());
        assert_eq!(
            scoreboard_file(&paths, r#"ScoreboardFile "/x y/a\"b\\c""#),
            std::path::Path::new(r#"/x y/a"b\c"#)
        );
    }

    #[test]
    fn records_become_sessions() {
        let anon = HashSet::from(["ftp".to_owned()]);
        let mut r =
            Record { pid: 9, user: b"(none)".to_vec(), begin_session: 100, ..Record::default() };
        assert_eq!(session(&r, &anon, 200).activity, Activity::Authenticating);
        assert_eq!(session(&r, &anon, 200).user, None);
        r.user = b"ftp".to_vec();
        r.command = b"idle".to_vec();
        r.begin_idle = 150;
        let idle = session(&r, &anon, 200);
        assert!(idle.anonymous);
        assert_eq!((idle.activity, idle.idle_seconds), (Activity::Idle, Some(50)));
        r.user = b"alice".to_vec();
        r.command = b"RETR".to_vec();
        r.argument = b"big.bin".to_vec();
        (r.transfer_size, r.transfer_done, r.transfer_len, r.transfer_elapsed_ms) =
            (1000, 500, 500, 2000);
        let busy = session(&r, &anon, 200);
        assert!(!busy.anonymous);
        assert_eq!(busy.argument.as_deref(), Some("big.bin"));
        let t = busy.transfer.unwrap();
        assert_eq!(
            (t.bytes, t.size, t.percent, t.bytes_per_second),
            (500, Some(1000), Some(50), Some(250))
        );
        r.command = b"STOR".to_vec();
        r.transfer_size = 0;
        let up = session(&r, &anon, 200);
        assert_eq!(up.activity, Activity::Upload);
        assert_eq!(up.transfer.unwrap().percent, None);
    }
}
