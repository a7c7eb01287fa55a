//! Whether an account can log in with the settings, without its password, and every
//! reason it cannot. Each rule mirrors what proftpd (with ftpconf's configuration and
//! `AuthOrder mod_auth_unix.c`) does; tests/doctor_login.rs proves each with a real login.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::setting;
use crate::settings::{Field, Settings};

/// The account databases (the machine's: a sandbox's proftpd uses them too).
#[derive(Debug, Clone)]
pub struct Accounts {
    pub passwd: PathBuf,
    pub group: PathBuf,
    pub shadow: PathBuf,
    pub ftpusers: PathBuf,
}

impl Accounts {
    pub fn system() -> Accounts {
        Accounts {
            passwd: "/etc/passwd".into(),
            group: "/etc/group".into(),
            shadow: "/etc/shadow".into(),
            ftpusers: "/etc/ftpusers".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub cause: String,
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginVerdict {
    pub account: String,
    pub can_login: bool,
    pub reasons: Vec<Reason>,
    /// Worth knowing, not a refusal (a password that expired still logs in).
    pub notes: Vec<String>,
}

/// One /etc/passwd entry.
#[derive(Debug, Clone)]
pub(super) struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|l| l.split(':').map(str::to_owned).collect()).collect()
}

pub(super) fn find_user(accounts: &Accounts, name: &str) -> Option<User> {
    rows(&accounts.passwd).into_iter().find(|c| c.len() >= 7 && c[0] == name).map(|c| User {
        name: c[0].clone(),
        uid: c[2].parse().unwrap_or(u32::MAX),
        gid: c[3].parse().unwrap_or(u32::MAX),
        home: c[5].clone(),
    })
}

/// The ids of every group `user` is in (primary and supplementary).
pub(super) fn groups_of(accounts: &Accounts, user: &User) -> Vec<u32> {
    let mut gids = vec![user.gid];
    for cols in rows(&accounts.group) {
        if cols.len() >= 4 && cols[3].split(',').any(|m| m == user.name) {
            gids.extend(cols[2].parse::<u32>().ok());
        }
    }
    gids
}

fn group_id(accounts: &Accounts, name: &str) -> Option<u32> {
    rows(&accounts.group)
        .into_iter()
        .find(|c| c.len() >= 3 && c[0] == name)
        .and_then(|c| c[2].parse().ok())
}

pub fn check_login(settings: &Settings, name: &str, accounts: &Accounts) -> LoginVerdict {
    let mut verdict = LoginVerdict {
        account: name.to_owned(),
        can_login: false,
        reasons: Vec::new(),
        notes: Vec::new(),
    };
    if name == "anonymous" || name == "ftp" {
        super::login_anonymous::check(settings, accounts, &mut verdict);
    } else {
        check_local(settings, name, accounts, &mut verdict);
    }
    verdict.can_login = verdict.reasons.is_empty();
    verdict
}

fn reason(verdict: &mut LoginVerdict, cause: String, fix: String) {
    verdict.reasons.push(Reason { cause, fix });
}

fn check_local(settings: &Settings, name: &str, accounts: &Accounts, verdict: &mut LoginVerdict) {
    let shown = crate::visible::line(name).into_owned();
    let Some(user) = find_user(accounts, name) else {
        let fix = format!("create it: `useradd -m {shown}` and `passwd {shown}`");
        return reason(verdict, format!("there is no user {shown} on this machine"), fix);
    };
    if user.uid == 0 {
        reason(
            verdict,
            format!(
                "{shown} is root: proftpd refuses root logins (FTP would send root's password in clear)"
            ),
            "log in as an ordinary user".into(),
        );
    }
    if !settings.local_user_login {
        let ftp = group_id(accounts, "ftp");
        if !ftp.is_some_and(|gid| groups_of(accounts, &user).contains(&gid)) {
            let add = match ftp {
                Some(_) => format!("`usermod -aG ftp {shown}`"),
                None => format!("`groupadd ftp && usermod -aG ftp {shown}`"),
            };
            reason(
                verdict,
                format!(
                    "{shown} is not in group ftp, and {} is off (only members of ftp may log in)",
                    setting(Field::LocalUserLogin)
                ),
                format!("{add}, or turn on {}", setting(Field::LocalUserLogin)),
            );
        }
    }
    let listed = std::fs::read_to_string(&accounts.ftpusers)
        .unwrap_or_default()
        .lines()
        .any(|l| l.trim() == name);
    if listed {
        reason(
            verdict,
            format!(
                "{shown} is listed in {}, whose users proftpd refuses",
                accounts.ftpusers.display()
            ),
            format!("remove the line {shown} from {}", accounts.ftpusers.display()),
        );
    }
    check_shadow(name, &shown, accounts, verdict);
    check_home(settings, &user, &shown, accounts, verdict);
}

/// Days since 1970-01-01, as /etc/shadow counts.
fn today() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp().div_euclid(86_400)
}

