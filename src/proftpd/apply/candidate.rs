//! The configuration about to go live: its text, staged beside the live files, checked
//! with `proftpd -t`, and the few facts the later checks read back out of it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tempfile::NamedTempFile;

use crate::fsutil;
use crate::paths::Paths;
use crate::proftpd::child::{self, ChildError};
use crate::proftpd::directives::unquote;
use crate::proftpd::{Origin, Rendered};

/// The files that make up one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    pub config: String,
    pub login_message: String,
    /// The settings that produced `config` (kept as the "applied settings" copy);
    /// `None` when unknown (a configuration written before ftpconf).
    pub settings: Option<String>,
}

/// A candidate plus where its lines came from (when it was rendered from settings).
pub(crate) struct Candidate {
    pub files: Files,
    pub rendered: Option<Rendered>,
    /// Rollback: also replace the settings file with this content.
    pub settings_file: Option<String>,
}

/// The candidate's files written beside their targets, not yet in place.
pub(crate) struct Staged {
    pub config: NamedTempFile,
    pub login_message: NamedTempFile,
    pub applied: Option<NamedTempFile>,
    pub settings_file: Option<NamedTempFile>,
}

/// Where the copy of the applied settings lives (state directory).
pub fn applied_settings_file(paths: &Paths) -> PathBuf {
    paths.state_dir().join("applied.toml")
}

/// proftpd.conf's mode: 0644, or the live file's when that is stricter (an admin who
/// closed it, e.g. for passwords in Auxiliary Parameters, keeps it closed).
pub(crate) fn config_mode(paths: &Paths) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(paths.proftpd_conf())
        .ok()
        .filter(|m| m.is_file())
        .map_or(0o644, |m| m.mode() & 0o644)
}

impl Candidate {
    pub fn stage(&self, paths: &Paths, settings_file: &Path) -> std::io::Result<Staged> {
        let config = fsutil::write_temp_beside(
            &paths.proftpd_conf(),
            self.files.config.as_bytes(),
            config_mode(paths),
        )?;
        let login_message = fsutil::write_temp_beside(
            &paths.login_message(),
            self.files.login_message.as_bytes(),
            0o644,
        )?;
        let applied = match &self.files.settings {
            Some(text) => Some(fsutil::write_temp_beside(
                &applied_settings_file(paths),
                text.as_bytes(),
                0o600,
            )?),
            None => None,
        };
        let settings_file = match &self.settings_file {
            Some(text) => Some(fsutil::write_temp_beside(settings_file, text.as_bytes(), 0o600)?),
            None => None,
        };
        Ok(Staged { config, login_message, applied, settings_file })
    }
}

/// The proftpd binary, if installed.
pub fn proftpd_binary() -> Option<PathBuf> {
    let fixed = ["/usr/sbin/proftpd", "/usr/local/sbin/proftpd"].into_iter().map(PathBuf::from);
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("proftpd")).collect::<Vec<_>>())
        .unwrap_or_default();
    fixed.chain(on_path).find(|p| p.is_file())
}

/// Why `proftpd -t` gave no verdict.
#[derive(Debug)]
pub enum TestError {
    /// proftpd refused the configuration: its stderr lines.
    Refused(Vec<String>),
    /// It could not run, hung past the limit, or was cancelled (the message says which).
    NoVerdict(String),
}

/// `proftpd -t -c FILE` in its own process group, killed at `limit` or on `cancel`.
pub fn config_test(
    proftpd: &Path,
    config: &Path,
    limit: Duration,
    cancel: Option<&AtomicBool>,
) -> Result<(), TestError> {
    let mut command = Command::new(proftpd);
    command.arg("-t").arg("-c").arg(config);
    let out = child::run(&mut command, limit, cancel).map_err(|e| {
        TestError::NoVerdict(match e {
            ChildError::TimedOut(_) => format!(
                "`proftpd -t` {e}: the configuration makes it wait or loop (an Include of \
                 a FIFO, a device or a huge file in auxiliary_parameters?)"
            ),
            ChildError::Cancelled => "cancelled while `proftpd -t` ran".into(),
            ChildError::Spawn(_) => format!("{} {e}", proftpd.display()),
        })
    })?;
    if out.status.success() {
        return Ok(());
    }
    Err(TestError::Refused(
        out.stderr.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect(),
    ))
}

/// Turns proftpd's `fatal: MESSAGE on line N of 'FILE'` into a message that names the
/// setting the line came from ("auxiliary_parameters line 3: unknown configuration
/// directive 'Foo'").
pub fn explain_config_error(stderr: &[String], rendered: Option<&Rendered>) -> String {
    explain(stderr, rendered).0
}

