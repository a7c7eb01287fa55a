//! The pure rules: every problem a set of settings has on its own, each tied to the field
//! it concerns. Rules that need the machine or proftpd's syntax (directories, groups,
//! certificates, Auxiliary Parameters) live in `proftpd::validate`, which runs these first.
//!
//! Errors block saving; warnings point at risky but legal choices. All problems are
//! collected in one pass, so a user sees everything that is wrong at once.

use std::net::IpAddr;

use super::bandwidth::Rate;
use super::fields::{Field, Settings};
use super::tls_policy::TlsPolicy;
use super::value::{Kind, MAX_LINE, MAX_TEXT, Value};
use crate::visible;

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

    pub fn error(&mut self, field: Field, message: impl Into<String>) {
        self.push(field, Severity::Error, message.into());
    }

    pub fn warn(&mut self, field: Field, message: impl Into<String>) {
        self.push(field, Severity::Warning, message.into());
    }

    pub fn push(&mut self, field: Field, severity: Severity, message: String) {
        self.problems.push(Problem { field, severity, message });
    }
}

/// Checks every rule that needs nothing but `settings` itself.
pub fn check(settings: &Settings) -> Report {
    let mut report = Report::default();
    for &field in Field::ALL {
        check_field(&mut report, field, &field.get(settings));
    }
    check_passive_ports(&mut report, settings);
    check_access(&mut report, settings);
    check_tls(&mut report, settings);
    check_masquerade(&mut report, settings);
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
            } else if let Some(c) = text.chars().find(|&c| visible::is_invisible_format(c)) {
                // Direction overrides and zero-width characters make a value look like
                // another one (a path that reads "/srv/ftp" but is not).
                report.error(
                    field,
                    format!(
                        "contains the invisible formatting character U+{:04X} (it changes how the text around it looks); expected {}",
                        c as u32,
                        kind.accepted()
                    ),
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

/// The anonymous root as typed. Checked whenever it is set, even while anonymous login is
/// off, so a bad value is never stored to surprise whoever turns the login on later.
/// Where it leads on this machine is checked in `proftpd::validate`.
fn check_access(report: &mut Report, s: &Settings) {
    let path = s.anonymous_path.as_str();
    if path.trim().is_empty() {
        if s.anonymous_login {
            report.error(Field::AnonymousPath, "is required when anonymous login is allowed; expected an absolute path of an existing directory");
        }
    } else if !path.starts_with('/') {
        report.error(
            Field::AnonymousPath,
            format!("{:?} is not an absolute path (it must start with /)", visible::line(path)),
        );
    } else if path.contains('*') {
        // proftpd refuses the whole configuration: "wildcards not allowed in pathname".
        report.error(
            Field::AnonymousPath,
            format!(
                "{:?} contains '*', which proftpd does not allow in the anonymous path",
                visible::line(path)
            ),
        );
    }
}

fn check_tls(report: &mut Report, s: &Settings) {
    let name = s.certificate.as_str();
    if !name.is_empty() && !is_certificate_name(name) {
        report.error(Field::Certificate, certificate_name_rule(name));
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

/// Certificate names become file names: letters, digits, '.', '_' and '-', not starting with '.'.
pub fn is_certificate_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The error text for a name [`is_certificate_name`] refuses.
pub fn certificate_name_rule(name: &str) -> String {
    format!(
        "{:?} is not a certificate name; names use letters, digits, '.', '_' and '-' (at most 128, not starting with '.')",
        visible::line(name)
    )
}

/// The masquerade address's syntax; whether a name resolves is `proftpd::validate`'s.
fn check_masquerade(report: &mut Report, s: &Settings) {
    let address = s.masquerade_address.trim();
    if address.is_empty() || address.parse::<IpAddr>().is_ok() || is_host_name(address) {
        return;
    }
    report.error(
        Field::MasqueradeAddress,
        format!("{:?} is neither an IP address nor a valid host name", visible::line(address)),
    );
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
pub(crate) mod tests;
