//! Certificates in the editor: the Certificate list with health, and the "Manage
//! certificates" screen (details, create, import, delete, pick), driven by keys through
//! the real event loop. Snapshots use certificates with fixed dates; day counts and the
//! temporary root are filtered.

mod tui_support;

use crossterm::event::{Event, KeyCode};
use ftpconf::proftpd::{self, Facts, certs};
use ftpconf::proftpd::{System, validate};
use ftpconf::settings::{Field, Section, Settings, store};
use ftpconf::tui::Theme;
use ftpconf::tui::app::Screen;
use ftpconf::tui::certs::Mode;
use tui_support::{
    DatedCert, Sandbox, ctrl, dated_pem, drive, key, stable_dates, test_terminal, text,
};

const NAS: DatedCert = DatedCert {
    name: "nas",
    common_name: "nas.local",
    alt_names: &["nas.local", "127.0.0.1"],
    not_before: (2026, 1, 1),
    not_after: (2099, 12, 31),
};
const OLD: DatedCert = DatedCert {
    name: "old",
    common_name: "old.example",
    alt_names: &["old.example"],
    not_before: (2020, 1, 1),
    not_after: (2025, 1, 2),
};
const LONG: DatedCert = DatedCert {
    name: "storage-department-2026",
    common_name: "ftp.storage.department.example.com",
    alt_names: &["ftp.storage.department.example.com"],
    not_before: (2026, 1, 1),
    not_after: (2098, 6, 30),
};
const WRONG_KEY: DatedCert = DatedCert {
    name: "wrongkey",
    common_name: "wrong.example",
    alt_names: &["wrong.example"],
    not_before: (2026, 1, 1),
    not_after: (2097, 3, 3),
};

/// A store with a healthy, an expired, a long-named and a mismatched certificate.
fn store_of_four() -> Sandbox {
    let sandbox = Sandbox::new();
    for cert in [&NAS, &OLD, &LONG] {
        sandbox.add_dated(cert);
    }
    sandbox.add_mismatched(&WRONG_KEY);
    sandbox
}

/// Advanced mode, TLS tab (the focus starts in Port, where Ctrl keys are commands).
fn tls_tab() -> Vec<Event> {
    vec![ctrl('t'), ctrl('n'), ctrl('n')]
}

fn assert_no_colour(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) {
    use ratatui::style::Color;
    for cell in terminal.backend().buffer().content() {
        assert!(cell.fg == Color::Reset && cell.bg == Color::Reset, "no colour: {cell:?}");
    }
}

#[test]
fn certificate_list_shows_cn_expiry_and_health() {
    let sandbox = store_of_four();
    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(80, 24);
    let mut events = tls_tab();
    events.extend([key(KeyCode::Char(' ')), key(KeyCode::Down), key(KeyCode::Enter)]);
    events.extend([key(KeyCode::Down)]);
    drive(&mut terminal, &mut app, events);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("nas               CN nas.local"), "{screen}");
    assert!(screen.contains("expired 2025-01-02  error: expired"), "{screen}");
    assert!(screen.contains("error: key mismatch"), "{screen}");
    assert!(screen.contains("CN ftp.storage.d…"), "long CNs are cut: {screen}");
    stable_dates(sandbox.dir.path())
        .bind(|| insta::assert_snapshot!("certs_dropdown_80x24", terminal.backend()));
    // Choosing the expired one is allowed, and the field says why it cannot serve.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Enter)]);
    assert_eq!(app.settings.certificate, "old");
    let problems = app.problems(Field::Certificate);
    assert!(problems.iter().any(|p| p.1.contains("has expired")), "{problems:?}");
}

