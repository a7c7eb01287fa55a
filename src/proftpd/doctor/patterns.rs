//! Known failures in proftpd's logs: what each means and the setting that controls it.
//! Every pattern is produced by a real client against the real proftpd in
//! tests/doctor_log.rs, or through NAT in tests/doctor_nat.rs (docs/doctor.md lists them
//! with their tests).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pattern {
    /// Stable name for scripts and tests.
    pub id: &'static str,
    /// Every one must occur in the line (compared without case).
    #[serde(skip)]
    pub needles: &'static [&'static str],
    pub explanation: &'static str,
    /// The setting (or command) that controls it.
    pub setting: &'static str,
}

const fn p(
    id: &'static str,
    needles: &'static [&'static str],
    explanation: &'static str,
    setting: &'static str,
) -> Pattern {
    Pattern { id, needles, explanation, setting }
}

pub const PATTERNS: &[Pattern] = &[
    p(
        "tls-no-session-reuse",
        &["did not reuse", "session"],
        "the client opened a protected data connection without reusing the control channel's TLS session, so proftpd refused it (the client sees 425 Unable to build data connection)",
        "upgrade the client (curl, lftp, FileZilla and WinSCP reuse sessions); or, less safe, turn on TLS No Session Reuse Required (tls.no_session_reuse_required)",
    ),
    p(
        "tls-required",
        &["ssl/tls required but absent"],
        "a client tried to log in or transfer without TLS, which the TLS policy requires",
        "the client must use explicit FTPS (AUTH TLS); or relax TLS Policy (tls.policy)",
    ),
    p(
        "tls-protocol-version",
        &["unsupported protocol"],
        "the client offered only TLS versions this server does not accept (it accepts TLS 1.2 and 1.3)",
        "upgrade the client; ftpconf always allows TLS 1.2 and 1.3 only",
    ),
    p(
        "tls-no-shared-cipher",
        &["no shared cipher"],
        "the client and the server have no cipher in common",
        "upgrade the client, or let it offer modern ciphers; the server's ciphers are proftpd's defaults",
    ),
    p(
        "tls-cipher-list",
        &["does not support any cipher from"],
        "the client supports none of the server's ciphers (the line names the server's list)",
        "upgrade the client, or let it offer modern ciphers",
    ),
    p(
        "login-attempts",
        &["maximum login attempts", "exceeded"],
        "the client failed to log in as many times as allowed in one connection and was disconnected",
        "Login Attempts (general.login_attempts); check the user name and password first (`ftpconf check-login NAME`)",
    ),
    p(
        "max-clients",
        &["connection refused (maxclients"],
        "a login was refused because the server already serves as many clients as allowed",
        "Clients (general.clients)",
    ),
    p(
        "max-per-host",
        &["connection refused (maxconnectionsperhost"],
        "a connection was refused because that address already has as many connections as allowed (clients behind one NAT share an address)",
        "Connections (general.connections_per_ip); 0 means no limit",
    ),
    p(
        "login-gate",
        &["limit access denies login"],
        "a local user who is not in group ftp tried to log in while only members of ftp may",
        "`usermod -aG ftp NAME`, or turn on Local User Login (access.local_user_login)",
    ),
    p(
        "ftpusers",
        &["user in /etc/ftpusers"],
        "the user is listed in /etc/ftpusers, whose users may never log in over FTP",
        "remove the name from /etc/ftpusers (root and system accounts belong there)",
    ),
    p(
        "unknown-user",
        &["no such user found"],
        "someone tried to log in with a user name that does not exist (a typo, or anonymous login while it is off)",
        "create the account (`useradd -m NAME`), or turn on Anonymous Login (access.anonymous_login) for `anonymous`",
    ),
    p(
        "root-login",
        &["root login attempted"],
        "someone tried to log in as root; proftpd always refuses root over FTP",
        "log in as an ordinary user; repeated attempts are an attack",
    ),
    p(
        "account-expired",
        &["disabled due to password expiration"],
        "the account's expiry date (/etc/shadow) has passed, so proftpd refused the login (an expired password alone does not stop it)",
        "`chage -E -1 NAME` removes the account's expiry date",
    ),
    p(
        "wrong-password",
        &["(login failed): incorrect password"],
        "the password was wrong, or the account's password is locked or empty",
        "`passwd NAME` sets a new password; `ftpconf check-login NAME` shows locked accounts",
    ),
    p(
        "chroot-failed",
        &["chroot to", "failed"],
        "the user's home directory is missing or cannot be entered, and users are confined to it",
        "create the home (`mkdir -p HOME && chown NAME: HOME`), or turn off Always Chroot (access.always_chroot)",
    ),
    p(
        "chdir-failed",
        &["chdir(", "failed"],
        "the user's home directory is missing or cannot be entered, so proftpd refused the login",
        "create the home (`mkdir -p HOME && chown NAME: HOME`) or give the user another one (`usermod -d DIR NAME`)",
    ),
    p(
        "default-root-unusable",
        &["unable to use defaultroot"],
        "the home directory a user is confined to cannot be used",
        "create or fix the home directory; Always Chroot (access.always_chroot)",
    ),
    p(
        "no-passive-port",
        &["unable to find open port in passiveports"],
        "every port of the passive range was busy, so proftpd used a port outside it, which a firewall or NAT will not pass",
        "widen the range: Minimum/Maximum Passive Port (other.passive_port_min, other.passive_port_max), at least one port per client",
    ),
    p(
        "fxp-refused",
        &["refused", "address mismatch"],
        "a client asked the server to send data to another address (FXP, site-to-site), which is off",
        "FXP (other.fxp), only if server-to-server transfers are wanted",
    ),
    p(
        "no-transfer-timeout",
        &["no transfer timeout"],
        "a session was closed because it transferred nothing for too long",
        "No transfer timeout (general.notransfer_timeout)",
    ),
    p(
        "port-in-use",
        &["failed binding to", "address already in use"],
        "proftpd could not listen on its port because another program already does",
        "Port (general.port), or stop the other program (`ss -ltnp` shows it)",
    ),
];

