//! The real proftpd accepts what ftpconf renders.

mod common;

use common::Sandbox;
use ftpconf::settings::{Settings, TlsPolicy, samples, truenas};

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
    let s = Settings {
        port: sandbox.settings().port,
        ..samples::every_feature_on(&anon.to_string_lossy(), "nas")
    };
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