#[test]
fn manage_screen_lists_and_details_the_store() {
    let sandbox = store_of_four();
    let mut saved = Settings::default();
    saved.tls_enable = true;
    saved.certificate = "nas".into();
    store::save(&sandbox.file, &saved).unwrap();
    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(80, 24);
    // Opens in Advanced mode (TLS is on); `m` from the TLS tab.
    let events = vec![ctrl('n'), ctrl('n'), key(KeyCode::Char('m'))];
    drive(&mut terminal, &mut app, events);
    assert!(matches!(app.screen, Screen::Certs(_)));
    let screen = terminal.backend().to_string();
    assert!(screen.contains("> nas"), "opens on the certificate in use: {screen}");
    assert!(screen.contains("DNS:nas.local, IP:127.0.0.1"), "{screen}");
    assert!(screen.contains("2026-01-01 to 2099-12-31"), "{screen}");
    assert!(screen.contains("EC P-256, signed with SHA-256, no chain"), "{screen}");
    stable_dates(sandbox.dir.path())
        .bind(|| insta::assert_snapshot!("certs_manage_80x24", terminal.backend()));

    // The mismatched one: its problem in full, with severity.
    drive(&mut terminal, &mut app, vec![key(KeyCode::End)]);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("! The private key"), "{screen}");
    assert!(screen.contains("belong to this certificate"), "{screen}");
    // Esc: back to the TLS tab, on the Certificate field.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Form);
    assert_eq!(app.focus.tab(), Section::Tls);
    assert_eq!(app.focused_field(), Some(Field::Certificate));
    assert_eq!(app.settings.certificate, "nas", "Esc picks nothing");
}

#[test]
fn manage_screen_in_ascii_and_monochrome() {
    let sandbox = store_of_four();
    let mut app = sandbox.app_for_certs(Theme::new(true, true));
    let mut terminal = test_terminal(80, 24);
    let mut events = tls_tab();
    events.push(ctrl('o'));
    drive(&mut terminal, &mut app, events);
    stable_dates(sandbox.dir.path())
        .bind(|| insta::assert_snapshot!("certs_manage_ascii_mono_80x24", terminal.backend()));
    let screen = terminal.backend().to_string();
    assert!(screen.is_ascii(), "--ascii draws only ASCII:\n{screen}");
    assert_no_colour(&terminal);
    // The form and the delete question, too.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('c'))]);
    assert!(terminal.backend().to_string().is_ascii());
    assert_no_colour(&terminal);
    drive(&mut terminal, &mut app, vec![key(KeyCode::Esc), key(KeyCode::Char('x'))]);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("[Y] Delete") && screen.is_ascii(), "{screen}");
    assert_no_colour(&terminal);
    // Back on the TLS tab, on Certificate: the whole hint line fits 80 ASCII columns.
    let events =
        vec![key(KeyCode::Esc), key(KeyCode::Esc), key(KeyCode::Char(' ')), key(KeyCode::Down)];
    drive(&mut terminal, &mut app, events);
    assert_eq!(app.focused_field(), Some(Field::Certificate));
    let screen = terminal.backend().to_string();
    let hints = screen.lines().last().unwrap();
    assert!(
        hints.contains("Enter choose") && hints.contains("m certs") && hints.contains("? keys"),
        "{hints}"
    );
}

#[test]
fn create_form_checks_every_field_beside_it() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(80, 24);
    let mut events = tls_tab();
    events.extend([key(KeyCode::Char('m')), key(KeyCode::Char('c')), ctrl('u')]);
    events.extend(text("my cert"));
    events.extend([key(KeyCode::Tab), key(KeyCode::Tab), ctrl('u')]);
    events.extend(text("ok.example, not_a_host!"));
    events.extend([key(KeyCode::Tab), key(KeyCode::Char(' ')), key(KeyCode::Tab), ctrl('u')]);
    events.extend(text("0"));
    events.push(key(KeyCode::Enter));
    drive(&mut terminal, &mut app, events);
    let Screen::Certs(manager) = &app.screen else { panic!("still in the manager") };
    let Mode::Form(form) = &manager.mode else { panic!("still in the form") };
    assert_eq!(form.focus, 0, "the focus goes to the first bad field");
    insta::assert_snapshot!("certs_create_errors_80x24", terminal.backend());
    assert!(!sandbox.paths.certificate_dir().exists(), "nothing written");
}

