//! Who may log in and what they see, against the real proftpd: the group-ftp gate,
//! Allow Local User Login, anonymous login (which must not lift the gate, as it did on
//! TrueNAS), the anonymous path, Always Chroot and Display Login.

mod common;

use common::Sandbox;
use common::ftp::{self, try_login};
use common::raw::Raw;
use common::users::User;

/// Asserts a login was refused the way proftpd refuses a denied login (not, say,
/// because of a connection limit).
fn assert_refused(result: Result<impl Sized, String>) {
    match result {
        Ok(_) => panic!("login succeeded but must be refused"),
        Err(reply) => assert_eq!(reply, "530 Login incorrect."),
    }
}

#[test]
fn by_default_only_members_of_group_ftp_log_in() {
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let member = User::create(&home, true);
    let outsider = User::create(&home, false);
    let server = sandbox.serve(&sandbox.settings());

    try_login(server.port, &member.name, &member.password).expect("a member of group ftp");
    assert_refused(try_login(server.port, &outsider.name, &outsider.password));
    // Anonymous login is off.
    assert_refused(try_login(server.port, "anonymous", "guest@"));
}

#[test]
fn allow_local_user_login_lets_every_local_user_in() {
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let member = User::create(&home, true);
    let outsider = User::create(&home, false);
    let mut settings = sandbox.settings();
    settings.local_user_login = true;
    let server = sandbox.serve(&settings);

    try_login(server.port, &member.name, &member.password).expect("a member of group ftp");
    try_login(server.port, &outsider.name, &outsider.password).expect("a user outside group ftp");
}

#[test]
fn anonymous_login_does_not_open_the_door_for_other_local_users() {
    let sandbox = Sandbox::new();
    let home = sandbox.mkdir("home");
    let member = User::create(&home, true);
    let outsider = User::create(&home, false);
    let mut settings = sandbox.settings();
    settings.anonymous_login = true;
    settings.anonymous_path = sandbox.mkdir("pub").to_string_lossy().into();
    settings.local_user_login = false;
    settings.connections_per_ip = 0;
    let server = sandbox.serve(&settings);

    try_login(server.port, "anonymous", "guest@").expect("anonymous login is on");
    try_login(server.port, &member.name, &member.password).expect("a member of group ftp");
    assert_refused(try_login(server.port, &outsider.name, &outsider.password));
}

#[test]
fn anonymous_users_see_the_anonymous_path_as_root() {
    let sandbox = Sandbox::new();
    let path = sandbox.mkdir("srv/public files");
    sandbox.write_file("srv/public files/readme.txt", b"hello, anonymous\n");
    let mut settings = sandbox.settings();
    settings.anonymous_login = true;
    settings.anonymous_path = path.to_string_lossy().into();
    let server = sandbox.serve(&settings);

    let mut anon = ftp::login(server.port, "anonymous", "guest@");
    assert_eq!(anon.pwd().unwrap(), "/");
    let names = anon.nlst(None).unwrap();
    assert_eq!(names, vec!["readme.txt".to_owned()]);
    assert_eq!(ftp::get(&mut anon, "/readme.txt").unwrap(), b"hello, anonymous\n");
    // Nothing above the anonymous path is reachable.
    anon.cwd("..").unwrap();
    assert_eq!(anon.pwd().unwrap(), "/");
    let reply =
        ftp::get(&mut anon, &format!("{}/etc/proftpd/proftpd.conf", sandbox.dir.path().display()))
            .expect_err("the server's configuration is outside the anonymous path");
    assert!(reply.starts_with("550"), "{reply:?}");
}

#[test]
fn always_chroot_confines_local_users_to_their_home() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    sandbox.write_file("home/outside.txt", b"outside the home\n");
    let mut settings = sandbox.settings();
    settings.always_chroot = true;
    let server = sandbox.serve(&settings);

    let mut ftp = ftp::login(server.port, &user.name, &user.password);
    assert_eq!(ftp.pwd().unwrap(), "/");
    let reply = ftp::reply(&ftp.cwd("/etc").expect_err("/etc is outside the home"));
    assert!(reply.starts_with("550"), "{reply:?}");
    let reply = ftp::get(&mut ftp, "../outside.txt").expect_err("a file beside the home");
    assert!(reply.starts_with("550"), "{reply:?}");
}

#[test]
fn without_chroot_local_users_reach_the_whole_filesystem() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    sandbox.write_file("home/outside.txt", b"outside the home\n");
    let mut settings = sandbox.settings();
    settings.always_chroot = false;
    let server = sandbox.serve(&settings);

    let mut ftp = ftp::login(server.port, &user.name, &user.password);
    assert_eq!(ftp.pwd().unwrap(), user.home.to_string_lossy());
    ftp.cwd("/etc").expect("/etc is reachable without chroot");
    assert_eq!(
        ftp::get(&mut ftp, &sandbox.path("home/outside.txt").to_string_lossy()).unwrap(),
        b"outside the home\n"
    );
}

#[test]
fn display_login_greets_local_users_but_not_anonymous_ones() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.display_login = "Welcome, %U.\nSecond line.".into();
    settings.anonymous_login = true;
    settings.anonymous_path = sandbox.mkdir("pub").to_string_lossy().into();
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    let reply = conn.login(&user.name, &user.password);
    assert!(
        reply.starts_with(&format!("230-Welcome, {}.\r\n", user.name))
            && reply.contains("Second line.")
            && reply.ends_with(&format!("230 User {} logged in\r\n", user.name)),
        "{reply:?}"
    );
    drop(conn);
    let (mut conn, _) = Raw::open(server.port);
    let reply = conn.login("anonymous", "guest@");
    assert!(reply.starts_with("230 ") && !reply.contains("Welcome"), "{reply:?}");
}

/// proftpd reads an anonymous session's login message inside the anonymous chroot, so
/// the server-wide message only stays hidden while the anonymous path holds no file at
/// the same path. ftpconf's own DisplayLogin inside <Anonymous> keeps it hidden anyway.
#[test]
fn display_login_stays_hidden_from_anonymous_users_whatever_their_directory_holds() {
    let sandbox = Sandbox::new();
    let anon = sandbox.mkdir("pub");
    let motd = sandbox.paths.login_message();
    let mirrored = anon.join(motd.strip_prefix("/").unwrap());
    std::fs::create_dir_all(mirrored.parent().unwrap()).unwrap();
    std::fs::write(&mirrored, "mirrored login message\n").unwrap();
    common::chmod_tree(&anon);
    let mut settings = sandbox.settings();
    settings.display_login = "mirrored login message".into();
    settings.anonymous_login = true;
    settings.anonymous_path = anon.to_string_lossy().into();
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    let reply = conn.login("anonymous", "guest@");
    assert!(reply.starts_with("230 ") && !reply.contains("mirrored"), "{reply:?}");
}
