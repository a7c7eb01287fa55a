use super::*;

fn facts() -> Facts {
    Facts {
        paths: Paths::new("/srv/sandbox"),
        hostname: "nas".into(),
        ftp_group_exists: true,
        certificate: None,
        loopback_only: false,
    }
}

fn lines(rendered: &Rendered) -> Vec<&str> {
    rendered.config.lines().map(str::trim).collect()
}

/// (enclosing sections, directive name) for every directive line.
fn directives(config: &str) -> Vec<(String, String)> {
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in config.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("</") {
            stack.pop();
        } else if let Some(open) = line.strip_prefix('<') {
            stack.push(open.split_whitespace().next().unwrap_or("").trim_end_matches('>').into());
        } else {
            let name = line.split_whitespace().next().unwrap_or("");
            out.push((stack.join("/"), name.to_owned()));
        }
    }
    out
}

fn everything_on() -> Settings {
    crate::settings::samples::every_feature_on("/mnt/tank/public ftp", "nas")
}

const REPEATABLE: &[&str] = &["LoadModule", "TransferRate", "AllowAll", "AllowGroup", "DenyAll"];

#[test]
fn every_directive_appears_once_per_context() {
    for settings in [Settings::default(), everything_on()] {
        let rendered = render(&settings, &facts());
        let mut seen = std::collections::HashSet::new();
        for (context, name) in directives(&rendered.config) {
            if !REPEATABLE.contains(&name.as_str()) {
                assert!(
                    seen.insert((context.clone(), name.clone())),
                    "{name} twice in {context:?}"
                );
            }
        }
        assert_eq!(rendered.origins.len(), rendered.config.lines().count());
    }
}

#[test]
fn defaults_match_truenas_with_its_flaws_fixed() {
    let rendered = render(&Settings::default(), &facts());
    let l = lines(&rendered);
    for expected in [
        "ServerName \"nas FTP Server\"",
        "Port 21",
        "Umask 077 022",
        "MaxClients 5",
        "MaxConnectionsPerHost 2",
        "MaxLoginAttempts 1",
        "TimeoutIdle 600",
        "TimeoutNoTransfer 300",
        "AllowForeignAddress off",
        "IdentLookups off",
        "UseReverseDNS off",
        "AllowGroup ftp",
        "DefaultRoot ~ !root",
        "AllowRetrieveRestart off",
        "AllowStoreRestart off",
        "PidFile \"/srv/sandbox/run/proftpd.pid\"",
    ] {
        assert!(l.contains(&expected), "missing {expected:?} in\n{}", rendered.config);
    }
    assert!(!rendered.config.contains("TLS"), "TLS only when enabled");
    assert!(!rendered.config.contains("Anonymous"));
    assert!(!rendered.config.contains("PassivePorts"));
}

#[test]
fn zero_login_attempts_means_unlimited() {
    let mut s = Settings::default();
    s.login_attempts = 0;
    assert!(lines(&render(&s, &facts())).contains(&"MaxLoginAttempts none"));
}

#[test]
fn anonymous_login_keeps_the_group_gate_for_local_users() {
    let mut s = Settings::default();
    s.anonymous_login = true;
    s.anonymous_path = "/mnt/tank/my ftp".into();
    let rendered = render(&s, &facts());
    let d = directives(&rendered.config);
    assert!(d.contains(&("Limit".into(), "AllowGroup".into())), "{d:?}");
    assert!(d.contains(&("Anonymous/Limit".into(), "AllowAll".into())), "{d:?}");
    assert!(rendered.config.contains("<Anonymous \"/mnt/tank/my ftp\">"));
    // Anonymous sessions get their own limits (0 = none), never the local users'.
    assert!(d.contains(&("Anonymous".into(), "TransferRate".into())));
    assert!(d.contains(&("Anonymous".into(), "DisplayLogin".into())));
}

#[test]
fn tls_section_only_when_enabled_and_matches_the_key_type() {
    let mut s = everything_on();
    let mut f = facts();
    f.certificate = Some(CertFiles {
        certificate: "/srv/sandbox/etc/certificates/nas.crt".into(),
        key: "/srv/sandbox/etc/certificates/nas.key".into(),
        key_type: KeyType::Ec,
        has_chain: true,
    });
    let rendered = render(&s, &f);
    let l = lines(&rendered);
    assert!(l.contains(&"LoadModule mod_tls.c"));
    assert!(l.contains(&"TLSRequired data"));
    assert!(l.contains(&"TLSVerifyClient off"));
    assert!(l.contains(&"TLSECCertificateFile \"/srv/sandbox/etc/certificates/nas.crt\""));
    assert!(l.contains(&"TLSCertificateChainFile \"/srv/sandbox/etc/certificates/nas.crt\""));
    assert!(l.contains(&"TLSOptions AllowClientRenegotiations AllowDotLogin AllowPerUser CommonNameRequired EnableDiags ExportCertData NoEmptyFragments NoSessionReuseRequired StdEnvVars dNSNameRequired iPAddressRequired"));
    s.tls_enable = false;
    assert!(!render(&s, &f).config.contains("TLS"));
}

#[test]
fn auxiliary_parameters_come_last_and_trace_back_to_their_lines() {
    let s = everything_on();
    let rendered = render(&s, &facts());
    let total = rendered.config.lines().count();
    assert_eq!(rendered.config.lines().last(), Some("</Directory>"));
    assert_eq!(rendered.origin_of_line(total), Some(Origin::Auxiliary(4)));
    assert_eq!(rendered.origin_of_line(total - 3), Some(Origin::Auxiliary(1)));
    let port_line = rendered.config.lines().position(|l| l.starts_with("Port ")).unwrap() + 1;
    assert_eq!(rendered.origin_of_line(port_line), Some(Origin::Field(Field::Port)));
    assert_eq!(rendered.origin_of_line(0), None);
}

#[test]
fn login_message_file() {
    let mut s = Settings::default();
    assert_eq!(render(&s, &facts()).login_message, "");
    s.display_login = "Welcome\nto the NAS\n\n".into();
    assert_eq!(render(&s, &facts()).login_message, "Welcome\nto the NAS\n");
}

#[test]
fn a_sandbox_listens_on_loopback_only() {
    let mut f = facts();
    assert!(lines(&render(&Settings::default(), &f)).contains(&"UseIPv6 on"));
    f.loopback_only = true;
    let rendered = render(&Settings::default(), &f);
    let l = lines(&rendered);
    assert!(l.contains(&"DefaultAddress 127.0.0.1") && l.contains(&"SocketBindTight on"));
    assert!(
        !rendered.config.contains("DefaultServer"),
        "DefaultServer conflicts with SocketBindTight"
    );
}

/// The configuration's size is a budget: every directive ftpconf adds is a deliberate
/// change, so a new one makes this fail until the numbers are updated (with the reason in
/// the commit). Counts directives, not blank lines or section tags.
#[test]
fn directive_budget() {
    let count = |settings: &Settings| directives(&render(settings, &facts()).config).len();
    assert_eq!(count(&Settings::default()), 43, "defaults");
    assert_eq!(count(&everything_on()), 63, "every feature on (its Auxiliary Parameters included)");
}
