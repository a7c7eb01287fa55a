//! The key tables against what describes them: the hint bar's key texts, the `?` page
//! (`KEY_HELP`), README.md's and docs/tui.md's key tables. Each names only keys that do
//! something, and every binding is named on the `?` page.

use super::*;
use crate::tui::dialog::ConfirmKind;
use crate::tui::help::KEY_HELP;

const ALL: &[Context] = &[
    Context::Form(Typing::No),
    Context::Form(Typing::Digits),
    Context::Form(Typing::Rate),
    Context::Form(Typing::Text),
    Context::MultiLine,
    Context::Dropdown,
    Context::Review,
    Context::Help,
    Context::Apply { confirming: true },
    Context::Apply { confirming: false },
    Context::Page(APPLY_RUNNING_PAGE),
    Context::Page(APPLY_FOREIGN_PAGE),
    Context::Certs(CertKeys::List),
    Context::Certs(CertKeys::Form),
    Context::Certs(CertKeys::Confirm),
    Context::Page(crate::tui::log_page::TABLES),
    Context::TypingPage(crate::tui::check_page::TABLES),
    Context::Page(SERVICE_PAGE),
    Context::Page(SERVICE_ASKING),
];

fn contexts() -> Vec<Context> {
    let mut all = ALL.to_vec();
    all.push(Context::Confirm(ConfirmKind::Quit.buttons()));
    all
}

/// Keys named in a text ("Tab, Down, j", "`s`, Ctrl-S · `q`", "^N/^P", "{ud} PgUp/PgDn");
/// words that name no key are skipped.
fn named_keys(text: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    let text = text.replace(['`', ',', '·', '(', ')'], " ").replace('/', " ");
    for word in text.split_whitespace() {
        let named = match word {
            "Tab" => vec![key(KeyCode::Tab)],
            "Shift-Tab" => vec![key(KeyCode::BackTab)],
            "Down" => vec![key(KeyCode::Down)],
            "Up" => vec![key(KeyCode::Up)],
            "Left" => vec![key(KeyCode::Left)],
            "Right" => vec![key(KeyCode::Right)],
            "{ud}" | "↑↓" => vec![key(KeyCode::Up), key(KeyCode::Down)],
            "{lr}" | "←→" => vec![key(KeyCode::Left), key(KeyCode::Right)],
            "Enter" => vec![key(KeyCode::Enter)],
            "Esc" => vec![key(KeyCode::Esc)],
            "Space" => vec![ch(' ')],
            "Backspace" => vec![key(KeyCode::Backspace)],
            "Delete" => vec![key(KeyCode::Delete)],
            "PgUp" => vec![key(KeyCode::PageUp)],
            "PgDn" => vec![key(KeyCode::PageDown)],
            "Home" => vec![key(KeyCode::Home)],
            "End" => vec![key(KeyCode::End)],
            "0-7" => ('0'..='7').map(ch).collect(),
            w if w.starts_with('F') && w[1..].parse::<u8>().is_ok() => {
                vec![key(KeyCode::F(w[1..].parse().unwrap()))]
            }
            w if (w.starts_with("Ctrl-") || w.starts_with('^')) && w.len() <= 6 => {
                let c = w.chars().last().unwrap().to_ascii_lowercase();
                vec![ctrl(c)]
            }
            "-" => vec![],
            w if w.chars().count() == 1 => vec![ch(w.chars().next().unwrap())],
            _ => vec![],
        };
        keys.extend(named);
    }
    keys
}

fn event(key: Key) -> KeyEvent {
    let modifiers = if key.ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
    KeyEvent::new(key.code, modifiers)
}

/// What `key` does where it is a command (typing it into a field does not count).
fn command(key: Key, context: Context) -> Option<Action> {
    map(event(key), context).filter(|a| !matches!(a, Action::Type(_)))
}

fn does_something(key: Key) -> bool {
    contexts().into_iter().any(|c| command(key, c).is_some())
}

