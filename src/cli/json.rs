//! One reply per command: human text as before, or (with `--json`) a single JSON object
//! on stdout with a stable shape, documented in docs/automation.md (schema 1).
//!
//! Every reply has `schema`, `command`, `ok`, `exit_code`, `verdict`, `changed`,
//! `message`, `problems` and `notes`; commands add their own fields (`settings`,
//! `value`, `changes`, `diff`, `steps`, `backups`, ...). In JSON mode nothing else goes to
//! stdout; human progress is suppressed.

use serde_json::{Map, Value as Json, json};

use super::Status;
use crate::settings::{Field, Problem, Severity};

pub const SCHEMA: u32 = 1;

pub struct Reply {
    pub json: bool,
    command: &'static str,
    /// `None`: follows the exit status ("ok", "invalid", ...).
    pub verdict: Option<&'static str>,
    pub changed: bool,
    pub message: String,
    problems: Vec<Json>,
    notes: Vec<String>,
    fields: Map<String, Json>,
}

impl Reply {
    pub fn new(json: bool, command: &'static str) -> Reply {
        Reply {
            json,
            command,
            verdict: None,
            changed: false,
            message: String::new(),
            problems: Vec::new(),
            notes: Vec::new(),
            fields: Map::new(),
        }
    }

    /// Records how a command that may change state ended.
    pub fn outcome(&mut self, verdict: &'static str, changed: bool, message: impl Into<String>) {
        self.verdict = Some(verdict);
        self.changed = changed;
        self.message = message.into();
    }

    /// A problem with a setting; printed to stderr as `NAME: [warning: ]message`.
    pub fn problem(&mut self, field: Option<Field>, name: &str, severity: Severity, message: &str) {
        if self.json {
            let severity = if severity == Severity::Warning { "warning" } else { "error" };
            self.problems.push(json!({
                "key": field.map(|f| f.path()),
                "truenas_key": field.map(|f| f.truenas_key()),
                "name": name,
                "severity": severity,
                "message": message,
            }));
        } else {
            let tag = if severity == Severity::Warning { "warning: " } else { "" };
            eprintln!("{name}: {tag}{}", crate::visible::line(message));
        }
    }

    /// Validation problems, errors first, each named by `name_of`.
    pub fn problems(&mut self, problems: &[Problem], name_of: impl Fn(Field) -> String) {
        let mut sorted: Vec<&Problem> = problems.iter().collect();
        sorted.sort_by_key(|p| p.severity);
        for p in sorted {
            self.problem(Some(p.field), &name_of(p.field), p.severity, &p.message);
        }
    }

    /// A problem not tied to one setting (unreadable file, refused step); `ftpconf: ` on stderr.
    pub fn error(&mut self, message: &str) {
        if self.json {
            self.problems.push(json!({
                "key": null, "truenas_key": null, "name": null,
                "severity": "error", "message": message,
            }));
        } else {
            eprintln!("ftpconf: {}", crate::visible::line(message));
        }
    }

    /// Something worth telling that is not a problem; stderr for people.
    pub fn note(&mut self, note: &str) {
        if self.json {
            self.notes.push(note.to_owned());
        } else {
            eprintln!("{}", crate::visible::text(note));
        }
    }

    /// A command's own field in the JSON object (ignored in human mode).
    pub fn set(&mut self, key: &str, value: impl Into<Json>) {
        self.fields.insert(key.to_owned(), value.into());
    }

    /// Prints the JSON object (JSON mode) and returns `status`.
    pub fn finish(self, status: Status) -> Status {
        if !self.json {
            return status;
        }
        let verdict = match self.verdict {
            Some(verdict) if status == Status::Ok => verdict,
            _ => verdict_of(status),
        };
        let changed = self.changed;
        let message = self.message;
        let mut object = Map::new();
        object.insert("schema".into(), SCHEMA.into());
        object.insert("command".into(), self.command.into());
        object.insert("ok".into(), (status == Status::Ok).into());
        object.insert("exit_code".into(), (status as u8).into());
        object.insert("verdict".into(), verdict.into());
        object.insert("changed".into(), changed.into());
        object.insert("message".into(), message.into());
        object.insert("problems".into(), self.problems.into());
        object.insert("notes".into(), self.notes.into());
        object.extend(self.fields);
        let text = serde_json::to_string_pretty(&Json::Object(object)).unwrap_or_default();
        let written = super::commands::emit(&format!("{text}\n"));
        if written == Status::Ok { status } else { written }
    }
}

/// The verdict word for an exit status.
pub fn verdict_of(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Invalid => "invalid",
        Status::Usage => "usage",
        Status::Refused => "refused",
        Status::RolledBack => "rolled_back",
        Status::Broken => "broken",
        Status::Attention => "attention",
        Status::Interrupted => "interrupted",
    }
}
