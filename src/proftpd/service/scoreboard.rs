//! proftpd's scoreboard file, read directly: a header and one fixed-size record per
//! session slot (`include/scoreboard.h`, layout version 0x01040003).
//!
//! The layout is a C struct, so it depends on how proftpd was built. It is accepted only
//! when the magic number, the layout version and the record size all match what proftpd
//! 1.3.x writes on 64-bit Linux with IPv6 (Debian's build); anything else is refused with
//! a message instead of being misread.

use std::path::Path;

const MAGIC: u64 = 0xdead_beef;
const VERSION: u64 = 0x0104_0003;
const HEADER_LEN: usize = 32;
/// One record: pid, uid, gid, then `user[32]`, port, `server_address[80]`, `label[32]`,
/// `client_address[46]`, `client_name[80]`, `class[32]`, `protocol[32]`, `cwd[80]`,
/// `command[65]`, `argument[80]`, then (8-aligned) begin idle, begin session, transfer
/// size, done, length, and the elapsed milliseconds.
pub const RECORD_LEN: usize = 624;

/// The scoreboard's header: which master wrote it and when it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoreboard {
    pub master_pid: u32,
    /// When the master started (seconds since the epoch).
    pub started: i64,
    /// The occupied slots (a slot whose pid is 0 is free).
    pub records: Vec<Record>,
}

/// One occupied slot, as proftpd wrote it. Text fields are raw bytes cut at the first NUL:
/// most of them come from the client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub pid: u32,
    pub user: Vec<u8>,
    pub server_port: u16,
    pub server_address: Vec<u8>,
    pub client_address: Vec<u8>,
    pub client_name: Vec<u8>,
    pub protocol: Vec<u8>,
    pub cwd: Vec<u8>,
    pub command: Vec<u8>,
    pub argument: Vec<u8>,
    pub begin_idle: i64,
    pub begin_session: i64,
    /// Size of the file being downloaded (0 for uploads: unknown).
    pub transfer_size: i64,
    /// Bytes of `transfer_size` done (downloads only).
    pub transfer_done: i64,
    /// Bytes moved by the current transfer (uploads and downloads).
    pub transfer_len: i64,
    pub transfer_elapsed_ms: u64,
}

/// Reads and checks the scoreboard at `path`.
pub fn read(path: &Path) -> Result<Scoreboard, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the scoreboard {}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("the scoreboard {} {e}", path.display()))
}

/// Parses a scoreboard file's bytes.
pub fn parse(bytes: &[u8]) -> Result<Scoreboard, String> {
    if bytes.len() < HEADER_LEN {
        return Err(format!("is too short ({} bytes) to hold a header", bytes.len()));
    }
    let magic = u64_at(bytes, 0);
    let version = u64_at(bytes, 8);
    if magic != MAGIC {
        return Err(format!("is not a proftpd scoreboard (magic {magic:#x})"));
    }
    if version != VERSION {
        return Err(format!(
            "has layout version {version:#x}; ftpconf reads {VERSION:#x} (use `ftpwho` instead)"
        ));
    }
    let body = &bytes[HEADER_LEN..];
    // A record being appended can be seen half written: read whole records only.
    let records = body.chunks_exact(RECORD_LEN).map(record).filter(|r| r.pid != 0).collect();
    Ok(Scoreboard { master_pid: u32_at(bytes, 16), started: i64_at(bytes, 24), records })
}

fn record(r: &[u8]) -> Record {
    Record {
        pid: u32_at(r, 0),
        user: text(&r[12..44]),
        server_port: u32_at(r, 44) as u16,
        server_address: text(&r[48..128]),
        client_address: text(&r[160..206]),
        client_name: text(&r[206..286]),
        protocol: text(&r[318..350]),
        cwd: text(&r[350..430]),
        command: text(&r[430..495]),
        argument: text(&r[495..575]),
        begin_idle: i64_at(r, 576),
        begin_session: i64_at(r, 584),
        transfer_size: i64_at(r, 592),
        transfer_done: i64_at(r, 600),
        transfer_len: i64_at(r, 608),
        transfer_elapsed_ms: u64_at(r, 616),
    }
}

fn text(field: &[u8]) -> Vec<u8> {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    field[..end].to_vec()
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn i64_at(b: &[u8], at: usize) -> i64 {
    i64::from_ne_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(version: u64) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(MAGIC.to_ne_bytes());
        b.extend(version.to_ne_bytes());
        b.extend(4242u32.to_ne_bytes());
        b.extend([0; 4]);
        b.extend(1_700_000_000i64.to_ne_bytes());
        b
    }

    fn put(r: &mut [u8], at: usize, s: &[u8]) {
        r[at..at + s.len()].copy_from_slice(s);
    }

    #[test]
    fn records_are_read_and_free_slots_skipped() {
        let mut b = header(VERSION);
        b.extend([0u8; RECORD_LEN]); // a free slot
        let mut r = vec![0u8; RECORD_LEN];
        put(&mut r, 0, &77u32.to_ne_bytes());
        put(&mut r, 12, b"alice");
        put(&mut r, 44, &2121u32.to_ne_bytes());
        put(&mut r, 160, b"192.0.2.7");
        put(&mut r, 430, b"RETR");
        put(&mut r, 495, b"big \x1b.bin");
        put(&mut r, 592, &1000i64.to_ne_bytes());
        put(&mut r, 600, &250i64.to_ne_bytes());
        put(&mut r, 608, &250i64.to_ne_bytes());
        put(&mut r, 616, &500u64.to_ne_bytes());
        b.extend(&r);
        b.extend([1u8; 100]); // a record still being appended
        let board = parse(&b).unwrap();
        assert_eq!((board.master_pid, board.started), (4242, 1_700_000_000));
        assert_eq!(board.records.len(), 1);
        let s = &board.records[0];
        assert_eq!((s.pid, s.user.as_slice(), s.server_port), (77, &b"alice"[..], 2121));
        assert_eq!(s.client_address, b"192.0.2.7");
        assert_eq!(
            (s.command.as_slice(), s.argument.as_slice()),
            (&b"RETR"[..], &b"big \x1b.bin"[..])
        );
        assert_eq!((s.transfer_size, s.transfer_done, s.transfer_len), (1000, 250, 250));
        assert_eq!(s.transfer_elapsed_ms, 500);
    }

    #[test]
    fn foreign_files_and_layouts_are_refused() {
        assert!(parse(b"short").unwrap_err().contains("too short"));
        assert!(parse(&[0u8; 64]).unwrap_err().contains("not a proftpd scoreboard"));
        assert!(parse(&header(0x0104_0002)).unwrap_err().contains("layout version 0x1040002"));
    }
}
