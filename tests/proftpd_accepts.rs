//! The real proftpd accepts what ftpconf renders.

mod common;

use common::Sandbox;
use ftpconf::settings::{Field, Kind, Rate, TlsPolicy, truenas};

#[test]
fn accepts_the_defaults() {
    let sandbox = Sandbox::new();
    sandbox.write_config(&sandbox.settings());
    sandbox.config_test().unwrap();
}

#[test]
fn accepts_the_truenas_default_object_imported() {
    let sandbox = Sandbox::new();
    let json = std::fs::read_to_string("tests/data/truenas-ftp-config-default.json").unwrap();
    let imported = truenas::import(&json, &sandbox.settings()).unwrap().settings;
    sandbox.write_config(&imported);
    sandbox.config_test().unwrap();
}

#[test]
fn accepts_every_feature_on() {
    let sandbox = Sandbox::new();
    sandbox.make_certificate("nas", false);
    let anon = sandbox.mkdir("pub lic");
    let mut s = sandbox.settings();
    s.connections_per_ip = 0;
    s.login_attempts = 0;
    s.anonymous_login = true;
    s.anonymous_path = anon.to_string_lossy().into();
    s.local_user_login = true;
    s.require_ident = true;
    s.tls_enable = true;
    s.certificate = "nas".into();
    // proftpd refuses AllowPerUser with any policy that encrypts the control channel.
    s.tls_policy = TlsPolicy::Data;
    for &f in Field::ALL {
        if matches!(f.kind(), Kind::TlsOption(_)) {
            f.set(&mut s, true.into()).unwrap();
        }
    }
    s.passive_port_min = 40000;
    s.passive_port_max = 40100;
    s.fxp = true;
    s.allow_resume = true;
    s.reverse_dns = true;
    s.masquerade_address = "192.0.2.10".into();
    s.display_login = "Welcome, %U".into();
    s.auxiliary_parameters =
        "TimesGMT on\n<Directory /mnt>\n  AllowOverwrite off\n</Directory>".into();
    s.local_upload = Rate(100);
    s.local_download = Rate(200);
    s.anonymous_upload = Rate(300);
    s.anonymous_download = Rate(400);
    sandbox.write_config(&s);
    sandbox.config_test().unwrap();
}

#[test]
fn accepts_every_tls_policy_with_rsa_and_ec() {
    let sandbox = Sandbox::new();
    sandbox.make_certificate("rsa", false);
    sandbox.make_certificate("ec", true);
    for cert in ["rsa", "ec"] {
        for policy in TlsPolicy::ALL {
            let mut s = sandbox.settings();
            s.tls_enable = true;
            s.certificate = cert.into();
            s.tls_policy = policy;
            sandbox.write_config(&s);
            if let Err(e) = sandbox.config_test() {
                panic!("{cert} / {policy}: {e}");
            }
        }
    }
}
