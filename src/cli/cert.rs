//! `ftpconf cert …`: the certificate store from the command line.

use std::path::PathBuf;
use std::time::Instant;

use clap::Subcommand;

use super::{Cli, Status};
use crate::proftpd::certs::{self, CertInfo, KeyChoice, KeyStatus, NewCert};
use crate::settings::Severity;
use crate::settings::store::{self, SettingsFile};
use crate::visible;

/// A path or text from a file, certificate or directory listing, safe to print.
fn shown(text: &str) -> String {
    visible::line(text).into_owned()
}

fn shown_path(path: &std::path::Path) -> String {
    shown(&path.to_string_lossy())
}

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// List the certificates: name, common name, expiry, key, health
    List,
    /// Print everything about one certificate and its problems (exit 1 when unusable)
    Show { name: String },
    /// Make a self-signed certificate for this host (EC P-256 unless --rsa)
    Create {
        name: String,
        /// An EC P-256 key (the default)
        #[arg(long, conflicts_with = "rsa")]
        ec: bool,
        /// An RSA key instead (see --bits)
        #[arg(long)]
        rsa: bool,
        /// RSA key size: 2048, 3072 or 4096
        #[arg(long, default_value_t = 2048, requires = "rsa")]
        bits: usize,
        /// Days of validity (1 to 3650)
        #[arg(long, default_value_t = certs::DEFAULT_DAYS)]
        days: u32,
        /// Subject common name [default: this host's fully qualified name, or its name]
        #[arg(long, value_name = "NAME")]
        cn: Option<String>,
        /// Alternative names (host names or IP addresses), repeatable [default: host
        /// name, FQDN, localhost and this host's addresses]
        #[arg(long, value_name = "NAME_OR_IP", num_args = 1..)]
        san: Vec<String>,
        /// Overwrite an existing certificate of that name
        #[arg(long)]
        replace: bool,
    },
    /// Store a certificate (with its chain) and its key, after checking them
    Import {
        name: String,
        /// PEM file with the certificate, then any intermediate certificates
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
        /// PEM file with the unencrypted private key (PKCS#8, PKCS#1 or SEC1)
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Overwrite an existing certificate of that name (renewal)
        #[arg(long)]
        replace: bool,
    },
    /// Delete a certificate the FTP settings do not use
    Delete { name: String },
}

pub fn run(cli: &Cli, command: &CertCommand) -> Status {
    let paths = cli.paths();
    // Changes to the store hold the settings lock, like `set`: a `set` choosing this
    // certificate cannot interleave with its replacement or deletion.
    let locked = match command {
        CertCommand::List | CertCommand::Show { .. } => None,
        _ => match SettingsFile::open(&cli.settings_file()) {
            Ok(file) => Some(file),
            Err(e) => {
                return refuse(
                    &e.problems,
                    "the certificate store was not changed",
                    Status::Refused,
                );
            }
        },
    };
    if let CertCommand::Create { name, replace: false, .. }
    | CertCommand::Import { name, replace: false, .. } = command
    {
        let taken = [paths.certificate_file(name), paths.certificate_key(name)];
        if certs::is_valid_name(name) && taken.iter().any(|f| f.exists()) {
            eprintln!(
                "ftpconf: certificate {name:?} already exists; choose another name, or add --replace"
            );
            return Status::Refused;
        }
    }
    match command {
        CertCommand::List => list(cli),
        CertCommand::Show { name } => {
            if !certs::is_valid_name(name) {
                eprintln!("ftpconf: {}", certs::name_rule(name));
                return Status::Usage;
            }
            let info = certs::inspect(&paths, name);
            if !info.cert_file.exists() && info.key == KeyStatus::Missing {
                eprintln!(
                    "ftpconf: there is no certificate {name:?} in {}; `ftpconf cert list` shows them",
                    paths.certificate_dir().display()
                );
                return Status::Invalid;
            }
            show(&info)
        }
        CertCommand::Create { name, rsa, bits, days, cn, san, replace, .. } => {
            let (default_cn, default_sans) = certs::default_identity();
            let new = NewCert {
                key: if *rsa { KeyChoice::Rsa { bits: *bits } } else { KeyChoice::Ec },
                days: *days,
                common_name: cn.clone().unwrap_or(default_cn),
                alt_names: if san.is_empty() { default_sans } else { san.clone() },
            };
            let started = Instant::now();
            match certs::create(&paths, name, &new, *replace) {
                Ok(info) => {
                    eprintln!(
                        "created {} and {} in {} ms",
                        shown_path(&info.cert_file),
                        shown_path(&info.key_file),
                        started.elapsed().as_millis()
                    );
                    super::commands::emit("changed\n");
                    show(&info)
                }
                Err(errors) => refuse(&errors, "no certificate was created", Status::Refused),
            }
        }
        CertCommand::Import { name, cert, key, replace } => {
            match certs::import(&paths, name, cert, key, *replace) {
                Ok(info) => {
                    eprintln!("imported {} as {name:?}", shown_path(cert));
                    super::commands::emit("changed\n");
                    show(&info)
                }
                Err(errors) => refuse(&errors, "nothing was imported", Status::Invalid),
            }
        }
        CertCommand::Delete { name } => {
            let settings = locked
                .as_ref()
                .map_or_else(|| store::load(&cli.settings_file()), SettingsFile::settings);
            let settings = match settings {
                Ok(settings) => settings,
                Err(e) => {
                    e.problems.iter().for_each(|p| eprintln!("ftpconf: {p}"));
                    eprintln!(
                        "ftpconf: cannot tell whether the FTP settings use {name:?}; nothing was deleted"
                    );
                    return Status::Refused;
                }
            };
            match certs::delete(&paths, name, &settings) {
                Ok(()) => {
                    eprintln!("deleted certificate {name:?}");
                    super::commands::emit("changed\n")
                }
                Err(why) => refuse(&[why], "nothing was deleted", Status::Refused),
            }
        }
    }
}

