//! Ready-made settings for tests, benchmarks and examples.

use super::{Field, Kind, Rate, Settings, TlsPolicy};

/// Every feature switched on, and every number away from its default: a configuration
/// that exercises each line the renderer can write. It validates when `anonymous_path`
/// is an existing directory and `certificate` a healthy certificate.
pub fn every_feature_on(anonymous_path: &str, certificate: &str) -> Settings {
    let mut s = Settings {
        connections_per_ip: 0,
        login_attempts: 0,
        anonymous_login: true,
        anonymous_path: anonymous_path.into(),
        local_user_login: true,
        require_ident: true,
        tls_enable: true,
        certificate: certificate.into(),
        // proftpd will not start with AllowPerUser and a policy that encrypts the
        // control channel; Data is the strictest policy that allows every option.
        tls_policy: TlsPolicy::Data,
        passive_port_min: 40000,
        passive_port_max: 40100,
        fxp: true,
        allow_resume: true,
        reverse_dns: true,
        masquerade_address: "192.0.2.10".into(),
        display_login: "Welcome, %U".into(),
        auxiliary_parameters:
            "ShowSymlinks on\n<Directory /mnt>\n  AllowOverwrite off\n</Directory>".into(),
        local_upload: Rate(100),
        local_download: Rate(200),
        anonymous_upload: Rate(300),
        anonymous_download: Rate(400),
        ..Settings::default()
    };
    for &field in Field::ALL {
        if matches!(field.kind(), Kind::TlsOption(_)) {
            let _ = field.set(&mut s, true.into());
        }
    }
    s
}
