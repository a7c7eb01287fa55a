//! Network settings do what they promise, against the real proftpd: Port, the passive
//! port range, Masquerade Address and FXP.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

use common::raw::Raw;
use common::users::User;
use common::{Sandbox, free_port, port_answers};

/// Port from a PASV reply `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2).`, with the
/// address it names.
fn pasv(reply: &str) -> (String, u16) {
    let inner = reply
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(inner, _)| inner)
        .unwrap_or_else(|| panic!("not a PASV reply: {reply:?}"));
    let parts: Vec<u16> = inner.split(',').map(|p| p.trim().parse().unwrap()).collect();
    assert_eq!(parts.len(), 6, "{reply:?}");
    let address = format!("{}.{}.{}.{}", parts[0], parts[1], parts[2], parts[3]);
    (address, parts[4] * 256 + parts[5])
}

/// Port from an EPSV reply `229 Entering Extended Passive Mode (|||port|)`.
fn epsv(reply: &str) -> u16 {
    reply
        .split("(|||")
        .nth(1)
        .and_then(|rest| rest.split('|').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("not an EPSV reply: {reply:?}"))
}

#[test]
fn the_server_listens_on_the_configured_port_and_no_other() {
    let sandbox = Sandbox::new();
    let settings = sandbox.settings();
    let other = free_port();
    let server = sandbox.serve(&settings);
    let port = u16::try_from(settings.port).unwrap();

    let (_conn, greeting) = Raw::open(port);
    assert!(greeting.starts_with("220 "), "{greeting:?}");
    assert!(!port_answers(other), "port {other} answers although only {port} is configured");
    let listening = server.listening_sockets();
    assert_eq!(
        listening,
        vec![std::net::SocketAddr::from(([127, 0, 0, 1], port))],
        "proftpd must listen on the configured port only (sandbox: 127.0.0.1 only)"
    );
}

#[test]
fn passive_data_ports_stay_within_the_configured_range() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    // A range per process, below the ports free_port() hands out and below the
    // kernel's ephemeral range, so parallel tests do not compete for it.
    let min = 10000 + (std::process::id() % 990) * 10;
    let max = min + 9;
    let mut settings = sandbox.settings();
    settings.passive_port_min = min;
    settings.passive_port_max = max;
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    assert!(conn.login(&user.name, &user.password).starts_with("230"));
    let range = u16::try_from(min).unwrap()..=u16::try_from(max).unwrap();
    for _ in 0..3 {
        let reply = conn.cmd("PASV");
        let (_, port) = pasv(&reply);
        assert!(range.contains(&port), "PASV port {port} outside {range:?}: {reply:?}");
        let reply = conn.cmd("EPSV");
        let port = epsv(&reply);
        assert!(range.contains(&port), "EPSV port {port} outside {range:?}: {reply:?}");
    }

    // And a real passive transfer works through that range.
    std::fs::write(user.home.join("listed.txt"), b"x").unwrap();
    let mut ftp = common::ftp::login(server.port, &user.name, &user.password);
    let names = ftp.nlst(None).expect("NLST over a passive data connection");
    assert!(names.iter().any(|n| n.ends_with("listed.txt")), "{names:?}");
}

#[test]
fn masquerade_address_is_announced_in_pasv_replies() {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    let mut settings = sandbox.settings();
    settings.masquerade_address = "127.0.0.9".into();
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    assert!(conn.login(&user.name, &user.password).starts_with("230"));
    let reply = conn.cmd("PASV");
    assert!(reply.starts_with("227 "), "{reply:?}");
    assert_eq!(pasv(&reply).0, "127.0.0.9", "{reply:?}");
    // EPSV names no address, so it stays as it is.
    let reply = conn.cmd("EPSV");
    assert!(reply.starts_with("229 "), "{reply:?}");
}

/// A logged-in session on a server with FXP on or off; PORT and EPRT to 127.0.0.2
/// from a client on 127.0.0.1 name a third host. Returns the replies to PORT at the
/// client's own address, PORT at the third host and EPRT at the third host, and what
/// the third host received when the last of them was followed by NLST.
fn foreign_data_address(fxp: bool) -> (String, String, String, Option<Vec<u8>>) {
    let sandbox = Sandbox::new();
    let user = User::create(&sandbox.mkdir("home"), true);
    std::fs::write(user.home.join("listed.txt"), b"x").unwrap();
    let mut settings = sandbox.settings();
    settings.fxp = fxp;
    let server = sandbox.serve(&settings);

    let (mut conn, _) = Raw::open(server.port);
    assert!(conn.login(&user.name, &user.password).starts_with("230"));
    let own = conn.cmd("PORT 127,0,0,1,200,10");
    let third_host = TcpListener::bind("127.0.0.2:0").expect("listen on 127.0.0.2");
    let [h1, h2] = third_host.local_addr().unwrap().port().to_be_bytes();
    let port = conn.cmd(&format!("PORT 127,0,0,2,{h1},{h2}"));
    let eprt = conn.cmd(&format!("EPRT |1|127.0.0.2|{}|", third_host.local_addr().unwrap().port()));
    if !eprt.starts_with("200") {
        return (own, port, eprt, None);
    }
    // The server really opens the data connection to the third host.
    let opening = conn.cmd("NLST");
    assert!(opening.starts_with("150"), "{opening:?}");
    let (mut data, peer) = third_host.accept().expect("the server connects to 127.0.0.2");
    assert_eq!(peer.ip(), std::net::IpAddr::from([127, 0, 0, 1]));
    data.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut received = Vec::new();
    data.read_to_end(&mut received).unwrap();
    // proftpd lingers until the receiver closes its end too.
    drop(data);
    let done = conn.reply();
    assert!(done.starts_with("226"), "{done:?}");
    (own, port, eprt, Some(received))
}

#[test]
fn without_fxp_data_connections_to_other_hosts_are_refused() {
    let (own, port, eprt, _) = foreign_data_address(false);
    assert!(own.starts_with("200 "), "PORT to the client's own address: {own:?}");
    assert!(port.starts_with("500 Illegal PORT"), "{port:?}");
    assert!(eprt.starts_with("500 Illegal EPRT"), "{eprt:?}");
}

#[test]
fn with_fxp_data_connections_to_other_hosts_are_allowed() {
    let (own, port, eprt, received) = foreign_data_address(true);
    assert!(own.starts_with("200 "), "{own:?}");
    assert!(port.starts_with("200 "), "{port:?}");
    assert!(eprt.starts_with("200 "), "{eprt:?}");
    let listing = String::from_utf8(received.expect("a listing at the third host")).unwrap();
    assert!(listing.contains("listed.txt"), "{listing:?}");
}
