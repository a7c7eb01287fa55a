//! FTP through NAT, with real hosts in network namespaces: a client outside
//! (198.18.1.2), a router doing NAT (outside 198.18.1.1, inside 10.199.0.1; nftables DNAT
//! of the control port and the passive range, masquerade towards the server) and the
//! server (10.199.0.2) running the real proftpd from ftpconf's configuration
//! (`--listen`). The addresses exist only inside the namespaces. Like the internet, the
//! router passes nothing from outside to the LAN except the forwarded ports.

mod common;
mod doctor_support;
mod tui_support;

use std::net::IpAddr;
use std::path::Path;
use std::process::{Command, Output};

use common::Sandbox;
use common::users::User;
use crossterm::event::KeyCode;
use doctor_support::{Daemon, ftpconf_in, log_once_explained, save, step};
use ftpconf::paths::Paths;
use ftpconf::proftpd::System;
use ftpconf::proftpd::{self, Facts};
use ftpconf::settings::Settings;
use ftpconf::tui::app::Screen;
use ftpconf::tui::{App, Environment, Theme};

const ROUTER: &str = "198.18.1.1";
const SERVER: &str = "10.199.0.2";
const PORT: u16 = 2121;
const PASSIVE: (u32, u32) = (30000, 30009);

fn run(args: &[&str]) -> Output {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap_or_else(|e| {
        panic!("{} is needed for the NAT tests (apt-get install iproute2 nftables): {e}", args[0])
    });
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Three namespaces wired client — router — server; removed when dropped.
struct Net {
    client: String,
    router: String,
    server: String,
}

impl Net {
    /// `forward_passive`: whether the router forwards the passive range too.
    fn new(tag: &str, forward_passive: bool) -> Net {
        let id = format!("doctor{}{tag}", std::process::id());
        let net =
            Net { client: format!("{id}c"), router: format!("{id}r"), server: format!("{id}s") };
        for ns in [&net.client, &net.router, &net.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
            run(&["ip", "netns", "add", ns]);
            run(&["ip", "-n", ns, "link", "set", "lo", "up"]);
        }
        let (c, r, s) = (&net.client, &net.router, &net.server);
        run(&[
            "ip", "-n", c, "link", "add", "c0", "type", "veth", "peer", "name", "r0", "netns", r,
        ]);
        run(&[
            "ip", "-n", s, "link", "add", "s0", "type", "veth", "peer", "name", "r1", "netns", r,
        ]);
        for (ns, dev, addr) in [
            (c, "c0", "198.18.1.2/24"),
            (r, "r0", "198.18.1.1/24"),
            (r, "r1", "10.199.0.1/24"),
            (s, "s0", "10.199.0.2/24"),
        ] {
            run(&["ip", "-n", ns, "addr", "add", addr, "dev", dev]);
            run(&["ip", "-n", ns, "link", "set", dev, "up"]);
        }
        run(&["ip", "-n", c, "route", "add", "default", "via", ROUTER]);
        run(&["ip", "-n", s, "route", "add", "default", "via", "10.199.0.1"]);
        run(&["ip", "netns", "exec", r, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
        let ports = if forward_passive {
            format!("{PORT}, {}-{}", PASSIVE.0, PASSIVE.1)
        } else {
            PORT.to_string()
        };
        let rules = format!(
            "table ip doctor_nat {{\n\
               chain prerouting {{ type nat hook prerouting priority -100; iifname \"r0\" tcp dport {{ {ports} }} dnat to {SERVER}; }}\n\
               chain postrouting {{ type nat hook postrouting priority 100; oifname \"r1\" masquerade; }}\n\
             }}\n\
             table inet doctor_filter {{\n\
               chain forward {{ type filter hook forward priority 0; iifname \"r0\" ct status dnat accept; iifname \"r0\" reject with icmpx type host-unreachable; }}\n\
             }}\n"
        );
        let rules_file = std::env::temp_dir().join(format!("{id}.nft"));
        std::fs::write(&rules_file, rules).unwrap();
        run(&["ip", "netns", "exec", r, "nft", "-f", rules_file.to_str().unwrap()]);
        let _ = std::fs::remove_file(rules_file);
        net
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in [&self.client, &self.router, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
        }
    }
}

fn nat_settings(masquerade: &str) -> Settings {
    Settings {
        port: u32::from(PORT),
        passive_port_min: PASSIVE.0,
        passive_port_max: PASSIVE.1,
        masquerade_address: masquerade.into(),
        local_user_login: true,
        ..Settings::default()
    }
}

/// Saves and renders `settings` for a sandbox listening on the server's address, and
/// starts proftpd in the server namespace.
fn serve(sandbox: &Sandbox, net: &Net, settings: &Settings) -> Daemon {
    let paths =
        Paths::new(sandbox.dir.path()).listening_on(Some(SERVER.parse::<IpAddr>().unwrap()));
    save(&paths, settings);
    let rendered = proftpd::render(settings, &Facts::gather(settings, &System::new(paths.clone())));
    assert!(rendered.config.contains(&format!("DefaultAddress {SERVER}")));
    common::write_rendered(&paths, &rendered);
    common::config_test(&paths).expect("proftpd -t");
    Daemon::start(&paths, PORT, Some(&net.server))
}

fn check(net: &Net, root: &Path, user: &User) -> (i32, serde_json::Value) {
    let out = ftpconf_in(
        Some(&net.client),
        root,
        &["check", "--json", "--host", ROUTER, "--user", &user.name, "--password-stdin", "--write"],
        &user.password,
    );
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// curl in the client namespace using PASV and its address (as FileZilla does).
fn curl(net: &Net, user: &User, tls: bool, extra: &[&str]) -> Output {
    let mut args = vec![
        "netns",
        "exec",
        &net.client,
        "curl",
        "-sS",
        "--max-time",
        "10",
        "--disable-epsv",
        "--no-ftp-skip-pasv-ip",
    ];
    if tls {
        args.extend(["--ssl-reqd", "-k"]);
    }
    let login = format!("{}:{}", user.name, user.password);
    args.extend(["--user", &login]);
    args.extend_from_slice(extra);
    Command::new("ip").args(&args).output().expect("curl")
}

/// A sandbox and a local user; with `tls`, a certificate too, and TLS on in `settings`.
fn sandbox_with_user(tls: bool, settings: &mut Settings) -> (Sandbox, User) {
    if tls {
        return tls_sandbox(settings);
    }
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    (sandbox, user)
}

fn tls_sandbox(settings: &mut Settings) -> (Sandbox, User) {
    let (sandbox, user) = common::ftps::tls_sandbox();
    settings.tls_enable = true;
    settings.certificate = "ftps".into();
    (sandbox, user)
}

fn fails_with_masquerade_fix(tls: bool) {
    let net = Net::new(if tls { "a" } else { "b" }, true);
    let mut settings = nat_settings("");
    let (sandbox, user) = sandbox_with_user(tls, &mut settings);
    let _daemon = serve(&sandbox, &net, &settings);
    let (code, json) = check(&net, sandbox.dir.path(), &user);
    assert_eq!(code, 6, "{json:#}");
    assert_eq!(step(&json, "login")["outcome"], "ok", "{json:#}");
    assert_eq!(step(&json, "epsv")["outcome"], "ok", "EPSV carries no address: {json:#}");
    let pasv = step(&json, "pasv");
    assert_eq!(pasv["outcome"], "fail");
    assert!(
        pasv["cause"].as_str().unwrap().contains(&format!("private address {SERVER}")),
        "{pasv}"
    );
    let fix = pasv["fix"].as_str().unwrap();
    assert!(
        fix.contains("Masquerade Address (other.masquerade_address)") && fix.contains(ROUTER),
        "{fix}"
    );
    assert!(fix.contains("2121 (control) and 30000-30009"), "{fix}");
    // A real client that trusts the PASV address cannot transfer.
    let out = curl(&net, &user, tls, &[&format!("ftp://{ROUTER}:{PORT}/")]);
    assert!(!out.status.success(), "curl listed through an unreachable PASV address");
    // proftpd itself logs nothing about it; `ftpconf log` finds the offer nobody took in
    // the data-connection log and names Masquerade Address.
    let log = log_once_explained(sandbox.dir.path(), "passive-private-address");
    assert!(log.contains(&format!("offered {SERVER} port 300")), "{log}");
    assert!(!log.contains("passive-unreached"), "{log}");
    // The editor's Log screen (`l`) shows the same line and setting.
    let paths = Paths::new(sandbox.dir.path());
    let env = Environment::new(&paths, &paths.settings_file());
    let loaded = ftpconf::settings::store::load(&paths.settings_file()).expect("settings");
    let mut app = App::new(env, loaded, Theme::new(true, true));
    let mut terminal = tui_support::test_terminal(80, 24);
    tui_support::drive(&mut terminal, &mut app, vec![tui_support::key(KeyCode::Char('l'))]);
    let Screen::Log(screen) = &app.screen else { panic!("not on the Log screen") };
    let found = screen.lines.iter().find(|l| l.text.contains(&format!("offered {SERVER} port")));
    let found = found.unwrap_or_else(|| panic!("not on the Log screen: {:?}", screen.lines));
    assert_eq!(found.explanation.map(|p| p.id), Some("passive-private-address"));
    let shown = terminal.backend().to_string();
    assert!(shown.contains("Masquerade Address"), "{shown}");
}

#[test]
fn without_masquerade_address_outside_clients_get_an_unreachable_address() {
    fails_with_masquerade_fix(false);
}

#[test]
fn ftps_without_masquerade_address_names_it_as_the_fix() {
    fails_with_masquerade_fix(true);
}

fn works_through_nat(tls: bool) {
    let net = Net::new(if tls { "c" } else { "d" }, true);
    let mut settings = nat_settings(ROUTER);
    let (sandbox, user) = sandbox_with_user(tls, &mut settings);
    std::fs::write(user.home.join("hello.txt"), b"through the router\n").unwrap();
    let _daemon = serve(&sandbox, &net, &settings);
    let (code, json) = check(&net, sandbox.dir.path(), &user);
    assert_eq!(code, 0, "{json:#}");
    assert!(step(&json, "pasv")["detail"].as_str().unwrap().starts_with(&format!("{ROUTER}:300")));
    let listing = curl(&net, &user, tls, &[&format!("ftp://{ROUTER}:{PORT}/")]);
    assert!(listing.status.success(), "{}", String::from_utf8_lossy(&listing.stderr));
    assert!(String::from_utf8_lossy(&listing.stdout).contains("hello.txt"));
    let got = curl(&net, &user, tls, &[&format!("ftp://{ROUTER}:{PORT}/hello.txt")]);
    assert_eq!(got.stdout, b"through the router\n", "{}", String::from_utf8_lossy(&got.stderr));
    let upload = sandbox.write_file("up.txt", b"uploaded from outside\n");
    let put = curl(
        &net,
        &user,
        tls,
        &["-T", upload.to_str().unwrap(), &format!("ftp://{ROUTER}:{PORT}/up.txt")],
    );
    assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    assert_eq!(std::fs::read(user.home.join("up.txt")).unwrap(), b"uploaded from outside\n");
    // lftp too (it resumes TLS sessions with GnuTLS).
    let ssl = if tls {
        "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no;"
    } else {
        "set ftp:ssl-allow false;"
    };
    let script = format!(
        "set net:max-retries 1; set net:timeout 5; set ftp:prefer-epsv false; {ssl} cls; bye"
    );
    let lftp = Command::new("ip")
        .args([
            "netns",
            "exec",
            &net.client,
            "lftp",
            "-u",
            &format!("{},{}", user.name, user.password),
            "-e",
            &script,
        ])
        .arg(format!("ftp://{ROUTER}:{PORT}"))
        .output()
        .expect("lftp");
    assert!(
        String::from_utf8_lossy(&lftp.stdout).contains("hello.txt"),
        "{}",
        String::from_utf8_lossy(&lftp.stderr)
    );
    // Every session used its offers: the log shows no false alarm (the sessions above
    // have ended; their last lines reach the log within moments).
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = doctor_support::stdout(&doctor_support::ftpconf(sandbox.dir.path(), &["log"], ""));
    assert!(!log.contains("never opened it"), "{log}");
    let data_log = std::fs::read_to_string(Paths::new(sandbox.dir.path()).data_log()).unwrap();
    assert!(data_log.matches(" EXIT ").count() >= 5, "{data_log}");
    if tls {
        // The check says, as a note, that clients which cannot resume TLS sessions would
        // be refused, and names the setting;
        let reuse = step(&json, "tls-reuse");
        assert_eq!(reuse["outcome"], "note", "{reuse}");
        assert!(
            reuse["fix"].as_str().unwrap().contains("tls.no_session_reuse_required"),
            "{reuse}"
        );
        // a client outside that cannot resume TLS sessions fails, and the log says why.
        let printed = Command::new("ip")
            .args(["netns", "exec", &net.client, "python3", "-c", NO_REUSE_CLIENT, ROUTER])
            .args([&PORT.to_string(), &user.name, &user.password])
            .output()
            .expect("python3");
        let printed = String::from_utf8_lossy(&printed.stdout).into_owned();
        assert!(printed.contains("425"), "{printed}");
        let log =
            doctor_support::stdout(&doctor_support::ftpconf(sandbox.dir.path(), &["log"], ""));
        assert!(
            log.contains("setting: upgrade the client")
                && log.contains("tls.no_session_reuse_required"),
            "{log}"
        );
    }
}

/// python's ftplib: FTPS without session resumption.
const NO_REUSE_CLIENT: &str = r#"
import ftplib, ssl, sys
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
f = ftplib.FTP_TLS(context=c, timeout=5); f.connect(sys.argv[1], int(sys.argv[2])); f.login(sys.argv[3], sys.argv[4]); f.prot_p()
try: print(f.nlst())
except Exception as e: print(e)
"#;

#[test]
fn with_masquerade_address_and_the_range_forwarded_ftp_works_through_nat() {
    works_through_nat(false);
}

#[test]
fn with_masquerade_address_and_the_range_forwarded_ftps_works_through_nat() {
    works_through_nat(true);
}

#[test]
fn ftps_with_the_passive_range_not_forwarded_names_the_ports_to_forward() {
    let net = Net::new("e", false);
    let mut settings = nat_settings(ROUTER);
    let (sandbox, user) = tls_sandbox(&mut settings);
    let _daemon = serve(&sandbox, &net, &settings);
    let (code, json) = check(&net, sandbox.dir.path(), &user);
    assert_eq!(code, 6, "{json:#}");
    for name in ["epsv", "pasv"] {
        let s = step(&json, name);
        assert_eq!(s["outcome"], "fail", "{json:#}");
        assert!(
            s["fix"]
                .as_str()
                .unwrap()
                .contains("Ports to forward to this NAS: 2121 (control) and 30000-30009"),
            "{s}"
        );
    }
    // A real client gives up too, and `ftpconf log` names the passive range to forward
    // for both kinds of offer (the check's and curl's).
    let out =
        curl(&net, &user, true, &["--connect-timeout", "2", &format!("ftp://{ROUTER}:{PORT}/")]);
    assert!(!out.status.success(), "curl listed through an unforwarded passive port");
    let log = log_once_explained(sandbox.dir.path(), "passive-unreached");
    assert!(log.contains(&format!("offered {ROUTER} port 300")) && log.contains("(EPSV)"), "{log}");
    assert!(!log.contains("offered 10.199"), "{log}");
}
