use std::os::unix::fs::MetadataExt;

use super::*;

fn saved(path: &Path, change: impl FnOnce(&mut Settings)) -> Saved {
    let mut file = SettingsFile::open(path).unwrap();
    let mut settings = file.settings().unwrap();
    change(&mut settings);
    file.save(&settings).unwrap()
}

#[test]
fn comments_order_and_untouched_values_survive_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let text = "# NOTE(admin): ticket 4711\n[general]\nclients = 7 # ours\nport = 2121\n\n[tls]\nenable = false\n";
    std::fs::write(&path, text).unwrap();
    let outcome = saved(&path, |s| s.clients = 8);
    assert_eq!(outcome, Saved::Changed(vec!["general.clients: 7 -> 8".into()]));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(after, text.replace("clients = 7", "clients = 8"));
    // A key that was absent goes into its section.
    saved(&path, |s| s.timeout = 301);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.starts_with("# NOTE(admin): ticket 4711\n[general]\nclients = 8 # ours\n"),
        "{after}"
    );
    assert_eq!(store::load(&path).unwrap().timeout, 301);
}

#[test]
fn equal_settings_leave_the_file_untouched_and_a_new_file_gets_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("etc/s.toml");
    let created = saved(&path, |_| {});
    assert_eq!(created, Saved::Changed(vec![format!("created {}", path.display())]));
    assert!(matches!(saved(&path, |s| s.clients = 9), Saved::Changed(_)));
    assert!(std::fs::read_to_string(&path).unwrap().contains("# Port: TCP port"));
    let before = std::fs::metadata(&path).unwrap();
    assert_eq!(saved(&path, |s| s.clients = 9), Saved::Unchanged);
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!((before.ino(), before.mtime_nsec()), (after.ino(), after.mtime_nsec()));
}

#[test]
fn a_symlinked_file_is_written_through_the_link_and_leftovers_go() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("persist/real.toml");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, "[general]\nclients = 7\n").unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink("persist/real.toml", &link).unwrap();
    let leftover = dir.path().join("persist/.real.toml.AbC123.new");
    let foreign = dir.path().join("persist/.real.toml.keep.new");
    std::fs::write(&leftover, "half").unwrap();
    std::fs::write(&foreign, "not ours").unwrap();
    saved(&link, |s| s.clients = 8);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(store::load(&real).unwrap().clients, 8);
    assert!(!leftover.exists(), "a killed save's temporary file is removed");
    assert!(foreign.exists(), "only ftpconf's own name pattern");
}

#[test]
fn crlf_files_read_like_lf() {
    let text = "[general]\r\nclients = 3\r\n[other]\r\nauxiliary_parameters = \"\"\"\r\nTimesGMT on\r\n\"\"\"\r\n";
    let s = store::parse(text, "f").unwrap();
    assert_eq!((s.clients, s.auxiliary_parameters.as_str()), (3, "TimesGMT on\n"));
}
