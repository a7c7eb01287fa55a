//! Validation: every problem with a set of settings, each tied to the field it concerns.
//!
//! Errors block saving; warnings point at risky but legal choices. All problems are
//! collected in one pass, so a user sees everything that is wrong at once.

use std::net::IpAddr;

use super::bandwidth::Rate;
use super::fields::{Field, Settings};
use super::system::System;
use super::tls_policy::TlsPolicy;
use super::value::{Kind, MAX_LINE, MAX_TEXT, Value};
use crate::proftpd::{certs, directives};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub severity: Severity,
    pub message: String,
}

/// The outcome of validating a whole set of settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Problems about one field, errors first.
    pub fn for_field(&self, field: Field) -> impl Iterator<Item = &Problem> {
        let mut found: Vec<&Problem> = self.problems.iter().filter(|p| p.field == field).collect();
        found.sort_by_key(|p| p.severity);
        found.into_iter()
    }

    fn error(&mut self, field: Field, message: impl Into<String>) {
        self.push(field, Severity::Error, message.into());
    }

    fn warn(&mut self, field: Field, message: impl Into<String>) {
        self.push(field, Severity::Warning, message.into());
    }

    fn push(&mut self, field: Field, severity: Severity, message: String) {
        self.problems.push(Problem { field, severity, message });
    }
}

/// Checks every rule against `settings` on the machine described by `system`.
pub fn validate(settings: &Settings, system: &System) -> Report {
    let mut report = Report::default();
    for &field in Field::ALL {
        check_field(&mut report, field, &field.get(settings));
    }
    check_passive_ports(&mut report, settings);
    check_access(&mut report, settings, system);
    check_tls(&mut report, settings, system);
    check_masquerade(&mut report, settings, system);
    for problem in directives::lint_auxiliary(&settings.auxiliary_parameters) {
        report.error(Field::AuxiliaryParameters, problem);
    }
    check_risky_choices(&mut report, settings);
    report.problems.extend(super::validate_nat::nat_problems(settings));
    report
}

/// Rules that need only the field's own value.
fn check_field(report: &mut Report, field: Field, value: &Value) {
    match (field.kind(), value) {
        (Kind::Number { min, max }, Value::Number(n)) if !(min..=max).contains(n) => {
            report
                .error(field, format!("{n} is out of range; expected {}", field.kind().accepted()));
        }
        (Kind::PassivePort, Value::Number(n)) if *n != 0 && !(1024..=65535).contains(n) => {
            report
                .error(field, format!("{n} is not allowed; expected {}", field.kind().accepted()));
        }
        (Kind::Text, Value::Text(text)) => {
            if text.len() > MAX_TEXT {
                report.error(field, format!("is {} bytes; at most {MAX_TEXT} allowed", text.len()));
            }
            if let Some(c) = text.chars().find(|&c| is_forbidden(c) && c != '\n' && c != '\t') {
                report.error(field, format!("contains the control character {c:?}; only printable text, tabs and line breaks are allowed"));
            }
        }
        (kind, Value::Text(text)) if kind.is_single_line() => {
            if text.chars().count() > MAX_LINE {
                report.error(field, format!("is longer than {MAX_LINE} characters"));
            }
            if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
                report.error(
                    field,
                    format!("contains the control character {c:?}; expected {}", kind.accepted()),
                );
            }
            if text.contains("%{") {
                report.error(
                    field,
                    "must not contain \"%{\" (proftpd would expand it as a variable)",
                );
            }
        }
        (Kind::Rate, Value::Rate(rate)) if *rate > Rate::MAX => {
            report.error(
                field,
                format!("{} KiB/s is too large; at most {} KiB/s", rate.0, Rate::MAX.0),
            );
        }
        _ => {}
    }
}

