use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::paths::Paths;
use crate::proftpd::directives::{self, owner, sample_renders, server_level_directives};
use crate::proftpd::{Facts, Origin, render};
use crate::settings::validate_tests::{assert_no_error, first_error};
use crate::settings::{Kind, Problem, Severity, Value};

fn system() -> System {
    System::new(Paths::new("/nonexistent-ftpconf-root")).offline()
}

fn problems(change: impl FnOnce(&mut Settings), field: Field) -> Vec<Problem> {
    problems_on(&system(), change, field)
}

fn problems_on(system: &System, change: impl FnOnce(&mut Settings), field: Field) -> Vec<Problem> {
    let mut s = Settings::default();
    change(&mut s);
    validate(&s, system).problems.into_iter().filter(|p| p.field == field).collect()
}

fn error(change: impl FnOnce(&mut Settings), field: Field) -> String {
    first_error(&problems(change, field), field)
}

fn no_error(change: impl FnOnce(&mut Settings), field: Field) {
    assert_no_error(&problems(change, field), field);
}

fn anonymous(path: &str) -> impl FnOnce(&mut Settings) {
    move |s: &mut Settings| {
        s.anonymous_login = true;
        s.anonymous_path = path.into();
    }
}

#[test]
fn the_anonymous_root_is_never_the_system() {
    for bad in [
        "/",
        "/etc",
        "/etc/ssh",
        "/root",
        "/var",
        "/var/lib/dpkg",
        "/usr/share",
        "/lib64",
        "/proc/1",
        "/mnt/../etc",
        "/srv/./../boot",
        "//etc",
    ] {
        let e = error(anonymous(bad), Field::AnonymousPath);
        assert!(e.contains("system"), "{bad}: {e}");
    }
    // Even while anonymous login is off, and the error names where the path leads.
    let e = error(|s| s.anonymous_path = "/mnt/../etc".into(), Field::AnonymousPath);
    assert!(e.contains("resolves to /etc"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/etc", dir.path().join("link")).unwrap();
    let link = dir.path().join("link").to_string_lossy().into_owned();
    let e = error(|s| s.anonymous_path = format!("{link}/ssh/../"), Field::AnonymousPath);
    assert!(e.contains("resolves to /etc"), "{e}");
    no_error(anonymous(&dir.path().to_string_lossy()), Field::AnonymousPath);
}

#[test]
fn the_anonymous_root_is_never_ftpconfs_own_directories() {
    let root = tempfile::tempdir().unwrap();
    let paths = Paths::new(root.path());
    let system = System::new(paths.clone()).offline();
    for dir in [paths.state_dir(), paths.certificate_dir(), root.path().to_path_buf()] {
        std::fs::create_dir_all(&dir).unwrap();
        let found = problems_on(&system, anonymous(&dir.to_string_lossy()), Field::AnonymousPath);
        assert!(found.iter().any(|p| p.message.contains("ftpconf's")), "{dir:?}: {found:?}");
    }
}

#[test]
fn a_writable_anonymous_tree_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pub");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    for d in [&root, &root.join("a"), &root.join("a/b")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = root.to_string_lossy().into_owned();
    let warnings = |p: &str| -> Vec<Problem> {
        problems(anonymous(p), Field::AnonymousPath)
            .into_iter()
            .filter(|p| p.severity == Severity::Warning)
            .collect()
    };
    assert!(warnings(&path).is_empty());
    std::fs::set_permissions(root.join("a/b"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let found = warnings(&path);
    assert!(found[0].message.contains("a/b") && found[0].message.contains("upload"), "{found:?}");
}

#[test]
fn auxiliary_parameters_cannot_override_a_field_in_any_server_wide_section() {
    for (text, expected) in [
        ("TimeoutLogin 60", "ftpconf itself"),
        ("TimesGMT on", "ftpconf itself"),
        ("UseIPv6 off", "ftpconf itself"),
        (
            "LoadModule mod_ifversion.c\n<IfVersion >= 1.3.0>\nDefaultRoot /\n</IfVersion>",
            "Always Chroot",
        ),
        ("<IfUser alice>\nMaxClients 1\n</IfUser>", "Clients"),
        ("<IfGroup ftp>\nTimeoutIdle 1\n</IfGroup>", "Timeout"),
        ("<IfClass x>\nPort 1\n</IfClass>", "Port"),
        ("<IfAuthenticated>\nDefaultRoot /\n</IfAuthenticated>", "Always Chroot"),
        ("<IfDefine X>\n<Global>\nTransferRate RETR 1\n</Global>\n</IfDefine>", "Download"),
    ] {
        let e = error(|s| s.auxiliary_parameters = text.into(), Field::AuxiliaryParameters);
        assert!(e.contains(expected), "{text:?}: {e}");
    }
    let long = format!("#{}DefaultRoot /", "x".repeat(4095));
    let e = error(|s| s.auxiliary_parameters = long, Field::AuxiliaryParameters);
    assert!(e.contains("at most 4095 bytes"), "{e}");
    no_error(
        |s| s.auxiliary_parameters = format!("#{}", "x".repeat(4094)),
        Field::AuxiliaryParameters,
    );
    for fine in [
        "<Directory /mnt>\nAllowOverwrite off\n</Directory>",
        "<Anonymous /srv/b>\nMaxClients 3\n</Anonymous>",
        // nobody exists on every Debian system (base-passwd); ftp only once proftpd is installed
        "<Anonymous ~nobody>\nUser nobody\n</Anonymous>",
        "ShowSymlinks on",
    ] {
        no_error(|s| s.auxiliary_parameters = fine.into(), Field::AuxiliaryParameters);
    }
    let e = error(
        |s| s.auxiliary_parameters = "<Anonymous ~root>\n</Anonymous>".into(),
        Field::AuxiliaryParameters,
    );
    assert!(e.contains("/root"), "{e}");
}

#[test]
fn include_names_a_regular_readable_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let file = dir.path().join("extra.conf");
    std::fs::write(&file, "ShowSymlinks on\n").unwrap();
    for bad in
        [fifo.clone(), "/dev/zero".into(), dir.path().to_path_buf(), dir.path().join("*.conf")]
    {
        let text = format!("Include {}", bad.display());
        let e = error(|s| s.auxiliary_parameters = text, Field::AuxiliaryParameters);
        assert!(e.contains("Include"), "{bad:?}: {e}");
    }
    no_error(
        |s| s.auxiliary_parameters = format!("Include {}", file.display()),
        Field::AuxiliaryParameters,
    );
    // What an included file says is checked like the text itself, in the same place.
    let overriding = dir.path().join("override.conf");
    std::fs::write(&overriding, "# fine\n<IfUser alice>\nDefaultRoot /\n</IfUser>\n").unwrap();
    let text = format!("Include {}", overriding.display());
    let e = error(|s| s.auxiliary_parameters = text, Field::AuxiliaryParameters);
    assert!(e.starts_with(&format!("line 1: {} line 3: DefaultRoot", overriding.display())), "{e}");
    assert!(e.contains("Always Chroot"), "{e}");
    let text = format!("<Directory /srv>\nInclude {}\n</Directory>", overriding.display());
    no_error(|s| s.auxiliary_parameters = text, Field::AuxiliaryParameters);
}

/// Every directive the renderer writes at server level, for any single change away from
/// the defaults or the busy sample, is known to the check with the owner of its line.
#[test]
fn the_check_knows_every_directive_the_renderer_writes() {
    let mut variants =
        vec![Settings::default(), crate::settings::samples::every_feature_on("/srv", "nas")];
    for base in variants.clone() {
        for &field in Field::ALL {
            let mut s = base.clone();
            let value = match (field.kind(), field.get(&s)) {
                (_, Value::Bool(b)) => Value::Bool(!b),
                (Kind::Number { max, .. }, _) => Value::Number(max),
                _ => continue,
            };
            let _ = field.set(&mut s, value);
            variants.push(s);
        }
    }
    let facts = sample_renders().len();
    assert!(facts >= 4);
    for s in &variants {
        let s = Settings { auxiliary_parameters: String::new(), ..s.clone() };
        for loopback_only in [true, false] {
            let facts = Facts {
                paths: Paths::new("/"),
                hostname: "nas".into(),
                ftp_group_exists: false,
                certificate: None,
                loopback_only,
            };
            for (name, origin) in server_level_directives(&render(&s, &facts)) {
                if directives::is_repeatable(&name) {
                    continue;
                }
                let owners =
                    owner(&name).unwrap_or_else(|| panic!("{name} is not known to the check"));
                let expected = match origin {
                    Origin::Field(f) => directives::Owner::Field(f),
                    _ => directives::Owner::Ftpconf,
                };
                assert!(owners.contains(&expected), "{name}: {owners:?} lacks {expected:?}");
            }
        }
    }
}

#[test]
fn an_exposed_key_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    let paths = Paths::new(root.path());
    crate::proftpd::ensure_runtime_dirs(&paths).unwrap();
    let new = crate::proftpd::certs::NewCert::for_this_host();
    crate::proftpd::certs::create(&paths, "nas", &new, false).unwrap();
    let key = paths.certificate_key("nas");
    let system = System::new(paths.clone()).offline();
    let tls = |s: &mut Settings| {
        s.tls_enable = true;
        s.certificate = "nas".into();
    };
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(
        problems_on(&system, tls, Field::Certificate).iter().all(|p| p.severity != Severity::Error)
    );
    for mode in [0o640, 0o604, 0o644] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let found = problems_on(&system, tls, Field::Certificate);
        let e = found.iter().find(|p| p.severity == Severity::Error).expect("an error");
        assert!(e.message.contains(&format!("chmod 600 {}", key.display())), "{e:?}");
        let status = crate::proftpd::certs::key_status(&paths.certificate_file("nas"), &key);
        assert_eq!(status, crate::proftpd::certs::KeyStatus::Exposed { mode });
    }
}

