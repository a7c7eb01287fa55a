//! Validation on the machine: the pure settings rules first, then what needs the file
//! system, the user and group databases, the certificate store, name resolution or
//! proftpd's configuration syntax. Every caller (set, import, validate, render, apply, the
//! editor) goes through [`validate`], so a rule holds for every path into the settings.

mod anonymous;
mod auxiliary;

pub use anonymous::{exposed_tree, resolve_path};

use std::net::IpAddr;

use super::system::System;
use crate::settings::{self, Field, Report, Settings, is_host_name};

/// Every problem of `settings` on the machine described by `system`.
pub fn validate(settings: &Settings, system: &System) -> Report {
    let mut report = settings::check(settings);
    anonymous::check(&mut report, settings, system);
    check_login_group(&mut report, settings, system);
    check_certificate(&mut report, settings, system);
    check_masquerade_resolves(&mut report, settings, system);
    for problem in auxiliary::lint(&settings.auxiliary_parameters, system) {
        report.error(Field::AuxiliaryParameters, problem);
    }
    report
}

/// `~user` and `~user/rest` expanded as proftpd does (from the real user database);
/// other paths, and unknown users, come back unchanged.
pub fn expand_home(path: &str) -> String {
    let system = System::new(crate::paths::Paths::new("/"));
    auxiliary::expand_home(path, &system).unwrap_or_else(|| path.to_owned())
}

fn check_login_group(report: &mut Report, s: &Settings, system: &System) {
    if !s.local_user_login && !system.group_exists("ftp") {
        let who = if s.anonymous_login { "only anonymous users" } else { "nobody" };
        report.warn(
            Field::LocalUserLogin,
            format!("this system has no group 'ftp', so {who} can log in; create the group and add users to it, or allow local user login"),
        );
    }
}

fn check_certificate(report: &mut Report, s: &Settings, system: &System) {
    let name = s.certificate.as_str();
    if s.tls_enable && settings::is_certificate_name(name) {
        for problem in system.certificate_problems(name) {
            report.push(Field::Certificate, problem.severity, problem.message);
        }
    }
}

fn check_masquerade_resolves(report: &mut Report, s: &Settings, system: &System) {
    let address = s.masquerade_address.trim();
    if !system.resolve_names
        || address.is_empty()
        || address.parse::<IpAddr>().is_ok()
        || !is_host_name(address)
    {
        return;
    }
    if let Err(why) = system.resolve(address) {
        report.error(
            Field::MasqueradeAddress,
            format!("{why}; use an IP address or a name this system can resolve"),
        );
    }
}

#[cfg(test)]
mod tests;
