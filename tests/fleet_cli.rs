//! The command line as an automation engine drives it, with the real binary and proftpd:
//! `apply` that finds proftpd already serving the settings does nothing (`--force`
//! reloads), `apply --settings` stores and applies in one step or changes nothing,
//! `--check` installs nothing and exits as the apply would, `import` reads ftpconf's TOML
//! (merge or `--replace`), every `--json` reply is one JSON object, and
//! `export --truenas-update` is what TrueNAS's ftp.update takes.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::process::{Output, Stdio};

use common::apply::{running_pid, text};
use common::{Sandbox, Server, proftpd_binary};
use ftpconf::settings::store;
use serde_json::Value as Json;

fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox.ftpconf(args).env_remove("FTPCONF_TEST_PAUSE_AT").output().expect("run ftpconf")
}

#[track_caller]
fn json(sandbox: &Sandbox, args: &[&str], code: i32) -> Json {
    let out = run(sandbox, &[&["--json"], args].concat());
    assert_eq!(out.status.code(), Some(code), "{}", text(&out));
    let reply: Json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", text(&out)));
    assert_eq!(reply["schema"], 1);
    assert_eq!(reply["exit_code"], code);
    reply
}

fn backups(sandbox: &Sandbox) -> usize {
    std::fs::read_dir(sandbox.paths.backup_dir()).map(|d| d.count()).unwrap_or(0)
}

/// A sandbox serving its saved settings through a first apply.
fn served() -> (Sandbox, Server) {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    let server = sandbox.serve(&settings);
    sandbox.save_settings(&settings);
    let reply = json(&sandbox, &["apply"], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("applied"), Some(true))
    );
    (sandbox, server)
}

