//! The check's data steps: EPSV and LIST, PASV (address and port), the write round
//! trip, and whether a client that cannot resume TLS sessions would be refused.

use std::net::{IpAddr, SocketAddr};

use super::client::{self, Client, Data, Protection, Reply};
use super::steps::{Run, SEE_LOG, Step, resolve};
use super::{nat, setting, tls};
use crate::settings::Field;

/// Listings and test files larger than this are cut off (the check needs no more).
const LIMIT: usize = 4 * 1024 * 1024;

/// What went wrong in a step, before it is recorded.
struct Trouble {
    detail: String,
    cause: String,
    fix: String,
}

/// Trouble whose fix is to read proftpd's log, unless [`Trouble::fix`] says better.
fn trouble(detail: impl ToString, cause: impl Into<String>) -> Trouble {
    Trouble { detail: detail.to_string(), cause: cause.into(), fix: SEE_LOG.into() }
}

impl Trouble {
    fn fix(self, fix: impl Into<String>) -> Trouble {
        Trouble { fix: fix.into(), ..self }
    }

    fn record(self, run: &mut Run, step: Step) -> bool {
        run.record(step.fail(self.detail, self.cause, self.fix))
    }
}

pub(super) fn steps(run: &mut Run, client: &mut Client) {
    let epsv_ok = epsv_list(run, client);
    let pasv_ok = pasv(run, client);
    if run.options.write && (epsv_ok || pasv_ok) {
        write_round_trip(run, client);
    }
    if run.data_tls {
        reuse_probe(run, client);
    }
}

fn range_problem(run: &Run, port: u16) -> Option<String> {
    let s = run.settings;
    let (min, max) = (s.passive_port_min, s.passive_port_max);
    (min != 0 && !(min..=max).contains(&u32::from(port)))
        .then(|| format!("port {port} is outside {} {min}-{max}", setting(Field::PassivePortMin)))
}

/// EPSV, then a data connection to the control connection's address.
fn open_epsv(run: &Run, client: &mut Client) -> Result<(Data, u16), Trouble> {
    let reply = client.cmd("EPSV").map_err(|e| trouble(e, "no answer to EPSV"))?;
    let port = (reply.code == 229)
        .then(|| client::parse_epsv(&reply.text))
        .flatten()
        .ok_or_else(|| trouble(reply.shown(), "the server refused extended passive mode"))?;
    let peer = client.peer().map_err(|e| trouble(e, "the control connection is gone"))?;
    let data = client.data(SocketAddr::new(peer.ip(), port), None).map_err(|e| {
        trouble(
            format!("{}:{port}: {e}", peer.ip()),
            format!("cannot open the data connection to port {port}: a firewall or the router does not pass the passive range"),
        )
        .fix(nat::forward_line(run.settings))
    })?;
    Ok((data, port))
}

fn epsv_list(run: &mut Run, client: &mut Client) -> bool {
    let step = Step::new("epsv", "EPSV: open a passive data connection");
    let (data, port) = match open_epsv(run, client) {
        Ok(x) => x,
        Err(trouble) => return trouble.record(run, step),
    };
    if let Some(problem) = range_problem(run, port) {
        run.record(step.fail(
            format!("port {port}"),
            problem,
            "`ftpconf apply` so proftpd serves the current Passive Ports",
        ));
    } else {
        run.record(step.ok(format!("port {port}")));
    }
    let step = Step::new("list", "LIST over the data connection");
    match transfer(client, data, "LIST") {
        Ok((bytes, protection)) => {
            let lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
            run.record(step.ok(format!(
                "{lines} entries, {} bytes{}",
                bytes.len(),
                describe(protection)
            )))
        }
        Err(failure) => run.record(failure.into_step(step, run)),
    }
}

fn describe(p: Protection) -> &'static str {
    match p {
        Protection::Clear => ", in clear",
        Protection::Tls { resumed: true } => ", TLS, control session reused",
        Protection::Tls { resumed: false } => ", TLS, new session",
    }
}

/// A transfer that went wrong, with what the control channel said.
pub(super) struct Failure {
    detail: String,
    reply: Option<Reply>,
    resumed: Option<bool>,
}

impl Failure {
    fn into_step(self, step: Step, run: &Run) -> super::StepResult {
        let text = self.reply.as_ref().map(|r| r.text.to_ascii_lowercase()).unwrap_or_default();
        if text.contains("unable to build data connection")
            && self.resumed != Some(true)
            && run.data_tls
        {
            return step.fail(
                self.detail,
                "proftpd refused the protected data connection: it did not reuse the control channel's TLS session",
                format!("use a client that resumes TLS sessions, or (less safe) turn on {}", setting(Field::TlsNoSessionReuseRequired)),
            );
        }
        step.fail(self.detail, "the transfer failed", "`ftpconf log` shows proftpd's reason")
    }
}

