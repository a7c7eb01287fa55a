//! The settings commands as a script would use them: exit statuses, messages that name the
//! key, nothing written when invalid, and TrueNAS's default object imported, rendered,
//! served by the real proftpd and logged in to.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::users::User;
use common::{Sandbox, Server, ftp};
use ftpconf::settings::{Rate, Settings, store};

fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox.ftpconf(args).output().expect("run ftpconf")
}

fn all_output(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[track_caller]
fn expect(out: &Output, code: i32) -> String {
    let text = all_output(out);
    assert_eq!(out.status.code(), Some(code), "{text}");
    text
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn truenas_default_object_imports_renders_and_serves_a_login() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    expect(
        &run(&sandbox, &["import", "--truenas", "tests/data/truenas-ftp-config-default.json"]),
        0,
    );
    // Port 21 needs the machine's real port; everything else stays as imported.
    let port = common::free_port();
    expect(&run(&sandbox, &["set", &format!("port={port}")]), 0);
    let rendered = run(&sandbox, &["render"]);
    expect(&rendered, 0);
    let config = stdout(&rendered);
    assert!(config.contains(&format!("Port {port}")), "{config}");
    std::fs::create_dir_all(sandbox.paths.proftpd_conf().parent().unwrap()).unwrap();
    std::fs::write(sandbox.paths.proftpd_conf(), &config).unwrap();
    std::fs::write(sandbox.paths.login_message(), "").unwrap();
    sandbox.config_test().expect("proftpd -t accepts the rendered configuration");
    let _server = Server::start(&sandbox.paths, port);
    // TrueNAS's defaults let members of group ftp in, chrooted to their home.
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut session = ftp::login(port, &user.name, &user.password);
    assert_eq!(session.pwd().unwrap(), "/");
    let _ = session.quit();
}

#[test]
fn set_validates_the_whole_result_and_writes_nothing_when_invalid() {
    let sandbox = Sandbox::new();
    expect(&run(&sandbox, &["set", "clients=20"]), 0);
    let file = sandbox.paths.settings_file();
    let before = std::fs::read(&file).unwrap();
    let out = expect(&run(&sandbox, &["set", "port=0", "ipconnections=x", "filemask=778"]), 1);
    assert!(
        out.contains("port: 0 is out of range; expected a whole number from 1 to 65535"),
        "{out}"
    );
    assert!(out.contains("ipconnections: \"x\" is not a whole number"), "{out}");
    assert!(out.contains("filemask: \"778\" is not exactly three octal digits"), "{out}");
    assert!(out.contains("nothing was changed"), "{out}");
    assert_eq!(std::fs::read(&file).unwrap(), before, "the settings file is untouched");
    // A cross-field rule names the field it concerns.
    let out = expect(&run(&sandbox, &["set", "passiveportsmin=3000"]), 1);
    assert!(out.contains("passiveportsmax: set both passive ports or neither"), "{out}");
    let out = expect(&run(&sandbox, &["set", "onlyanonymous=true"]), 1);
    assert!(out.contains("anonpath: is required when anonymous login is allowed"), "{out}");
    let out = expect(&run(&sandbox, &["set", "tls=true"]), 1);
    assert!(out.contains("ssltls_certificate: is required when TLS is enabled"), "{out}");
    let out = expect(&run(&sandbox, &["set", "masqaddress=not a host"]), 1);
    assert!(out.contains("masqaddress: \"not a host\" is neither an IP address"), "{out}");
    let out = expect(&run(&sandbox, &["set", "options=MaxClients 9"]), 1);
    assert!(out.contains("options: line 1: MaxClients is set by the Clients field"), "{out}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn keys_in_either_naming_and_human_bandwidth() {
    let sandbox = Sandbox::new();
    let anon = sandbox.mkdir("pub");
    let anon_arg = format!("access.anonymous_path={}", anon.display());
    expect(
        &run(
            &sandbox,
            &["set", "localuserdlbw=500M", "access.anonymous_login=yes", &anon_arg, "dirmask=002"],
        ),
        0,
    );
    let saved = store::load(&sandbox.paths.settings_file()).unwrap();
    assert_eq!(saved.local_download, Rate(512_000));
    assert!(saved.anonymous_login);
    assert_eq!(stdout(&run(&sandbox, &["get", "localuserdlbw"])), "512000\n");
    assert_eq!(stdout(&run(&sandbox, &["get", "bandwidth.local_download"])), "500 MiB\n");
    assert_eq!(stdout(&run(&sandbox, &["get", "dirmask"])), "002\n");
    assert_eq!(stdout(&run(&sandbox, &["get", "directory_permissions"])), "775\n");
    let out = expect(&run(&sandbox, &["set", "localuserbw=10 kbit"]), 1);
    assert!(out.contains("localuserbw: bit units are not accepted"), "{out}");
    let out = expect(&run(&sandbox, &["get", "nosuch"]), 2);
    assert!(out.contains("unknown key \"nosuch\""), "{out}");
    expect(&run(&sandbox, &["set", "port"]), 2);
    expect(&run(&sandbox, &["frobnicate"]), 2);
}

#[test]
fn validate_names_truenas_keys_and_sets_the_exit_status() {
    let sandbox = Sandbox::new();
    let out = expect(&run(&sandbox, &["validate"]), 0);
    assert!(out.contains("0 error(s)"), "{out}");
    // A hand-edited file with a bad value: validate explains, render refuses.
    let mut bad = Settings::default();
    bad.passive_port_min = 2000;
    bad.passive_port_max = 1500;
    bad.fxp = true;
    store::save(&sandbox.paths.settings_file(), &bad).unwrap();
    let out = expect(&run(&sandbox, &["validate"]), 1);
    assert!(
        out.contains("passiveportsmax: must be greater than the Minimum Passive Port (2000)"),
        "{out}"
    );
    assert!(out.contains("fxp: warning: FXP lets clients"), "{out}");
    let out = expect(&run(&sandbox, &["render"]), 1);
    assert!(out.contains("nothing rendered"), "{out}");
    // A file that is not even well-formed is reported with its line.
    std::fs::write(sandbox.paths.settings_file(), "[general]\nport = \"x\"\n").unwrap();
    let out = expect(&run(&sandbox, &["validate"]), 1);
    assert!(out.contains("ftpconf.toml:2: general.port"), "{out}");
}

#[test]
fn import_refuses_bad_objects_and_export_gives_them_back() {
    let sandbox = Sandbox::new();
    let mut child =
        sandbox.ftpconf(&["import", "--truenas", "-"]).stdin(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"id": 1, "port": "21", "rootlogin": false, "ssltls_certificate": 4}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = expect(&out, 1);
    assert!(text.contains("port: expected a whole number"), "{text}");
    assert!(text.contains("rootlogin: unknown key"), "{text}");
    assert!(text.contains("ssltls_certificate: 4 is a TrueNAS certificate id"), "{text}");
    assert!(text.contains("nothing was imported"), "{text}");
    assert!(!sandbox.paths.settings_file().exists(), "nothing was saved");

    expect(&run(&sandbox, &["set", "clients=42", "filemask=027"]), 0);
    let exported: serde_json::Value =
        serde_json::from_str(&stdout(&run(&sandbox, &["export", "--truenas"]))).unwrap();
    assert_eq!(exported["clients"], 42);
    assert_eq!(exported["filemask"], "027");
    assert_eq!(exported["anonpath"], serde_json::Value::Null);
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("data/truenas-ftp-config-default.json")).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&exported), keys(&reference), "exactly TrueNAS's keys");
}

#[test]
fn show_lists_every_setting() {
    let sandbox = Sandbox::new();
    let out = stdout(&run(&sandbox, &["show"]));
    assert_eq!(out.lines().filter(|l| l.starts_with("  ")).count(), 39, "{out}");
    assert!(out.contains("Path") && out.contains("(hidden)"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&sandbox, &["show", "--json"]))).unwrap();
    assert_eq!(json["settings"]["general"]["port"], 21);
    assert_eq!(json["settings"]["access"]["file_permissions"], "700");
}
