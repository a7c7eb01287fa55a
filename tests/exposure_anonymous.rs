//! The anonymous root is a place for sharing, not the system (fault audit D5, D24): no
//! way of naming a system directory (typed, through a symlink, with `..`, by `set`,
//! `import --truenas` or a hand-edited settings file) gets past validation, and a real
//! anonymous client of the running proftpd never reads /etc/passwd. A writable anonymous
//! tree is warned about.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use common::Sandbox;
use common::apply::text;
use common::ftp;

/// `curl` as an anonymous client: the file's bytes, or None when refused.
fn anonymous_download(port: u16, name: &str) -> Option<Vec<u8>> {
    let out = Command::new("curl")
        .args(["-s", "--max-time", "10", "--user", "anonymous:guest@"])
        .arg(format!("ftp://127.0.0.1:{port}/{name}"))
        .stdin(Stdio::null())
        .output()
        .expect("curl is needed for this test");
    out.status.success().then_some(out.stdout)
}

fn set_hand_written(sandbox: &Sandbox, path: &str) {
    let file = sandbox.paths.settings_file();
    let mut text = std::fs::read_to_string(&file).unwrap();
    let quoted = format!("{path:?}");
    let start = text.find("anonymous_path = ").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    text.replace_range(start..end, &format!("anonymous_path = {quoted}"));
    std::fs::write(&file, text).unwrap();
}

#[test]
fn anonymous_users_never_read_system_files_by_any_accepted_path() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    let public = sandbox.mkdir("srv/pub");
    sandbox.write_file("srv/pub/shared.txt", b"for everyone\n");
    let mut settings = sandbox.settings();
    settings.anonymous_login = true;
    settings.anonymous_path = public.to_string_lossy().into();
    settings.connections_per_ip = 0;
    let server = sandbox.serve(&settings);
    sandbox.save_settings(&settings);
    let port = server.port;
    assert_eq!(anonymous_download(port, "shared.txt").as_deref(), Some(&b"for everyone\n"[..]));

    let data = sandbox.mkdir("data");
    std::os::unix::fs::symlink("/etc", data.join("link")).unwrap();
    let dotdot = format!("{}/../../../../../../../../etc", public.display());
    let through_link = format!("{}/link", data.display());
    let hostile = ["/etc", "/mnt/../etc", "/etc/", "//etc/.", &dotdot, &through_link];
    for path in hostile {
        let out = sandbox
            .ftpconf(&["set", "anonymous_login=true", &format!("anonymous_path={path}")])
            .output()
            .unwrap();
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "set {path}: {said}");
        assert!(said.contains("anonymous_path") && said.contains("/etc"), "{said}");
        if path.contains("..") || path.contains("link") {
            assert!(said.contains("resolves to /etc"), "{said}");
        }
        let json = format!("{{\"onlyanonymous\":true,\"anonpath\":{path:?}}}");
        let mut import = sandbox.ftpconf(&["import", "--truenas", "-"]);
        let mut child = import.stdin(Stdio::piped()).spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(json.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "import {json}: {}", text(&out));
        // A hand-edited settings file is refused by apply (and, with anonymous login
        // off, by validate: the path is checked whenever it is set).
        set_hand_written(&sandbox, path);
        let out = sandbox.ftpconf(&["apply"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "apply {path}: {}", text(&out));
        for name in ["passwd", "hostname", "../../../../etc/passwd"] {
            assert_eq!(anonymous_download(port, name), None, "{path}: {name} was served");
        }
        assert!(anonymous_download(port, "shared.txt").is_some(), "still serving {path}");
    }
    let mut anon = ftp::login(port, "anonymous", "guest@");
    assert_eq!(anon.pwd().unwrap(), "/");
    assert!(ftp::get(&mut anon, "/etc/passwd").is_err());
    // Even with anonymous login off, a system path is not stored.
    let out = sandbox.ftpconf(&["set", "anonymous_login=false", "anonymous_path=/root"]).output();
    assert_eq!(out.unwrap().status.code(), Some(1));
}

#[test]
fn ftpconfs_own_directories_are_not_an_anonymous_root() {
    let sandbox = Sandbox::new();
    for dir in [sandbox.paths.certificate_dir(), sandbox.paths.state_dir(), sandbox.path("")] {
        std::fs::create_dir_all(&dir).unwrap();
        let out = sandbox
            .ftpconf(&["set", "anonymous_login=true", &format!("anonymous_path={}", dir.display())])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{dir:?}: {}", text(&out));
        assert!(text(&out).contains("ftpconf's"), "{}", text(&out));
    }
}

#[test]
fn a_writable_anonymous_tree_is_warned_about_and_really_is_writable() {
    common::proftpd_binary();
    let sandbox = Sandbox::new();
    let public = sandbox.mkdir("srv/drop");
    let inbox = sandbox.mkdir("srv/drop/inbox");
    let arg = format!("anonymous_path={}", public.display());
    let out = sandbox.ftpconf(&["set", "anonymous_login=true", &arg]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("upload"), "no warning for a read-only tree: {}", text(&out));

    std::fs::set_permissions(&inbox, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = sandbox.ftpconf(&["validate"]).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("warning") && said.contains("inbox") && said.contains("upload"),
        "{said}"
    );

    // The warning is true: a real anonymous client stores a file there.
    let mut settings = ftpconf::settings::store::load(&sandbox.paths.settings_file()).unwrap();
    settings.port = sandbox.settings().port;
    settings.connections_per_ip = 0;
    let server = sandbox.serve(&settings);
    let mut anon = ftp::login(server.port, "anonymous", "guest@");
    ftp::put(&mut anon, "inbox/dropped.txt", b"from anyone\n").expect("anonymous upload");
    assert!(inbox.join("dropped.txt").exists());
}
