use super::*;

/// Problems on `field` for settings changed by `change`.
fn problems(change: impl FnOnce(&mut Settings), field: Field) -> Vec<Problem> {
    let mut s = Settings::default();
    change(&mut s);
    check(&s).problems.into_iter().filter(|p| p.field == field).collect()
}

/// The first error among `found` (the problems on `field`), panicking when there is none.
pub(crate) fn first_error(found: &[Problem], field: Field) -> String {
    let e = found.iter().find(|p| p.severity == Severity::Error);
    e.unwrap_or_else(|| panic!("no error on {field:?}: {found:?}")).message.clone()
}

pub(crate) fn assert_no_error(found: &[Problem], field: Field) {
    assert!(found.iter().all(|p| p.severity != Severity::Error), "{field:?}: {found:?}");
}

fn error(change: impl FnOnce(&mut Settings), field: Field) -> String {
    first_error(&problems(change, field), field)
}

fn no_error(change: impl FnOnce(&mut Settings), field: Field) {
    assert_no_error(&problems(change, field), field);
}

fn warning(change: impl FnOnce(&mut Settings), field: Field) -> String {
    let found = problems(change, field);
    let w = found.iter().find(|p| p.severity == Severity::Warning);
    w.unwrap_or_else(|| panic!("no warning on {field:?}: {found:?}")).message.clone()
}

#[test]
fn defaults_have_no_errors() {
    let report = check(&Settings::default());
    assert!(!report.has_errors(), "{report:?}");
}

#[test]
fn numeric_ranges() {
    let cases: [(Field, u32, u32); 6] = [
        (Field::Port, 1, 65535),
        (Field::Clients, 1, 10000),
        (Field::Connections, 0, 1000),
        (Field::LoginAttempts, 0, 1000),
        (Field::NotransferTimeout, 0, 10000),
        (Field::Timeout, 0, 10000),
    ];
    for (field, min, max) in cases {
        for ok in [min, max] {
            no_error(|s| field.set(s, Value::Number(ok)).unwrap(), field);
        }
        if min > 0 {
            let e = error(|s| field.set(s, Value::Number(min - 1)).unwrap(), field);
            assert!(e.contains(&format!("from {min} to {max}")), "{e}");
        }
        let e = error(|s| field.set(s, Value::Number(max + 1)).unwrap(), field);
        assert!(e.contains("out of range"), "{e}");
    }
}

#[test]
fn passive_ports_each_zero_or_unprivileged() {
    let e = error(|s| (s.passive_port_min, s.passive_port_max) = (80, 2000), Field::PassivePortMin);
    assert!(e.contains("1024 to 65535"), "{e}");
    let e =
        error(|s| (s.passive_port_min, s.passive_port_max) = (2000, 70000), Field::PassivePortMax);
    assert!(e.contains("1024 to 65535"), "{e}");
    no_error(|s| (s.passive_port_min, s.passive_port_max) = (1024, 65535), Field::PassivePortMax);
}

#[test]
fn passive_ports_both_or_neither_and_ordered() {
    let e = error(|s| s.passive_port_min = 3000, Field::PassivePortMax);
    assert!(e.contains("both"), "{e}");
    let e = error(|s| s.passive_port_max = 3000, Field::PassivePortMin);
    assert!(e.contains("both"), "{e}");
    let e =
        error(|s| (s.passive_port_min, s.passive_port_max) = (2000, 2000), Field::PassivePortMax);
    assert!(e.contains("greater than"), "{e}");
    let e =
        error(|s| (s.passive_port_min, s.passive_port_max) = (3000, 2000), Field::PassivePortMax);
    assert!(e.contains("greater than"), "{e}");
    no_error(|s| (s.passive_port_min, s.passive_port_max) = (2000, 2001), Field::PassivePortMax);
}

#[test]
fn single_line_fields_refuse_control_characters_and_variables() {
    for bad in ["a\nb", "a\rb", "a\0b", "a\tb", "a\u{1b}[31mb", "a\u{2028}b"] {
        let e = error(|s| s.masquerade_address = bad.into(), Field::MasqueradeAddress);
        assert!(e.contains("control character"), "{bad:?}: {e}");
        let e = error(|s| s.anonymous_path = format!("/srv/{bad}"), Field::AnonymousPath);
        assert!(e.contains("control character"), "{bad:?}: {e}");
    }
    let e = error(|s| s.anonymous_path = "/srv/%{env:HOME}".into(), Field::AnonymousPath);
    assert!(e.contains("%{"), "{e}");
}

#[test]
fn length_caps() {
    let e = error(|s| s.masquerade_address = "a".repeat(MAX_LINE + 1), Field::MasqueradeAddress);
    assert!(e.contains("longer than 1024"), "{e}");
    let e = error(|s| s.display_login = "x".repeat(MAX_TEXT + 1), Field::DisplayLogin);
    assert!(e.contains("at most 65536"), "{e}");
    no_error(|s| s.display_login = "line\n".repeat(1000), Field::DisplayLogin);
}

