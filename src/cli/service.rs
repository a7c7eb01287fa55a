//! `ftpconf status`, `service`, `sessions` and `kick`: the FTP service from a script.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::ValueEnum;
use serde_json::json;

use super::commands::emit;
use super::{Cli, Status};
use crate::proftpd::service::control::{self, Action};
use crate::proftpd::service::drift::ConfigVerdict;
use crate::proftpd::service::text::{doing, span, utc, who};
use crate::proftpd::service::{self, Health, KickOutcome, RunState, Session, Target};
use crate::visible;

/// The actions of `ftpconf service`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceAction {
    Start,
    Stop,
    Restart,
    Enable,
    Disable,
}

impl From<ServiceAction> for Action {
    fn from(a: ServiceAction) -> Action {
        match a {
            ServiceAction::Start => Action::Start,
            ServiceAction::Stop => Action::Stop,
            ServiceAction::Restart => Action::Restart,
            ServiceAction::Enable => Action::Enable,
            ServiceAction::Disable => Action::Disable,
        }
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn json_out(value: &serde_json::Value) -> Status {
    emit(&format!("{}\n", serde_json::to_string_pretty(value).unwrap_or_default()))
}

pub fn status(cli: &Cli, as_json: bool) -> Status {
    let st = service::status(&cli.paths());
    let exit = match st.health() {
        Health::Serving => Status::Ok,
        Health::Stopped => Status::Refused,
        Health::Attention => Status::Attention,
    };
    if as_json {
        let mut value = serde_json::to_value(&st).unwrap_or_default();
        value["health"] = json!(match st.health() {
            Health::Serving => "serving",
            Health::Stopped => "stopped",
            Health::Attention => "attention",
        });
        return if json_out(&value) == Status::Ok { exit } else { Status::Refused };
    }
    let mut out = String::new();
    let state = match (st.state, st.pid) {
        (RunState::Running, Some(pid)) => match st.uptime_seconds {
            Some(up) => format!("running (pid {pid}, up {})", span(up)),
            None => format!("running (pid {pid})"),
        },
        (RunState::Running, None) => "running".into(),
        (RunState::Stopped, _) => "stopped".into(),
        (RunState::Failed, _) => "FAILED".into(),
    };
    out += &format!("proftpd:        {state}\n");
    if let Some(reason) = &st.reason {
        out += &format!("  why:          {reason}\n");
    }
    out += &format!("start at boot:  {} ({})\n", st.start_at_boot.state, st.start_at_boot.detail);
    let config = &st.configuration;
    let marker = if config.drift.state == ConfigVerdict::Changed { "CHANGED: " } else { "" };
    out += &format!("configuration:  {marker}{}\n", config.drift.detail);
    for line in &config.drift.changed_lines {
        let sign = if line.change == "added" { "+" } else { "-" };
        out += &format!("  {sign} line {:<4} {}\n", line.line, visible::line(&line.text));
    }
    if config.reload_pending == Some(true) {
        out += "  proftpd.conf changed after proftpd last read it (not reloaded yet)\n";
    }
    // Addresses read from the configuration are what proftpd would use, not sockets seen.
    let label = if st.listening_from == "sockets" { "listening:" } else { "configured:" };
    out += &format!("{label:<16}{}\n", st.listening.join(", "));
    match st.sessions {
        Some(n) => out += &format!("sessions:       {n}\n"),
        None => out += "sessions:       unknown\n",
    }
    match &st.pending_confirmation {
        Some(p) => {
            let since = p.since.map(|s| format!(" since {}", utc(s))).unwrap_or_default();
            let deadline = p
                .deadline
                .map_or("deadline not recorded".into(), |d| format!("reverted at {}", utc(d)));
            out += &format!(
                "confirmation:   PENDING{since}, {deadline}; unconfirmed, backup {} comes back\n",
                p.backup
            );
        }
        None => out += "confirmation:   none pending\n",
    }
    match &st.newest_backup {
        Some(b) => {
            out += &format!(
                "newest backup:  {} ({}, {})\n",
                b.id,
                utc(b.created as i64),
                visible::line(&b.reason)
            )
        }
        None => out += "newest backup:  none\n",
    }
    for problem in &st.problems {
        eprintln!("ftpconf: {problem}");
    }
    if emit(&out) == Status::Ok { exit } else { Status::Refused }
}

pub fn service_action(cli: &Cli, action: ServiceAction, yes: bool) -> Status {
    let paths = cli.paths();
    let action = Action::from(action);
    if action.cuts_sessions() && !yes {
        match service::sessions(&paths) {
            Ok(list) if !list.is_empty() => {
                eprintln!(
                    "ftpconf: {} would end {} connected session(s): {}; add --yes to do it",
                    action.name(),
                    list.len(),
                    list.iter().map(who).collect::<Vec<_>>().join(", ")
                );
                return Status::Refused;
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!(
                    "ftpconf: cannot tell who is connected ({e}); add --yes to {} anyway",
                    action.name()
                );
                return Status::Refused;
            }
        }
    }
    let before = observed(&paths, action);
    match control::perform(&paths, action) {
        Ok(done) => {
            // For scripts and automation engines: did the service's state move?
            let moved = action == Action::Restart || observed(&paths, action) != before;
            emit(&format!("{}\n{done}\n", if moved { "changed" } else { "unchanged" }))
        }
        Err(e) => {
            eprintln!("ftpconf: {}", e.message);
            if e.refused { Status::Refused } else { Status::Broken }
        }
    }
}

/// The session with every client-chosen text escaped for printing.
fn escaped(s: &Session) -> Session {
    let esc = |t: &Option<String>| t.as_deref().map(|t| visible::line(t).into_owned());
    Session {
        user: esc(&s.user),
        client_address: visible::line(&s.client_address).into_owned(),
        client_name: visible::line(&s.client_name).into_owned(),
        command: esc(&s.command),
        argument: esc(&s.argument),
        directory: esc(&s.directory),
        ..s.clone()
    }
}

pub fn sessions(cli: &Cli, as_json: bool) -> Status {
    let list = match service::sessions(&cli.paths()) {
        Ok(list) => list,
        Err(e) => {
            eprintln!("ftpconf: {e}");
            return Status::Refused;
        }
    };
    if as_json {
        let shown: Vec<Session> = list.iter().map(escaped).collect();
        return json_out(&json!({ "sessions": shown }));
    }
    if list.is_empty() {
        return emit("no sessions\n");
    }
    let now = now();
    let mut out =
        format!("{:<8} {:<16} {:<22} {:<10} {}\n", "PID", "USER", "CLIENT", "CONNECTED", "DOING");
    for s in list.iter().map(escaped) {
        let user = match (&s.user, s.anonymous) {
            (Some(u), true) => format!("{u} (anon)"),
            (Some(u), false) => u.clone(),
            (None, _) => "-".into(),
        };
        let connected = span((now - s.connected_since).max(0) as u64);
        out += &format!(
            "{:<8} {:<16} {:<22} {:<10} {}\n",
            s.pid,
            user,
            s.client_address,
            connected,
            doing(&s)
        );
    }
    emit(&out)
}

/// The session(s) `ftpconf kick` names (clap makes sure exactly one is given).
pub fn target(pid: Option<u32>, user: &Option<String>, address: &Option<String>) -> Target {
    match (pid, user, address) {
        (Some(pid), _, _) => Target::Pid(pid),
        (_, Some(user), _) => Target::User(user.clone()),
        (_, _, Some(address)) => Target::Address(address.clone()),
        _ => Target::Pid(0),
    }
}

pub fn kick(cli: &Cli, target: Target, grace: u64, as_json: bool) -> Status {
    let grace = Duration::from_secs(grace);
    if let Target::Address(address) = &target
        && address.parse::<std::net::IpAddr>().is_err()
    {
        eprintln!(
            "ftpconf: --address: {:?} is not an IP address (e.g. 192.0.2.7 or 2001:db8::7)",
            visible::line(address)
        );
        return Status::Usage;
    }
    let results = match service::kick(&cli.paths(), &target, grace) {
        Ok(results) => results,
        Err(e) => {
            eprintln!("ftpconf: {e}");
            return Status::Refused;
        }
    };
    let exit = if results.is_empty()
        || results.iter().any(|r| matches!(r.outcome, KickOutcome::NotASession(_)))
    {
        Status::Refused
    } else if results.iter().all(|r| r.outcome.ended()) {
        Status::Ok
    } else {
        Status::Attention
    };
    if as_json {
        let shown: Vec<_> = results
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.user = r.user.map(|u| visible::line(&u).into_owned());
                r
            })
            .collect();
        return if json_out(&json!({ "results": shown })) == Status::Ok {
            exit
        } else {
            Status::Refused
        };
    }
    if results.is_empty() {
        eprintln!("ftpconf: no session matches; `ftpconf sessions` lists them");
        return exit;
    }
    let mut out = String::new();
    for r in &results {
        let user = r.user.as_deref().map_or("-".into(), |u| visible::line(u).into_owned());
        let from = r
            .client_address
            .as_deref()
            .map(|a| format!(" from {}", visible::line(a)))
            .unwrap_or_default();
        let outcome = match &r.outcome {
            KickOutcome::Ended => "ended".to_owned(),
            KickOutcome::Killed => {
                format!("killed (did not end within {} s of SIGTERM)", grace.as_secs())
            }
            KickOutcome::NotASession(why) => format!("not signalled: {why}"),
            KickOutcome::Failed(why) => format!("FAILED: {why}"),
        };
        out += &format!("pid {} ({user}{from}): {outcome}\n", r.pid);
    }
    if emit(&out) == Status::Ok { exit } else { Status::Refused }
}

/// What `action` changes: whether proftpd runs, or whether it starts at boot.
fn observed(paths: &crate::paths::Paths, action: Action) -> String {
    match action {
        Action::Enable | Action::Disable => service::systemd::unit(paths)
            .ok()
            .flatten()
            .map_or_else(String::new, |unit| unit.enabled),
        Action::Start | Action::Stop | Action::Restart => {
            let running = matches!(
                crate::proftpd::status::state(paths),
                crate::proftpd::status::State::Running { .. }
            );
            running.to_string()
        }
    }
}