/// A PASV reply named a private address and the client never connected to it: what a
/// client outside the LAN sees without a Masquerade Address. Found by `passive_log` in
/// the data-connection log, never by matching system log text.
pub const PASSIVE_PRIVATE_ADDRESS: Pattern = p(
    "passive-private-address",
    &["offered", "never opened it"],
    "the client was told to open its data connection to a private address of this NAS and never did: a client outside this network (behind the router, on the internet) cannot reach a private address",
    "Masquerade Address (other.masquerade_address): the address clients connect to, e.g. the router's public address; and forward the passive range, Minimum/Maximum Passive Port (other.passive_port_min, other.passive_port_max), to this NAS",
);

/// An offered passive port the client never reached: the router does not forward the
/// passive range, or a firewall drops it. Found like [`PASSIVE_PRIVATE_ADDRESS`].
pub const PASSIVE_UNREACHED: Pattern = p(
    "passive-unreached",
    &["offered", "never opened it"],
    "the client was offered a passive data port and never connected to it: the router does not forward the passive range to this NAS, or a firewall in between drops it",
    "forward the passive range, Minimum/Maximum Passive Port (other.passive_port_min, other.passive_port_max), on the router to this NAS and open it in any firewall (`ftpconf check --host ROUTER` prints the ports); with no range set, set one first",
);

/// Every pattern the log can show: the ones matched in log text, then the ones found by
/// following sessions through the data-connection log.
pub fn all() -> impl Iterator<Item = &'static Pattern> {
    PATTERNS.iter().chain([&PASSIVE_PRIVATE_ADDRESS, &PASSIVE_UNREACHED])
}

/// The first pattern that matches `line`.
pub fn explain(line: &str) -> Option<&'static Pattern> {
    let lower = line.to_ascii_lowercase();
    PATTERNS.iter().find(|p| p.needles.iter().all(|n| lower.contains(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_needles_lower_case() {
        let mut ids: Vec<&str> = all().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all().count());
        for p in all() {
            assert!(p.needles.iter().all(|n| *n == n.to_ascii_lowercase()), "{}", p.id);
        }
        assert!(explain("random text").is_none());
    }

    #[test]
    fn the_docs_list_every_pattern() {
        let docs = include_str!("../../../docs/doctor.md");
        for p in all() {
            assert!(docs.contains(&format!("| `{}` |", p.id)), "docs/doctor.md lacks {}", p.id);
        }
    }
}
