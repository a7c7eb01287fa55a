//! Hostile text in every string field never changes the shape of the configuration.
//!
//! For each string field (anonymous path, masquerade address, certificate name,
//! Display Login, Auxiliary Parameters) and generated values full of line breaks,
//! quotes, `<`, `>`, `#`, `%{env:…}`, backslashes and long or non-ASCII text, either
//! validation refuses the value on that field, or the rendered configuration has
//! exactly the directives and sections the same settings have with a harmless value,
//! and the value comes back whole as one argument. The real `proftpd -t` checks a
//! sample of the accepted cases; tests/hostile_paths.rs serves real anonymous
//! sessions from directories with hostile names.

mod common;

use std::cell::Cell;
use std::net::IpAddr;

use common::Sandbox;
use common::conf::{arguments_of, line_number, structure, words};
use ftpconf::proftpd::validate;
use ftpconf::proftpd::{self, Facts, Origin, Rendered, certs};
use ftpconf::settings::{Field, Settings};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestCaseResult, TestRunner};

/// Accepted cases per field that also go through `proftpd -t`.
const PROFTPD_CHECKS: usize = 12;
const CASES: u32 = 96;
/// Most generated Auxiliary Parameters are refused; more cases keep enough accepted ones.
const AUXILIARY_CASES: u32 = 256;

/// Pieces hostile values are made of.
const PIECES: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    "\"",
    "'",
    "<",
    ">",
    "#",
    "%",
    "%{env:HOME}",
    "%{",
    "%U",
    "\\",
    "\\\"",
    "\\\\",
    " ",
    "\t",
    "\0",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "é",
    "日本語",
    "\u{1F600}",
    "*",
    "?",
    "~",
    "$HOME",
    "..",
    "/",
    "</Anonymous>",
    "<Limit LOGIN>",
    "\nPort 21\n",
    "\nMaxClients 1000",
    "AllowAll",
    "\"\nDenyAll\n\"",
];

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(PIECES).prop_map(String::from),
        1 => "[a-zA-Z0-9._-]{1,8}",
    ];
    let short = prop::collection::vec(piece, 1..10).prop_map(|pieces| pieces.concat());
    let long = ("[a-zA-Z0-9 é]{1,5}", 200..1100usize)
        .prop_map(|(unit, len)| unit.repeat(len).chars().take(len).collect::<String>());
    let value = prop_oneof![4 => short, 1 => long];
    (value, any::<bool>()).prop_map(|(value, trailing_backslash)| match trailing_backslash {
        true => value + "\\",
        false => value,
    })
}

/// Checks hostile values of one field.
struct Case<'a> {
    sandbox: &'a Sandbox,
    field: Field,
    accepted: Cell<usize>,
    checked_by_proftpd: Cell<usize>,
}

impl<'a> Case<'a> {
    fn new(sandbox: &'a Sandbox, field: Field) -> Self {
        Case { sandbox, field, accepted: Cell::new(0), checked_by_proftpd: Cell::new(0) }
    }

    fn render(&self, settings: &Settings) -> Rendered {
        let system = self.sandbox.system().offline();
        proftpd::render(settings, &Facts::gather(settings, &system))
    }

    /// `None` when validation refused the hostile settings (on this field only), else
    /// the rendering of the hostile settings and of `benign`, their harmless twin.
    fn validate_and_render(
        &self,
        hostile: &Settings,
        benign: &Settings,
    ) -> Result<Option<(Rendered, Rendered)>, TestCaseError> {
        let system = self.sandbox.system().offline();
        let benign_report = validate(benign, &system);
        prop_assert!(!benign_report.has_errors(), "benign settings invalid: {benign_report:?}");
        let report = validate(hostile, &system);
        if report.has_errors() {
            let elsewhere: Vec<_> = report.errors().filter(|p| p.field != self.field).collect();
            prop_assert!(elsewhere.is_empty(), "errors on other fields: {elsewhere:?}");
            return Ok(None);
        }
        self.accepted.set(self.accepted.get() + 1);
        Ok(Some((self.render(hostile), self.render(benign))))
    }

