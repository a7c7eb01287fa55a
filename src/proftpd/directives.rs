//! proftpd configuration syntax: quoting values, which directives ftpconf writes (read
//! from the renderer itself) and which Auxiliary Parameters lines are risky.

use std::sync::OnceLock;

use super::certs::{CertFiles, KeyType};
use super::{Facts, Origin, Rendered, render};
use crate::paths::Paths;
use crate::settings::{Field, Settings, samples};

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

/// Undoes [`quote`]: a word without its double quotes, each backslash taking the next
/// character literally (as proftpd reads it); bare words come back unchanged.
pub fn unquote(word: &str) -> String {
    let Some(inner) = word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) else {
        return word.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
    }
    out
}

/// The first argument of a directive's `arguments`, unquoted; a quoted one may hold
/// spaces and ends at its first unescaped quote.
pub(crate) fn first_argument(arguments: &str) -> String {
    let Some(rest) = arguments.strip_prefix('"') else {
        return first_word(arguments).to_owned();
    };
    let mut escaped = false;
    let end = rest.char_indices().find(|&(_, c)| {
        let closes = c == '"' && !escaped;
        escaped = c == '\\' && !escaped;
        closes
    });
    unquote(&arguments[..end.map_or(arguments.len(), |(i, _)| i + 2)])
}

/// Who decides a server-level directive that ftpconf writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A setting on the screen.
    Field(Field),
    /// ftpconf itself (paths, process identity, modules it relies on).
    Ftpconf,
}

impl Owner {
    fn describe(self) -> String {
        match self {
            Owner::Field(field) => format!("the {} field ({})", field.label(), field.path()),
            Owner::Ftpconf => "ftpconf itself".into(),
        }
    }
}

/// Directives that may repeat without overriding anything: each `LoadModule` loads
/// another module, each `LogFormat` names another format (ftpconf's own name is refused
/// in Auxiliary Parameters), each `ExtendedLog` writes another log.
const REPEATABLE: &[&str] = &["LoadModule", "LogFormat", "ExtendedLog"];

pub(crate) fn is_repeatable(name: &str) -> bool {
    REPEATABLE.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// Every directive ftpconf writes at server level (top level or inside `<Global>`), with
/// the owners of its lines, read from what the renderer writes for the defaults and for
/// every feature switched on, in each kind of machine (sandbox or not, RSA key with a
/// chain or EC key). proftpd keeps one value for most of these, so an Auxiliary
/// Parameters line repeating one would either do nothing or override a field.
pub fn rendered_owners() -> &'static [(String, Vec<Owner>)] {
    static OWNERS: OnceLock<Vec<(String, Vec<Owner>)>> = OnceLock::new();
    OWNERS.get_or_init(|| {
        let mut owners: Vec<(String, Vec<Owner>)> = Vec::new();
        for rendered in sample_renders() {
            for (name, origin) in server_level_directives(&rendered) {
                let owner = match origin {
                    Origin::Field(field) => Owner::Field(field),
                    Origin::Fixed | Origin::Auxiliary(_) => Owner::Ftpconf,
                };
                match owners.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                    Some((_, list)) if !list.contains(&owner) => list.push(owner),
                    Some(_) => {}
                    None => owners.push((name, vec![owner])),
                }
            }
        }
        owners.retain(|(name, _)| !is_repeatable(name));
        owners
    })
}

/// Renders the samples the owner list is read from (Auxiliary Parameters left empty).
pub fn sample_renders() -> Vec<Rendered> {
    let mut out = Vec::new();
    for settings in [Settings::default(), samples::every_feature_on("/srv/ftp", "nas")] {
        let settings = Settings { auxiliary_parameters: String::new(), ..settings };
        for loopback_only in [true, false] {
            for (key_type, has_chain) in [(KeyType::Rsa, true), (KeyType::Ec, false)] {
                let paths = Paths::new("/");
                let certificate = Some(CertFiles {
                    certificate: paths.certificate_file("nas"),
                    key: paths.certificate_key("nas"),
                    key_type,
                    has_chain,
                });
                let facts = Facts {
                    paths,
                    hostname: "nas".into(),
                    ftp_group_exists: true,
                    certificate,
                    loopback_only,
                };
                out.push(render(&settings, &facts));
            }
        }
    }
    out
}

