//! What /proc says about a process: its parent, its program, its listening sockets.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;

/// The parent pid and one-letter state of `pid` ("R", "S", "Z", ...), from /proc/PID/stat.
pub fn parent_and_state(pid: u32) -> Option<(u32, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself contain ") ": cut at the last one.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some((parent, state))
}

/// The program `pid` runs.
pub fn exe(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// Whether `pid` is alive, not a zombie, a child of `master` and runs the same program:
/// a proftpd session process of that master.
pub fn is_session_of(pid: u32, master: u32) -> bool {
    let Some((parent, state)) = parent_and_state(pid) else { return false };
    parent == master
        && state != 'Z'
        && state != 'X'
        && exe(pid).is_some()
        && exe(pid) == exe(master)
}

/// The TCP addresses (IPv4 and IPv6) that `pid` listens on.
pub fn listening_sockets(pid: u32) -> Vec<SocketAddr> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return Vec::new() };
    let inodes: HashSet<String> = fds
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            Some(target.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() > 9
                && cols[3] == "0A"
                && inodes.contains(cols[9])
                && let Some(address) = kernel_address(cols[1])
            {
                found.push(address);
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// "0100007F:0929" → 127.0.0.1:2345: the kernel prints each 32-bit word in host order.
fn kernel_address(text: &str) -> Option<SocketAddr> {
    let (ip, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let bytes: Vec<u8> = (0..ip.len() / 8)
        .map(|i| u32::from_str_radix(ip.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect::<Option<Vec<u32>>>()?
        .iter()
        .flat_map(|w| w.to_ne_bytes())
        .collect();
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_listener_and_parent_are_found() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let me = std::process::id();
        assert!(listening_sockets(me).contains(&listener.local_addr().unwrap()));
        let (parent, state) = parent_and_state(me).unwrap();
        assert_eq!(parent, std::os::unix::process::parent_id());
        assert_ne!(state, 'Z');
    }

    #[test]
    fn a_child_running_another_program_is_not_a_session() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let (me, pid) = (std::process::id(), child.id());
        assert_eq!(parent_and_state(pid).map(|(p, _)| p), Some(me));
        assert!(!is_session_of(pid, me), "sleep is not the program we run");
        assert!(!is_session_of(pid, 1), "not a child of pid 1");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!is_session_of(pid, me));
    }

    #[test]
    fn kernel_addresses_decode() {
        let v4 = kernel_address(&format!("{:08X}:0929", u32::from_ne_bytes([127, 0, 0, 1])));
        assert_eq!(v4, Some("127.0.0.1:2345".parse().unwrap()));
        assert_eq!(
            kernel_address("00000000000000000000000000000000:0015"),
            Some("[::]:21".parse().unwrap())
        );
        assert_eq!(kernel_address("zz:1"), None);
    }
}
