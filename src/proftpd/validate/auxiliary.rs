//! Auxiliary Parameters, line by line: well-formed sections, no directive that a field
//! (or ftpconf itself) already sets, unless a section narrows it; lines proftpd reads
//! whole; `Include` of regular files only; `<Anonymous>` roots outside the system.

use std::path::Path;

use super::anonymous;
use crate::paths::Paths;
use crate::proftpd::directives::{
    first_argument, first_word, is_directive_name, is_server_wide, owner, ownership, unquote,
};
use crate::proftpd::doctor::passive_log;
use crate::proftpd::system::System;
use crate::visible;

/// proftpd reads configuration lines into a 4096-byte buffer; a longer line is cut and
/// the rest parsed as a new line, which the checks here would never see.
pub const MAX_CONFIG_LINE: usize = 4095;

/// How deep `Include` files are followed, and how large one may be.
const MAX_INCLUDE_DEPTH: usize = 4;
const MAX_INCLUDE_BYTES: u64 = 1 << 20;

/// Problems of Auxiliary Parameters `text`; each message starts with "line N:". Included
/// files are checked like the text itself, in the section the `Include` stands in.
pub fn lint(text: &str, system: &System) -> Vec<String> {
    let mut lint = Lint { system, problems: Vec::new() };
    lint.text(text, "line", true, 0);
    lint.problems
}

struct Lint<'a> {
    system: &'a System,
    problems: Vec<String>,
}

impl Lint<'_> {
    /// Checks `text`; `place` starts each message ("line", or "line 3: /x.conf line");
    /// `server_wide` says whether the text stands where server-level directives apply.
    fn text(&mut self, text: &str, place: &str, server_wide: bool, depth: usize) {
        let mut open: Vec<(usize, String)> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let at = format!("{place} {}", index + 1);
            let here_server_wide = server_wide && open.iter().all(|(_, s)| is_server_wide(s));
            match self.line(raw, &at, &mut open, index + 1) {
                Some(Line::Directive(name, argument)) => {
                    if name.eq_ignore_ascii_case("Include") {
                        self.include(argument, &at, here_server_wide, depth);
                    }
                    if let Some(why) = own_log(name, argument, &self.system.paths) {
                        self.problems.push(format!("{at}: {why}"));
                    }
                    if here_server_wide && let Some(owners) = owner(name) {
                        let inside = match open.last() {
                            Some((_, section)) => {
                                format!(" (inside <{section}>, which does not narrow it)")
                            }
                            None => String::new(),
                        };
                        self.problems.push(format!("{at}: {name}{inside} {}", ownership(owners)));
                    }
                }
                Some(Line::Anonymous(argument)) => {
                    if let Some(why) = anonymous_root(argument, self.system) {
                        self.problems.push(format!("{at}: {why}"));
                    }
                }
                None => {}
            }
        }
        for (n, name) in open {
            self.problems.push(format!("{place} {n}: <{name}> is never closed"));
        }
    }

    /// Checks one line's form and keeps the open sections; hands back what needs more.
    fn line<'t>(
        &mut self,
        raw: &'t str,
        at: &str,
        open: &mut Vec<(usize, String)>,
        n: usize,
    ) -> Option<Line<'t>> {
        let mut problem = |message: String| {
            self.problems.push(format!("{at}: {message}"));
            None
        };
        if raw.len() > MAX_CONFIG_LINE {
            return problem(format!(
                "is {} bytes long; proftpd reads at most {MAX_CONFIG_LINE} bytes of a line (comments included) and would take the rest as another line",
                raw.len()
            ));
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        if line.ends_with('\\') {
            return problem("ends with a backslash; write the directive on one line".into());
        }
        if let Some(name) = line.strip_prefix("</") {
            let name = name.strip_suffix('>').unwrap_or(name).trim();
            let shown = visible::line(name);
            return match open.pop() {
                Some((_, opened)) if opened.eq_ignore_ascii_case(name) => None,
                Some((on, opened)) => {
                    problem(format!("</{shown}> does not match <{opened}> opened on line {on}"))
                }
                None => problem(format!("</{shown}> closes a section that was never opened")),
            };
        }
        if let Some(section) = line.strip_prefix('<') {
            let Some(inner) = section.strip_suffix('>') else {
                return problem("a section line must end with '>'".into());
            };
            let name = first_word(inner);
            if !is_directive_name(name) {
                return problem(format!("{:?} is not a section name", visible::line(name)));
            }
            open.push((n, name.to_owned()));
            let argument = inner[name.len()..].trim();
            return name.eq_ignore_ascii_case("Anonymous").then_some(Line::Anonymous(argument));
        }
        let name = first_word(line);
        if !is_directive_name(name) {
            return problem(format!(
                "{:?} is not a directive name (expected letters, digits and '_')",
                visible::line(name)
            ));
        }
        Some(Line::Directive(name, line[name.len()..].trim()))
    }

    /// Checks the target of an `Include` and then its content.
    fn include(&mut self, argument: &str, at: &str, server_wide: bool, depth: usize) {
        if let Some(why) = include_target(argument) {
            self.problems.push(format!("{at}: {why}"));
            return;
        }
        let path = unquote(argument);
        let shown = visible::line(&path).into_owned();
        if depth >= MAX_INCLUDE_DEPTH {
            self.problems.push(format!(
                "{at}: Include {shown:?} is nested more than {MAX_INCLUDE_DEPTH} deep"
            ));
            return;
        }
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let content = if size > MAX_INCLUDE_BYTES {
            Err(format!("is larger than {MAX_INCLUDE_BYTES} bytes"))
        } else {
            std::fs::read_to_string(&path).map_err(|e| format!("cannot be read ({e})"))
        };
        match content {
            Ok(text) => self.text(&text, &format!("{at}: {shown} line"), server_wide, depth + 1),
            Err(why) => self.problems.push(format!("{at}: Include {shown:?} {why}")),
        }
    }
}

