//! Test harness: a private, real proftpd started from a configuration ftpconf rendered.
//!
//! Everything lives in a temporary directory (the sandbox `--root`); the daemon runs in
//! the foreground as a child (`proftpd -n`), on a port nobody else uses, and is killed
//! when the `Server` is dropped. Tests that need proftpd call [`proftpd_binary`], which
//! panics with an explanation when it is missing: such a test never passes by skipping.
#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod apply;
pub mod conf;
pub mod ftp;
pub mod ftps;
pub mod raw;
pub mod users;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use ftpconf::paths::Paths;
use ftpconf::proftpd::{self, Facts, Rendered, System, certs, validate};
use ftpconf::settings::Settings;

/// The proftpd binary; panics loudly when it is not installed.
pub fn proftpd_binary() -> PathBuf {
    for candidate in ["/usr/sbin/proftpd", "/usr/local/sbin/proftpd"] {
        if Path::new(candidate).is_file() {
            return candidate.into();
        }
    }
    panic!(
        "proftpd is not installed: this test needs the real proftpd. Install it with \
         `apt-get install proftpd-core proftpd-mod-crypto` (the README's test command does)"
    );
}

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// A TCP port free on 127.0.0.1 right now. Ports come from a per-process window so
/// parallel test binaries (nextest runs one process per test) rarely collide, and each
/// candidate is checked by binding it.
pub fn free_port() -> u16 {
    let base = 20000 + (std::process::id() % 1500) as u16 * 20;
    loop {
        let offset = NEXT_PORT.fetch_add(1, Ordering::Relaxed) % 20;
        let port = base + offset;
        let free_v4 = TcpListener::bind(("127.0.0.1", port)).is_ok();
        let free_any = TcpListener::bind(("0.0.0.0", port)).is_ok();
        if free_v4 && free_any {
            return port;
        }
        if offset == 19 {
            // The window is busy: fall back to whatever the kernel hands out.
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
            return listener.local_addr().expect("local address").port();
        }
    }
}

/// A private root directory with ftpconf's layout. Dropping it also ends every process
/// that still holds a file in it (a proftpd a test's apply, service action or watchdog
/// started in daemon mode, a watchdog still waiting): a test leaves nothing running.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub paths: Paths,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::Builder::new().prefix("ftpconf-test.").tempdir().expect("temp dir");
        // proftpd refuses world-writable log/run directories and the ftp user must be
        // able to traverse to the anonymous directory: 0755 all the way down.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let paths = Paths::new(dir.path());
        proftpd::ensure_runtime_dirs(&paths).expect("runtime dirs");
        // In-process applies with confirmation start their watchdog from the real binary.
        ftpconf::proftpd::apply::set_watchdog_program(env!("CARGO_BIN_EXE_ftpconf"));
        Sandbox { dir, paths }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Creates a directory (mode 0755) inside the sandbox and returns its path.
    pub fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.path(relative);
        std::fs::create_dir_all(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// Writes a file (mode 0644) inside the sandbox and returns its path.
    pub fn write_file(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.path(relative);
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        path
    }

    pub fn system(&self) -> System {
        System::new(self.paths.clone())
    }

    /// Default settings on a free port.
    pub fn settings(&self) -> Settings {
        Settings { port: u32::from(free_port()), ..Settings::default() }
    }

    /// Validates (panicking on errors), renders and writes proftpd.conf and the login
    /// message as `ftpconf` would.
    pub fn write_config(&self, settings: &Settings) -> Rendered {
        let system = self.system();
        let report = validate(settings, &system);
        assert!(!report.has_errors(), "test settings are invalid: {:#?}", report.problems);
        let rendered = proftpd::render(settings, &Facts::gather(settings, &system));
        self.write_rendered(&rendered);
        rendered
    }

    /// Writes proftpd.conf and the login message as rendered, unchecked.
    pub fn write_rendered(&self, rendered: &Rendered) {
        write_rendered(&self.paths, rendered);
    }

    /// `proftpd -t` on the written configuration: Ok, or proftpd's complaint.
    pub fn config_test(&self) -> Result<(), String> {
        config_test(&self.paths)
    }

    /// Writes `settings` and starts proftpd on them.
    pub fn serve(&self, settings: &Settings) -> Server {
        self.write_config(settings);
        if let Err(e) = self.config_test() {
            panic!("proftpd -t refused the rendered configuration:\n{e}");
        }
        Server::start(&self.paths, u16::try_from(settings.port).unwrap())
    }

    /// A self-signed leaf certificate `name` (CN localhost, SANs localhost and
    /// 127.0.0.1) in the certificate directory, made by the openssl command.
    pub fn make_certificate(&self, name: &str, ec: bool) {
        let key = self.paths.certificate_key(name);
        let crt = self.paths.certificate_file(name);
        let algorithm: &[&str] = if ec {
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        } else {
            &["-newkey", "rsa:2048"]
        };
        let out = Command::new("openssl")
            .args(["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=localhost"])
            .args(algorithm)
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&crt)
            .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .args(["-addext", "extendedKeyUsage=serverAuth"])
            .output()
            .expect("the openssl command is needed to make test certificates");
        assert!(out.status.success(), "openssl: {}", String::from_utf8_lossy(&out.stderr));
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        certs::load(&self.paths, name).expect("the new certificate loads");
    }
}

