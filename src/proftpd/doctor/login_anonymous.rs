//! Whether anonymous login can succeed: it must be on, the system user `ftp` must exist,
//! and that user must be able to reach and read the anonymous root.

use std::path::Path;

use super::login::{Accounts, LoginVerdict, Reason, find_user, groups_of, may, unreachable_part};
use super::setting;
use crate::settings::{Field, Settings};

fn reason(verdict: &mut LoginVerdict, cause: String, fix: String) {
    verdict.reasons.push(Reason { cause, fix });
}

pub(super) fn check(settings: &Settings, accounts: &Accounts, verdict: &mut LoginVerdict) {
    if !settings.anonymous_login {
        reason(
            verdict,
            format!("{} is off", setting(Field::AnonymousLogin)),
            format!(
                "turn on {} and set {}",
                setting(Field::AnonymousLogin),
                setting(Field::AnonymousPath)
            ),
        );
    }
    let Some(ftp) = find_user(accounts, "ftp") else {
        return reason(
            verdict,
            "the system user ftp, which anonymous sessions run as, does not exist".into(),
            "`useradd --system -d /srv/ftp -s /usr/sbin/nologin ftp`".into(),
        );
    };
    let path = settings.anonymous_path.trim();
    let fix_path =
        format!("set {} to a directory the user ftp may read", setting(Field::AnonymousPath));
    if path.is_empty() {
        return reason(verdict, format!("{} is empty", setting(Field::AnonymousPath)), fix_path);
    }
    let shown = crate::visible::line(path).into_owned();
    let dir = Path::new(path);
    match std::fs::metadata(dir) {
        Err(_) => {
            return reason(
                verdict,
                format!("the anonymous root {shown} does not exist"),
                format!("`mkdir -p {shown}`, or {fix_path}"),
            );
        }
        Ok(m) if !m.is_dir() => {
            return reason(
                verdict,
                format!("the anonymous root {shown} is not a directory"),
                fix_path,
            );
        }
        Ok(_) => {}
    }
    let gids = groups_of(accounts, &ftp);
    if let Some(blocked) = unreachable_part(dir, ftp.uid, &gids) {
        let blocked = blocked.display().to_string();
        return reason(
            verdict,
            format!(
                "the user ftp may not enter {blocked} on the way to the anonymous root {shown}"
            ),
            format!("`chmod o+x {blocked}` (every directory above the root must be searchable)"),
        );
    }
    if let Ok(m) = std::fs::metadata(dir)
        && !may(&m, ftp.uid, &gids, 0o4)
    {
        reason(
            verdict,
            format!("the user ftp may not read the anonymous root {shown}, so listings fail"),
            format!("`chmod o+rx {shown}`"),
        );
    }
}