    /// Runs `proftpd -t` on `rendered` while the sample budget lasts; a refusal must
    /// name a line that came from Auxiliary Parameters (the one place for raw text).
    fn proftpd_accepts(&self, rendered: &Rendered) -> TestCaseResult {
        if self.checked_by_proftpd.get() >= PROFTPD_CHECKS {
            return Ok(());
        }
        self.checked_by_proftpd.set(self.checked_by_proftpd.get() + 1);
        self.sandbox.write_rendered(rendered);
        if let Err(complaint) = self.sandbox.config_test() {
            let line = line_number(&complaint);
            let origin = line.and_then(|n| rendered.origin_of_line(n));
            prop_assert!(
                matches!(origin, Some(Origin::Auxiliary(_))),
                "proftpd -t refused a line ftpconf generated ({origin:?}):\n{complaint}\n{}",
                rendered.config
            );
        }
        Ok(())
    }

    /// Whether some accepted cases went through proftpd; a property that never got
    /// past validation would prove nothing.
    fn assert_proftpd_checked_some(&self) {
        eprintln!(
            "{:?}: {} hostile values accepted, {} checked by proftpd -t",
            self.field,
            self.accepted.get(),
            self.checked_by_proftpd.get()
        );
        assert!(
            self.checked_by_proftpd.get() > 0,
            "no hostile {:?} value was accepted, so proftpd never saw one",
            self.field
        );
    }
}

/// The hostile rendering has the benign one's structure and the same text apart from
/// the lines carrying the value (those starting with one of `carriers`), and each
/// carrier line gives back exactly the argument in `expected`.
fn same_shape_with_values(
    hostile: &Rendered,
    benign: &Rendered,
    expected: &[(&str, &str)],
) -> TestCaseResult {
    prop_assert_eq!(structure(&hostile.config), structure(&benign.config));
    let differing: Vec<(&str, &str)> =
        hostile.config.lines().zip(benign.config.lines()).filter(|(h, b)| h != b).collect();
    prop_assert!(
        differing
            .iter()
            .all(|(h, _)| expected.iter().any(|(start, _)| h.trim_start().starts_with(start))),
        "lines other than {expected:?} changed: {differing:?}"
    );
    for (start, value) in expected {
        prop_assert_eq!(arguments_of(&hostile.config, start), vec![value.to_string()]);
    }
    Ok(())
}

fn run(strategy: impl Strategy<Value = String>, test: impl Fn(String) -> TestCaseResult) {
    run_cases(CASES, strategy, test);
}

fn run_cases(
    cases: u32,
    strategy: impl Strategy<Value = String>,
    test: impl Fn(String) -> TestCaseResult,
) {
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    if let Err(failure) = TestRunner::new(config).run(&strategy, test) {
        panic!("{failure}");
    }
}

#[test]
fn hostile_anonymous_paths_are_refused_or_stay_one_path() {
    let sandbox = Sandbox::new();
    let base = sandbox.mkdir("anon");
    let mut benign = sandbox.settings();
    benign.anonymous_login = true;
    benign.anonymous_path = sandbox.mkdir("anon/benign").to_string_lossy().into();
    let case = Case::new(&sandbox, Field::AnonymousPath);
    run(hostile(), |name| {
        let path = format!("{}/{name}", base.display());
        // Let validation find the directory wherever the filesystem can hold the name.
        let _ = std::fs::create_dir_all(&path);
        let mut settings = benign.clone();
        settings.anonymous_path = path.clone();
        let Some((hostile, benign)) = case.validate_and_render(&settings, &benign)? else {
            return Ok(());
        };
        same_shape_with_values(&hostile, &benign, &[("<Anonymous ", &path)])?;
        case.proftpd_accepts(&hostile)
    });
    case.assert_proftpd_checked_some();
}