/// Sends `command` for an open data connection, reads everything, and the final reply.
pub(super) fn transfer(
    client: &mut Client,
    mut data: Data,
    command: &str,
) -> Result<(Vec<u8>, Protection), Failure> {
    let fail = |detail: String, reply: Option<Reply>, resumed| Failure { detail, reply, resumed };
    client.send(command).map_err(|e| fail(e.to_string(), None, None))?;
    let begun = data.begin();
    let protection = begun.as_ref().ok().copied();
    let resumed = match protection {
        Some(Protection::Tls { resumed }) => Some(resumed),
        _ => None,
    };
    let bytes = begun.and_then(|_| data.read_all(LIMIT));
    drop(data);
    let first = client.reply().map_err(|e| fail(e.to_string(), None, resumed))?;
    if !first.positive() {
        return Err(fail(first.shown(), Some(first), resumed));
    }
    let last = if first.code < 200 {
        client.reply().map_err(|e| fail(e.to_string(), None, resumed))?
    } else {
        first
    };
    match (bytes, last.code) {
        (Ok(bytes), 226 | 250) => Ok((bytes, protection.unwrap_or(Protection::Clear))),
        (Ok(_), _) => Err(fail(last.shown(), Some(last), resumed)),
        (Err(e), _) => Err(fail(format!("{e}; {}", last.shown()), Some(last), resumed)),
    }
}

fn pasv(run: &mut Run, client: &mut Client) -> bool {
    let s = run.settings;
    let step = Step::new("pasv", "PASV: the address and port clients are told to connect to");
    let reply = match client.cmd("PASV") {
        Ok(r) if r.code == 227 => r,
        Ok(r) => {
            return run.record(step.fail(r.shown(), "the server refused passive mode", SEE_LOG));
        }
        Err(e) => {
            return run.record(step.fail(e.to_string(), "no answer to PASV", SEE_LOG));
        }
    };
    let Some(addr) = client::parse_pasv(&reply.text) else {
        return run.record(step.fail(reply.shown(), "the PASV reply carries no address", SEE_LOG));
    };
    let target = run.target.map(|t| t.ip());
    let masquerade = s.masquerade_address.trim();
    let set_masquerade = format!(
        "set {} to the address clients connect to{}: `ftpconf set masquerade_address=ADDRESS`, then `ftpconf apply`; {}",
        setting(Field::MasqueradeAddress),
        target.map(|t| format!(" ({t})")).unwrap_or_default(),
        nat::forward_line(s)
    );
    if !masquerade.is_empty() {
        let expected: Vec<IpAddr> = resolve(masquerade, 0, run.timeout())
            .unwrap_or_default()
            .iter()
            .map(|a| a.ip())
            .collect();
        if !expected.contains(&addr.ip()) {
            return run.record(step.fail(
                format!("PASV announces {addr}"),
                format!(
                    "{} is {} but the server announces {}",
                    setting(Field::MasqueradeAddress),
                    crate::visible::line(masquerade),
                    addr.ip()
                ),
                "`ftpconf apply` (proftpd resolves a name only when it starts or reloads)",
            ));
        }
    } else if target.is_some_and(nat::is_public) && !nat::is_public(addr.ip()) {
        return run.record(step.fail(
            format!("PASV announces {addr}"),
            format!("the server announces its private address {}, which clients outside the LAN cannot reach", addr.ip()),
            set_masquerade,
        ));
    }
    if let Some(problem) = range_problem(run, addr.port()) {
        return run.record(step.fail(
            format!("PASV announces {addr}"),
            problem,
            "`ftpconf apply` so proftpd serves the current Passive Ports",
        ));
    }
    let data = match client.data(addr, None) {
        Ok(d) => d,
        Err(e) => {
            let cause = format!("cannot connect to {addr}, the address PASV announces: {e}");
            let fix = if Some(addr.ip()) != target { set_masquerade } else { nat::forward_line(s) };
            return run.record(step.fail(format!("PASV announces {addr}"), cause, fix));
        }
    };
    match transfer(client, data, "NLST") {
        Ok((_, protection)) => {
            run.record(step.ok(format!("{addr}, NLST over it{}", describe(protection))))
        }
        Err(failure) => run.record(failure.into_step(step, run)),
    }
}

