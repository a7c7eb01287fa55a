//! Every TLS policy against real clients: what a plain client and explicit-FTPS clients
//! (PROT C, PROT P, a client that cannot resume TLS sessions, CCC after login) can do.
//! One real proftpd per policy; the observed matrix is in docs/certificates.md.

mod common;

use common::ftps::{self, tls_sandbox};
use common::{Sandbox, Server};
use ftpconf::settings::{Settings, TlsPolicy};

fn tls_settings(sandbox: &Sandbox, policy: TlsPolicy) -> Settings {
    let mut s = sandbox.settings();
    s.tls_enable = true;
    s.certificate = "ftps".into();
    s.tls_policy = policy;
    s
}

/// Observations for `policy`, as "key=value" words in a fixed order.
fn observe(policy: TlsPolicy, no_session_reuse: bool) -> String {
    let (sandbox, user) = tls_sandbox();
    let mut s = tls_settings(&sandbox, policy);
    s.tls_no_session_reuse_required = no_session_reuse;
    let mut server: Server = sandbox.serve(&s);
    let ca = sandbox.paths.certificate_file("ftps");
    let mut seen = ftps::probe(server.port, &user.name, &user.password, &ca);
    // The Rust client: rustls, certificate verified, PROT P, a listing and a download.
    let rustls = match ftps::connect_tls(server.port, ftps::roots(&ca)) {
        Err(e) => format!("refused:{}", ftps::code(&e)),
        Ok(mut ftp) => match ftp.login(&user.name, &user.password) {
            Err(e) => ftps::code(&e),
            Ok(()) => match ftp.nlst(None) {
                Ok(_) => "ok".into(),
                Err(e) => ftps::code(&e),
            },
        },
    };
    seen.insert("rustls_list".into(), rustls);
    assert!(server.is_alive(), "proftpd died:\n{}", server.log());
    let keys = [
        "plain_login",
        "plain_list",
        "protc_login",
        "protc_prot",
        "protc_list",
        "protp_prot",
        "protp_list",
        "noreuse_prot",
        "noreuse_list",
        "ccc",
        "ccc_pwd",
        "rustls_list",
    ];
    let words: Vec<String> = keys
        .iter()
        .map(|k| format!("{k}={}", seen.get(*k).map(String::as_str).unwrap_or("-")))
        .collect();
    words.join(" ")
}

macro_rules! policy_test {
    ($name:ident, $policy:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let seen = observe($policy, false);
            assert_eq!(seen, $expected, "TLS policy {}", $policy);
        }
    };
}

policy_test!(
    off,
    TlsPolicy::Off,
    "plain_login=ok plain_list=ok protc_login=ok protc_prot=ok protc_list=ok protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=ok ccc_pwd=ok rustls_list=ok"
);
policy_test!(
    on,
    TlsPolicy::On,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=534 protc_list=- protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=534 ccc_pwd=- rustls_list=ok"
);
policy_test!(
    data,
    TlsPolicy::Data,
    "plain_login=ok plain_list=522 protc_login=ok protc_prot=534 protc_list=- protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=ok ccc_pwd=ok rustls_list=ok"
);
policy_test!(
    not_data,
    TlsPolicy::NotData,
    "plain_login=ok plain_list=ok protc_login=ok protc_prot=ok protc_list=ok protp_prot=534 protp_list=- noreuse_prot=534 noreuse_list=- ccc=ok ccc_pwd=ok rustls_list=refused:534"
);
policy_test!(
    auth,
    TlsPolicy::Auth,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=ok protc_list=ok protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=ok ccc_pwd=ok rustls_list=ok"
);
policy_test!(
    ctrl,
    TlsPolicy::Ctrl,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=ok protc_list=ok protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=534 ccc_pwd=- rustls_list=ok"
);
policy_test!(
    ctrl_data,
    TlsPolicy::CtrlData,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=534 protc_list=- protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=534 ccc_pwd=- rustls_list=ok"
);
policy_test!(
    ctrl_not_data,
    TlsPolicy::CtrlNotData,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=ok protc_list=ok protp_prot=534 protp_list=- noreuse_prot=534 noreuse_list=- ccc=534 ccc_pwd=- rustls_list=refused:534"
);
policy_test!(
    auth_data,
    TlsPolicy::AuthData,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=534 protc_list=- protp_prot=ok protp_list=ok noreuse_prot=ok noreuse_list=425 ccc=ok ccc_pwd=ok rustls_list=ok"
);
policy_test!(
    auth_not_data,
    TlsPolicy::AuthNotData,
    "plain_login=550 plain_list=- protc_login=ok protc_prot=ok protc_list=ok protp_prot=534 protp_list=- noreuse_prot=534 noreuse_list=- ccc=ok ccc_pwd=ok rustls_list=refused:534"
);

/// proftpd wants data connections to resume the control connection's TLS session;
/// python's ftplib does not, and gets 425 (see the policy tests). With TLS No Session
/// Reuse Required it transfers, and resuming clients still work.
#[test]
fn no_session_reuse_required_serves_clients_that_cannot_resume() {
    let seen = observe(TlsPolicy::On, true);
    assert!(seen.contains("noreuse_prot=ok noreuse_list=ok"), "{seen}");
    assert!(seen.contains("protp_list=ok"), "{seen}");
    assert!(seen.contains("rustls_list=ok"), "{seen}");
    assert!(seen.contains("plain_login=550"), "{seen}");
}
