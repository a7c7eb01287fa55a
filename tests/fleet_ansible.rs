//! The Ansible module with the real engine: ansible-core (from PyPI, in a cached venv)
//! runs playbooks against a fleet of sandboxes on this machine, each with its own real
//! proftpd on its own port (connection: local). The first run changes every host and a
//! real client (python3 ftplib) sees it; the second changes and reloads nothing; check
//! mode changes nothing; a value proftpd refuses stops a `serial: 1` rollout at that host
//! with ftpconf's own message, and every host keeps serving. `confirm_seconds` with a
//! later confirming task keeps a change; without it the watchdog puts it back.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::apply::{greets, running_pid};
use common::users::User;
use common::{Sandbox, Server, proftpd_binary};
use serde_json::json;

const ANSIBLE_CORE: &str = "2.17.7";
const CACHE: &str = "/var/cache/ftpconf-test";

/// The venv's bin directory, built once per ansible-core version (under a lock, marked
/// complete only when pip succeeded). Fails loudly when it cannot be built.
fn ansible_bin() -> PathBuf {
    std::fs::create_dir_all(CACHE).expect("create the test cache directory");
    let lock = File::create(Path::new(CACHE).join("ansible-venv.lock")).expect("venv lock");
    lock.lock().expect("lock the venv");
    let venv = Path::new(CACHE).join(format!("ansible-venv-{ANSIBLE_CORE}"));
    let complete = venv.join(".complete");
    if !complete.exists() {
        let _ = std::fs::remove_dir_all(&venv);
        let run = |command: &mut Command, what: &str| {
            let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(
                out.status.success(),
                "{what} failed (install python3-venv; PyPI must be reachable):\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv");
        run(
            Command::new(venv.join("bin/pip")).args([
                "install",
                "-q",
                &format!("ansible-core=={ANSIBLE_CORE}"),
            ]),
            "pip install ansible-core",
        );
        std::fs::write(&complete, ANSIBLE_CORE).expect("mark the venv complete");
    }
    venv.join("bin")
}

struct Host {
    name: String,
    sandbox: Sandbox,
    server: Server,
}

impl Host {
    fn settings_text(&self) -> Vec<u8> {
        std::fs::read(self.sandbox.paths.settings_file()).expect("settings file")
    }

    fn live_config(&self) -> String {
        self.sandbox.live_config()
    }

    fn system_log(&self) -> String {
        std::fs::read_to_string(self.sandbox.paths.system_log()).unwrap_or_default()
    }

    fn backups(&self) -> usize {
        std::fs::read_dir(self.sandbox.paths.backup_dir()).map(|d| d.count()).unwrap_or(0)
    }

    /// The reply to a real login with python3's ftplib (the 230 text, login message included).
    fn login(&self, user: &User) -> String {
        let script = "import ftplib,sys\nf=ftplib.FTP()\nf.connect('127.0.0.1',int(sys.argv[1]),timeout=10)\nprint(f.login(sys.argv[2],sys.argv[3]))\nf.quit()";
        let out = Command::new("python3")
            .args(["-c", script, &self.server.port.to_string(), &user.name, &user.password])
            .output()
            .expect("python3 ftplib");
        assert!(out.status.success(), "ftplib login to {}: {}", self.name, show(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// `count` hosts `fleet-a`, `fleet-b`, ..., each serving its own saved settings.
fn fleet(count: usize) -> Vec<Host> {
    proftpd_binary();
    (0..count)
        .map(|i| {
            let sandbox = Sandbox::new();
            let settings = sandbox.settings();
            sandbox.save_settings(&settings);
            let server = sandbox.serve(&settings);
            Host { name: format!("fleet-{}", (b'a' + i as u8) as char), sandbox, server }
        })
        .collect()
}

struct Engine {
    bin: PathBuf,
    dir: tempfile::TempDir,
}

impl Engine {
    fn new(hosts: &[Host], extra: &BTreeMap<&str, serde_json::Value>) -> Engine {
        let bin = ansible_bin();
        let dir = tempfile::Builder::new().prefix("fleet-ansible.").tempdir().unwrap();
        let collections = dir.path().join("collections/ansible_collections/ftpconf");
        std::fs::create_dir_all(&collections).unwrap();
        let contrib = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/ansible");
        std::os::unix::fs::symlink(contrib, collections.join("nas")).unwrap();
        let mut vars = serde_json::Map::new();
        for host in hosts {
            let mut v = json!({
                "ansible_connection": "local",
                "ansible_python_interpreter": bin.join("python"),
                "ftpconf_binary": env!("CARGO_BIN_EXE_ftpconf"),
                "ftpconf_root": host.sandbox.dir.path(),
            });
            if let Some(more) = extra.get(host.name.as_str()) {
                v.as_object_mut().unwrap().extend(more.as_object().unwrap().clone());
            }
            vars.insert(host.name.clone(), v);
        }
        // JSON is YAML: the inventory is written with serde_json.
        let inventory = json!({ "nas": { "hosts": vars } });
        std::fs::write(dir.path().join("inventory.yml"), inventory.to_string()).unwrap();
        Engine { bin, dir }
    }

    /// Runs `playbook` (YAML text) with extra ansible-playbook arguments.
    fn play(&self, playbook: &str, args: &[&str]) -> Output {
        let path = self.dir.path().join("play.yml");
        std::fs::write(&path, playbook).unwrap();
        self.command("ansible-playbook")
            .arg("-i")
            .arg(self.dir.path().join("inventory.yml"))
            .arg(&path)
            .args(args)
            .output()
            .expect("run ansible-playbook")
    }

    /// One of the venv's Ansible programs, with the collection and a UTF-8 locale.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command
            .env("LC_ALL", "C.UTF-8")
            .env("ANSIBLE_COLLECTIONS_PATH", self.dir.path().join("collections"))
            .env("ANSIBLE_LOCAL_TEMP", self.dir.path().join("tmp"))
            .env("ANSIBLE_REMOTE_TEMP", self.dir.path().join("tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
            .env_remove("FTPCONF_TEST_PAUSE_AT");
        command
    }
}

fn show(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// PLAY RECAP: host -> (changed, failed).
fn recap(out: &Output) -> BTreeMap<String, (u32, u32)> {
    let text = String::from_utf8_lossy(&out.stdout);
    let Some((_, recap)) = text.split_once("PLAY RECAP") else {
        panic!("no PLAY RECAP:\n{}", show(out));
    };
    let count = |line: &str, key: &str| -> u32 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{key}=")))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    recap
        .lines()
        .filter_map(|line| {
            let (host, counts) = line.split_once(" : ")?;
            Some((host.trim().to_owned(), (count(counts, "changed"), count(counts, "failed"))))
        })
        .collect()
}

/// The rollout of docs/automation.md (paths and binary from the inventory).
const PLAYBOOK: &str = r#"
- name: FTP settings on every NAS
  hosts: nas
  gather_facts: false
  serial: 1
  max_fail_percentage: 0
  tasks:
    - name: Desired FTP settings
      ftpconf.nas.ftpconf_settings:
        binary: "{{ ftpconf_binary }}"
        root: "{{ ftpconf_root }}"
        settings:
          general:
            clients: "{{ max_clients | default(7) }}"
          display_login: "{{ banner }}"
          auxiliary_parameters: "{{ aux | default('') }}"
"#;

/// The module with TrueNAS's key names (`banner` is display_login, `clients` MaxClients).
const TRUENAS_PLAYBOOK: &str = r#"
- hosts: nas
  gather_facts: false
  tasks:
    - ftpconf.nas.ftpconf_settings:
        binary: "{{ ftpconf_binary }}"
        root: "{{ ftpconf_root }}"
        truenas:
          clients: "{{ clients }}"
          banner: "{{ banner }}"
"#;

#[test]
fn a_fleet_rollout_changes_once_then_nothing_and_stops_at_a_refused_host() {
    let homes = tempfile::Builder::new().prefix("fleet-homes.").tempdir().unwrap();
    let user = User::create(homes.path(), true);
    let hosts = fleet(3);
    let engine = Engine::new(&hosts, &BTreeMap::new());
    // The module's documentation block parses (ansible-doc reads it as Ansible would).
    let doc = engine.command("ansible-doc").arg("ftpconf.nas.ftpconf_settings").output().unwrap();
    assert!(doc.status.success() && !doc.stdout.is_empty(), "{}", show(&doc));
    let pids: Vec<u32> = hosts.iter().map(|h| h.server.pid()).collect();
    let before: Vec<(Vec<u8>, String)> =
        hosts.iter().map(|h| (h.settings_text(), h.live_config())).collect();

    // Check mode: every host would change; nothing does.
    let out = engine
        .play(PLAYBOOK, &["--check", "--diff", "-e", r#"{"banner": "Rolled out by Ansible"}"#]);
    assert!(out.status.success(), "{}", show(&out));
    for host in &hosts {
        assert_eq!(recap(&out).get(&host.name), Some(&(1, 0)), "{}", show(&out));
    }
    assert!(String::from_utf8_lossy(&out.stdout).contains("+MaxClients 7"), "{}", show(&out));
    let after: Vec<(Vec<u8>, String)> =
        hosts.iter().map(|h| (h.settings_text(), h.live_config())).collect();
    assert_eq!(before, after, "check mode changed a host");
    assert!(hosts.iter().all(|h| h.backups() == 0), "check mode made a backup");

    // First run: every host changes, and a real client sees it.
    let started = std::time::Instant::now();
    let out = engine.play(PLAYBOOK, &["-e", r#"{"banner": "Rolled out by Ansible"}"#]);
    eprintln!("first run over {} hosts: {} ms", hosts.len(), started.elapsed().as_millis());
    assert!(out.status.success(), "{}", show(&out));
    for host in &hosts {
        assert_eq!(recap(&out).get(&host.name), Some(&(1, 0)), "{}", show(&out));
        let reply = host.login(&user);
        assert!(reply.contains("Rolled out by Ansible"), "{}: {reply}", host.name);
        assert!(host.live_config().contains("MaxClients 7"), "{}", host.name);
    }
    assert_eq!(
        hosts.iter().map(|h| running_pid(&h.sandbox.paths).unwrap()).collect::<Vec<_>>(),
        pids
    );

    // Second run: nothing changes, nothing is reloaded or backed up.
    let logs: Vec<(String, String, usize)> =
        hosts.iter().map(|h| (h.server.log(), h.system_log(), h.backups())).collect();
    let started = std::time::Instant::now();
    let out = engine.play(PLAYBOOK, &["-e", r#"{"banner": "Rolled out by Ansible"}"#]);
    eprintln!("second run over {} hosts: {} ms", hosts.len(), started.elapsed().as_millis());
    assert!(out.status.success(), "{}", show(&out));
    for (host, (server_log, system_log, backups)) in hosts.iter().zip(&logs) {
        assert_eq!(recap(&out).get(&host.name), Some(&(0, 0)), "{}", show(&out));
        assert_eq!(&host.server.log(), server_log, "{} was reloaded", host.name);
        assert_eq!(&host.system_log(), system_log, "{} logged something", host.name);
        assert_eq!(host.backups(), *backups, "{} made a backup", host.name);
    }
    assert_eq!(
        hosts.iter().map(|h| running_pid(&h.sandbox.paths).unwrap()).collect::<Vec<_>>(),
        pids
    );

    // The same desired state under TrueNAS's names: nothing to do. A value ftpconf
    // rejects fails the task with ftpconf's message and changes nothing.
    let out = engine
        .play(TRUENAS_PLAYBOOK, &["-e", r#"{"banner": "Rolled out by Ansible", "clients": 7}"#]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(recap(&out).values().all(|counts| *counts == (0, 0)), "{}", show(&out));
    let settings_before = hosts[0].settings_text();
    let out = engine
        .play(TRUENAS_PLAYBOOK, &["--limit", "fleet-a", "-e", r#"{"banner": "x", "clients": 0}"#]);
    assert!(!out.status.success(), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("clients: 0 is out of range; expected a whole number from 1 to 10000"),
        "{}",
        show(&out)
    );
    assert_eq!(hosts[0].settings_text(), settings_before);
    drop(engine);

    // A value the second host's proftpd refuses: the rollout stops there.
    let bad = BTreeMap::from([("fleet-b", json!({ "aux": "FooBarBaz on" }))]);
    let engine = Engine::new(&hosts, &bad);
    let b_before = (hosts[1].settings_text(), hosts[1].live_config());
    let c_before = (hosts[2].settings_text(), hosts[2].live_config());
    let out = engine.play(PLAYBOOK, &["-e", r#"{"banner": "Second rollout"}"#]);
    assert!(!out.status.success(), "{}", show(&out));
    let recap = recap(&out);
    assert_eq!(recap.get("fleet-a"), Some(&(1, 0)), "{}", show(&out));
    assert_eq!(recap.get("fleet-b"), Some(&(0, 1)), "{}", show(&out));
    assert_eq!(recap.get("fleet-c"), None, "the rollout went past the failed host: {}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("auxiliary_parameters line 1: unknown configuration directive 'FooBarBaz'"),
        "{}",
        show(&out)
    );
    assert_eq!((hosts[1].settings_text(), hosts[1].live_config()), b_before, "fleet-b changed");
    assert_eq!((hosts[2].settings_text(), hosts[2].live_config()), c_before, "fleet-c changed");
    assert!(hosts[0].login(&user).contains("Second rollout"));
    assert!(hosts[1].login(&user).contains("Rolled out by Ansible"));
    assert!(hosts[2].login(&user).contains("Rolled out by Ansible"));
    assert!(hosts.iter().all(|h| greets(h.server.port)), "a host stopped serving");
}

/// `confirm_seconds` with a later confirming task, as in docs/automation.md.
const CONFIRM_PLAYBOOK: &str = r#"
- hosts: nas
  gather_facts: false
  tasks:
    - name: Desired FTP settings, kept only if confirmed
      ftpconf.nas.ftpconf_settings:
        binary: "{{ ftpconf_binary }}"
        root: "{{ ftpconf_root }}"
        settings:
          general:
            clients: "{{ clients }}"
        confirm_seconds: 3
      register: ftp
    - name: Keep it
      ftpconf.nas.ftpconf_settings:
        binary: "{{ ftpconf_binary }}"
        root: "{{ ftpconf_root }}"
        confirm: true
      when: ftp is changed and keep | bool
"#;

#[test]
fn confirm_seconds_is_kept_by_a_later_task_and_reverted_without_one() {
    let hosts = fleet(2);
    let engine = Engine::new(&hosts, &BTreeMap::new());
    let clients = |host: &Host| {
        ftpconf::settings::store::load(&host.sandbox.paths.settings_file()).unwrap().clients
    };
    let wait_out_the_deadline = || std::thread::sleep(std::time::Duration::from_secs(6));

    // Confirmed by the later task: kept past the deadline.
    let out = engine.play(CONFIRM_PLAYBOOK, &["-e", r#"{"clients": 17, "keep": true}"#]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(recap(&out).values().all(|counts| *counts == (2, 0)), "{}", show(&out));
    wait_out_the_deadline();
    for host in &hosts {
        assert!(host.live_config().contains("MaxClients 17"), "{}", host.name);
        assert_eq!(clients(host), 17);
    }

    // Nothing to apply: changed=0, and the confirming task is skipped (not failed).
    let out = engine.play(CONFIRM_PLAYBOOK, &["-e", r#"{"clients": 17, "keep": true}"#]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(recap(&out).values().all(|counts| *counts == (0, 0)), "{}", show(&out));

    // Not confirmed: the watchdog puts the configuration and the settings back.
    let out = engine.play(CONFIRM_PLAYBOOK, &["-e", r#"{"clients": 18, "keep": false}"#]);
    assert!(out.status.success(), "{}", show(&out));
    assert!(recap(&out).values().all(|counts| *counts == (1, 0)), "{}", show(&out));
    assert!(hosts.iter().all(|h| h.live_config().contains("MaxClients 18")));
    wait_out_the_deadline();
    for host in &hosts {
        assert!(host.live_config().contains("MaxClients 17"), "{}", host.name);
        assert_eq!(clients(host), 17, "{}: the unconfirmed value stayed stored", host.name);
        assert!(greets(host.server.port), "{} stopped serving", host.name);
    }
}
