//! The layers point one way: settings ← proftpd ← {cli, tui}, and the CLI and the editor
//! never import each other (src/editor.rs and src/demo.rs sit above both and wire them).
//! Read from the `crate::` paths in every source file of a layer.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a file names as `crate::NAME` (also inside `use crate::{a, b}`).
fn imports(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or("")).collect();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(inner) = rest.strip_prefix('{') else {
            names.insert(head(rest));
            continue;
        };
        // The parts of the group at its top level: `{proftpd::{a, b}, settings}`.
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    names.insert(head(&inner[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.insert(head(&inner[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    names.remove("");
    names
}

fn head(path: &str) -> String {
    path.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// Files of `layer` that import one of `forbidden`, with what they import.
fn offenders(layer: &str, forbidden: &[&str]) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src").join(layer), &mut files);
    assert!(!files.is_empty(), "no sources in src/{layer}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let relative = file.strip_prefix(root).unwrap().display().to_string();
        for name in imports(&text).into_iter().filter(|n| forbidden.contains(&n.as_str())) {
            found.push((relative.clone(), name));
        }
    }
    found.sort();
    found
}

#[test]
fn settings_imports_nothing_above_it() {
    let found = offenders("settings", &["proftpd", "cli", "tui", "editor", "demo"]);
    assert!(found.is_empty(), "settings imports from above: {found:?}");
}

#[test]
fn proftpd_imports_neither_the_cli_nor_the_editor() {
    let found = offenders("proftpd", &["cli", "tui", "editor", "demo"]);
    assert!(found.is_empty(), "proftpd imports from above: {found:?}");
}

#[test]
fn the_cli_and_the_editor_never_import_each_other() {
    let found = offenders("cli", &["tui"]);
    assert!(found.is_empty(), "cli imports the editor (wire it in src/editor.rs): {found:?}");
    let found = offenders("tui", &["cli", "editor", "demo"]);
    assert!(found.is_empty(), "the editor imports the CLI: {found:?}");
}

#[test]
fn imports_are_read_from_every_form() {
    let text = "use crate::{proftpd::{a, b}, settings::Field};\nlet x = crate::tui::run();\n\
                // crate::cli in a comment does not count\n";
    let names: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(names, ["proftpd", "settings", "tui"]);
}

/// Inside the editor, key handling never asks drawing code anything: only the view
/// builder, the loop and the drawing modules themselves name `screens` or `widgets`.
#[test]
fn editor_update_code_imports_no_drawing_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src/tui"), &mut files);
    let drawing = ["src/tui/screens/", "src/tui/widgets/", "src/tui/view.rs", "src/tui/mod.rs"];
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).unwrap().display().to_string();
        if drawing.iter().any(|d| relative.starts_with(d)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for needle in
            ["super::screens", "crate::tui::screens", "super::widgets", "crate::tui::widgets"]
        {
            if text.lines().any(|l| !l.trim_start().starts_with("//") && l.contains(needle)) {
                found.push(format!("{relative} names {needle}"));
            }
        }
    }
    assert!(found.is_empty(), "update code imports drawing code: {found:?}");
}