#[test]
fn every_key_the_hint_bar_shows_does_something_there() {
    for context in contexts() {
        for table in tables(context) {
            for binding in table.iter().filter(|b| !b.shown.is_empty()) {
                for key in named_keys(binding.shown) {
                    let found = map(event(key), context);
                    assert!(found.is_some(), "{:?} shows {key:?}, which does nothing", binding);
                }
            }
        }
    }
}

#[test]
fn the_help_page_names_every_binding_and_only_keys_that_work() {
    let rows = KEY_HELP.iter().filter(|(keys, _)| *keys != "#");
    let named: Vec<Key> = rows.flat_map(|(keys, _)| named_keys(keys)).collect();
    let mut wrong: Vec<String> = named
        .iter()
        .filter(|k| !does_something(**k))
        .map(|k| format!("the help names {k:?}, which does nothing"))
        .collect();
    for context in contexts() {
        for table in tables(context) {
            for binding in table.iter() {
                if !binding.keys.iter().any(|k| named.contains(k)) {
                    wrong.push(format!("the help names no key of {binding:?} ({context:?})"));
                }
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The key column of the first table after `heading` in a Markdown file.
fn doc_keys(file: &str, heading: &str) -> Vec<(String, Vec<Key>)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let section = &text[text.find(heading).unwrap_or_else(|| panic!("{file}: {heading}"))..];
    let rows: Vec<Vec<&str>> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    let column = rows[0].iter().position(|c| *c == "keys").expect("a keys column");
    rows[2..].iter().map(|r| (r[column].to_owned(), named_keys(r[column]))).collect()
}

#[test]
fn readme_and_docs_key_tables_name_keys_that_work() {
    let mut wrong = Vec::new();
    for (file, heading) in [("README.md", "### The editor"), ("docs/tui.md", "## Keys")] {
        for (cell, keys) in doc_keys(file, heading) {
            for key in keys.into_iter().filter(|k| !does_something(*k)) {
                wrong.push(format!("{file}: {cell:?} names {key:?}, which does nothing"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// How single keys map.
mod mapping {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn letters_are_typed_in_text_fields_and_commands_elsewhere() {
        let q = press(KeyCode::Char('q'));
        assert_eq!(map(q, Context::Form(Typing::Text)), Some(Action::Type(q)));
        assert_eq!(map(q, Context::Form(Typing::No)), Some(Action::Quit));
        assert_eq!(map(q, Context::Form(Typing::Digits)), Some(Action::Quit), "no digit");
        let help = press(KeyCode::Char('?'));
        assert_eq!(map(help, Context::Form(Typing::Rate)), Some(Action::Help));
        let m = press(KeyCode::Char('m'));
        assert_eq!(map(m, Context::Form(Typing::Rate)), Some(Action::Type(m)));
        let seven = press(KeyCode::Char('7'));
        assert_eq!(map(seven, Context::Form(Typing::Digits)), Some(Action::Type(seven)));
        assert_eq!(map(ctrl('q'), Context::Form(Typing::Text)), Some(Action::Quit));
        assert_eq!(map(ctrl('s'), Context::MultiLine), Some(Action::Save));
    }

    #[test]
    fn apply_keys_in_the_review_and_on_the_apply_page() {
        assert_eq!(map(press(KeyCode::Char('a')), Context::Review), Some(Action::Apply));
        assert_eq!(map(ctrl('a'), Context::Review), Some(Action::Apply));
        assert_eq!(map(press(KeyCode::Char('c')), Context::Review), Some(Action::ApplyConfirm));
        assert_eq!(map(ctrl('a'), Context::Form(Typing::No)), None, "only in the review");
        let asking = Context::Apply { confirming: true };
        let done = Context::Apply { confirming: false };
        let k = press(KeyCode::Char('k'));
        assert_eq!(map(k, asking), Some(Action::Keep), "k keeps, it does not scroll");
        assert_eq!(map(k, done), Some(Action::Up));
        assert_eq!(map(press(KeyCode::Enter), asking), Some(Action::Keep));
        assert_eq!(map(press(KeyCode::Enter), done), Some(Action::Activate));
        assert_eq!(map(press(KeyCode::Esc), asking), Some(Action::RevertNow));
        assert_eq!(map(press(KeyCode::Esc), done), Some(Action::Cancel));
        assert_eq!(map(ctrl('c'), asking), Some(Action::Cancel), "Ctrl-C: do not keep");
        assert_eq!(map(press(KeyCode::Down), done), Some(Action::Down));
    }

    #[test]
    fn certificate_manager_letters_are_commands_in_its_list_and_text_in_its_forms() {
        let c = press(KeyCode::Char('c'));
        assert_eq!(map(c, Context::Certs(CertKeys::List)), Some(Action::Create));
        assert_eq!(map(c, Context::Certs(CertKeys::Form)), Some(Action::Type(c)));
        let del = press(KeyCode::Delete);
        assert_eq!(map(del, Context::Certs(CertKeys::List)), Some(Action::Delete));
        assert_eq!(map(ctrl('s'), Context::Certs(CertKeys::Form)), Some(Action::Activate));
        assert_eq!(map(ctrl('c'), Context::Certs(CertKeys::Form)), Some(Action::Cancel));
        let enter = press(KeyCode::Enter);
        assert_eq!(map(enter, Context::Certs(CertKeys::Confirm)), Some(Action::Cancel), "safe");
        // Ctrl-O reaches the manager from a text field, where `m` is typed.
        let m = press(KeyCode::Char('m'));
        assert_eq!(map(m, Context::Form(Typing::Text)), Some(Action::Type(m)));
        assert_eq!(map(ctrl('o'), Context::Form(Typing::Text)), Some(Action::ManageCertificates));
    }

    #[test]
    fn doctor_keys_on_the_form_the_apply_page_and_its_screens() {
        let (c, l, t) =
            (press(KeyCode::Char('c')), press(KeyCode::Char('l')), press(KeyCode::Char('t')));
        assert_eq!(map(c, Context::Form(Typing::No)), Some(Action::OpenCheck));
        assert_eq!(map(l, Context::Form(Typing::Digits)), Some(Action::OpenLog), "no digit");
        assert_eq!(map(l, Context::Form(Typing::Text)), Some(Action::Type(l)));
        assert_eq!(map(t, Context::Apply { confirming: false }), Some(Action::RunCheck));
        assert_eq!(map(t, Context::Apply { confirming: true }), None, "not while asking");
        let check = Context::TypingPage(crate::tui::check_page::TABLES);
        assert_eq!(map(c, check), Some(Action::Type(c)), "letters are typed in its fields");
        assert_eq!(map(press(KeyCode::Enter), check), Some(Action::RunCheck));
        assert_eq!(map(ctrl('r'), check), Some(Action::CheckLogin));
        assert_eq!(map(ctrl('n'), check), Some(Action::PageDown));
        assert_eq!(map(ctrl('c'), check), Some(Action::Cancel));
        let log = Context::Page(crate::tui::log_page::TABLES);
        assert_eq!(map(press(KeyCode::Char('r')), log), Some(Action::Reread));
        assert_eq!(map(press(KeyCode::Char('j')), log), Some(Action::Down));
        assert_eq!(map(press(KeyCode::Char('x')), log), None);
    }

    #[test]
    fn every_action_has_a_key_without_function_keys() {
        let form = Context::Form(Typing::No);
        let keys = [
            (press(KeyCode::Tab), Action::NextField),
            (press(KeyCode::Char(']')), Action::NextTab),
            (ctrl('n'), Action::NextTab),
            (press(KeyCode::Char('s')), Action::Save),
            (press(KeyCode::Char('?')), Action::Help),
            (ctrl('g'), Action::Help),
            (ctrl('t'), Action::ToggleAdvanced),
            (ctrl('r'), Action::RevertField),
            (ctrl('d'), Action::ResetDefaults),
            (ctrl('l'), Action::Redraw),
            (press(KeyCode::Char('m')), Action::ManageCertificates),
            (ctrl('o'), Action::ManageCertificates),
        ];
        for (key, action) in keys {
            assert_eq!(map(key, form), Some(action), "{key:?}");
        }
    }
}
