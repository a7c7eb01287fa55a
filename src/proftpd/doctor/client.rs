//! A small FTP client for the check: one command, one reply, every read and write bounded
//! by a timeout, replies limited in size. The control channel can be upgraded with
//! AUTH TLS; data connections then use the same TLS configuration, so rustls resumes the
//! control channel's session on them as proftpd requires.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, HandshakeKind, StreamOwned};

/// One reply: its code and its text (all lines, joined with `\n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub text: String,
}

impl Reply {
    /// 1xx, 2xx or 3xx: the command was accepted (or is in progress).
    pub fn positive(&self) -> bool {
        self.code < 400
    }

    /// The text as one line, safe to show.
    pub fn shown(&self) -> String {
        crate::visible::line(&self.text.replace('\n', " | ")).into_owned()
    }
}

/// A reply longer than this is refused: a server that sends more is not proftpd.
const MAX_REPLY_BYTES: usize = 64 * 1024;

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// TLS on the control channel, as negotiated.
#[derive(Debug, Clone)]
pub struct TlsInfo {
    pub version: String,
}

pub struct Client {
    stream: Option<Stream>,
    pending: Vec<u8>,
    timeout: Duration,
    tls: Option<(Arc<ClientConfig>, ServerName<'static>)>,
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, format!("no answer to {what} in time"))
}

/// Opens a TCP connection with `timeout` on connecting, reading and writing.
pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let tcp = TcpStream::connect_timeout(&addr, timeout)?;
    tcp.set_read_timeout(Some(timeout))?;
    tcp.set_write_timeout(Some(timeout))?;
    Ok(tcp)
}

impl Client {
    /// Connects and reads the greeting.
    pub fn open(addr: SocketAddr, timeout: Duration) -> io::Result<(Client, Reply)> {
        let tcp = connect(addr, timeout)?;
        let mut client =
            Client { stream: Some(Stream::Plain(tcp)), pending: Vec::new(), timeout, tls: None };
        let greeting = client.reply()?;
        Ok((client, greeting))
    }

    fn stream(&mut self) -> io::Result<&mut Stream> {
        self.stream.as_mut().ok_or_else(|| io::Error::other("the connection is closed"))
    }

    /// The server's address as this connection sees it.
    pub fn peer(&self) -> io::Result<SocketAddr> {
        self.stream.as_ref().ok_or_else(|| io::Error::other("closed"))?.tcp().peer_addr()
    }

    /// Sends `command` and reads the reply.
    pub fn cmd(&mut self, command: &str) -> io::Result<Reply> {
        self.send(command)?;
        self.reply()
    }

