//! What `proftpd -t` does not check: the port, key/certificate pairs, and the files the
//! configuration names.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::candidate::ConfigFacts;
use crate::proftpd::certs::{self, KeyStatus};

/// proftpd's port when the configuration names none.
const DEFAULT_PORT: u16 = 21;

/// The port is free, or already held by the running proftpd `ours` (a reload keeps
/// its listening socket). Ok: a detail line; Err: what holds it.
pub fn check_port(facts: &ConfigFacts, ours: Option<u32>) -> Result<String, String> {
    let port = facts.port.unwrap_or(DEFAULT_PORT);
    let addresses: Vec<IpAddr> = match facts.bind_only.as_deref() {
        Some("localhost") => vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        Some(address) => match address.parse() {
            Ok(ip) => vec![ip],
            Err(_) => return Ok(format!("port {port}: address {address} not checked")),
        },
        None => vec![IpAddr::V6(Ipv6Addr::UNSPECIFIED), IpAddr::V4(Ipv4Addr::UNSPECIFIED)],
    };
    let mut in_use = false;
    for ip in &addresses {
        match TcpListener::bind(SocketAddr::new(*ip, port)) {
            Ok(_) => return Ok(format!("port {port} is free")),
            Err(e) if e.kind() == ErrorKind::AddrInUse => in_use = true,
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                return Err(format!(
                    "cannot test port {port}: {e}; ports below 1024 need ftpconf to run as root"
                ));
            }
            // No IPv6 on this machine: the IPv4 wildcard decides.
            Err(_) => {}
        }
    }
    if !in_use {
        return Ok(format!("port {port}: could not be tested on this machine"));
    }
    let sockets = listening_sockets(port);
    if let Some(pid) = ours
        && !sockets.is_disjoint(&socket_inodes(pid))
    {
        return Ok(format!("port {port} ours (pid {pid})"));
    }
    let holders = holders(&sockets);
    let who = if holders.is_empty() {
        "another program".to_owned()
    } else {
        holders
            .iter()
            .map(|(pid, comm)| format!("pid {pid} ({comm})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // A proftpd the PidFile does not name: typically the distribution's own daemon,
    // started from its stock configuration (another PidFile).
    let advice = if holders.iter().any(|(_, comm)| comm == "proftpd") {
        "; that proftpd was not started from this configuration (the PidFile does not name it): \
         stop it (`systemctl stop proftpd` or kill it), then `ftpconf apply --start`"
    } else {
        "; choose another port or stop that program"
    };
    Err(format!("general.port: port {port} is already in use by {who}{advice}"))
}

/// Whether process `pid` holds a socket listening on TCP `port`.
pub fn listens_on(pid: u32, port: u16) -> bool {
    !listening_sockets(port).is_disjoint(&socket_inodes(pid))
}

/// Inodes of TCP sockets listening on `port` (IPv4 and IPv6).
fn listening_sockets(port: u16) -> HashSet<u64> {
    let mut found = HashSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if cols.len() < 10 || cols[3] != "0A" {
                continue;
            }
            let local_port =
                cols[1].rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
            if local_port == Some(port)
                && let Ok(inode) = cols[9].parse()
            {
                found.insert(inode);
            }
        }
    }
    found
}

/// Socket inodes open in process `pid`.
fn socket_inodes(pid: u32) -> HashSet<u64> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return HashSet::new();
    };
    entries
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|target| {
            let text = target.to_string_lossy().into_owned();
            text.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
        })
        .collect()
}

/// Processes holding any of `sockets`, with their command names.
fn holders(sockets: &HashSet<u64>) -> Vec<(u32, String)> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    let mut found: Vec<(u32, String)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| !sockets.is_disjoint(&socket_inodes(pid)))
        .map(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            (pid, comm.trim().to_owned())
        })
        .collect();
    found.sort();
    found
}

/// Every key belongs to its certificate (`proftpd -t` accepts a mismatched pair, and
/// every FTPS session then fails). Ok: a detail line; keys that cannot be compared are
/// passed to `note`.
pub fn check_tls(facts: &ConfigFacts, note: &mut dyn FnMut(String)) -> Result<String, String> {
    if facts.tls_pairs.is_empty() {
        return Ok("TLS off".to_owned());
    }
    for (cert, key) in &facts.tls_pairs {
        let (c, k) = (cert.display(), key.display());
        let refused = match certs::key_status(cert, key) {
            KeyStatus::Matches => continue,
            KeyStatus::Unverifiable(why) => {
                note(format!("the key {k} was not compared with {c}: {why}"));
                continue;
            }
            KeyStatus::Mismatch => {
                format!(
                    "the key {k} does not belong to the certificate {c}; FTPS sessions would fail"
                )
            }
            KeyStatus::Missing => format!("the key {k} is missing"),
            KeyStatus::Unreadable(why) => format!("the key {k} {why}"),
            KeyStatus::Encrypted => {
                format!("the key {k} is protected by a passphrase, which proftpd cannot ask for")
            }
            KeyStatus::Exposed { mode } => certs::exposed_key_message(key, mode),
        };
        return Err(format!("tls.certificate: {refused}"));
    }
    Ok("the key matches the certificate".to_owned())
}

/// Every file the configuration names exists and can be read; anonymous directories are
/// directories. Ok: (detail, notes worth telling); Err: the first blocking problem.
pub fn check_files(
    facts: &ConfigFacts,
    login_message: &Path,
) -> Result<(String, Vec<String>), String> {
    let mut checked = 0;
    let mut notes = Vec::new();
    for (cert, key) in &facts.tls_pairs {
        for (what, path) in [("certificate", cert), ("key", key)] {
            std::fs::File::open(path).map_err(|e| {
                format!("tls.certificate: the {what} file {} cannot be read: {e}", path.display())
            })?;
            checked += 1;
        }
    }
    for dir in &facts.anonymous_dirs {
        if !dir.is_dir() {
            return Err(format!(
                "access.anonymous_path: {} is not an existing directory",
                dir.display()
            ));
        }
        checked += 1;
        if let Some(blocked) = dir.ancestors().find(|d| !others_can_enter(d)) {
            notes.push(format!(
                "anonymous users cannot reach {}: {} is not searchable by others (chmod o+x)",
                dir.display(),
                blocked.display()
            ));
        }
    }
    std::fs::File::open(login_message)
        .map_err(|e| format!("other.display_login: the login message file cannot be read: {e}"))?;
    checked += 1;
    Ok((format!("{checked} readable"), notes))
}

fn others_can_enter(dir: &Path) -> bool {
    std::fs::metadata(dir).map(|m| m.permissions().mode() & 0o001 != 0).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_held_by_another_socket_is_refused_and_named() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let facts = ConfigFacts {
            port: Some(port),
            bind_only: Some("127.0.0.1".into()),
            ..ConfigFacts::default()
        };
        let err = check_port(&facts, None).unwrap_err();
        assert!(err.contains(&format!("pid {}", std::process::id())), "{err}");
        // Held by "us": the socket belongs to the process named as our proftpd.
        let ok = check_port(&facts, Some(std::process::id())).unwrap();
        assert!(ok.contains("ours"), "{ok}");
        drop(listener);
        assert!(check_port(&facts, None).unwrap().contains("is free"));
    }
}