#[test]
fn create_pick_enable_and_save_a_certificate() {
    let sandbox = Sandbox::new();
    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(80, 24);
    let mut events = tls_tab();
    events.extend([key(KeyCode::Char('m')), key(KeyCode::Char('c'))]);
    drive(&mut terminal, &mut app, events);
    assert!(terminal.backend().to_string().contains("[ftp "), "a free name is proposed");

    // Enter asks for the creation; the screen says so before the (blocking) work runs.
    assert!(app.update(ftpconf::tui::keys::Action::Activate));
    ftpconf::tui::draw(&mut terminal, &mut app).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Creating ftp..."), "{screen}");
    let work = app.take_deferred().expect("creation deferred until drawn");
    app.run_deferred(work);
    ftpconf::tui::draw(&mut terminal, &mut app).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Created ftp (EC P-256, valid until"), "{screen}");
    assert!(screen.contains("> ftp"), "{screen}");

    // Enter uses it; TLS is off, so the focus lands on Enable TLS: Space, save.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Enter)]);
    assert_eq!(app.screen, Screen::Form);
    assert_eq!(app.focused_field(), Some(Field::TlsEnable));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char(' ')), ctrl('s')]);
    assert!(matches!(app.screen, Screen::Review(_)), "{:?}", app.message);
    drive(&mut terminal, &mut app, vec![key(KeyCode::Enter)]);

    let saved_text = std::fs::read_to_string(&sandbox.file).unwrap();
    assert!(saved_text.contains("certificate = \"ftp\""), "{saved_text}");
    let saved = store::load(&sandbox.file).unwrap();
    assert!(saved.tls_enable);
    let system = System::new(sandbox.paths.clone());
    let report = validate(&saved, &system);
    let cert_problems: Vec<_> = report.for_field(Field::Certificate).collect();
    assert!(cert_problems.is_empty(), "{cert_problems:?}");
    let key_mode = std::fs::metadata(sandbox.paths.certificate_key("ftp")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(key_mode.permissions().mode() & 0o777, 0o600);
    let rendered = proftpd::render(&saved, &Facts::gather(&saved, &system));
    assert!(rendered.config.contains("TLSECCertificateFile"), "{}", rendered.config);
}

#[test]
fn delete_is_refused_for_the_certificate_in_use_and_asks_for_others() {
    let sandbox = Sandbox::new();
    sandbox.add_dated(&NAS);
    sandbox.add_dated(&OLD);
    let mut saved = Settings::default();
    saved.certificate = "nas".into(); // TLS off: still kept, as TrueNAS does
    store::save(&sandbox.file, &saved).unwrap();
    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(80, 24);
    let mut events = tls_tab();
    events.extend([key(KeyCode::Char('m')), key(KeyCode::Char('x'))]);
    drive(&mut terminal, &mut app, events);
    let message = app.message.clone().expect("a refusal").text;
    assert!(message.contains("\"nas\" is the FTP certificate"), "{message}");
    assert!(terminal.backend().to_string().contains("Not deleted:"));
    assert!(sandbox.paths.certificate_file("nas").exists());

    // Another one: asked first; n keeps it, y deletes it.
    drive(&mut terminal, &mut app, vec![key(KeyCode::Down), key(KeyCode::Char('x'))]);
    assert!(terminal.backend().to_string().contains("Delete old.crt and old.key"));
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('n'))]);
    assert!(sandbox.paths.certificate_file("old").exists());
    drive(&mut terminal, &mut app, vec![key(KeyCode::Char('x')), key(KeyCode::Char('y'))]);
    assert!(!sandbox.paths.certificate_file("old").exists());
    assert!(!sandbox.paths.certificate_key("old").exists());
    let Screen::Certs(manager) = &app.screen else { panic!("still in the manager") };
    assert_eq!(manager.certificates.len(), 1);
}