    /// Sends one command line; a line break inside (from a user name or password) would
    /// smuggle in a second command, so it is refused.
    pub fn send(&mut self, command: &str) -> io::Result<()> {
        if command.contains(['\r', '\n', '\0']) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "contains a line break or NUL",
            ));
        }
        let stream = self.stream()?;
        stream.write_all(format!("{command}\r\n").as_bytes())?;
        stream.flush()
    }

    /// Reads one complete reply (multi-line replies end with "NNN text").
    pub fn reply(&mut self) -> io::Result<Reply> {
        let first = self.line()?;
        let code = parse_code(&first)
            .ok_or_else(|| io::Error::other(format!("not an FTP reply: {first:?}")))?;
        let mut text = first.get(4..).unwrap_or("").to_owned();
        if first.as_bytes().get(3) == Some(&b'-') {
            loop {
                let line = self.line()?;
                if line.len() >= 4 && parse_code(&line) == Some(code) && line.as_bytes()[3] == b' '
                {
                    text.push('\n');
                    text.push_str(&line[4..]);
                    break;
                }
                text.push('\n');
                text.push_str(line.strip_prefix(&format!("{code}-")).unwrap_or(&line));
                if text.len() > MAX_REPLY_BYTES {
                    return Err(io::Error::other("the reply is too long"));
                }
            }
        }
        Ok(Reply { code, text })
    }

    fn line(&mut self) -> io::Result<String> {
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let raw: Vec<u8> = self.pending.drain(..=end).collect();
                let text = String::from_utf8_lossy(&raw);
                return Ok(text.trim_end_matches(['\r', '\n']).to_owned());
            }
            if self.pending.len() > MAX_REPLY_BYTES {
                return Err(io::Error::other("the reply line is too long"));
            }
            let mut buf = [0u8; 4096];
            let n = match self.stream()?.read(&mut buf) {
                Ok(n) => n,
                Err(e) if is_timeout(&e) => return Err(timed_out("the last command")),
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                ));
            }
            self.pending.extend_from_slice(&buf[..n]);
        }
    }

    /// AUTH TLS and the handshake; afterwards the control channel is encrypted and data
    /// connections use TLS too.
    pub fn start_tls(
        &mut self,
        config: Arc<ClientConfig>,
        name: ServerName<'static>,
    ) -> io::Result<TlsInfo> {
        let Some(Stream::Plain(tcp)) = self.stream.take() else {
            return Err(io::Error::other("TLS is already on"));
        };
        let conn = ClientConnection::new(config.clone(), name.clone()).map_err(io::Error::other)?;
        let mut tls = StreamOwned::new(conn, tcp);
        handshake(&mut tls)?;
        let version = version_text(&tls.conn);
        self.stream = Some(Stream::Tls(Box::new(tls)));
        self.tls = Some((config, name));
        Ok(TlsInfo { version })
    }

    /// Opens a data connection to `addr`; with TLS on the control channel it is wrapped
    /// with the same configuration (or `other`, to try a client that cannot resume).
    pub fn data(&self, addr: SocketAddr, other: Option<Arc<ClientConfig>>) -> io::Result<Data> {
        let tcp = connect(addr, self.timeout)?;
        let tls = self
            .tls
            .as_ref()
            .map(|(config, name)| (other.unwrap_or_else(|| config.clone()), name.clone()));
        Ok(Data { tcp: Some(tcp), tls, stream: None })
    }

    /// QUIT, ignoring what happens: the check is over.
    pub fn quit(mut self) {
        let _ = self.cmd("QUIT");
        if let Some(stream) = self.stream.take() {
            let _ = stream.tcp().shutdown(Shutdown::Both);
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

fn parse_code(line: &str) -> Option<u16> {
    let digits = line.get(..3)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match line.as_bytes().get(3) {
        None | Some(b' ') | Some(b'-') => digits.parse().ok(),
        _ => None,
    }
}

fn handshake(tls: &mut StreamOwned<ClientConnection, TcpStream>) -> io::Result<()> {
    while tls.conn.is_handshaking() {
        match tls.conn.complete_io(&mut tls.sock) {
            Ok(_) => {}
            Err(e) if is_timeout(&e) => return Err(timed_out("the TLS handshake")),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn version_text(conn: &ClientConnection) -> String {
    conn.protocol_version()
        .map(|v| format!("{v:?}").replace("TLSv1_", "TLS 1."))
        .unwrap_or_else(|| "unknown".into())
}

/// A data connection, connected; TLS (when on) starts at the first read or write, after
/// the command that uses it was sent, which is when proftpd expects the handshake.
pub struct Data {
    tcp: Option<TcpStream>,
    tls: Option<(Arc<ClientConfig>, ServerName<'static>)>,
    stream: Option<Stream>,
}

/// How a protected data connection was set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    Clear,
    /// TLS; `resumed` says whether the control channel's session was reused.
    Tls {
        resumed: bool,
    },
}

impl Data {
    /// Completes the TLS handshake when the connection is protected.
    pub fn begin(&mut self) -> io::Result<Protection> {
        if let Some(stream) = &self.stream {
            return Ok(match stream {
                Stream::Plain(_) => Protection::Clear,
                Stream::Tls(t) => Protection::Tls { resumed: resumed(&t.conn) },
            });
        }
        let tcp = self.tcp.take().ok_or_else(|| io::Error::other("data connection closed"))?;
        let (stream, protection) = match self.tls.take() {
            None => (Stream::Plain(tcp), Protection::Clear),
            Some((config, name)) => {
                let conn = ClientConnection::new(config, name).map_err(io::Error::other)?;
                let mut tls = StreamOwned::new(conn, tcp);
                handshake(&mut tls)?;
                let resumed = resumed(&tls.conn);
                (Stream::Tls(Box::new(tls)), Protection::Tls { resumed })
            }
        };
        self.stream = Some(stream);
        Ok(protection)
    }

    /// Reads everything up to `limit` bytes until the server closes.
    pub fn read_all(&mut self, limit: usize) -> io::Result<Vec<u8>> {
        self.begin()?;
        let stream = self.stream.as_mut().expect("begun");
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) if out.len() + n > limit => return Err(io::Error::other("too much data")),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                // proftpd may close a TLS data connection without close_notify.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(out),
                Err(e) if is_timeout(&e) => return Err(timed_out("the data transfer")),
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends `bytes` and closes the connection (close_notify first under TLS).
    pub fn write_all(mut self, bytes: &[u8]) -> io::Result<()> {
        self.begin()?;
        let mut stream = self.stream.take().expect("begun");
        stream.write_all(bytes)?;
        stream.flush()?;
        if let Stream::Tls(tls) = &mut stream {
            tls.conn.send_close_notify();
            tls.conn.complete_io(&mut tls.sock)?;
        }
        stream.tcp().shutdown(Shutdown::Write)
    }
}

fn resumed(conn: &ClientConnection) -> bool {
    conn.handshake_kind() == Some(HandshakeKind::Resumed)
}

/// The port of an EPSV reply: "229 Entering Extended Passive Mode (|||30005|)".
pub fn parse_epsv(text: &str) -> Option<u16> {
    let inner = text.split_once('(')?.1.split_once(')')?.0;
    let delimiter = inner.chars().next()?;
    let parts: Vec<&str> = inner.split(delimiter).collect();
    parts.get(3)?.parse().ok()
}

/// The address of a PASV reply: "227 Entering Passive Mode (127,0,0,1,117,56)".
pub fn parse_pasv(text: &str) -> Option<SocketAddr> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let numbers: Vec<u8> = text[start..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(6)
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    if numbers.len() != 6 {
        return None;
    }
    let ip = IpAddr::from([numbers[0], numbers[1], numbers[2], numbers[3]]);
    Some(SocketAddr::new(ip, u16::from(numbers[4]) << 8 | u16::from(numbers[5])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passive_replies_parse() {
        assert_eq!(parse_epsv("Entering Extended Passive Mode (|||30005|)"), Some(30005));
        assert_eq!(
            parse_pasv("Entering Passive Mode (10,1,2,3,117,56)."),
            Some("10.1.2.3:30008".parse().unwrap())
        );
        assert_eq!(parse_pasv("Entering Passive Mode (1,2,3)"), None);
        assert_eq!(parse_code("230 ok"), Some(230));
        assert_eq!(parse_code("230x"), None);
    }
}