#[test]
fn hostile_masquerade_addresses_are_refused_or_stay_one_address() {
    let sandbox = Sandbox::new();
    let mut benign = sandbox.settings();
    benign.masquerade_address = "192.0.2.1".into();
    let mut without = benign.clone();
    without.masquerade_address.clear();
    let case = Case::new(&sandbox, Field::MasqueradeAddress);
    let addresses = prop::sample::select(&["::1", " 10.0.0.1 ", "2001:db8::7", "nas.example."][..]);
    let values = prop_oneof![3 => hostile(), 1 => addresses.prop_map(String::from)];
    run(values, |address| {
        let mut settings = benign.clone();
        settings.masquerade_address = address.clone();
        let blank = address.trim().is_empty();
        // Blank means "no masquerading": its harmless twin has no address either.
        let twin = if blank { &without } else { &benign };
        let Some((hostile, twin)) = case.validate_and_render(&settings, twin)? else {
            return Ok(());
        };
        if blank {
            prop_assert_eq!(&hostile.config, &twin.config);
            return Ok(());
        }
        same_shape_with_values(&hostile, &twin, &[("MasqueradeAddress ", address.trim())])?;
        // proftpd -t would look host names up; literals are enough to prove the parse.
        if address.trim().parse::<IpAddr>().is_ok() {
            case.proftpd_accepts(&hostile)?;
        }
        Ok(())
    });
    case.assert_proftpd_checked_some();
}

#[test]
fn hostile_certificate_names_are_refused_or_stay_one_file_name() {
    let sandbox = Sandbox::new();
    sandbox.make_certificate("benign", false);
    let mut benign = sandbox.settings();
    benign.tls_enable = true;
    benign.certificate = "benign".into();
    let case = Case::new(&sandbox, Field::Certificate);
    let names = prop_oneof![3 => hostile(), 1 => "[a-zA-Z0-9._-]{1,20}"];
    run(names, |name| {
        // Give every name a file can have a real certificate, so only the name is on trial.
        if certs::is_valid_name(&name) {
            let paths = &sandbox.paths;
            std::fs::copy(paths.certificate_file("benign"), paths.certificate_file(&name)).unwrap();
            std::fs::copy(paths.certificate_key("benign"), paths.certificate_key(&name)).unwrap();
        }
        let mut settings = benign.clone();
        settings.certificate = name.clone();
        let Some((hostile, benign)) = case.validate_and_render(&settings, &benign)? else {
            return Ok(());
        };
        let file = sandbox.paths.certificate_file(&name).to_string_lossy().into_owned();
        let key = sandbox.paths.certificate_key(&name).to_string_lossy().into_owned();
        let expected = [("TLSRSACertificateFile ", &*file), ("TLSRSACertificateKeyFile ", &*key)];
        same_shape_with_values(&hostile, &benign, &expected)?;
        case.proftpd_accepts(&hostile)
    });
    case.assert_proftpd_checked_some();
}

#[test]
fn hostile_display_login_text_never_reaches_the_configuration() {
    let sandbox = Sandbox::new();
    let mut benign = sandbox.settings();
    benign.display_login = "Welcome".into();
    let case = Case::new(&sandbox, Field::DisplayLogin);
    let texts = prop::collection::vec(hostile(), 1..4).prop_map(|lines| lines.join("\n"));
    run(texts, |text| {
        let mut settings = benign.clone();
        settings.display_login = text.clone();
        let Some((hostile, benign)) = case.validate_and_render(&settings, &benign)? else {
            return Ok(());
        };
        // The message lives in its own file; the configuration only names that file.
        prop_assert_eq!(&hostile.config, &benign.config);
        prop_assert_eq!(hostile.login_message.trim_end_matches('\n'), text.trim_end_matches('\n'));
        case.proftpd_accepts(&hostile)
    });
    case.assert_proftpd_checked_some();
}

/// Lines an administrator might write.
const AUXILIARY_LINES: &[&str] = &[
    "ShowSymlinks on",
    "ListOptions -a",
    "  ServerIdent on \"hello %{env:HOME}\"",
    "# a comment ending in a backslash \\",
    "",
    "   ",
];