#[test]
fn fleet_a_second_apply_is_unchanged_and_reloads_nothing_unless_forced() {
    let (sandbox, server) = served();
    let log = std::fs::read_to_string(sandbox.paths.system_log()).unwrap_or_default();
    let made = backups(&sandbox);
    let out = run(&sandbox, &["apply"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unchanged: proftpd already serves these settings"), "{stdout}");
    assert_eq!(backups(&sandbox), made, "a backup was made");
    assert_eq!(std::fs::read_to_string(sandbox.paths.system_log()).unwrap_or_default(), log);
    assert_eq!(running_pid(&sandbox.paths), Some(server.pid()));
    let reply = json(&sandbox, &["apply", "--check"], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("unchanged"), Some(false))
    );
    let reply = json(&sandbox, &["apply", "--force"], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("applied"), Some(true))
    );
    assert_eq!(backups(&sandbox), made + 1, "--force did not go through");
    // Whatever changes state ends by saying so, in text too.
    let out = run(&sandbox, &["rollback"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("\nchanged\n"), "{}", text(&out));
}

#[test]
fn fleet_serving_is_judged_by_the_live_bytes_and_the_masters_start() {
    let (sandbox, server) = served();
    let port = server.port;
    // A hand-edited live file is not what the settings produce: apply puts it right.
    let live = sandbox.live_config();
    let edited = live.replace("MaxClients", "MaxClients 3\n#");
    std::fs::write(sandbox.paths.proftpd_conf(), edited).unwrap();
    let reply = json(&sandbox, &["apply"], 0);
    assert_eq!(reply["verdict"], "applied", "{reply}");
    assert_eq!(sandbox.live_config(), live);
    // Without ftpconf's record, a master started after the file was written serves it...
    std::fs::remove_file(sandbox.paths.state_dir().join("served")).unwrap();
    drop(server);
    let server = Server::start(&sandbox.paths, port);
    let reply = json(&sandbox, &["apply"], 0);
    assert_eq!(reply["verdict"], "unchanged", "{reply}");
    // ... and one started before it was rewritten may not: apply reloads to be sure.
    assert!(!sandbox.paths.state_dir().join("served").exists(), "unchanged recorded something");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(sandbox.paths.proftpd_conf(), &live).unwrap();
    let reply = json(&sandbox, &["apply"], 0);
    assert_eq!(reply["verdict"], "applied", "{reply}");
    assert_eq!(running_pid(&sandbox.paths), Some(server.pid()));
}

#[test]
fn fleet_apply_settings_stores_and_applies_or_changes_nothing() {
    let (sandbox, server) = served();
    let desired = sandbox.write_file("desired.toml", b"[general]\nclients = 9\n");
    let reply =
        json(&sandbox, &["apply", "--check", "--diff", "--settings", desired.to_str().unwrap()], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("would_change"), Some(true))
    );
    let diff = reply["diff"]["proftpd.conf"].as_str().unwrap();
    assert!(diff.contains("+MaxClients 9"), "{diff}");
    assert!(reply["diff"]["settings"].as_str().unwrap().contains("+clients = 9"), "{reply}");
    assert_eq!(store::load(&sandbox.paths.settings_file()).unwrap().clients, 5, "--check stored");
    assert!(!sandbox.live_config().contains("MaxClients 9"));

    let reply = json(&sandbox, &["apply", "--settings", desired.to_str().unwrap()], 0);
    assert_eq!(reply["verdict"], "applied", "{reply}");
    assert!(sandbox.live_config().contains("MaxClients 9"));
    let reply = json(&sandbox, &["apply", "--settings", desired.to_str().unwrap()], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("unchanged"), Some(false))
    );

    // Refused (the new port is taken): exit 3, and the settings file is as it was.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let before = std::fs::read(sandbox.paths.settings_file()).unwrap();
    let bad = sandbox.write_file("bad.toml", format!("[general]\nport = {port}\n").as_bytes());
    let reply = json(&sandbox, &["apply", "--check", "--settings", bad.to_str().unwrap()], 3);
    assert_eq!(reply["verdict"], "refused");
    let reply = json(&sandbox, &["apply", "--settings", bad.to_str().unwrap()], 3);
    assert!(
        reply["problems"][0]["message"].as_str().unwrap().contains(&port.to_string()),
        "{reply}"
    );
    assert_eq!(std::fs::read(sandbox.paths.settings_file()).unwrap(), before, "settings changed");

    // Refused by proftpd -t: the problem names the setting.
    let aux = sandbox.write_file("aux.toml", b"[other]\nauxiliary_parameters = \"FooBarBaz on\"\n");
    let reply = json(&sandbox, &["apply", "--settings", aux.to_str().unwrap()], 1);
    assert_eq!(reply["problems"][0]["key"], "other.auxiliary_parameters", "{reply}");
    assert_eq!(std::fs::read(sandbox.paths.settings_file()).unwrap(), before);

    // Invalid: exit 1 with the key, nothing stored.
    let invalid = sandbox.write_file("invalid.toml", b"[general]\nclients = 0\n");
    let reply = json(&sandbox, &["apply", "--settings", invalid.to_str().unwrap()], 1);
    assert_eq!(reply["problems"][0]["key"], "general.clients", "{reply}");
    assert_eq!(std::fs::read(sandbox.paths.settings_file()).unwrap(), before);

    // --replace (TrueNAS names here): what the input does not name returns to its default.
    let whole =
        sandbox.write_file("whole.json", format!("{{\"port\": {}}}", server.port).as_bytes());
    let reply = json(&sandbox, &["apply", "--replace", "--truenas", whole.to_str().unwrap()], 0);
    assert_eq!(reply["verdict"], "applied", "{reply}");
    assert_eq!(store::load(&sandbox.paths.settings_file()).unwrap().clients, 5);
    assert!(sandbox.live_config().contains("MaxClients 5"));
}