#[test]
fn anonymous_path_must_exist_when_anonymous_login_is_on() {
    let e = error(|s| s.anonymous_login = true, Field::AnonymousPath);
    assert!(e.contains("required"), "{e}");
    let e = error(
        |s| {
            s.anonymous_login = true;
            s.anonymous_path = "srv/ftp".into();
        },
        Field::AnonymousPath,
    );
    assert!(e.contains("absolute"), "{e}");
    let e = error(
        |s| {
            s.anonymous_login = true;
            s.anonymous_path = "/nonexistent/ftpconf".into();
        },
        Field::AnonymousPath,
    );
    assert!(e.contains("not an existing directory"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let e = error(
        |s| {
            s.anonymous_login = true;
            s.anonymous_path = file.to_string_lossy().into();
        },
        Field::AnonymousPath,
    );
    assert!(e.contains("not an existing directory"), "{e}");
    no_error(
        |s| {
            s.anonymous_login = true;
            s.anonymous_path = dir.path().to_string_lossy().into();
        },
        Field::AnonymousPath,
    );
    // A hidden path is kept as it is and not checked for existence.
    no_error(|s| s.anonymous_path = "/nonexistent".into(), Field::AnonymousPath);
}

#[test]
fn certificate_required_with_tls() {
    let e = error(|s| s.tls_enable = true, Field::Certificate);
    assert!(e.contains("required"), "{e}");
    let e = error(
        |s| {
            s.tls_enable = true;
            s.certificate = "missing".into();
        },
        Field::Certificate,
    );
    assert!(e.contains("there is no certificate \"missing\""), "{e}");
    let e = error(|s| s.certificate = "../etc/passwd".into(), Field::Certificate);
    assert!(e.contains("not a certificate name"), "{e}");
}

#[test]
fn masquerade_address_literal_or_resolvable_name() {
    for ok in ["", "192.0.2.7", "2001:db8::1", "localhost"] {
        no_error(|s| s.masquerade_address = ok.into(), Field::MasqueradeAddress);
    }
    for bad in ["not a host", "-bad.example", "a..b", "1.2.3.400", "host_name"] {
        let e = error(|s| s.masquerade_address = bad.into(), Field::MasqueradeAddress);
        assert!(e.contains("neither an IP address nor a valid host name"), "{bad}: {e}");
    }
    // With resolution on, a name that does not resolve is refused.
    let mut s = Settings::default();
    s.masquerade_address = "no-such-host.invalid".into();
    let online = System::new(Paths::new("/nonexistent"));
    let report = validate(&s, &online);
    let e = report.for_field(Field::MasqueradeAddress).next().expect("an error");
    assert!(e.message.contains("resolve"), "{e:?}");
    s.masquerade_address = "localhost".into();
    assert!(validate(&s, &online).for_field(Field::MasqueradeAddress).next().is_none());
}

#[test]
fn auxiliary_parameters_are_linted() {
    let e = error(|s| s.auxiliary_parameters = "MaxClients 9".into(), Field::AuxiliaryParameters);
    assert!(e.contains("line 1") && e.contains("Clients"), "{e}");
    no_error(|s| s.auxiliary_parameters = "ShowSymlinks on".into(), Field::AuxiliaryParameters);
}

#[test]
fn warns_when_nobody_can_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let groups = dir.path().join("group");
    std::fs::write(&groups, "root:x:0:\nusers:x:100:\n").unwrap();
    let mut sys = system();
    sys.group_file = groups.clone();
    let report = validate(&Settings::default(), &sys);
    let w = report.for_field(Field::LocalUserLogin).next().expect("a warning");
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message.contains("nobody can log in"), "{w:?}");
    std::fs::write(&groups, "root:x:0:\nftp:x:14:alice\n").unwrap();
    assert!(validate(&Settings::default(), &sys).for_field(Field::LocalUserLogin).next().is_none());
    let mut s = Settings::default();
    s.local_user_login = true;
    std::fs::write(&groups, "root:x:0:\n").unwrap();
    assert!(validate(&s, &sys).for_field(Field::LocalUserLogin).next().is_none());
}

#[test]
fn the_data_connection_log_stays_ftpconfs() {
    let aux = Field::AuxiliaryParameters;
    let data_log = system().paths.data_log();
    for text in [
        "LogFormat ftpconf_data \"%m\"".to_owned(),
        "<IfModule mod_log.c>\nLogFormat FTPCONF_DATA \"%m\"\n</IfModule>".to_owned(),
        format!("ExtendedLog {} ALL", data_log.display()),
        format!("ExtendedLog \"{}\" READ mine", data_log.display()),
    ] {
        let e = error(|s| s.auxiliary_parameters = text.clone(), aux);
        assert!(e.contains("data-connection log"), "{text}: {e}");
    }
    // The admin's own formats and logs are fine: proftpd writes every ExtendedLog.
    no_error(
        |s| {
            s.auxiliary_parameters =
                "LogFormat mine \"%h %u %r\"\nExtendedLog \"/srv/logs/a b.log\" ALL mine".into()
        },
        aux,
    );
}