#[test]
fn multi_line_fields_allow_line_breaks_but_no_other_controls() {
    no_error(|s| s.display_login = "Welcome\n\tto the NAS\n".into(), Field::DisplayLogin);
    let e = error(|s| s.display_login = "bell\u{7}".into(), Field::DisplayLogin);
    assert!(e.contains("control character"), "{e}");
    let e = error(|s| s.auxiliary_parameters = "A\r\nB".into(), Field::AuxiliaryParameters);
    assert!(e.contains("control character"), "{e}");
}

#[test]
fn bandwidth_upper_bound() {
    let e = error(|s| s.local_upload = Rate(u64::MAX), Field::LocalUpload);
    assert!(e.contains("too large"), "{e}");
}

#[test]
fn warnings_for_risky_choices() {
    assert!(warning(|s| s.fxp = true, Field::Fxp).contains("bounce"));
    assert!(warning(|s| s.require_ident = true, Field::RequireIdent).contains("identd"));
    assert!(warning(|s| s.reverse_dns = true, Field::ReverseDns).contains("DNS"));
    let w = warning(
        |s| {
            s.tls_enable = true;
            s.tls_policy = TlsPolicy::Off;
        },
        Field::TlsPolicy,
    );
    assert!(w.contains("never required"), "{w}");
    let w = warning(
        |s| {
            s.tls_enable = true;
            s.tls_common_name_required = true;
        },
        Field::TlsCommonNameRequired,
    );
    assert!(w.contains("no effect"), "{w}");
}

#[test]
fn every_error_is_reported_at_once() {
    let mut s = Settings::default();
    s.port = 0;
    s.clients = 0;
    s.passive_port_min = 5;
    s.tls_enable = true;
    let report = check(&s);
    let fields: Vec<Field> = report.errors().map(|p| p.field).collect();
    for f in [Field::Port, Field::Clients, Field::PassivePortMin, Field::Certificate] {
        assert!(fields.contains(&f), "{f:?} missing from {fields:?}");
    }
}

#[test]
fn allow_per_user_needs_a_policy_without_control_channel_encryption() {
    let with = |policy: TlsPolicy| {
        move |s: &mut Settings| {
            s.tls_enable = true;
            s.tls_allow_per_user = true;
            s.tls_policy = policy;
        }
    };
    for policy in TlsPolicy::ALL {
        if policy.requires_control() {
            let e = error(with(policy), Field::TlsAllowPerUser);
            assert!(e.contains("will not start"), "{e}");
        } else {
            no_error(with(policy), Field::TlsAllowPerUser);
        }
    }
}

#[test]
fn anonymous_path_syntax_is_checked_even_while_anonymous_login_is_off() {
    let e = error(|s| s.anonymous_login = true, Field::AnonymousPath);
    assert!(e.contains("required"), "{e}");
    let e = error(|s| s.anonymous_path = "srv/ftp".into(), Field::AnonymousPath);
    assert!(e.contains("absolute"), "{e}");
    let e = error(|s| s.anonymous_path = "/srv/*".into(), Field::AnonymousPath);
    assert!(e.contains("'*'"), "{e}");
    no_error(|s| s.anonymous_path = "/nonexistent".into(), Field::AnonymousPath);
}

#[test]
fn certificate_names_and_tls_requirements() {
    let e = error(|s| s.tls_enable = true, Field::Certificate);
    assert!(e.contains("required"), "{e}");
    let e = error(|s| s.certificate = "../etc/passwd".into(), Field::Certificate);
    assert!(e.contains("not a certificate name"), "{e}");
    assert!(is_certificate_name("nas-2.example_1"));
    assert!(!is_certificate_name(".hidden"));
}

#[test]
fn masquerade_address_is_a_literal_or_a_host_name() {
    for ok in ["", "192.0.2.7", "2001:db8::1", "localhost"] {
        no_error(|s| s.masquerade_address = ok.into(), Field::MasqueradeAddress);
    }
    for bad in ["not a host", "-bad.example", "a..b", "1.2.3.400", "host_name"] {
        let e = error(|s| s.masquerade_address = bad.into(), Field::MasqueradeAddress);
        assert!(e.contains("neither an IP address nor a valid host name"), "{bad}: {e}");
    }
}

#[test]
fn single_line_fields_refuse_invisible_formatting() {
    for bad in ["\u{202e}", "\u{200b}", "\u{feff}", "\u{2066}"] {
        let e = error(|s| s.anonymous_path = format!("/srv/a{bad}b"), Field::AnonymousPath);
        assert!(e.contains("invisible formatting character"), "{bad:?}: {e}");
        let e = error(|s| s.masquerade_address = format!("nas{bad}"), Field::MasqueradeAddress);
        assert!(e.contains("invisible formatting character"), "{bad:?}: {e}");
    }
    // Multi-line fields keep them; the review shows them visibly.
    no_error(|s| s.display_login = "hello \u{202e}".into(), Field::DisplayLogin);
}
