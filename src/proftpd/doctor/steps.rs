//! The check's session: connect, login, PWD; AUTH TLS is in `tls.rs`, the data steps in
//! `data.rs`.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::client::{Client, Reply};
use super::{CheckOptions, Outcome, StepResult, nat, setting, tls};
use crate::paths::Paths;
use crate::settings::{Field, Settings};

/// The fix when only proftpd knows why.
pub(super) const SEE_LOG: &str = "`ftpconf log` shows proftpd's reason";

/// A step being timed.
pub(super) struct Step {
    name: &'static str,
    title: String,
    started: Instant,
}

impl Step {
    pub(super) fn new(name: &'static str, title: impl Into<String>) -> Step {
        Step { name, title: title.into(), started: Instant::now() }
    }

    fn end(
        self,
        outcome: Outcome,
        detail: String,
        cause: Option<String>,
        fix: Option<String>,
    ) -> StepResult {
        // Details quote the server and the system: escaped once here, for every caller.
        let safe = |text: String| crate::visible::line(&text).into_owned();
        StepResult {
            step: self.name,
            title: safe(self.title),
            outcome,
            millis: self.started.elapsed().as_millis() as u64,
            detail: safe(detail),
            cause: cause.map(safe),
            fix: fix.map(safe),
        }
    }

    pub(super) fn ok(self, detail: impl Into<String>) -> StepResult {
        self.end(Outcome::Ok, detail.into(), None, None)
    }

    pub(super) fn fail(
        self,
        detail: impl Into<String>,
        cause: impl Into<String>,
        fix: impl Into<String>,
    ) -> StepResult {
        self.end(Outcome::Fail, detail.into(), Some(cause.into()), Some(fix.into()))
    }

    pub(super) fn note(self, detail: impl Into<String>, fix: Option<String>) -> StepResult {
        self.end(Outcome::Note, detail.into(), None, fix)
    }

    pub(super) fn skipped(self, why: impl Into<String>) -> StepResult {
        self.end(Outcome::Skipped, why.into(), None, None)
    }
}

/// The state of one check.
pub(super) struct Run<'a> {
    pub settings: &'a Settings,
    pub options: &'a CheckOptions,
    pub progress: &'a mut dyn FnMut(&StepResult),
    pub results: Vec<StepResult>,
    /// The address the control connection went to, as the user named it.
    pub host: String,
    pub target: Option<SocketAddr>,
    pub data_tls: bool,
}

impl Run<'_> {
    pub(super) fn record(&mut self, result: StepResult) -> bool {
        let ok = result.outcome != Outcome::Fail;
        (self.progress)(&result);
        self.results.push(result);
        ok
    }

    pub(super) fn timeout(&self) -> Duration {
        self.options.timeout
    }
}

pub fn run(
    settings: &Settings,
    paths: &Paths,
    options: &CheckOptions,
    progress: &mut dyn FnMut(&StepResult),
) -> Vec<StepResult> {
    let host = options.host.clone().unwrap_or_else(|| "127.0.0.1".into());
    let mut run = Run {
        settings,
        options,
        progress,
        results: Vec::new(),
        host,
        target: None,
        data_tls: false,
    };
    if let Some(client) = session(&mut run, paths) {
        client.quit();
    }
    let forward = nat::forward_line(settings);
    run.record(
        Step::new("forward", "Ports to forward for clients outside the LAN").note(forward, None),
    );
    if let Some(note) = nat::private_machine_note(settings, &nat::machine_addresses()) {
        run.record(Step::new("addresses", "Addresses of this machine").note(note, None));
    }
    run.results
}

/// The steps on one control connection; the client is returned for QUIT.
fn session(run: &mut Run, paths: &Paths) -> Option<Client> {
    let mut client = connect(run)?;
    if run.settings.tls_enable && !tls::start_tls(run, paths, &mut client) {
        return Some(client);
    }
    if !login(run, &mut client) || !pwd(run, &mut client) {
        return Some(client);
    }
    super::data::steps(run, &mut client);
    Some(client)
}

/// Resolves `host` within `limit` (the system resolver cannot be interrupted, so it runs
/// on its own thread and is abandoned when slow).
pub(super) fn resolve(host: &str, port: u16, limit: Duration) -> Result<Vec<SocketAddr>, String> {
    let (tx, rx) = mpsc::channel();
    let name = host.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send((name.as_str(), port).to_socket_addrs().map(|a| a.collect::<Vec<_>>()));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(found)) if !found.is_empty() => {
            let mut found: Vec<SocketAddr> = found;
            found.sort_by_key(|a| !a.is_ipv4());
            Ok(found)
        }
        Ok(_) => Err(format!("{} does not resolve to an address", crate::visible::line(host))),
        Err(_) => Err(format!(
            "{} did not resolve within {} s",
            crate::visible::line(host),
            limit.as_secs()
        )),
    }
}

fn connect(run: &mut Run) -> Option<Client> {
    let port = run.settings.port as u16;
    let shown = crate::visible::line(&run.host).into_owned();
    let step =
        Step::new("connect", format!("Connect to {shown} port {port} and read the greeting"));
    let addrs = match resolve(&run.host, port, run.timeout()) {
        Ok(a) => a,
        Err(e) => {
            run.record(step.fail(
                "",
                e,
                "give an address with --host, or fix the name in DNS or /etc/hosts",
            ));
            return None;
        }
    };
    let addr = addrs[0];
    run.target = Some(addr);
    let (client, greeting) = match Client::open(addr, run.timeout()) {
        Ok(x) => x,
        Err(e) => {
            let (cause, fix) = connect_failure(&e, addr, run.settings);
            run.record(step.fail(e.to_string(), cause, fix));
            return None;
        }
    };
    if greeting.code != 220 {
        let (cause, fix) = greeting_failure(&greeting);
        run.record(step.fail(greeting.shown(), cause, fix));
        return None;
    }
    run.record(step.ok(format!("{addr}: {} {}", greeting.code, greeting.shown())));
    Some(client)
}

