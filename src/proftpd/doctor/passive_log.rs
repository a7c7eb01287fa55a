//! Passive offers no client took. When a client behind NAT or a firewall is told where to
//! open its data connection and cannot get there, proftpd's own logs stay silent: the
//! connection never arrives. So ftpconf has proftpd write a small data-connection log
//! (one line per data-related command, no file names parsed) and reads it here: an
//! offer (PASV/EPSV) that the session ends or replaces without a transfer is a data
//! connection the client never opened. The log is read, never shown raw.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr};

use time::PrimitiveDateTime;

use super::nat::is_public;
use super::patterns::{self, Pattern};

/// The `LogFormat` nickname; Auxiliary Parameters may not redefine it.
pub const FORMAT_NAME: &str = "ftpconf_data";
/// Time, session pid, client address, reply code, command, reply text. The reply text is
/// last: it may hold what a client sent, and is read only from PASV/EPSV replies, which
/// proftpd writes itself.
pub const FORMAT: &str = "%{iso8601} %P %a %s %m %S";
/// Offers are MISC, transfers DIRS/READ/WRITE, the end of a session EXIT. Logins (AUTH)
/// and INFO commands are left out to keep the log small (docs/doctor.md has the cost).
pub const CLASSES: &str = "MISC,DIRS,READ,WRITE,EXIT";

/// Sessions with an open offer that are remembered at most; the oldest is forgotten
/// first, so a flood of sessions cannot grow memory.
const MAX_OPEN: usize = 4096;

const TRANSFERS: &[&str] = &["LIST", "NLST", "MLSD", "RETR", "STOR", "STOU", "APPE"];
/// Commands after which an earlier offer can no longer be used.
const REPLACES: &[&str] = &["PASV", "EPSV", "PORT", "EPRT", "EXIT"];

/// A passive data connection proftpd offered.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Offer {
    /// The line's time as proftpd wrote it ("2026-11-29 01:07:16,298").
    stamp: String,
    client: String,
    command: &'static str,
    /// The address of a PASV reply; EPSV replies carry none.
    address: Option<Ipv4Addr>,
    port: u16,
}

/// An offer the client never took, as a log line of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unused {
    pub time: Option<PrimitiveDateTime>,
    pub text: String,
    pub pattern: &'static Pattern,
}

/// Follows sessions through the log, line by line.
#[derive(Debug, Default)]
pub struct Tracker {
    open: HashMap<u32, Offer>,
    order: VecDeque<u32>,
}

impl Tracker {
    /// Reads one line of the data-connection log; returns the offer this line shows
    /// was never used, if any.
    pub fn feed(&mut self, line: &str) -> Option<Unused> {
        let entry = Entry::parse(line)?;
        let earlier = if TRANSFERS.contains(&entry.command) || REPLACES.contains(&entry.command) {
            self.open.remove(&entry.pid)
        } else {
            None
        };
        if let Some(offer) = entry.offer() {
            self.remember(entry.pid, offer);
        }
        if TRANSFERS.contains(&entry.command) {
            return None;
        }
        earlier.and_then(|offer| unused(entry.pid, offer))
    }

    fn remember(&mut self, pid: u32, offer: Offer) {
        if self.open.insert(pid, offer).is_none() {
            self.order.push_back(pid);
        }
        while self.open.len() > MAX_OPEN {
            match self.order.pop_front() {
                Some(old) => {
                    self.open.remove(&old);
                }
                None => break,
            }
        }
        if self.order.len() > 2 * MAX_OPEN {
            self.order.retain(|pid| self.open.contains_key(pid));
        }
    }
}

/// One parsed line: "2026-11-29 01:07:16,299 25125 10.0.0.5 229 EPSV Entering …".
struct Entry<'l> {
    stamp: &'l str,
    pid: u32,
    client: &'l str,
    code: &'l str,
    command: &'static str,
    reply: &'l str,
}

