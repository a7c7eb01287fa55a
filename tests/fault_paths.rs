//! The root is a path, not a string (D13), and nothing outside the settings can add a
//! line to proftpd.conf (D16): host names and root paths with line breaks.

mod common;

use std::path::Path;
use std::process::Command;

use common::Sandbox;
use common::apply::text;
use ftpconf::paths::Paths;
use ftpconf::proftpd::{Facts, render};
use ftpconf::settings::Settings;

fn ftpconf() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ftpconf"));
    command.env("NO_COLOR", "1");
    command
}

#[test]
fn a_root_that_resolves_to_slash_is_the_real_system() {
    let sandbox = Sandbox::new();
    let settings = sandbox.path("ftp.toml");
    let link = sandbox.path("to-root");
    std::os::unix::fs::symlink("/", &link).unwrap();
    for root in [Path::new("/tmp/.."), link.as_path()] {
        let mut command = ftpconf();
        command.arg("--root").arg(root).arg("--config").arg(&settings).arg("render");
        let out = command.output().unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(0), "{all}");
        assert!(!all.contains("DefaultAddress 127.0.0.1"), "{root:?} treated as a sandbox: {all}");
        assert!(all.contains("PidFile \"/run/proftpd.pid\""), "{root:?}: {all}");
    }
}

#[test]
fn control_characters_in_root_or_config_are_a_usage_error() {
    let sandbox = Sandbox::new();
    let hostile = sandbox.path("r\nServerIdent on \"INJECTED\"\n#");
    std::fs::create_dir_all(&hostile).unwrap();
    let escape = sandbox.path("c\x1b]0;T\x07.toml");
    let separator = sandbox.path("s\u{2028}x");
    let cases: [(&str, &Path); 3] =
        [("--root", &hostile), ("--config", &escape), ("--root", &separator)];
    for (option, value) in cases {
        let out = ftpconf().arg(option).arg(value).arg("render").output().unwrap();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(2), "{option} {value:?}: {all}");
        assert!(all.contains(option) && all.contains("control character"), "{all}");
        assert!(!out.stderr.contains(&b'\x1b'), "raw escape echoed: {all}");
        assert!(!all.contains("INJECTED\"\n"), "{all}");
    }
}

/// Renders with facts that never went through validation: every line of the result is
/// one the renderer meant to write (same count as the line origins; nothing injected).
#[test]
fn hostile_host_names_and_root_paths_never_add_a_line() {
    let hostile_root = "/srv/r\nServerIdent on \"INJECTED\"\n#\r\u{2028}\u{85}";
    let facts = Facts {
        paths: Paths::new(hostile_root),
        hostname: "evil\"\nLoadModule mod_exec.c\n#\u{2029}\x0b\x0c".into(),
        ftp_group_exists: true,
        certificate: None,
        loopback_only: true,
    };
    let rendered = render(&Settings::default(), &facts);
    assert_eq!(rendered.config.lines().count(), rendered.origins.len(), "{}", rendered.config);
    for line in rendered.config.lines() {
        let bare = line.trim();
        assert!(!bare.starts_with("LoadModule mod_exec"), "injected: {line:?}");
        assert!(!bare.starts_with("ServerIdent"), "injected: {line:?}");
        assert!(
            !line.chars().any(|c| c != '\t' && ftpconf::paths::breaks_lines(c)),
            "line break character in {line:?}"
        );
    }
}

/// A host name with a newline (set in a private UTS namespace) is refused by the
/// commands that render, with a usage error.
#[test]
fn a_host_name_with_a_newline_is_refused() {
    let sandbox = Sandbox::new();
    let script = "import ctypes, os, sys\n\
        libc = ctypes.CDLL(None, use_errno=True)\n\
        name = b'evil\"\\nLoadModule mod_exec.c\\n#'\n\
        assert libc.sethostname(name, len(name)) == 0\n\
        os.execv(sys.argv[1], sys.argv[1:])\n";
    let out = Command::new("unshare")
        .args(["-u", "python3", "-c", script])
        .arg(env!("CARGO_BIN_EXE_ftpconf"))
        .arg("--root")
        .arg(sandbox.dir.path())
        .arg("render")
        .output()
        .expect("unshare (util-linux) is needed for a private host name");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("host name") && all.contains("hostnamectl"), "{all}");
    assert!(!out.stdout.as_slice().windows(9).any(|w| w == b"LoadModul"), "{all}");
}
