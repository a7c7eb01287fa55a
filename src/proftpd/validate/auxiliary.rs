//! Auxiliary Parameters, line by line: well-formed sections, no directive that a field
//! (or ftpconf itself) already sets, unless a section narrows it; lines proftpd reads
//! whole; `Include` of regular files only; `<Anonymous>` roots outside the system.

use std::path::Path;

use super::anonymous;
use crate::proftpd::apply::unquote;
use crate::proftpd::directives::{first_word, is_directive_name, is_server_wide, owner, ownership};
use crate::proftpd::system::System;
use crate::visible;

/// proftpd reads configuration lines into a 4096-byte buffer; a longer line is cut and
/// the rest parsed as a new line, which the checks here would never see.
pub const MAX_CONFIG_LINE: usize = 4095;

/// Problems of Auxiliary Parameters `text`; each message starts with "line N:".
pub fn lint(text: &str, system: &System) -> Vec<String> {
    let mut problems = Vec::new();
    let mut open: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let n = index + 1;
        if raw.len() > MAX_CONFIG_LINE {
            problems.push(format!(
                "line {n}: is {} bytes long; proftpd reads at most {MAX_CONFIG_LINE} bytes of a line (comments included) and would take the rest as another line",
                raw.len()
            ));
            continue;
        }
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
            let shown = visible::line(name);
            match open.pop() {
                Some((_, opened)) if opened.eq_ignore_ascii_case(name) => {}
                Some((at, opened)) => problems.push(format!(
                    "line {n}: </{shown}> does not match <{opened}> opened on line {at}"
                )),
                None => problems
                    .push(format!("line {n}: </{shown}> closes a section that was never opened")),
            }
        } else if let Some(section) = line.strip_prefix('<') {
            let Some(inner) = section.strip_suffix('>') else {
                problems.push(format!("line {n}: a section line must end with '>'"));
                continue;
            };
            let name = first_word(inner);
            if !is_directive_name(name) {
                problems.push(format!("line {n}: {:?} is not a section name", visible::line(name)));
                continue;
            }
            if name.eq_ignore_ascii_case("Anonymous") {
                let argument = inner[name.len()..].trim();
                problems
                    .extend(anonymous_root(argument, system).map(|why| format!("line {n}: {why}")));
            }
            open.push((n, name.to_owned()));
        } else {
            let name = first_word(line);
            if !is_directive_name(name) {
                problems.push(format!(
                    "line {n}: {:?} is not a directive name (expected letters, digits and '_')",
                    visible::line(name)
                ));
                continue;
            }
            if name.eq_ignore_ascii_case("Include") {
                let argument = line[name.len()..].trim();
                problems.extend(include_target(argument).map(|why| format!("line {n}: {why}")));
            }
            if open.iter().all(|(_, section)| is_server_wide(section))
                && let Some(owners) = owner(name)
            {
                let place = match open.last() {
                    Some((_, section)) => {
                        format!(" (inside <{section}>, which does not narrow it)")
                    }
                    None => String::new(),
                };
                problems.push(format!("line {n}: {name}{place} {}", ownership(owners)));
            }
        }
    }
    for (at, name) in open {
        problems.push(format!("line {at}: <{name}> is never closed"));
    }
    problems
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
