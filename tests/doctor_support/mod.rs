//! Shared by the doctor tests: a proftpd that writes its SystemLog the way a daemon does
//! (`-n -q`: foreground child, stderr silent), settings saved where the `ftpconf` binary
//! reads them, and running that binary.
#![allow(dead_code)]

pub mod ftpusers;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ftpconf::paths::Paths;
use ftpconf::proftpd::doctor::patterns;
use ftpconf::settings::{Settings, store};

use crate::common::{self, Sandbox};

/// proftpd as our child, logging to its SystemLog and TLSLog like the real service.
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Daemon {
    /// Saves `settings`, writes the configuration and starts proftpd on it.
    pub fn serve(sandbox: &Sandbox, settings: &Settings) -> Daemon {
        save(&sandbox.paths, settings);
        sandbox.write_config(settings);
        sandbox.config_test().expect("proftpd -t accepts the configuration");
        Daemon::start(&sandbox.paths, settings.port as u16, None)
    }

    /// Starts proftpd on the configuration under `paths`, optionally inside network
    /// namespace `netns`, and waits until the port answers (from inside `netns`).
    pub fn start(paths: &Paths, port: u16, netns: Option<&str>) -> Daemon {
        let mut command = match netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(common::proftpd_binary());
                c
            }
            None => Command::new(common::proftpd_binary()),
        };
        let log = paths.system_log();
        let startups = |text: &str| text.matches("STARTUP").count();
        let before = startups(&std::fs::read_to_string(&log).unwrap_or_default());
        let child = command
            .args(["-n", "-q", "-c"])
            .arg(paths.proftpd_conf())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start proftpd");
        let daemon = Daemon { child, port };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let pid_ok = std::fs::read_to_string(paths.pid_file()).is_ok();
            if pid_ok && startups(&text) > before {
                return daemon;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "proftpd did not start within 5 s: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // Under `ip netns exec`, the child is proftpd itself (ip execs it).
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(self.child.id() as i32).expect("pid"),
            rustix::process::Signal::TERM,
        );
        let _ = self.child.wait();
    }
}

/// Saves `settings` as the sandbox's settings file, where `ftpconf --root` reads them.
pub fn save(paths: &Paths, settings: &Settings) {
    std::fs::create_dir_all(paths.settings_file().parent().unwrap()).unwrap();
    store::save(&paths.settings_file(), settings).expect("save settings");
}

/// `ftpconf --root ROOT ARGS...` with `stdin` as standard input.
pub fn ftpconf(root: &Path, args: &[&str], stdin: &str) -> Output {
    ftpconf_in(None, root, args, stdin)
}

/// The same, inside network namespace `netns` when given.
pub fn ftpconf_in(netns: Option<&str>, root: &Path, args: &[&str], stdin: &str) -> Output {
    let binary = env!("CARGO_BIN_EXE_ftpconf");
    let mut command = match netns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, binary]);
            c
        }
        None => Command::new(binary),
    };
    command.arg("--root").arg(root).args(args).env("LANG", "C.UTF-8").env_remove("LC_ALL");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ftpconf");
    use std::io::Write;
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().expect("ftpconf output")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The step `name` in `ftpconf check --json` output.
pub fn step<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {json:#}"))
}

/// Runs `ftpconf check --json ARGS` and parses the result.
pub fn check_json(root: &Path, args: &[&str], stdin: &str) -> (i32, serde_json::Value) {
    let mut all = vec!["check", "--json"];
    all.extend_from_slice(args);
    let out = ftpconf(root, &all, stdin);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check --json printed no JSON ({e}): {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// Runs a system command (usermod, chage, ...) that must succeed.
pub fn sh(program: &str, args: &[&str]) {
    let out =
        Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs python3 with `script` and `args`; returns what it printed.
pub fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 is needed for these tests");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Whether `output` (of `ftpconf log`) has a line matching pattern `id`, followed by its
/// explanation and setting.
pub fn explains(output: &str, id: &str) -> bool {
    let pattern = patterns::all().find(|p| p.id == id).unwrap_or_else(|| panic!("no pattern {id}"));
    let lines: Vec<&str> = output.lines().collect();
    lines.windows(3).any(|w| {
        let lower = w[0].to_ascii_lowercase();
        pattern.needles.iter().all(|n| lower.contains(n))
            && w[1] == format!("    -> {}", pattern.explanation)
            && w[2] == format!("       setting: {}", pattern.setting)
    })
}

/// Asserts that `output` explains pattern `id`.
pub fn assert_explained(output: &str, id: &str) {
    assert!(explains(output, id), "pattern {id} not explained in:\n{output}");
}

/// `ftpconf log` under `root` once it explains pattern `id`: sessions end (and their
/// lines reach the log) only when the client gives up, so this waits up to 15 s.
pub fn log_once_explained(root: &Path, id: &str) -> String {
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let out = ftpconf(root, &["log"], "");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let printed = stdout(&out);
        if explains(&printed, id) || Instant::now() > until {
            assert_explained(&printed, id);
            return printed;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