fn check_shadow(name: &str, shown: &str, accounts: &Accounts, verdict: &mut LoginVerdict) {
    if let Err(e) = std::fs::File::open(&accounts.shadow) {
        verdict.notes.push(format!(
            "{} could not be read ({e}), so locked, empty and expired passwords were not checked; run as root",
            accounts.shadow.display()
        ));
        return;
    }
    let Some(cols) = rows(&accounts.shadow).into_iter().find(|c| c.len() >= 8 && c[0] == name)
    else {
        return;
    };
    let hash = cols[1].as_str();
    if hash.is_empty() {
        reason(
            verdict,
            format!("{shown} has an empty password, which proftpd refuses"),
            format!("set one: `passwd {shown}`"),
        );
    } else if hash.starts_with('!') || hash.starts_with('*') {
        let what = if hash.len() <= 1 { "has no password set" } else { "has a locked password" };
        let fix = if hash.len() <= 1 {
            format!("`passwd {shown}`")
        } else {
            format!("`usermod -U {shown}` (or `passwd {shown}`)")
        };
        reason(verdict, format!("{shown} {what}"), fix);
    }
    let day = |i: usize| cols.get(i).and_then(|v| v.parse::<i64>().ok());
    if let Some(expire) = day(7)
        && expire <= today()
    {
        reason(
            verdict,
            format!(
                "the account {shown} has expired (/etc/shadow): proftpd refuses expired accounts"
            ),
            format!("`chage -E -1 {shown}` removes the expiry date"),
        );
    }
    if let (Some(changed), Some(max)) = (day(2), day(4))
        && (changed == 0 || changed + max < today())
    {
        verdict.notes.push(format!(
            "the password of {shown} has expired; proftpd still accepts it (only the account's expiry counts), other services may not (`chage -d $(date +%F) {shown}`)"
        ));
    }
}

fn check_home(
    settings: &Settings,
    user: &User,
    shown: &str,
    accounts: &Accounts,
    verdict: &mut LoginVerdict,
) {
    let home = Path::new(&user.home);
    let gids = groups_of(accounts, user);
    let problem = match std::fs::metadata(home) {
        Err(_) => {
            Some(format!("its home directory {} does not exist", crate::visible::line(&user.home)))
        }
        Ok(m) if !m.is_dir() => {
            Some(format!("its home {} is not a directory", crate::visible::line(&user.home)))
        }
        Ok(_) => unreachable_part(home, user.uid, &gids).map(|dir| {
            format!("it may not enter {} (permissions) on the way to its home", dir.display())
        }),
    };
    let Some(problem) = problem else { return };
    // proftpd refuses the login either way: it chroots into the home (Always Chroot) or
    // changes into it, and fails when it cannot.
    let confined = if settings.always_chroot {
        format!(", and {} confines users to it", setting(Field::AlwaysChroot))
    } else {
        ", and proftpd starts every session in the home directory".into()
    };
    reason(
        verdict,
        format!("{shown}: {problem}{confined}"),
        format!(
            "`mkdir -p HOME && chown {shown}: HOME` (or `usermod -d DIR {shown}`), and let the user pass every directory above it"
        ),
    );
}

/// The first directory on the way to `dir` (itself included) that `uid` cannot search.
pub(super) fn unreachable_part(dir: &Path, uid: u32, gids: &[u32]) -> Option<PathBuf> {
    let mut path = PathBuf::from("/");
    for part in dir.components().skip(1) {
        path.push(part);
        let Ok(m) = std::fs::metadata(&path) else { return Some(path) };
        if !may(&m, uid, gids, 0o1) {
            return Some(path);
        }
    }
    None
}

/// Whether `uid` (in `gids`) has permission `bits` (4 read, 2 write, 1 search) on `m`.
pub(super) fn may(m: &std::fs::Metadata, uid: u32, gids: &[u32], bits: u32) -> bool {
    let mode = m.mode();
    let class = if uid == 0 {
        return true;
    } else if m.uid() == uid {
        mode >> 6
    } else if gids.contains(&m.gid()) {
        mode >> 3
    } else {
        mode
    };
    class & bits == bits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(dir: &Path, passwd: &str, group: &str, shadow: Option<&str>) -> Accounts {
        std::fs::write(dir.join("passwd"), passwd).unwrap();
        std::fs::write(dir.join("group"), group).unwrap();
        if let Some(shadow) = shadow {
            std::fs::write(dir.join("shadow"), shadow).unwrap();
        }
        Accounts {
            passwd: dir.join("passwd"),
            group: dir.join("group"),
            shadow: dir.join("shadow"),
            ftpusers: dir.join("ftpusers"),
        }
    }

    #[test]
    fn reasons_add_up_and_an_unreadable_shadow_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().display();
        let passwd = format!("bob:x:1001:1001::{home}:/bin/sh\n");
        let a = accounts(dir.path(), &passwd, "bob:x:1001:\n", None);
        let v = check_login(&Settings::default(), "bob", &a);
        assert!(!v.can_login);
        assert!(v.reasons[0].fix.contains("groupadd ftp && usermod -aG ftp bob"), "{v:?}");
        assert!(v.notes.iter().any(|n| n.contains("could not be read")), "{v:?}");
        let a = accounts(
            dir.path(),
            &passwd,
            "bob:x:1001:\nftp:x:50:bob\n",
            Some("bob:!:20000:0:99999:7:::\n"),
        );
        let v = check_login(&Settings::default(), "bob", &a);
        assert_eq!(v.reasons.len(), 1, "{v:?}");
        assert!(v.reasons[0].cause.contains("has no password set"), "{v:?}");
    }
}