fn refuse(errors: &[String], outcome: &str, status: Status) -> Status {
    errors.iter().for_each(|e| eprintln!("ftpconf: {}", shown(e)));
    eprintln!("ftpconf: {outcome}");
    status
}

fn list(cli: &Cli) -> Status {
    let paths = cli.paths();
    let summaries = match certs::list(&paths) {
        Ok(s) => s,
        Err(e) => return refuse(&[e], "cannot list certificates", Status::Refused),
    };
    if summaries.is_empty() {
        eprintln!(
            "no certificates in {}; `ftpconf cert create NAME` makes one",
            paths.certificate_dir().display()
        );
        return Status::Ok;
    }
    let mut out =
        format!("{:<16} {:<24} {:<10} {:<9} {}\n", "NAME", "CN", "EXPIRES", "KEY", "HEALTH");
    for s in &summaries {
        out += &format!(
            "{:<16} {:<24} {:<10} {:<9} {}\n",
            s.name,
            shown(&s.common_name),
            s.expires.as_deref().unwrap_or("-"),
            if s.key.is_empty() { "-" } else { &s.key },
            s.health()
        );
    }
    super::commands::emit(&out)
}

/// Prints a certificate's details and problems; `Invalid` when it has errors.
fn show(info: &CertInfo) -> Status {
    let mut out = format!("Name:          {}\n", shown(&info.name));
    out += &format!("Certificate:   {}\n", shown_path(&info.cert_file));
    out += &format!("Key file:      {}\n", shown_path(&info.key_file));
    if let Some(d) = info.details() {
        out += &format!("Subject:       {}\n", shown(&d.subject));
        out += &format!("Common name:   {}\n", shown(d.common_name.as_deref().unwrap_or("(none)")));
        let alt_names =
            if d.alt_names.is_empty() { "(none)".into() } else { d.alt_names.join(", ") };
        out += &format!("Alt names:     {}\n", shown(&alt_names));
        let issuer = if d.self_signed { "(self-signed)".to_owned() } else { shown(&d.issuer) };
        out += &format!("Issuer:        {issuer}\n");
        out += &format!("Serial:        {}\n", shown(&d.serial));
        out += &format!("Valid from:    {}\n", certs::timestamp(d.not_before));
        out += &format!("Valid until:   {}\n", certs::timestamp(d.not_after));
        out += &format!("Key:           {}\n", d.key);
        out += &format!("Digest:        {}\n", shown(&d.digest.name));
        out += &format!("CA:            {}\n", if d.is_ca { "yes" } else { "no" });
        out += &format!("Chain:         {} certificate(s) after the leaf\n", d.chain.len());
        for subject in &d.chain {
            out += &format!("               {}\n", shown(subject));
        }
    }
    let key = match &info.key {
        KeyStatus::Matches => "present, matches the certificate",
        KeyStatus::Missing => "missing",
        KeyStatus::Unreadable(_) => "unreadable",
        KeyStatus::Encrypted => "encrypted (passphrase)",
        KeyStatus::Mismatch => "DOES NOT MATCH the certificate",
        KeyStatus::Unverifiable(_) => "present, not comparable",
        KeyStatus::Exposed { .. } => "present, matches, READABLE BY OTHERS",
    };
    out += &format!("Private key:   {key}\n");
    let mut problems = certs::check_info(info);
    problems.sort_by_key(|p| p.severity);
    if problems.is_empty() {
        out += "Health:        ok, usable for FTPS\n";
    }
    for p in &problems {
        let tag = if p.severity == Severity::Error { "error" } else { "warning" };
        out += &format!("{tag}: {}\n", shown(&p.message));
    }
    let status = super::commands::emit(&out);
    if problems.iter().any(|p| p.severity == Severity::Error) { Status::Invalid } else { status }
}
