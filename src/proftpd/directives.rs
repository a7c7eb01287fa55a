//! proftpd configuration syntax: quoting values and checking Auxiliary Parameters.

use crate::settings::Field;

/// Quotes a value so proftpd reads it back as one word, whatever it contains.
/// Inside double quotes proftpd takes a backslash as "the next character literally".
/// Values must already be free of line breaks (validation refuses them).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Who decides a top-level directive that ftpconf writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A setting on the screen.
    Field(Field),
    /// ftpconf itself (paths, process identity, modules it relies on).
    Ftpconf,
}

/// Top-level directives the generated configuration already contains. proftpd uses the
/// first occurrence of a directive and silently ignores the rest, so an Auxiliary
/// Parameters line repeating one of these would look applied and do nothing.
const OWNED: &[(&str, Owner)] = &[
    ("Port", Owner::Field(Field::Port)),
    ("MaxClients", Owner::Field(Field::Clients)),
    ("MaxConnectionsPerHost", Owner::Field(Field::Connections)),
    ("MaxLoginAttempts", Owner::Field(Field::LoginAttempts)),
    ("TimeoutNoTransfer", Owner::Field(Field::NotransferTimeout)),
    ("TimeoutIdle", Owner::Field(Field::Timeout)),
    ("DefaultRoot", Owner::Field(Field::AlwaysChroot)),
    ("IdentLookups", Owner::Field(Field::RequireIdent)),
    ("Umask", Owner::Field(Field::FilePermissions)),
    ("TLSEngine", Owner::Field(Field::TlsEnable)),
    ("TLSRequired", Owner::Field(Field::TlsPolicy)),
    ("TLSOptions", Owner::Field(Field::TlsEnable)),
    ("TLSRSACertificateFile", Owner::Field(Field::Certificate)),
    ("TLSRSACertificateKeyFile", Owner::Field(Field::Certificate)),
    ("TLSECCertificateFile", Owner::Field(Field::Certificate)),
    ("TLSECCertificateKeyFile", Owner::Field(Field::Certificate)),
    ("TLSCertificateChainFile", Owner::Field(Field::Certificate)),
    ("PassivePorts", Owner::Field(Field::PassivePortMin)),
    ("AllowForeignAddress", Owner::Field(Field::Fxp)),
    ("AllowRetrieveRestart", Owner::Field(Field::Resume)),
    ("AllowStoreRestart", Owner::Field(Field::Resume)),
    ("UseReverseDNS", Owner::Field(Field::ReverseDns)),
    ("MasqueradeAddress", Owner::Field(Field::MasqueradeAddress)),
    ("DisplayLogin", Owner::Field(Field::DisplayLogin)),
    ("ServerType", Owner::Ftpconf),
    ("ServerName", Owner::Ftpconf),
    ("User", Owner::Ftpconf),
    ("Group", Owner::Ftpconf),
    ("PidFile", Owner::Ftpconf),
    ("ScoreboardFile", Owner::Ftpconf),
    ("SystemLog", Owner::Ftpconf),
    ("TransferLog", Owner::Ftpconf),
    ("TLSLog", Owner::Ftpconf),
    ("TLSProtocol", Owner::Ftpconf),
    ("TLSVerifyClient", Owner::Ftpconf),
    ("DelayTable", Owner::Ftpconf),
    ("ControlsSocket", Owner::Ftpconf),
    ("WtmpLog", Owner::Ftpconf),
    ("RequireValidShell", Owner::Ftpconf),
];

/// Who owns `directive` when it appears at the top level, if anyone.
pub fn owner(directive: &str) -> Option<Owner> {
    OWNED.iter().find(|(name, _)| name.eq_ignore_ascii_case(directive)).map(|&(_, owner)| owner)
}

/// Checks Auxiliary Parameters line by line; each message starts with "line N:".
pub fn lint_auxiliary(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut open: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let n = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.ends_with('\\') {
            problems
                .push(format!("line {n}: ends with a backslash; write the directive on one line"));
            continue;
        }
        if let Some(name) = line.strip_prefix("</") {
            let name = name.strip_suffix('>').unwrap_or(name).trim();
            match open.pop() {
                Some((_, opened)) if opened.eq_ignore_ascii_case(name) => {}
                Some((at, opened)) => problems.push(format!(
                    "line {n}: </{name}> does not match <{opened}> opened on line {at}"
                )),
                None => problems
                    .push(format!("line {n}: </{name}> closes a section that was never opened")),
            }
        } else if let Some(section) = line.strip_prefix('<') {
            if !section.ends_with('>') {
                problems.push(format!("line {n}: a section line must end with '>'"));
                continue;
            }
            let name = first_word(section.trim_end_matches('>'));
            if !is_directive_name(name) {
                problems.push(format!("line {n}: {name:?} is not a section name"));
                continue;
            }
            open.push((n, name.to_owned()));
        } else {
            let name = first_word(line);
            if !is_directive_name(name) {
                problems.push(format!(
                    "line {n}: {name:?} is not a directive name (expected letters, digits and '_')"
                ));
            } else if open.iter().all(|(_, section)| is_server_wide(section)) {
                match owner(name) {
                    Some(Owner::Field(field)) => problems.push(format!(
                        "line {n}: {name} is set by the {} field ({}); change it there",
                        field.label(),
                        field.path()
                    )),
                    Some(Owner::Ftpconf) => problems.push(format!(
                        "line {n}: {name} is managed by ftpconf and cannot be overridden here"
                    )),
                    None => {}
                }
            }
        }
    }
    for (at, name) in open {
        problems.push(format!("line {at}: <{name}> is never closed"));
    }
    problems
}

/// Sections whose directives still land at server level: there, a directive ftpconf
/// writes itself would be a second occurrence that proftpd silently ignores.
fn is_server_wide(section: &str) -> bool {
    ["Global", "IfModule", "IfDefine"].iter().any(|s| s.eq_ignore_ascii_case(section))
}

fn first_word(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or("")
}

fn is_directive_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes_and_backslashes() {
        assert_eq!(quote("/mnt/a b"), r#""/mnt/a b""#);
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn auxiliary_parameters_that_are_fine() {
        let text = "# comment\nTimesGMT on\n<Directory /mnt/x>\n  AllowOverwrite off\n  Umask 002\n</Directory>\n\nServerIdent on \"hi\"\n<Anonymous /srv/b>\n  MaxClients 3\n</Anonymous>";
        assert_eq!(lint_auxiliary(text), Vec::<String>::new());
    }

    #[test]
    fn auxiliary_parameters_that_are_not() {
        let cases = [
            ("MaxClients 50", "set by the Clients field"),
            ("port 2121", "set by the Port field"),
            ("PidFile /tmp/x", "managed by ftpconf"),
            ("</Global>", "never opened"),
            ("<Directory /x>\nFoo on", "never closed"),
            ("<Directory /x>\n</Limit>", "does not match"),
            ("<Directory /x", "must end with '>'"),
            ("-x on", "not a directive name"),
            ("Foo on \\", "backslash"),
            ("<Global>\nMaxClients 1\n</Global>", "set by the Clients field"),
            ("<IfModule mod_auth.c>\n  TimeoutIdle 1\n</IfModule>", "set by the Timeout field"),
        ];
        for (text, expected) in cases {
            let problems = lint_auxiliary(text);
            assert!(problems.iter().any(|p| p.contains(expected)), "{text:?}: {problems:?}");
            assert!(problems.iter().all(|p| p.starts_with("line ")), "{problems:?}");
        }
    }
}
