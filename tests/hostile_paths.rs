//! Anonymous paths with hostile names work with the real proftpd: such a directory is
//! served to a real anonymous client, and the one character proftpd refuses in the
//! path is refused by validation first.

mod common;

use common::Sandbox;
use ftpconf::proftpd::validate;
use ftpconf::proftpd::{self, Facts};
use ftpconf::settings::Field;

/// Names that need quoting, escaping or care, each served to a real anonymous client.
const HOSTILE_DIRECTORY_NAMES: &[&str] = &[
    "with space",
    "quote\"inside",
    "back\\slash",
    "trailing backslash\\",
    "\\\"escaped quote",
    "hash#mark",
    "#leading hash",
    "angle<brackets>",
    "closing>",
    "percent %u %U",
    "dollar $HOME",
    "single'quote",
    "question?mark",
    "[brackets]",
    " leading and trailing ",
    "日本語 é",
];

#[test]
fn anonymous_sessions_are_served_from_directories_with_hostile_names() {
    std::thread::scope(|scope| {
        for (index, name) in HOSTILE_DIRECTORY_NAMES.iter().enumerate() {
            scope.spawn(move || {
                let sandbox = Sandbox::new();
                let dir = sandbox.mkdir(&format!("anon/{name}"));
                let content = format!("file {index} in {name:?}\n");
                std::fs::write(dir.join("file.txt"), &content).unwrap();
                common::chmod_tree(&dir);
                let mut settings = sandbox.settings();
                settings.anonymous_login = true;
                settings.anonymous_path = dir.to_string_lossy().into();
                let server = sandbox.serve(&settings);
                let mut anon = common::ftp::login(server.port, "anonymous", "guest@");
                let got = common::ftp::get(&mut anon, "file.txt")
                    .unwrap_or_else(|e| panic!("{name:?}: {e}\n{}", server.log()));
                assert_eq!(String::from_utf8_lossy(&got), content, "{name:?}");
            });
        }
    });
}

/// proftpd refuses `*` in an <Anonymous> path ("wildcards not allowed in pathname"), so
/// validation must refuse it first, naming the field.
#[test]
fn a_wildcard_in_the_anonymous_path_is_refused_by_validation_as_by_proftpd() {
    let sandbox = Sandbox::new();
    let dir = sandbox.mkdir("anon/star*dir");
    let mut settings = sandbox.settings();
    settings.anonymous_login = true;
    settings.anonymous_path = dir.to_string_lossy().into();
    let report = validate(&settings, &sandbox.system().offline());
    let errors: Vec<_> = report.errors().collect();
    assert!(
        errors.len() == 1 && errors[0].field == Field::AnonymousPath,
        "expected one error on the anonymous path: {errors:?}"
    );
    // What proftpd would say without that check.
    let rendered = proftpd::render(&settings, &Facts::gather(&settings, &sandbox.system()));
    sandbox.write_rendered(&rendered);
    let complaint = sandbox.config_test().expect_err("proftpd refuses '*' in the path");
    assert!(complaint.contains("wildcards not allowed"), "{complaint}");
}
