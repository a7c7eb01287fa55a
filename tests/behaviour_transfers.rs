//! Transfers do what the settings promise, against the real proftpd: modes of uploaded
//! files and new directories, resumed transfers, and bandwidth limits (local limits
//! for local users only, anonymous limits for anonymous users only).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

use common::ftp::{self, timed};
use common::users::{self, User};
use common::{Sandbox, Server};
use ftpconf::settings::{Mode, Rate, Settings};

fn mode_of(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Uploads a file and creates a directory as a local user under `file`/`directory`
/// permissions; returns the modes they got on disk.
fn modes_after_upload(file: u16, directory: u16) -> (u32, u32) {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.file_permissions = Mode::from_bits(file);
    settings.directory_permissions = Mode::from_bits(directory);
    let server = sandbox.serve(&settings);

    let mut ftp = ftp::login(server.port, &user.name, &user.password);
    ftp::put(&mut ftp, "uploaded.txt", b"data").unwrap();
    ftp.mkdir("made").unwrap();
    (mode_of(&user.home.join("uploaded.txt")), mode_of(&user.home.join("made")))
}

#[test]
fn permissions_decide_the_modes_of_uploads_and_new_directories() {
    assert_eq!(modes_after_upload(0o640, 0o750), (0o640, 0o750));
}

#[test]
fn execute_permission_never_applies_to_uploaded_files() {
    assert_eq!(modes_after_upload(0o777, 0o777), (0o666, 0o777));
}

/// A server with a local user, resume on or off.
fn resume_session(allow_resume: bool) -> (Sandbox, User, Server) {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.allow_resume = allow_resume;
    let server = sandbox.serve(&settings);
    (sandbox, user, server)
}

#[test]
fn without_resume_restarted_downloads_and_uploads_are_refused() {
    let (_sandbox, user, server) = resume_session(false);
    let mut ftp = ftp::login(server.port, &user.name, &user.password);
    ftp::put(&mut ftp, "digits.txt", b"0123456789").unwrap();
    ftp::put(&mut ftp, "partial.txt", b"01234").unwrap();

    ftp.resume_transfer(5).unwrap();
    let reply = ftp::get(&mut ftp, "digits.txt").expect_err("a restarted download");
    assert!(reply.starts_with("451") && reply.contains("Restart not permitted"), "{reply:?}");
    ftp.resume_transfer(5).unwrap();
    let reply = ftp::put(&mut ftp, "partial.txt", b"56789").expect_err("a restarted upload");
    assert!(reply.starts_with("451") && reply.contains("Restart not permitted"), "{reply:?}");
    assert_eq!(std::fs::read(user.home.join("partial.txt")).unwrap(), b"01234");
}

#[test]
fn with_resume_transfers_continue_where_they_stopped() {
    let (_sandbox, user, server) = resume_session(true);
    let mut ftp = ftp::login(server.port, &user.name, &user.password);
    ftp::put(&mut ftp, "digits.txt", b"0123456789").unwrap();
    ftp::put(&mut ftp, "partial.txt", b"01234").unwrap();

    ftp.resume_transfer(5).unwrap();
    assert_eq!(ftp::get(&mut ftp, "digits.txt").unwrap(), b"56789");
    ftp.resume_transfer(5).unwrap();
    ftp::put(&mut ftp, "partial.txt", b"56789").unwrap();
    assert_eq!(std::fs::read(user.home.join("partial.txt")).unwrap(), b"0123456789");
}

// Bandwidth: 192 KiB at 128 KiB/s takes 1.5 s; unthrottled it takes milliseconds on
// loopback. The bounds leave wide margins on both sides.
const SIZE: usize = 192 * 1024;
const LIMIT: Rate = Rate(128);
const THROTTLED_AT_LEAST: Duration = Duration::from_millis(1100);
const UNTHROTTLED_AT_MOST: Duration = Duration::from_millis(750);

/// A server with a local user and an anonymous area, each holding `big.bin`; anonymous
/// users may upload into `/incoming`.
struct Transfers {
    server: Server,
    user: User,
    _sandbox: Sandbox,
}

impl Transfers {
    fn start(limits: impl FnOnce(&mut Settings)) -> Transfers {
        let sandbox = Sandbox::new();
        let user = User::create(&sandbox.mkdir("home"), true);
        let content = vec![b'x'; SIZE];
        std::fs::write(user.home.join("big.bin"), &content).unwrap();
        let anon = sandbox.mkdir("pub");
        sandbox.write_file("pub/big.bin", &content);
        let incoming: PathBuf = sandbox.mkdir("pub/incoming");
        let ftp_uid = rustix::fs::Uid::from_raw(users::uid("ftp"));
        rustix::fs::chown(&incoming, Some(ftp_uid), None).unwrap();
        let mut settings = sandbox.settings();
        settings.anonymous_login = true;
        settings.anonymous_path = anon.to_string_lossy().into();
        settings.connections_per_ip = 0;
        limits(&mut settings);
        let server = sandbox.serve(&settings);
        Transfers { server, user, _sandbox: sandbox }
    }

    fn local(&self) -> suppaftp::FtpStream {
        ftp::login(self.server.port, &self.user.name, &self.user.password)
    }

    fn anonymous(&self) -> suppaftp::FtpStream {
        ftp::login(self.server.port, "anonymous", "guest@")
    }

    /// How long downloading `big.bin` takes.
    fn download(mut ftp: suppaftp::FtpStream) -> Duration {
        let (data, took) = timed(|| ftp::get(&mut ftp, "big.bin").unwrap());
        assert_eq!(data.len(), SIZE);
        took
    }

    /// How long uploading `SIZE` bytes to `name` takes.
    fn upload(mut ftp: suppaftp::FtpStream, name: &str) -> Duration {
        let content = vec![b'y'; SIZE];
        let ((), took) = timed(|| ftp::put(&mut ftp, name, &content).unwrap());
        took
    }

    /// How long appending `SIZE` bytes to `name` (APPE) takes.
    fn append(mut ftp: suppaftp::FtpStream, name: &str) -> Duration {
        let content = vec![b'z'; SIZE];
        let (sent, took) = timed(|| ftp.append_file(name, &mut &content[..]).unwrap());
        assert_eq!(sent, SIZE as u64);
        took
    }
}

fn assert_throttled(what: &str, took: Duration) {
    assert!(took >= THROTTLED_AT_LEAST, "{what} took {took:?}; at 128 KiB/s it takes ~1.5 s");
}

fn assert_unthrottled(what: &str, took: Duration) {
    assert!(took <= UNTHROTTLED_AT_MOST, "{what} took {took:?}; it must not be throttled");
}

#[test]
fn local_download_limit_throttles_local_users_only() {
    let t = Transfers::start(|s| s.local_download = LIMIT);
    assert_throttled("a local download", Transfers::download(t.local()));
    assert_unthrottled("an anonymous download", Transfers::download(t.anonymous()));
}

#[test]
fn local_upload_limit_throttles_local_users_only() {
    let t = Transfers::start(|s| s.local_upload = LIMIT);
    assert_throttled("a local upload", Transfers::upload(t.local(), "up.bin"));
    // TrueNAS limited STOR only, so appending was a way around the limit.
    assert_throttled("a local append (APPE)", Transfers::append(t.local(), "appended.bin"));
    assert_unthrottled("an anonymous upload", Transfers::upload(t.anonymous(), "incoming/up.bin"));
}

#[test]
fn anonymous_download_limit_throttles_anonymous_users_only() {
    let t = Transfers::start(|s| s.anonymous_download = LIMIT);
    assert_throttled("an anonymous download", Transfers::download(t.anonymous()));
    assert_unthrottled("a local download", Transfers::download(t.local()));
}

#[test]
fn anonymous_upload_limit_throttles_anonymous_users_only() {
    let t = Transfers::start(|s| s.anonymous_upload = LIMIT);
    assert_throttled("an anonymous upload", Transfers::upload(t.anonymous(), "incoming/up.bin"));
    assert_unthrottled("a local upload", Transfers::upload(t.local(), "up.bin"));
}