#[test]
fn import_shows_every_reason_and_then_imports() {
    let sandbox = Sandbox::new();
    let outside = tempfile::tempdir().unwrap();
    let (pem, key_pem) = dated_pem(&NAS);
    let (old_pem, _) = dated_pem(&OLD);
    let (_, other_key) = dated_pem(&NAS);
    let cert_file = outside.path().join("nas.pem");
    let old_file = outside.path().join("old.pem");
    let (good_key, bad_key) = (outside.path().join("good.key"), outside.path().join("bad.key"));
    std::fs::write(&cert_file, pem).unwrap();
    std::fs::write(&old_file, old_pem).unwrap();
    std::fs::write(&good_key, key_pem).unwrap();
    std::fs::write(&bad_key, other_key).unwrap();

    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(80, 24);
    let mut events = tls_tab();
    events.extend([key(KeyCode::Char('m')), key(KeyCode::Char('i')), ctrl('u')]);
    events.extend(text("imported"));
    events.push(key(KeyCode::Tab));
    events.extend(text(cert_file.to_str().unwrap()));
    events.push(key(KeyCode::Tab));
    events.extend(text(bad_key.to_str().unwrap()));
    events.push(key(KeyCode::Enter));
    drive(&mut terminal, &mut app, events);
    let Screen::Certs(manager) = &app.screen else { panic!("still in the manager") };
    let Mode::Form(form) = &manager.mode else { panic!("still in the form") };
    assert!(form.refusal.iter().any(|r| r.contains("does not belong")), "{:?}", form.refusal);
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Not imported:"), "{screen}");
    assert!(screen.contains("does not belong"), "{screen}");
    assert!(!sandbox.paths.certificate_file("imported").exists(), "nothing stored");

    // An expired certificate with the wrong key: both reasons at once.
    let mut events = vec![key(KeyCode::BackTab), ctrl('u')];
    events.extend(text(old_file.to_str().unwrap()));
    events.push(key(KeyCode::Enter));
    drive(&mut terminal, &mut app, events);
    let Screen::Certs(manager) = &app.screen else { panic!("still in the manager") };
    let Mode::Form(form) = &manager.mode else { panic!("still in the form") };
    assert_eq!(form.refusal.len(), 2, "{:?}", form.refusal);
    assert!(form.refusal.iter().any(|r| r.contains("has expired")), "{:?}", form.refusal);
    let message = app.message.clone().unwrap().text;
    assert!(message.contains("Not imported (2 reasons"), "{message}");

    // The right pair goes in.
    let mut events = vec![ctrl('u')];
    events.extend(text(cert_file.to_str().unwrap()));
    events.extend([key(KeyCode::Tab), ctrl('u')]);
    events.extend(text(good_key.to_str().unwrap()));
    events.push(key(KeyCode::Enter));
    drive(&mut terminal, &mut app, events);
    assert!(sandbox.paths.certificate_file("imported").exists());
    assert!(certs::check(&sandbox.paths, "imported").is_empty());
    let message = app.message.clone().unwrap().text;
    assert!(message.starts_with("Imported imported"), "{message}");
}

/// A certificate's subject comes from outside: its escapes and direction overrides are
/// drawn as visible escapes, never handed to the terminal or left to reorder the line.
#[test]
fn escapes_in_a_certificate_name_are_shown_not_obeyed() {
    let sandbox = Sandbox::new();
    sandbox.add_dated(&DatedCert {
        name: "hostile",
        common_name: "imp\u{1b}]0;TITLE\u{7}\u{202e}x",
        alt_names: &["nas.local"],
        not_before: (2026, 1, 1),
        not_after: (2099, 12, 31),
    });
    let mut app = sandbox.app_for_certs(Theme::color());
    let mut terminal = test_terminal(120, 30);
    let mut events = tls_tab();
    events.push(key(KeyCode::Char('m')));
    drive(&mut terminal, &mut app, events);
    let screen = terminal.backend().to_string();
    assert!(screen.contains(r"imp\x1b]0;TITLE\x07\u202ex"), "{screen}");
    assert!(!screen.contains('\u{202e}'), "{screen}");
}