#[test]
fn fleet_import_reads_toml_merging_or_replacing() {
    let sandbox = Sandbox::new();
    let out = run(&sandbox, &["set", "clients=8", "timeout=300"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let partial = sandbox.write_file("partial.toml", b"[general]\nclients = 9\n");
    let reply = json(&sandbox, &["import", partial.to_str().unwrap()], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("changed"), Some(true))
    );
    let saved = store::load(&sandbox.paths.settings_file()).unwrap();
    assert_eq!((saved.clients, saved.timeout), (9, 300), "a merge keeps what it does not name");
    let reply = json(&sandbox, &["import", partial.to_str().unwrap()], 0);
    assert_eq!(reply["verdict"], "unchanged");
    let mut child = sandbox
        .ftpconf(&["import", "--replace", "--diff", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"[general]\nclients = 9\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("changed\n") && stdout.contains("-timeout = 300"), "{stdout}");
    let saved = store::load(&sandbox.paths.settings_file()).unwrap();
    assert_eq!((saved.clients, saved.timeout), (9, 600), "--replace resets what it does not name");
    let bad = sandbox.write_file("bad.toml", b"[general]\nclients = \"many\"\n");
    let reply = json(&sandbox, &["import", bad.to_str().unwrap()], 1);
    assert!(
        reply["problems"][0]["message"].as_str().unwrap().contains("general.clients"),
        "{reply}"
    );
}

#[test]
fn fleet_every_json_reply_is_one_object() {
    let sandbox = Sandbox::new();
    assert_eq!(json(&sandbox, &["show"], 0)["settings"]["general"]["port"], 21);
    let reply = json(&sandbox, &["get", "clients"], 0);
    assert_eq!(
        (reply["key"].as_str(), reply["value"].as_u64()),
        (Some("general.clients"), Some(5))
    );
    let reply = json(&sandbox, &["set", "--diff", "clients=6"], 0);
    assert_eq!(
        (reply["changed"].as_bool(), reply["changes"][1].as_str()),
        (Some(true), Some("general.clients: 5 -> 6"))
    );
    assert!(reply["diff"]["settings"].as_str().unwrap().contains("+clients = 6"), "{reply}");
    let reply = json(&sandbox, &["set", "clients=6"], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("unchanged"), Some(false))
    );
    let reply = json(&sandbox, &["set", "port=0"], 1);
    assert_eq!(
        (reply["problems"][0]["key"].as_str(), reply["problems"][0]["truenas_key"].as_str()),
        (Some("general.port"), Some("port"))
    );
    assert_eq!(json(&sandbox, &["validate"], 0)["verdict"], "ok");
    assert_eq!(json(&sandbox, &["backups"], 0)["backups"], serde_json::json!([]));
    let reply = json(&sandbox, &["rollback"], 3);
    assert_eq!(reply["verdict"], "refused", "{reply}");
    // Commands without a JSON reply refuse --json rather than mix text and JSON.
    let out = run(&sandbox, &["--json", "render"]);
    assert_eq!((out.status.code(), out.stdout.is_empty()), (Some(2), true), "{}", text(&out));
}

#[test]
fn fleet_export_for_truenas_update_has_no_id_and_a_certificate_id() {
    let sandbox = Sandbox::new();
    let export = |args: &[&str]| -> (Json, String) {
        let out = run(&sandbox, &[&["export"], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        (serde_json::from_slice(&out.stdout).unwrap(), String::from_utf8_lossy(&out.stderr).into())
    };
    assert_eq!(export(&["--truenas"]).0["id"], 1);
    let (update, _) = export(&["--truenas-update"]);
    assert!(update.get("id").is_none() && update.get("ssltls_certificate").is_none(), "{update}");
    assert_eq!(update["port"], 21);
    let (update, _) = export(&["--truenas-update", "--certificate-id", "4"]);
    assert_eq!(update["ssltls_certificate"], 4);
}

#[test]
fn fleet_with_proftpd_stopped_equal_files_are_unchanged_until_start_is_asked() {
    proftpd_binary();
    let sandbox = Sandbox::new();
    let _guard = common::apply::DaemonGuard(sandbox.paths.clone());
    sandbox.save_settings(&sandbox.settings());
    assert_eq!(json(&sandbox, &["apply"], 0)["verdict"], "applied");
    let reply = json(&sandbox, &["apply"], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["changed"].as_bool()),
        (Some("unchanged"), Some(false))
    );
    assert!(reply["message"].as_str().unwrap().contains("not running"), "{reply}");
    let reply = json(&sandbox, &["apply", "--start"], 0);
    assert_eq!(
        (reply["verdict"].as_str(), reply["serving"].as_bool()),
        (Some("applied"), Some(true))
    );
    assert_eq!(json(&sandbox, &["apply", "--start"], 0)["verdict"], "unchanged");
}

/// `apply --settings FILE --confirm N --detach` returns once the change serves; a later
/// `ftpconf confirm` keeps it, and without one the watchdog puts the old one back.
#[test]
fn fleet_a_detached_confirmation_is_kept_by_confirm_or_reverted_by_the_watchdog() {
    let (sandbox, _server) = served();
    let desired = sandbox.path("desired.toml");
    for (clients, confirm) in [(31, true), (32, false)] {
        std::fs::write(&desired, format!("[general]\nclients = {clients}\n")).unwrap();
        let args = ["apply", "--settings", desired.to_str().unwrap(), "--confirm", "3", "--detach"];
        let out = run(&sandbox, &args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).contains("ftpconf confirm"), "{}", text(&out));
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(said.lines().last(), Some("changed"), "{said}");
        assert!(sandbox.live_config().contains(&format!("MaxClients {clients}")));
        if confirm {
            let out = run(&sandbox, &["confirm"]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        }
        std::thread::sleep(std::time::Duration::from_secs(6));
        let live = sandbox.live_config();
        let kept = live.contains(&format!("MaxClients {clients}"));
        assert_eq!(kept, confirm, "clients {clients}, confirmed {confirm}:\n{live}");
        assert!(ftpconf::proftpd::apply::pending_confirmation(&sandbox.paths).is_none());
        // Reverted: the settings file holds the confirmed 31 again, not the 32.
        let stored = ftpconf::settings::store::load(&sandbox.paths.settings_file()).unwrap();
        assert_eq!(stored.clients, 31);
    }
    // The play's next run stores its desired state again and applies it.
    let args = ["apply", "--settings", desired.to_str().unwrap()];
    let out = run(&sandbox, &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("changed") && sandbox.live_config().contains("MaxClients 32"));
}

/// Desired state from a file is a trust boundary whichever way it comes in (`import FILE`,
/// `import --truenas`, `apply --settings`): new options that include files (or load
/// modules, run commands) are shown and refused unless `--trust-options` says so.
#[test]
fn fleet_options_that_reach_beyond_ftp_need_trust_options_on_every_import_path() {
    let (sandbox, _server) = served();
    let included = sandbox.write_file("extra.conf", b"# nothing but a comment\n");
    let desired = sandbox.path("desired.toml");
    let toml = format!("[other]\nauxiliary_parameters = \"Include {}\"\n", included.display());
    std::fs::write(&desired, toml).unwrap();
    let live = sandbox.live_config();
    for args in [
        vec!["import", desired.to_str().unwrap()],
        vec!["apply", "--settings", desired.to_str().unwrap()],
    ] {
        let out = run(&sandbox, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("--trust-options"), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("Include"), "{args:?}: {}", text(&out));
        assert_eq!(sandbox.live_config(), live);
    }
    let out = run(&sandbox, &["apply", "--settings", desired.to_str().unwrap(), "--trust-options"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(sandbox.live_config().contains("Include"));
}

/// Every command that changes state says whether it did: `service` actions by whether the
/// service moved, `cert create/delete` always `changed`.
#[test]
fn fleet_service_and_cert_commands_say_changed_or_unchanged() {
    let (sandbox, _server) = served();
    let _daemon = common::apply::DaemonGuard(sandbox.paths.clone());
    let first_line = |args: &[&str]| {
        let out = run(&sandbox, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_owned()
    };
    assert_eq!(first_line(&["service", "start"]), "unchanged");
    assert_eq!(first_line(&["service", "stop", "--yes"]), "changed");
    assert_eq!(first_line(&["service", "stop", "--yes"]), "unchanged");
    assert_eq!(first_line(&["service", "start"]), "changed");
    assert_eq!(first_line(&["cert", "create", "fleetc"]), "changed");
    assert_eq!(first_line(&["cert", "delete", "fleetc"]), "changed");
}