/// Control characters, and the Unicode line separators that some viewers break lines at.
fn is_forbidden(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

fn check_passive_ports(report: &mut Report, s: &Settings) {
    let (min, max) = (s.passive_port_min, s.passive_port_max);
    match (min, max) {
        (0, 0) => {}
        (0, _) => report.error(
            Field::PassivePortMin,
            "set both passive ports or neither (0 and 0 means any port above 1023)",
        ),
        (_, 0) => report.error(
            Field::PassivePortMax,
            "set both passive ports or neither (0 and 0 means any port above 1023)",
        ),
        _ if max <= min => report.error(
            Field::PassivePortMax,
            format!("must be greater than the Minimum Passive Port ({min})"),
        ),
        _ => {}
    }
}

fn check_access(report: &mut Report, s: &Settings, system: &System) {
    if s.anonymous_login {
        let path = s.anonymous_path.as_str();
        if path.trim().is_empty() {
            report.error(Field::AnonymousPath, "is required when anonymous login is allowed; expected an absolute path of an existing directory");
        } else if !path.starts_with('/') {
            report.error(
                Field::AnonymousPath,
                format!("{path:?} is not an absolute path (it must start with /)"),
            );
        } else if path.contains('*') {
            // proftpd refuses the whole configuration: "wildcards not allowed in pathname".
            report.error(
                Field::AnonymousPath,
                format!(
                    "{path:?} contains '*', which proftpd does not allow in the anonymous path"
                ),
            );
        } else if !system.is_directory(path) {
            report.error(Field::AnonymousPath, format!("{path:?} is not an existing directory"));
        }
    }
    if !s.local_user_login && !system.group_exists("ftp") {
        let who = if s.anonymous_login { "only anonymous users" } else { "nobody" };
        report.warn(
            Field::LocalUserLogin,
            format!("this system has no group 'ftp', so {who} can log in; create the group and add users to it, or allow local user login"),
        );
    }
}

fn check_tls(report: &mut Report, s: &Settings, system: &System) {
    let name = s.certificate.as_str();
    if !name.is_empty() && !certs::is_valid_name(name) {
        report.error(
            Field::Certificate,
            format!(
                "{name:?} is not a certificate name; names use letters, digits, '.', '_' and '-'"
            ),
        );
        return;
    }
    if !s.tls_enable {
        return;
    }
    if name.is_empty() {
        report.error(
            Field::Certificate,
            "is required when TLS is enabled; choose a certificate from the certificate directory",
        );
    } else {
        for problem in system.certificate_problems(name) {
            report.push(Field::Certificate, problem.severity, problem.message);
        }
    }
    if s.tls_policy == TlsPolicy::Off {
        report.warn(Field::TlsPolicy, "TLS is offered but never required, so passwords may still cross the network unencrypted");
    }
    // `proftpd -t` accepts this pair, but the daemon refuses to start with it.
    if s.tls_allow_per_user && s.tls_policy.requires_control() {
        report.error(
            Field::TlsAllowPerUser,
            format!(
                "proftpd will not start with TLS Allow Per User and TLS Policy {}; turn the option off or pick Off, Data or !Data",
                s.tls_policy.label()
            ),
        );
    }
    for field in [
        Field::TlsAllowDotLogin,
        Field::TlsCommonNameRequired,
        Field::TlsDnsNameRequired,
        Field::TlsIpAddressRequired,
    ] {
        if field.get(s) == Value::Bool(true) {
            report.warn(field, "has no effect: clients are never asked for a certificate");
        }
    }
}

fn check_masquerade(report: &mut Report, s: &Settings, system: &System) {
    let address = s.masquerade_address.trim();
    if address.is_empty() || address.parse::<IpAddr>().is_ok() {
        return;
    }
    if !is_host_name(address) {
        report.error(
            Field::MasqueradeAddress,
            format!("{address:?} is neither an IP address nor a valid host name"),
        );
    } else if system.resolve_names
        && let Err(why) = system.resolve(address)
    {
        report.error(
            Field::MasqueradeAddress,
            format!("{why}; use an IP address or a name this system can resolve"),
        );
    }
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
pub fn is_host_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && !name.rsplit('.').next().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
}

fn check_risky_choices(report: &mut Report, s: &Settings) {
    if s.fxp {
        report.warn(Field::Fxp, "FXP lets clients send data to third-party hosts (FTP bounce attacks); enable only for server-to-server transfers");
    }
    if s.require_ident {
        report.warn(
            Field::RequireIdent,
            "clients without an identd will wait for a timeout on every connection",
        );
    }
    if s.reverse_dns {
        report.warn(
            Field::ReverseDns,
            "every connection waits for a DNS lookup; logins stall when reverse DNS is not set up",
        );
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