impl<'l> Entry<'l> {
    fn parse(line: &'l str) -> Option<Entry<'l>> {
        let mut parts = line.splitn(7, ' ');
        let (date, clock) = (parts.next()?, parts.next()?);
        let stamp = line.get(..date.len() + 1 + clock.len())?;
        // Not a line proftpd wrote in this format.
        super::log::timestamp(stamp)?;
        let pid = parts.next()?.parse().ok()?;
        let client = parts.next()?;
        let code = parts.next()?;
        let method = parts.next()?;
        let command = TRANSFERS
            .iter()
            .chain(REPLACES)
            .find(|c| c.eq_ignore_ascii_case(method))
            .copied()
            .unwrap_or("");
        let reply = parts.next().unwrap_or("");
        Some(Entry { stamp, pid, client, code, command, reply })
    }

    /// The data connection a successful PASV (227) or EPSV (229) reply offered.
    fn offer(&self) -> Option<Offer> {
        let inside = self.reply.split_once('(')?.1.split_once(')')?.0;
        let (address, port) = match (self.command, self.code) {
            ("PASV", "227") => {
                let n: Vec<u8> =
                    inside.split(',').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
                let [a, b, c, d, high, low] = n[..] else { return None };
                (Some(Ipv4Addr::new(a, b, c, d)), u16::from(high) << 8 | u16::from(low))
            }
            ("EPSV", "229") => (None, inside.trim_matches('|').parse().ok()?),
            _ => return None,
        };
        Some(Offer {
            stamp: self.stamp.to_owned(),
            client: self.client.to_owned(),
            command: self.command,
            address,
            port,
        })
    }
}

/// The line for an offer nobody took; `None` for loopback clients, which reach every
/// local address and port, so an unused offer there is the client's own choice.
fn unused(pid: u32, offer: Offer) -> Option<Unused> {
    let client: Option<IpAddr> = offer.client.parse().ok();
    if client.is_some_and(|c| c.is_loopback() || c.to_canonical().is_loopback()) {
        return None;
    }
    let shown_client = crate::visible::line(&offer.client);
    let (offered, pattern) = match offer.address {
        Some(address) if !is_public(IpAddr::V4(address)) && client != Some(IpAddr::V4(address)) => {
            (format!("{address} port {}", offer.port), &patterns::PASSIVE_PRIVATE_ADDRESS)
        }
        Some(address) => (format!("{address} port {}", offer.port), &patterns::PASSIVE_UNREACHED),
        None => (format!("port {}", offer.port), &patterns::PASSIVE_UNREACHED),
    };
    Some(Unused {
        time: super::log::timestamp(&offer.stamp),
        text: format!(
            "{} data connection: session {pid} from {shown_client} was offered {offered} ({}) and never opened it",
            crate::visible::line(&offer.stamp),
            offer.command
        ),
        pattern,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "2026-11-29 01:07:16,298";

    fn feed(lines: &[String]) -> Vec<Unused> {
        let mut tracker = Tracker::default();
        lines.iter().filter_map(|l| tracker.feed(l)).collect()
    }

    fn line(pid: u32, client: &str, code: &str, method: &str, reply: &str) -> String {
        format!("{T} {pid} {client} {code} {method} {reply}")
    }

    #[test]
    fn an_offer_followed_by_a_transfer_is_used() {
        let found = feed(&[
            line(7, "198.18.1.2", "227", "PASV", "Entering Passive Mode (10,199,0,2,117,52)."),
            line(7, "198.18.1.2", "226", "LIST", "Transfer complete"),
            line(7, "198.18.1.2", "229", "EPSV", "Entering Extended Passive Mode (|||30001|)"),
            line(7, "198.18.1.2", "550", "RETR", "x: No such file or directory"),
            line(7, "198.18.1.2", "-", "EXIT", "-"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_private_pasv_address_never_opened_names_masquerade_address() {
        let found = feed(&[
            line(7, "10.199.0.1", "227", "PASV", "Entering Passive Mode (10,199,0,2,117,52)."),
            line(7, "10.199.0.1", "200", "TYPE", "Type set to A"),
            line(7, "10.199.0.1", "-", "EXIT", "-"),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pattern.id, "passive-private-address");
        assert!(found[0].text.contains("offered 10.199.0.2 port 30004 (PASV)"), "{found:?}");
        assert!(found[0].text.starts_with(T) && found[0].time.is_some());
        assert!(found[0].pattern.setting.contains("other.masquerade_address"));
    }

    #[test]
    fn a_mapped_client_address_is_still_told_from_the_offer() {
        let found = feed(&[
            line(9, "::ffff:10.199.0.1", "227", "PASV", "(10,199,0,2,117,52)"),
            line(9, "::ffff:10.199.0.1", "-", "EXIT", "-"),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pattern.id, "passive-private-address");
    }

    #[test]
    fn unused_public_and_epsv_offers_name_the_ports_to_forward() {
        let found = feed(&[
            line(8, "10.199.0.1", "229", "EPSV", "Entering Extended Passive Mode (|||30001|)"),
            line(8, "10.199.0.1", "227", "PASV", "Entering Passive Mode (198,18,1,1,117,49)."),
            line(8, "10.199.0.1", "200", "PORT", "PORT command successful"),
            line(8, "10.199.0.1", "-", "EXIT", "-"),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].text.contains("offered port 30001 (EPSV)"));
        assert!(found[1].text.contains("offered 198.18.1.1 port 30001 (PASV)"));
        assert!(found.iter().all(|f| f.pattern.id == "passive-unreached"));
    }

    #[test]
    fn sessions_are_told_apart_and_loopback_clients_are_left_alone() {
        let found = feed(&[
            line(1, "10.0.0.5", "229", "EPSV", "(|||30001|)"),
            line(2, "10.0.0.6", "229", "EPSV", "(|||30002|)"),
            line(1, "10.0.0.5", "226", "RETR", "Transfer complete"),
            line(3, "127.0.0.1", "229", "EPSV", "(|||30003|)"),
            line(3, "127.0.0.1", "-", "EXIT", "-"),
            // proftpd listening on IPv6 names IPv4 clients as mapped addresses.
            line(4, "::ffff:127.0.0.1", "229", "EPSV", "(|||30004|)"),
            line(4, "::ffff:127.0.0.1", "-", "EXIT", "-"),
            line(2, "10.0.0.6", "-", "EXIT", "-"),
        ]);
        assert_eq!(found.len(), 1);
        assert!(found[0].text.contains("session 2 from 10.0.0.6"), "{found:?}");
    }

    #[test]
    fn hostile_and_broken_lines_change_nothing() {
        let found = feed(&[
            // A file name cannot forge an offer: only PASV/EPSV replies are read.
            line(4, "10.0.0.5", "550", "RETR", "(10,0,0,9,1,1) \u{1b}[31m: nope"),
            line(4, "10.0.0.5", "227", "PASV", "Entering Passive Mode (999,1,1,1,1,1)."),
            line(4, "10.0.0.5", "229", "EPSV", "(|||99999|)"),
            "garbage".into(),
            String::new(),
            format!("{T} notapid 1.2.3.4 227 PASV (1,2,3,4,5,6)"),
            "yesterday noon 4 10.0.0.5 229 EPSV (|||30001|)".into(),
            line(4, "10.0.0.5", "-", "EXIT", "-"),
        ]);
        assert!(found.is_empty(), "{found:?}");
        let escaped = feed(&[
            line(5, "1.2.3.4\u{1b}", "229", "EPSV", "(|||30001|)"),
            line(5, "x", "-", "EXIT", "-"),
        ]);
        assert!(!escaped[0].text.contains('\u{1b}'), "{escaped:?}");
    }

    #[test]
    fn a_flood_of_sessions_stays_bounded() {
        let mut tracker = Tracker::default();
        for pid in 0..3 * MAX_OPEN as u32 {
            tracker.feed(&line(pid, "10.0.0.5", "229", "EPSV", "(|||30001|)"));
        }
        assert_eq!(tracker.open.len(), MAX_OPEN);
        assert!(tracker.order.len() <= 2 * MAX_OPEN);
    }
}
