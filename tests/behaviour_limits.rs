//! Limits do what they promise, against the real proftpd: Clients, Connections,
//! Login Attempts (0 = unlimited, which TrueNAS got wrong) and the two timeouts.

mod common;

use std::time::{Duration, Instant};

use common::Sandbox;
use common::raw::Raw;
use common::users::User;

#[test]
fn clients_limits_logged_in_sessions() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.clients = 2;
    settings.connections_per_ip = 0; // unlimited, so only Clients can refuse
    let server = sandbox.serve(&settings);

    let (mut first, _) = Raw::open(server.port);
    let (mut second, _) = Raw::open(server.port);
    assert!(first.login(&user.name, &user.password).starts_with("230"));
    assert!(second.login(&user.name, &user.password).starts_with("230"));
    // The limit is checked at login: the third connection is greeted normally.
    let (mut third, greeting) = Raw::open(server.port);
    assert!(greeting.starts_with("220 "), "{greeting:?}");
    let refused = third.login(&user.name, &user.password);
    assert!(
        refused.starts_with("530") && refused.contains("maximum number of allowed clients (2)"),
        "{refused:?}"
    );
}

#[test]
fn connections_per_ip_refuses_the_next_connection_in_its_greeting() {
    let sandbox = Sandbox::new();
    let mut settings = sandbox.settings();
    settings.connections_per_ip = 2;
    let server = sandbox.serve(&settings);

    let (_first, greeting) = Raw::open(server.port);
    assert!(greeting.starts_with("220 "), "{greeting:?}");
    let (_second, greeting) = Raw::open(server.port);
    assert!(greeting.starts_with("220 "), "{greeting:?}");
    // Counted before login: the third connection is refused in its banner and closed.
    let (mut third, greeting) = Raw::open(server.port);
    assert!(
        greeting.starts_with("530") && greeting.contains("maximum number of connections (2)"),
        "{greeting:?}"
    );
    assert_eq!(third.reply(), "", "the refused connection must be closed");
}

#[test]
fn login_attempts_closes_the_connection_after_that_many_failures() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.login_attempts = 2;
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    let first = conn.login(&user.name, "wrong password");
    assert!(first.starts_with("530"), "{first:?}");
    let second = conn.login(&user.name, "wrong password");
    assert!(second.starts_with("530"), "{second:?}");
    let third = conn.cmd(&format!("USER {}", user.name));
    assert_eq!(third, "", "after 2 failed logins the server must close the connection");
}

#[test]
fn login_attempts_zero_means_unlimited() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.login_attempts = 0;
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    // TrueNAS wrote no directive for 0, so proftpd's default of 3 attempts applied.
    for attempt in 1..=5 {
        let reply = conn.login(&user.name, "wrong password");
        assert!(reply.starts_with("530"), "attempt {attempt}: {reply:?}");
    }
    let reply = conn.login(&user.name, &user.password);
    assert!(reply.starts_with("230"), "still open after 5 failures: {reply:?}");
}

/// proftpd's timers tick in whole seconds, so a 2 s timeout fires after 1 to 3 s.
fn assert_about_two_seconds(waited: Duration) {
    assert!(
        (Duration::from_millis(900)..Duration::from_secs(6)).contains(&waited),
        "closed after {waited:?}, expected about 2 s"
    );
}

#[test]
fn timeout_closes_an_idle_session() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.timeout = 2;
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    assert!(conn.login(&user.name, &user.password).starts_with("230"));
    let start = Instant::now();
    let reply = conn.reply(); // waits for what the server says unprompted
    let waited = start.elapsed();
    assert!(reply.starts_with("421") && reply.contains("Idle timeout (2 seconds)"), "{reply:?}");
    assert_about_two_seconds(waited);
}

#[test]
fn notransfer_timeout_closes_a_busy_session_without_transfers() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.notransfer_timeout = 2;
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    assert!(conn.login(&user.name, &user.password).starts_with("230"));
    let start = Instant::now();
    // Commands keep the session from being idle, but none of them transfers data.
    let reply = loop {
        let reply = conn.cmd("PWD");
        if !reply.starts_with("257") || start.elapsed() > Duration::from_secs(8) {
            break reply;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let waited = start.elapsed();
    assert!(
        reply.starts_with("421") && reply.contains("No transfer timeout (2 seconds)"),
        "{reply:?} after {waited:?}"
    );
    assert_about_two_seconds(waited);
}