fn write_round_trip(run: &mut Run, client: &mut Client) {
    let name = format!("ftpconf-check-{}.txt", std::process::id());
    let content: Vec<u8> = format!("ftpconf check {name}\n").repeat(64).into_bytes();
    let step = Step::new("upload", format!("Upload {name} ({} bytes)", content.len()));
    let _ = client.cmd("TYPE I");
    let uploaded = open_epsv(run, client).and_then(|(data, _)| {
        client.send(&format!("STOR {name}")).map_err(|e| trouble(e, "no answer to STOR"))?;
        let first = client.reply().map_err(|e| trouble(e, "no answer to STOR"))?;
        if !first.positive() {
            return Err(
                trouble(first.shown(), "the server refused the upload").fix(upload_fix(run))
            );
        }
        data.write_all(&content).map_err(|e| trouble(e, "the upload broke off"))?;
        let last = client.reply().map_err(|e| trouble(e, "no answer after the upload"))?;
        (last.code == 226).then_some(()).ok_or_else(|| {
            trouble(last.shown(), "the upload was not completed").fix(upload_fix(run))
        })
    });
    if let Err(trouble) = uploaded {
        trouble.record(run, step);
        return;
    }
    run.record(step.ok("226 transfer complete"));
    check_mode(run, client, &name);
    let step = Step::new("download", format!("Download {name} and compare"));
    let result = open_epsv(run, client).map_err(|t| t.detail).and_then(|(data, _)| {
        transfer(client, data, &format!("RETR {name}")).map_err(|f| f.detail)
    });
    match result {
        Ok((bytes, _)) if bytes == content => run.record(step.ok("byte-identical")),
        Ok((bytes, _)) => run.record(step.fail(
            format!("{} bytes back, {} sent", bytes.len(), content.len()),
            "the file came back changed",
            SEE_LOG,
        )),
        Err(detail) => run.record(step.fail(detail, "the download failed", SEE_LOG)),
    };
    let step = Step::new("delete", format!("Delete {name}"));
    match client.cmd(&format!("DELE {name}")) {
        Ok(r) if r.code == 250 => run.record(step.ok(r.shown())),
        Ok(r) => run.record(step.fail(
            r.shown(),
            format!("the test file {name} could not be deleted"),
            "delete it by hand; `ftpconf log`",
        )),
        Err(e) => run.record(step.fail(e.to_string(), "no answer to DELE", SEE_LOG)),
    };
}

fn upload_fix(run: &Run) -> String {
    if run.options.credentials.is_none() {
        "anonymous sessions may not upload; check a local user with --user NAME".into()
    } else {
        "the user needs write permission on the directory (owner and mode of the home directory)"
            .into()
    }
}

fn check_mode(run: &mut Run, client: &mut Client, name: &str) {
    let step = Step::new("mode", "The uploaded file's permissions");
    let expected = 0o666 & run.settings.file_permissions.bits();
    let reply = client.cmd(&format!("MLST {name}"));
    let mode = reply.as_ref().ok().and_then(|r| {
        let facts = r.text.lines().nth(1)?.to_ascii_lowercase();
        let value = facts.split(';').find_map(|f| f.trim().strip_prefix("unix.mode="))?.to_owned();
        u16::from_str_radix(&value, 8).ok()
    });
    match mode {
        Some(mode) if mode == expected => {
            run.record(step.ok(format!("{mode:03o}, as {} says", setting(Field::FilePermissions))))
        }
        Some(mode) => run.record(step.fail(
            format!("{mode:03o}"),
            format!(
                "uploaded files get {mode:03o}, {} gives {expected:03o}",
                setting(Field::FilePermissions)
            ),
            "`ftpconf apply`; Auxiliary Parameters must not set Umask",
        )),
        None => run.record(step.note("the server does not report the mode (MLST)", None)),
    };
}

/// Opens a protected data connection with a client that cannot resume sessions.
fn reuse_probe(run: &mut Run, client: &mut Client) -> bool {
    let step = Step::new("tls-reuse", "Would a client that cannot reuse TLS sessions be refused?");
    let opened = client.cmd("EPSV").and_then(|reply| {
        let port = client::parse_epsv(&reply.text)
            .ok_or_else(|| std::io::Error::other(format!("EPSV: {}", reply.shown())))?;
        let fresh = tls::config(tls::Seen::default(), false);
        client.data(SocketAddr::new(client.peer()?.ip(), port), Some(fresh))
    });
    let data = match opened {
        Ok(d) => d,
        Err(e) => return run.record(step.skipped(format!("could not be tried: {e}"))),
    };
    let option = setting(Field::TlsNoSessionReuseRequired);
    match transfer(client, data, "NLST") {
        Err(f) if f.reply.as_ref().is_none_or(|r| r.code != 425) => {
            run.record(step.skipped(format!("could not be told: {}", f.detail)))
        }
        Err(_) => run.record(step.note(
            "yes: such clients (python ftplib, native-tls, some FileZilla/FluentFTP versions) get 425 Unable to build data connection; this protects data connections against hijacking",
            Some(format!("upgrade such a client; or, less safe, turn on {option}")),
        )),
        Ok(_) => run.record(step.note(format!("no: {option} is on, so data connections are not tied to the control session"), None)),
    }
}