/// A line that needs more than its form checked.
enum Line<'t> {
    /// Directive name and its arguments.
    Directive(&'t str, &'t str),
    /// The argument of an `<Anonymous>` section.
    Anonymous(&'t str),
}

/// `Include` must name one regular, readable file: a FIFO or a device would hang or
/// flood `proftpd -t`, and a directory or pattern pulls in files nobody checked.
fn include_target(argument: &str) -> Option<String> {
    let path = unquote(argument);
    let shown = visible::line(&path).into_owned();
    if !path.starts_with('/') {
        return Some(format!("Include {shown:?}: expected the absolute path of a file"));
    }
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) => return Some(format!("Include {shown:?}: cannot be read ({e})")),
    };
    if !meta.is_file() {
        return Some(format!(
            "Include {shown:?} is not a regular file; only a regular file can be included"
        ));
    }
    std::fs::File::open(&path).err().map(|e| format!("Include {shown:?}: cannot be read ({e})"))
}

/// The data-connection log is ftpconf's: its format name and its file stay as rendered,
/// or `ftpconf log` would misread it (wherever the line stands: format names are global).
fn own_log(name: &str, argument: &str, paths: &Paths) -> Option<String> {
    let first = first_argument(argument);
    if name.eq_ignore_ascii_case("LogFormat")
        && first.eq_ignore_ascii_case(passive_log::FORMAT_NAME)
    {
        return Some(format!(
            "LogFormat {}: that name is ftpconf's data-connection log format; give yours another name",
            passive_log::FORMAT_NAME
        ));
    }
    (name.eq_ignore_ascii_case("ExtendedLog") && Path::new(&first) == paths.data_log()).then(|| {
        format!(
            "ExtendedLog {}: that file is ftpconf's data-connection log; write yours to another file",
            paths.data_log().display()
        )
    })
}

/// An `<Anonymous DIR>` section follows the same rule as the anonymous root field.
fn anonymous_root(argument: &str, system: &System) -> Option<String> {
    let written = unquote(argument);
    let Some(dir) = expand_home(&written, system) else {
        return Some(format!(
            "<Anonymous {}>: there is no such user to take the home directory of",
            visible::line(&written)
        ));
    };
    anonymous::refusal(&dir, &system.paths).map(|why| format!("<Anonymous>: {why}"))
}

/// `~user` or `~user/rest` as proftpd expands it (the user's home from the user
/// database); `None` when the user does not exist. Other paths come back unchanged.
pub fn expand_home(path: &str, system: &System) -> Option<String> {
    let Some(rest) = path.strip_prefix('~') else { return Some(path.to_owned()) };
    let (user, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let home = system.account(user)?.home;
    Some(Path::new(&home).join(tail).to_string_lossy().trim_end_matches('/').to_owned())
}
