//! A minimal FTP control-connection client, for looking at replies byte for byte
//! (banners, login messages, PASV addresses) where a full client would hide them.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Raw {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Raw {
    pub fn connect(port: u16) -> std::io::Result<Raw> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        // proftpd pauses up to ~0.4 s between sessions; give replies plenty of time.
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let writer = stream.try_clone()?;
        Ok(Raw { reader: BufReader::new(stream), writer })
    }

    /// Connects and returns the client with the greeting already read.
    pub fn open(port: u16) -> (Raw, String) {
        let mut raw = Raw::connect(port).expect("connect to proftpd");
        let greeting = raw.reply();
        (raw, greeting)
    }

    /// Reads one complete (possibly multi-line) reply; "" when the server closed.
    pub fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return all,
                Ok(_) => {}
            }
            all.push_str(&line);
            let bytes = line.as_bytes();
            // The last line of a reply is "NNN text"; continuation lines are "NNN-..." or free text.
            if bytes.len() >= 4 && bytes[..3].iter().all(u8::is_ascii_digit) && bytes[3] == b' ' {
                return all;
            }
        }
    }

    /// Sends a command and reads its reply.
    pub fn cmd(&mut self, command: &str) -> String {
        if self.writer.write_all(format!("{command}\r\n").as_bytes()).is_err() {
            return String::new();
        }
        self.reply()
    }

    /// USER + PASS; returns the reply to PASS (or to USER when that already failed).
    pub fn login(&mut self, user: &str, password: &str) -> String {
        let reply = self.cmd(&format!("USER {user}"));
        if !reply.starts_with("331") {
            return reply;
        }
        self.cmd(&format!("PASS {password}"))
    }
}
