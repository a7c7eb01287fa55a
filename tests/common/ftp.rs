//! A real FTP client (suppaftp) with the timeouts a test needs, and small helpers for
//! looking at what the server refused.

use std::io::Cursor;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use suppaftp::types::FileType;
use suppaftp::{FtpError, FtpResult, FtpStream};

/// Control and data reads give up after this long; proftpd pauses up to ~0.4 s between
/// sessions, so anything much shorter would make tests flaky.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

fn with_timeouts(stream: TcpStream) -> FtpResult<TcpStream> {
    stream.set_read_timeout(Some(IO_TIMEOUT)).map_err(FtpError::ConnectionError)?;
    stream.set_write_timeout(Some(IO_TIMEOUT)).map_err(FtpError::ConnectionError)?;
    Ok(stream)
}

/// Connects to proftpd on 127.0.0.1:`port` and reads the greeting.
pub fn connect(port: u16) -> FtpStream {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .map_err(FtpError::ConnectionError)
        .and_then(with_timeouts)
        .unwrap_or_else(|e| panic!("connect to 127.0.0.1:{port}: {e}"));
    FtpStream::connect_with_stream(stream)
        .unwrap_or_else(|e| panic!("greeting from 127.0.0.1:{port}: {e}"))
        .passive_stream_builder(|addr| {
            TcpStream::connect_timeout(&addr, IO_TIMEOUT)
                .map_err(FtpError::ConnectionError)
                .and_then(with_timeouts)
        })
}

/// Tries to log in; the error's reply text (e.g. "530 Login incorrect.") on failure.
pub fn try_login(port: u16, user: &str, password: &str) -> Result<FtpStream, String> {
    let mut ftp = connect(port);
    ftp.login(user, password).map_err(|e| reply(&e))?;
    ftp.transfer_type(FileType::Binary).map_err(|e| reply(&e))?;
    Ok(ftp)
}

/// Logs in (binary transfers), panicking with the server's reply when refused.
pub fn login(port: u16, user: &str, password: &str) -> FtpStream {
    try_login(port, user, password).unwrap_or_else(|e| panic!("login as {user} refused: {e}"))
}

/// The server's reply inside an error, or the error itself when there is no reply.
pub fn reply(error: &FtpError) -> String {
    match error {
        FtpError::UnexpectedResponse(response) => {
            String::from_utf8_lossy(&response.body).trim_end().to_owned()
        }
        other => other.to_string(),
    }
}

/// Downloads `name`.
pub fn get(ftp: &mut FtpStream, name: &str) -> Result<Vec<u8>, String> {
    ftp.retr_as_buffer(name).map(Cursor::into_inner).map_err(|e| reply(&e))
}

/// Uploads `content` as `name`.
pub fn put(ftp: &mut FtpStream, name: &str, content: &[u8]) -> Result<(), String> {
    ftp.put_file(name, &mut Cursor::new(content)).map(|_| ()).map_err(|e| reply(&e))
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}