/// Lines validation must refuse: directives ftpconf owns, unbalanced sections.
const BAD_AUXILIARY_LINES: &[&str] = &[
    "Port 2121",
    "MaxClients 1",
    "</Global>",
    "</Anonymous>",
    "<Limit LOGIN>",
    "TimesGMT on",
    "ShowSymlinks on \\",
];

/// Sections, balanced, around an ordinary line.
const SECTIONS: &[(&str, &str)] = &[
    ("<Directory /tmp>", "</Directory>"),
    ("<IfModule mod_tls.c>", "</IfModule>"),
    ("<Limit STOR>", "</Limit>"),
];

#[test]
fn hostile_auxiliary_parameters_stay_within_their_own_lines() {
    let sandbox = Sandbox::new();
    let benign = sandbox.settings();
    let case = Case::new(&sandbox, Field::AuxiliaryParameters);
    let ordinary = || prop::sample::select(AUXILIARY_LINES).prop_map(String::from);
    let line = prop_oneof![
        6 => ordinary(),
        2 => (prop::sample::select(SECTIONS), ordinary())
            .prop_map(|((open, close), inner)| format!("{open}\n{inner}\n{close}")),
        2 => (ordinary(), hostile()).prop_map(|(l, h)| format!("{l}{h}")),
        1 => hostile(),
        1 => prop::sample::select(BAD_AUXILIARY_LINES).prop_map(String::from),
    ];
    let separator = prop::sample::select(&["\n", "\r\n"][..]);
    let texts = prop::collection::vec((line, separator), 1..5)
        .prop_map(|lines| lines.into_iter().map(|(l, sep)| l + sep).collect::<String>());
    run_cases(AUXILIARY_CASES, texts, |text| {
        let mut settings = benign.clone();
        settings.auxiliary_parameters = text.clone();
        let Some((hostile, benign)) = case.validate_and_render(&settings, &benign)? else {
            return Ok(());
        };
        // The generated part is untouched and the field's lines follow it, one for one.
        let generated = benign.config.lines().count();
        prop_assert!(hostile.config.starts_with(&benign.config));
        let own: Vec<&str> = text.lines().collect();
        let appended: Vec<&str> = hostile.config.lines().skip(generated).collect();
        if text.trim().is_empty() {
            prop_assert!(appended.is_empty(), "{appended:?}");
            return Ok(());
        }
        prop_assert_eq!(&appended[1..], &own[..]);
        for (index, _) in own.iter().enumerate() {
            let line = generated + 2 + index;
            prop_assert_eq!(hostile.origin_of_line(line), Some(Origin::Auxiliary(index + 1)));
        }
        // proftpd sees the generated structure, then the field's own, and the field's
        // sections balance.
        let mut expected = structure(&benign.config);
        let own_structure = structure(&own.join("\n"));
        expected.extend(own_structure.iter().cloned());
        prop_assert_eq!(structure(&hostile.config), expected);
        let mut open = Vec::new();
        for entry in &own_structure {
            if let Some(name) = entry.strip_prefix("open ") {
                open.push(name);
            } else if let Some(name) = entry.strip_prefix("close ") {
                prop_assert_eq!(open.pop(), Some(name), "unbalanced: {:?}", own_structure);
            }
        }
        prop_assert!(open.is_empty(), "unclosed sections: {:?}", open);
        case.proftpd_accepts(&hostile)
    });
    case.assert_proftpd_checked_some();
}

#[test]
fn the_structure_reader_follows_proftpds_line_rules() {
    let config = "# c\nPort 1\n<Anonymous \"/a b\">\n  User x \\\nMaxClients 3\n</Anonymous>\n";
    assert_eq!(
        structure(config),
        ["directive port", "open anonymous", "directive user", "close anonymous"]
    );
    assert_eq!(
        words(r#"<Anonymous "/a \"b\\">"#.trim_matches(['<', '>'])),
        ["Anonymous", r#"/a "b\"#]
    );
    assert_eq!(
        structure("# c \\\nPort 1\nUser a \\\n# c \\\nb\n"),
        ["directive port", "directive user"]
    );
    assert_eq!(line_number("fatal: x on line 12 of '/etc/p.conf'"), Some(12));
}