/// Writes proftpd.conf and the login message under `paths` as rendered, unchecked.
pub fn write_rendered(paths: &Paths, rendered: &Rendered) {
    std::fs::create_dir_all(paths.proftpd_conf().parent().unwrap()).unwrap();
    std::fs::write(paths.proftpd_conf(), &rendered.config).unwrap();
    std::fs::write(paths.login_message(), &rendered.login_message).unwrap();
}

/// `proftpd -t` on the configuration under `paths`: Ok, or proftpd's complaint.
pub fn config_test(paths: &Paths) -> Result<(), String> {
    let out = Command::new(proftpd_binary())
        .arg("-t")
        .arg("-c")
        .arg(paths.proftpd_conf())
        .output()
        .expect("run proftpd -t");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Renders `settings` as ftpconf would for the files under `paths`, writes the result
/// there and asserts that `proftpd -t` accepts it (for tests with their own root).
pub fn assert_proftpd_accepts(paths: &Paths, settings: &Settings) -> Rendered {
    let rendered = proftpd::render(settings, &Facts::gather(settings, &System::new(paths.clone())));
    proftpd::ensure_runtime_dirs(paths).expect("runtime dirs");
    write_rendered(paths, &rendered);
    if let Err(e) = config_test(paths) {
        panic!("proftpd -t refused the configuration:\n{e}\n{}", rendered.config);
    }
    rendered
}

/// A proftpd running in the foreground as our child.
pub struct Server {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts proftpd on `paths`' configuration and waits until it greets on `port`.
    pub fn start(paths: &Paths, port: u16) -> Server {
        let log = paths.log_dir().join("stderr.log");
        let stderr = std::fs::File::create(&log).expect("log file");
        let child = Command::new(proftpd_binary())
            .arg("-n")
            .arg("-c")
            .arg(paths.proftpd_conf())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start proftpd");
        let mut server = Server { child, port, log };
        server.wait_until_serving(&paths.pid_file());
        server
    }

    /// Waits until our child listens on the port and has written its PidFile. A probe
    /// connection would do too, but proftpd stalls ~0.4 s after every session ends,
    /// which the first real client would then pay; the kernel's socket table answers
    /// without opening a session.
    fn wait_until_serving(&mut self, pid_file: &Path) {
        let pid = self.child.id().to_string();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("proftpd exited ({status}) before serving:\n{}", self.log());
            }
            let pid_written = std::fs::read_to_string(pid_file).is_ok_and(|p| p.trim() == pid);
            if pid_written && self.listening_sockets().iter().any(|a| a.port() == self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("proftpd did not listen on port {} within 5 s:\n{}", self.port, self.log());
    }

    /// The TCP addresses the daemon listens on.
    pub fn listening_sockets(&self) -> Vec<SocketAddr> {
        ftpconf::proftpd::service::process::listening_sockets(self.child.id())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the daemon is still alive.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// proftpd's own log (stderr under -n).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(self.child.id() as i32).expect("pid"),
            rustix::process::Signal::TERM,
        );
        let _ = self.child.wait();
    }
}

/// Opens a directory tree to everyone for reading (directories 0755, files 0644), as
/// anonymous sessions need.
pub fn chmod_tree(path: &Path) {
    let mode = if path.is_dir() { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod_tree(&entry.unwrap().path());
        }
    }
}

/// Whether a TCP connection to `port` on 127.0.0.1 is accepted.
pub fn port_answers(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).is_ok()
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        end_processes_holding(self.dir.path());
    }
}

/// Ends (SIGTERM, then SIGKILL) every process still holding a file under `dir`.
pub fn end_processes_holding(dir: &Path) {
    {
        let mut left = processes_holding(dir);
        for signal in [rustix::process::Signal::TERM, rustix::process::Signal::KILL] {
            if left.is_empty() {
                return;
            }
            for &pid in &left {
                if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                    let _ = rustix::process::kill_process(pid, signal);
                }
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
            while std::time::Instant::now() < deadline {
                left.retain(|pid| is_running(*pid));
                if left.is_empty() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
}

/// Other processes with a file descriptor (or their working directory) under `dir`.
fn processes_holding(dir: &Path) -> Vec<i32> {
    let holds = |link: PathBuf| std::fs::read_link(link).is_ok_and(|t| t.starts_with(dir));
    live_processes(|pid| {
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd"));
        fds.is_ok_and(|fds| fds.flatten().any(|fd| holds(fd.path())))
            || holds(PathBuf::from(format!("/proc/{pid}/cwd")))
    })
}

/// Live (not zombie) processes other than this one for which `pick` holds.
pub fn live_processes(pick: impl Fn(i32) -> bool) -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(procs) = std::fs::read_dir("/proc") else { return Vec::new() };
    procs
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| pid != me && is_running(pid) && pick(pid))
        .collect()
}

/// Alive and not a zombie.
fn is_running(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.rsplit(") ").next().is_some_and(|rest| rest.starts_with('Z'))
}
