//! `ftpconf check`, `check-login` and `log`: the doctor on the command line. The work is
//! done by `proftpd::doctor`; this file reads arguments and passwords and prints.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::{Cli, Status, commands::emit};
use crate::proftpd::doctor::log::{self as doctor_log, LogLine};
use crate::proftpd::doctor::login::{self, Accounts};
use crate::proftpd::doctor::{self, CheckOptions, Credentials, Outcome, StepResult};
use crate::settings::{Settings, store};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Connect to ADDR or NAME instead of 127.0.0.1 (e.g. the router's public address)
    #[arg(long, value_name = "ADDR|NAME")]
    host: Option<String>,
    /// Log in as this local user (the password is asked for, or read with the options below)
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// Read the password from the first line of standard input
    #[arg(long, requires = "user", conflicts_with = "password_file")]
    password_stdin: bool,
    /// Read the password from the first line of FILE
    #[arg(long, value_name = "FILE", requires = "user")]
    password_file: Option<PathBuf>,
    /// Also upload a small file, check its permissions, download it and delete it
    #[arg(long)]
    write: bool,
    /// Seconds each network step may take
    #[arg(long, value_name = "SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=120))]
    timeout: u64,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only lines from TIME on: 30m, 2h, 1d (ago), or "YYYY-MM-DD[ HH:MM[:SS]]"
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Keep printing new lines as proftpd writes them (Ctrl-C ends)
    #[arg(long)]
    follow: bool,
    /// Stop following after SECONDS (for scripts)
    #[arg(long, value_name = "SECONDS", requires = "follow")]
    follow_for: Option<u64>,
}

fn load(cli: &Cli) -> Result<Settings, Status> {
    store::load(&cli.settings_file()).map_err(|e| {
        for problem in &e.problems {
            eprintln!("ftpconf: {problem}");
        }
        Status::Invalid
    })
}

/// ✓/✗ on a UTF-8 console, words elsewhere (serial consoles, `--ascii`).
fn marks(cli: &Cli) -> [&'static str; 4] {
    let utf8 = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| v.to_ascii_uppercase().replace('-', "").contains("UTF8"));
    if utf8 && !cli.ascii { ["✓", "✗", "i", "-"] } else { ["ok  ", "FAIL", "note", "skip"] }
}

pub fn check(cli: &Cli, args: &CheckArgs) -> Status {
    let settings = match load(cli) {
        Ok(s) => s,
        Err(status) => return status,
    };
    let credentials = match &args.user {
        None => None,
        Some(user) => match read_password(args, user) {
            Ok(password) => Some(Credentials { user: user.clone(), password }),
            Err(e) => {
                eprintln!("ftpconf: {e}");
                return Status::Usage;
            }
        },
    };
    let paths = cli.paths();
    let host = args.host.clone().or_else(|| paths.listen_address().map(|a| a.to_string()));
    let options = CheckOptions {
        host,
        credentials,
        write: args.write,
        timeout: Duration::from_secs(args.timeout),
    };
    let marks = marks(cli);
    let mut show = |step: &StepResult| {
        if !cli.json {
            let _ = emit(&step_text(step, &marks));
        }
    };
    let results = doctor::check(&settings, &paths, &options, &mut show);
    let passed = doctor::all_passed(&results);
    if cli.json {
        let value = json!({ "passed": passed, "steps": results });
        let _ = emit(&format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default()));
    }
    if passed { Status::Ok } else { Status::Attention }
}

fn step_text(step: &StepResult, marks: &[&str; 4]) -> String {
    let mark = match step.outcome {
        Outcome::Ok => marks[0],
        Outcome::Fail => marks[1],
        Outcome::Note => marks[2],
        Outcome::Skipped => marks[3],
    };
    let time = match step.outcome {
        Outcome::Ok | Outcome::Fail => format!(" ({} ms)", step.millis),
        _ => String::new(),
    };
    let mut out = format!("{mark} {}{time}\n", step.title);
    if !step.detail.is_empty() {
        out += &format!("    {}\n", step.detail);
    }
    if let Some(cause) = &step.cause {
        out += &format!("    cause: {cause}\n");
    }
    if let Some(fix) = &step.fix {
        out += &format!("    fix:   {fix}\n");
    }
    out
}

/// The password from stdin, a file, or a prompt on the terminal with echo off.
fn read_password(args: &CheckArgs, user: &str) -> Result<String, String> {
    let first_line = |text: &str| text.lines().next().unwrap_or("").to_owned();
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password from stdin: {e}"))?;
        return Ok(first_line(&line));
    }
    if let Some(file) = &args.password_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("--password-file {}: {e}", file.display()))?;
        return Ok(first_line(&text));
    }
    prompt(&format!("Password for {}: ", crate::visible::line(user)))
}

fn prompt(question: &str) -> Result<String, String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let no_tty = "no terminal to ask for the password on: use --password-stdin or --password-file";
    let tty =
        std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|_| no_tty)?;
    let saved = tcgetattr(&tty).map_err(|_| no_tty)?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&tty, OptionalActions::Flush, &quiet).map_err(|_| no_tty)?;
    let mut writer = &tty;
    let _ = writer.write_all(question.as_bytes());
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    let _ = tcsetattr(&tty, OptionalActions::Flush, &saved);
    let _ = writer.write_all(b"\n");
    read.map_err(|e| format!("reading the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub fn check_login(cli: &Cli, name: &str, json: bool) -> Status {
    let settings = match load(cli) {
        Ok(s) => s,
        Err(status) => return status,
    };
    let verdict = login::check_login(&settings, name, &Accounts::system());
    if json {
        let _ = emit(&format!("{}\n", serde_json::to_string_pretty(&verdict).unwrap_or_default()));
    } else {
        let shown = crate::visible::line(name);
        let mut out = if verdict.can_login {
            format!("{shown} can log in with these settings.\n")
        } else {
            format!("{shown} cannot log in with these settings:\n")
        };
        for reason in &verdict.reasons {
            out += &format!("  - {}\n    fix: {}\n", reason.cause, reason.fix);
        }
        for note in &verdict.notes {
            out += &format!("  note: {note}\n");
        }
        let _ = emit(&out);
    }
    if verdict.can_login { Status::Ok } else { Status::Attention }
}

pub fn log(cli: &Cli, args: &LogArgs) -> Status {
    let paths = cli.paths();
    let since = match args.since.as_deref().map(doctor_log::parse_since).transpose() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ftpconf: --since: {e}");
            return Status::Usage;
        }
    };
    let mut reader = doctor_log::Reader::new(&paths);
    let lines = reader.read(since);
    if reader.missing_all() {
        eprintln!(
            "ftpconf: no proftpd log yet ({} and {} do not exist)",
            paths.system_log().display(),
            paths.tls_log().display()
        );
    }
    if print_lines(&lines).is_err() || !args.follow {
        return Status::Ok;
    }
    let until = args.follow_for.map(|s| std::time::Instant::now() + Duration::from_secs(s));
    while until.is_none_or(|u| std::time::Instant::now() < u) {
        std::thread::sleep(Duration::from_millis(250));
        // A closed pipe (`| head`) ends the follow quietly.
        if print_lines(&reader.read(None)).is_err() {
            break;
        }
    }
    Status::Ok
}

fn print_lines(lines: &[LogLine]) -> std::io::Result<()> {
    let mut out = String::new();
    for line in lines {
        out += &format!("{}\n", line.text);
        if let Some(p) = line.explanation {
            out += &format!("    -> {}\n       setting: {}\n", p.explanation, p.setting);
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()
}