fn connect_failure(e: &std::io::Error, addr: SocketAddr, s: &Settings) -> (String, String) {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => (
            format!("nothing accepts connections on {addr}: proftpd is not running, or listens on another port or address"),
            format!("start the service with `ftpconf apply --start`; the port is {} = {}", setting(Field::Port), s.port),
        ),
        TimedOut | WouldBlock => (
            format!("no answer from {addr} in time: a firewall drops the connection, the router does not forward port {}, or the server is overloaded", s.port),
            nat::forward_line(s),
        ),
        UnexpectedEof => (
            "the server closed the connection before greeting: a limit or a TCP wrapper refuses this address".into(),
            format!("`ftpconf log` shows why; see {} and {}", setting(Field::Clients), setting(Field::Connections)),
        ),
        _ => (format!("cannot reach {addr}"), "check the address given with --host and the network path to it".into()),
    }
}

fn greeting_failure(greeting: &Reply) -> (String, String) {
    let text = greeting.text.to_ascii_lowercase();
    if text.contains("for your host") {
        (
            "this address already has as many connections as the per-address limit allows".into(),
            format!(
                "raise {} (0 = no limit), or close the other sessions",
                setting(Field::Connections)
            ),
        )
    } else if text.contains("maximum number") || text.contains("too many") {
        (
            "the server already serves as many clients as allowed".into(),
            format!("raise {}", setting(Field::Clients)),
        )
    } else {
        ("the server does not greet with 220 (service ready)".into(), SEE_LOG.into())
    }
}

fn login(run: &mut Run, client: &mut Client) -> bool {
    let s = run.settings;
    let (user, password, anonymous) =
        match &run.options.credentials {
            Some(c) => (c.user.clone(), c.password.clone(), false),
            None if s.anonymous_login => ("anonymous".to_owned(), "ftpconf@check".to_owned(), true),
            None => {
                let step = Step::new("login", "Log in");
                run.record(step.skipped(
                    "anonymous login is off: give --user NAME to check a local user's login",
                ));
                return false;
            }
        };
    let shown = crate::visible::line(&user).into_owned();
    let step = Step::new("login", format!("Log in as {shown}"));
    let reply = match client.cmd(&format!("USER {user}")) {
        Ok(r) if r.code == 331 => client.cmd(&format!("PASS {password}")),
        other => other,
    };
    let check_login = format!(
        "`ftpconf check-login {}` lists every reason an account is refused; `ftpconf log` shows proftpd's",
        if anonymous { "anonymous" } else { shown.as_str() }
    );
    match reply {
        Ok(r) if r.code == 230 => run.record(step.ok(first_line(&r))),
        Ok(r) => {
            let text = r.text.to_ascii_lowercase();
            let (cause, fix) = if text.contains("ssl/tls required") {
                ("the server requires TLS for logins".into(), setting(Field::TlsPolicy))
            } else if text.contains("maximum number of allowed clients") {
                (
                    "the server already serves as many clients as allowed".into(),
                    format!("raise {}", setting(Field::Clients)),
                )
            } else {
                (
                    format!(
                        "proftpd refused the login of {shown}: wrong password, or the account may not log in"
                    ),
                    check_login,
                )
            };
            run.record(step.fail(r.shown(), cause, fix))
        }
        Err(e) => run.record(step.fail(
            e.to_string(),
            "the server dropped the session during login",
            check_login,
        )),
    }
}

fn first_line(r: &Reply) -> String {
    let last = r.text.lines().last().unwrap_or("");
    crate::visible::line(&format!("{} {last}", r.code)).into_owned()
}

fn pwd(run: &mut Run, client: &mut Client) -> bool {
    let step = Step::new("pwd", "PWD: the directory the session starts in");
    let reply = match client.cmd("PWD") {
        Ok(r) if r.code == 257 => r,
        Ok(r) => return run.record(step.fail(r.shown(), "PWD was refused", SEE_LOG)),
        Err(e) => return run.record(step.fail(e.to_string(), "no answer to PWD", SEE_LOG)),
    };
    let dir = reply.text.split('"').nth(1).unwrap_or("").to_owned();
    let shown = crate::visible::line(&dir).into_owned();
    let local = run.options.credentials.as_ref().map(|c| c.user.clone());
    let confined = dir == "/";
    match local {
        None => run.record(step.ok(format!("{shown} (anonymous sessions are confined to Path)"))),
        Some(user) if run.settings.always_chroot && user != "root" && !confined => run.record(step.fail(
            shown,
            "the user is not confined to the home directory although Always Chroot is on",
            format!("`ftpconf apply` so proftpd serves the current settings; Auxiliary Parameters must not override DefaultRoot ({})", setting(Field::AlwaysChroot)),
        )),
        Some(_) if run.settings.always_chroot => run.record(step.ok(format!("{shown} (confined to the home directory: Always Chroot)"))),
        Some(_) => run.record(step.ok(format!("{shown} (not confined: {} is off)", setting(Field::AlwaysChroot)))),
    }
}