/// The directives of `rendered` that apply server-wide, with the origin of their line.
pub fn server_level_directives(rendered: &Rendered) -> Vec<(String, Origin)> {
    let mut open: Vec<String> = Vec::new();
    let mut found = Vec::new();
    for (line, origin) in rendered.config.lines().zip(&rendered.origins) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("</") {
            open.pop();
        } else if let Some(section) = line.strip_prefix('<') {
            open.push(first_word(section.trim_end_matches('>')).to_owned());
        } else if open.iter().all(|s| is_server_wide(s)) {
            found.push((first_word(line).to_owned(), *origin));
        }
    }
    found
}

/// Who owns `directive` at server level, if ftpconf writes it.
pub fn owner(directive: &str) -> Option<&'static [Owner]> {
    rendered_owners()
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(directive))
        .map(|(_, owners)| owners.as_slice())
}

/// "is set by the Port field (general.port)" / "is written by ftpconf itself".
pub fn ownership(owners: &[Owner]) -> String {
    if owners.iter().all(|o| *o == Owner::Ftpconf) {
        return "is written by ftpconf itself and cannot be overridden here".into();
    }
    let fields: Vec<String> =
        owners.iter().filter(|o| **o != Owner::Ftpconf).map(|o| o.describe()).collect();
    format!("is set by {}; change it there", fields.join(" and "))
}

/// Sections whose directives still apply to the whole server (or to whole sessions
/// chosen by a condition): `<Global>` and every conditional `<If…>` section. A directive
/// ftpconf writes itself is an override there, not a narrowing.
pub fn is_server_wide(section: &str) -> bool {
    section.eq_ignore_ascii_case("Global")
        || section.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("If"))
}

/// Auxiliary Parameters lines that reach beyond the FTP configuration (load code, read
/// other files, run commands, connect out with credentials, write files as root, open
/// directories): (1-based line number, why). An import from elsewhere must not bring
/// these in unseen.
pub fn risky_lines(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("</") {
            continue;
        }
        let name = first_word(line.trim_start_matches('<').trim_end_matches('>'));
        if let Some(why) = risk_of(&name.to_ascii_lowercase()) {
            found.push((index + 1, format!("{name} {why}")));
        }
    }
    found
}

fn risk_of(name: &str) -> Option<&'static str> {
    let why = match name {
        "loadmodule" | "modulepath" => "loads program code into proftpd",
        "include" => "reads another file into the configuration",
        "tlspassphraseprovider" => "runs a program",
        "setenv" | "unsetenv" => "changes the environment of programs proftpd runs",
        "authuserfile" | "authgroupfile" => "takes users or groups from another file",
        "rootlogin" => "can let root log in",
        "anonymous" => "opens a directory to anonymous users",
        _ if name.starts_with("exec") => "runs commands",
        _ if name.starts_with("sql") || name.starts_with("ldap") || name.starts_with("radius") => {
            "connects to an outside service, possibly with credentials"
        }
        _ if name.ends_with("log") => "writes a file as root",
        _ => return None,
    };
    Some(why)
}

pub(crate) fn first_word(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or("")
}

pub(crate) fn is_directive_name(name: &str) -> bool {
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
        for word in ["/mnt/a b", r#"a"b\c"#, "plain", ""] {
            assert_eq!(unquote(&quote(word)), word);
        }
        assert_eq!(first_argument(r#""/var/log/a b.log" ALL mine"#), "/var/log/a b.log");
        assert_eq!(first_argument(r#""a\" b" c"#), r#"a" b"#);
        assert_eq!(first_argument("ftpconf_data \"%m\""), "ftpconf_data");
    }

    #[test]
    fn owners_come_from_the_renderer() {
        assert_eq!(owner("port"), Some(&[Owner::Field(Field::Port)][..]));
        assert_eq!(owner("TimesGMT"), Some(&[Owner::Ftpconf][..]));
        assert!(owner("LoadModule").is_none());
        assert!(ownership(owner("TimeoutLogin").unwrap()).contains("ftpconf itself"));
        let transfer = ownership(owner("TransferRate").unwrap());
        assert!(transfer.contains("Upload") && transfer.contains("Download"), "{transfer}");
    }

    #[test]
    fn risky_lines_are_found() {
        let text = "TimesGMT on\nLoadModule mod_exec.c\nExecOnConnect /bin/x\n# Include /x\nSQLConnectInfo db u p\n<Anonymous /srv>\n</Anonymous>\nExtendedLog /etc/x";
        let lines: Vec<usize> = risky_lines(text).into_iter().map(|(n, _)| n).collect();
        assert_eq!(lines, vec![2, 3, 5, 6, 8]);
    }
}