/// [`explain_config_error`], plus whether the error lies in a setting (rather than in
/// the machine, e.g. a missing directory).
pub(crate) fn explain(stderr: &[String], rendered: Option<&Rendered>) -> (String, bool) {
    let mut fatal = stderr.iter().filter_map(|l| l.split_once("fatal: ").map(|(_, m)| m.trim()));
    let Some(first) = fatal.next() else {
        return (format!("proftpd -t refused the configuration: {}", stderr.join(" / ")), false);
    };
    // "Did you mean:" is followed by indented suggestions on their own lines.
    let suggestions: Vec<&str> =
        stderr.iter().filter(|l| l.starts_with(char::is_whitespace)).map(|l| l.trim()).collect();
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean: {}?)", suggestions.join(", "))
    };
    let Some((message, line)) = split_line_number(first) else {
        return (format!("proftpd -t refused the configuration: {first}{hint}"), false);
    };
    let origin = rendered.and_then(|r| r.origin_of_line(line));
    let place = match origin {
        Some(Origin::Auxiliary(n)) => format!("auxiliary_parameters line {n}"),
        Some(Origin::Field(field)) => format!("{} ({})", field.path(), field.label()),
        Some(Origin::Fixed) => format!("line {line} of the generated configuration (fixed text)"),
        None => format!("proftpd.conf line {line}"),
    };
    let in_settings = matches!(origin, Some(Origin::Auxiliary(_) | Origin::Field(_)));
    (format!("{place}: {message}{hint}"), in_settings)
}

/// "X on line 16 of '/x'" → ("X", 16).
fn split_line_number(text: &str) -> Option<(&str, usize)> {
    let at = text.rfind(" on line ")?;
    let rest = &text[at + " on line ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((&text[..at], digits.parse().ok()?))
}

/// What the checks need to know about a configuration, read back from its text (so a
/// restored backup is checked exactly like a freshly rendered one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFacts {
    pub port: Option<u16>,
    /// `DefaultAddress` with `SocketBindTight on`: the only address proftpd binds.
    pub bind_only: Option<String>,
    /// (certificate, key) pairs named by TLS*CertificateFile / TLS*CertificateKeyFile.
    pub tls_pairs: Vec<(PathBuf, PathBuf)>,
    pub anonymous_dirs: Vec<PathBuf>,
    pub display_login: Vec<PathBuf>,
}

impl ConfigFacts {
    pub fn read(config: &str) -> ConfigFacts {
        let mut facts = ConfigFacts::default();
        let (mut address, mut tight) = (None, false);
        let (mut certs, mut keys) = (Vec::new(), Vec::new());
        for raw in config.lines() {
            let line = raw.trim();
            if let Some(inner) = line.strip_prefix("<Anonymous").and_then(|l| l.strip_suffix('>')) {
                facts
                    .anonymous_dirs
                    .push(crate::proftpd::expand_home(&unquote(inner.trim())).into());
                continue;
            }
            let (name, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let value = unquote(args.trim());
            match name.to_ascii_lowercase().as_str() {
                "port" if facts.port.is_none() => facts.port = value.parse().ok(),
                "defaultaddress" if address.is_none() => address = Some(value),
                "socketbindtight" => tight = value.eq_ignore_ascii_case("on"),
                "tlsrsacertificatefile" | "tlseccertificatefile" => certs.push(value),
                "tlsrsacertificatekeyfile" | "tlseccertificatekeyfile" => keys.push(value),
                "displaylogin" => facts.display_login.push(value.into()),
                _ => {}
            }
        }
        facts.bind_only = address.filter(|_| tight);
        facts.tls_pairs = certs.into_iter().zip(keys).map(|(c, k)| (c.into(), k.into())).collect();
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proftpd::directives::quote;
    use crate::settings::Field;

    #[test]
    fn fatal_lines_are_pinned_on_their_setting() {
        let rendered = Rendered {
            config: String::new(),
            origins: vec![Origin::Fixed, Origin::Field(Field::Clients), Origin::Auxiliary(3)],
            login_message: String::new(),
        };
        let aux = vec![
            "2026-11-24 vm proftpd[1]: fatal: unknown configuration directive 'FooBar' on line 3 of '/x/p.conf'".to_owned(),
            "2026-11-24 vm proftpd[1]: fatal: Did you mean:".to_owned(),
            "  From".to_owned(),
            "  Port".to_owned(),
        ];
        assert_eq!(
            explain_config_error(&aux, Some(&rendered)),
            "auxiliary_parameters line 3: unknown configuration directive 'FooBar' (did you mean: From, Port?)"
        );
        let field = vec!["x: fatal: MaxClients: parameter must be 'none' or a number greater than 0 on line 2 of '/x'".to_owned()];
        assert_eq!(
            explain_config_error(&field, Some(&rendered)),
            format!(
                "general.clients ({}): MaxClients: parameter must be 'none' or a number greater than 0",
                Field::Clients.label()
            )
        );
        assert_eq!(
            explain_config_error(&field, None),
            "proftpd.conf line 2: MaxClients: parameter must be 'none' or a number greater than 0"
        );
    }

    #[test]
    fn facts_are_read_back_from_the_text() {
        let text = format!(
            "Port 2121\nDefaultAddress 127.0.0.1\nSocketBindTight on\n<Anonymous {}>\n  DisplayLogin \"/m\"\n</Anonymous>\nTLSRSACertificateFile {}\nTLSRSACertificateKeyFile \"/k\"\nPort 99\n",
            quote("/srv/a \"b\""),
            quote("/c\\d")
        );
        let facts = ConfigFacts::read(&text);
        assert_eq!(facts.port, Some(2121));
        assert_eq!(facts.bind_only.as_deref(), Some("127.0.0.1"));
        assert_eq!(facts.anonymous_dirs, vec![PathBuf::from("/srv/a \"b\"")]);
        assert_eq!(facts.tls_pairs, vec![(PathBuf::from("/c\\d"), PathBuf::from("/k"))]);
        assert_eq!(facts.display_login, vec![PathBuf::from("/m")]);
    }
}
