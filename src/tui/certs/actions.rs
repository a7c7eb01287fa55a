//! How the certificate manager reacts to actions: move, use, create, import, delete.

use std::path::Path;

use super::{CertManager, Form, FormKind, Mode, RowValue, name_taken};
use crate::paths::Paths;
use crate::proftpd::certs::{self, KeyChoice};
use crate::settings::store::SettingsFile;
use crate::settings::{Field, Settings, Severity, Value};
use crate::tui::app::{App, Deferred, Screen};
use crate::tui::effect::Effect;
use crate::tui::hints::{self, Hint};
use crate::tui::keys::{self, Action, Context};
use crate::tui::page::{Around, Page};

impl App {
    /// Opens the manager (`m`, Ctrl-O), highlighting the Certificate field's value.
    pub(in crate::tui) fn open_certificates(&mut self) {
        self.leave_field();
        let manager = CertManager::open(&self.env.paths, &self.settings.certificate);
        self.screen = Screen::Certs(manager);
    }

    /// Back to the TLS tab, on the Certificate field (or Enable TLS while TLS is off); the
    /// store may have changed, so the certificate is checked again.
    pub(in crate::tui) fn close_certificates(&mut self) {
        self.screen = Screen::Form;
        self.env.refresh_certificates();
        self.advanced = true;
        let field = if Field::Certificate.is_visible(&self.settings) {
            Field::Certificate
        } else {
            Field::TlsEnable
        };
        self.focus.set_field(field);
        self.scroll = 0;
        self.revalidate();
        self.enter_field();
    }

    /// Runs the creation the form asked for, after the screen said "Creating...".
    pub(in crate::tui) fn create_certificate(&mut self) {
        let Screen::Certs(m) = &mut self.screen else { return };
        let Mode::Form(form) = &mut m.mode else { return };
        form.busy = false;
        let name = form.name().to_owned();
        let created = settings_lock(&self.env.settings_file)
            .and_then(|_lock| certs::create(&self.env.paths, &name, &form.new_cert(), false));
        let message = match created {
            Ok(info) => {
                let until = info.details().map(|d| certs::date(d.not_after)).unwrap_or_default();
                let key = info.details().map(|d| d.key.to_string()).unwrap_or_default();
                m.mode = Mode::List;
                m.refresh(&self.env.paths, Some(&name));
                Ok(format!("Created {name} ({key}, valid until {until}); Enter uses it"))
            }
            Err(reasons) => {
                form.refusal = reasons;
                Err("Not created (the reasons are listed above)".to_owned())
            }
        };
        match message {
            Ok(text) => self.info(text),
            Err(text) => self.error(text),
        }
    }
}

impl Page for CertManager {
    fn context(&self) -> Context {
        Context::Certs(self.keys())
    }

    fn hints(&self, around: &Around) -> Vec<Hint> {
        let theme = around.theme;
        match &self.mode {
            Mode::List => {
                let mut shown = vec![hints::literal("{ud}", "move", theme)];
                let actions = [
                    Action::Activate,
                    Action::Create,
                    Action::Import,
                    Action::Delete,
                    Action::Cancel,
                ];
                shown.extend(actions.into_iter().map(|a| hints::from(keys::CERT_LIST, a, theme)));
                shown
            }
            Mode::Form(form) => {
                let submit = if form.kind == FormKind::Create { "create" } else { "import" };
                let edit = match form.rows[form.focus].value {
                    RowValue::Choice { .. } => hints::literal("Space", "change", theme),
                    RowValue::Text(_) => hints::literal("^U", "clear", theme),
                };
                let h = |action| hints::from(keys::CERT_FORM, action, theme);
                vec![
                    h(Action::NextField),
                    edit,
                    hints::with(h(Action::Activate), submit),
                    h(Action::Cancel),
                ]
            }
            Mode::ConfirmDelete(_) => {
                let h = |action| hints::from(keys::CERT_CONFIRM, action, theme);
                vec![h(Action::Yes), h(Action::Cancel)]
            }
        }
    }

    /// A key in the manager.
    fn update(&mut self, action: Action, around: &Around) -> Effect {
        let (paths, edited) = (&around.env.paths, around.edited);
        match &mut self.mode {
            Mode::List => self.list_update(action, around),
            Mode::Form(form) => match form_update(form, action, paths, &around.env.settings_file) {
                FormOutcome::Effect(effect) => effect,
                FormOutcome::Back => {
                    self.mode = Mode::List;
                    Effect::Redraw
                }
                FormOutcome::Imported(name, warnings) => {
                    self.mode = Mode::List;
                    self.refresh(paths, Some(&name));
                    Effect::info(format!("Imported {name}; Enter uses it{warnings}"))
                }
            },
            Mode::ConfirmDelete(name) => {
                let name = name.clone();
                let effect = match action {
                    Action::Yes => match delete(around, &name, edited) {
                        Ok(()) => {
                            self.refresh(paths, None);
                            Effect::info(format!("Deleted {name} ({name}.crt and {name}.key)"))
                        }
                        Err(why) => Effect::error(format!("Not deleted: {why}")),
                    },
                    Action::Cancel => Effect::info(format!("Kept {name}")),
                    _ => return Effect::None,
                };
                self.mode = Mode::List;
                effect
            }
        }
    }
}

impl CertManager {
    fn list_update(&mut self, action: Action, around: &Around) -> Effect {
        let Around { env, edited, saved, .. } = *around;
        let paths = &env.paths;
        let moved = match action {
            Action::Up => self.step(paths, -1),
            Action::Down => self.step(paths, 1),
            Action::PageUp => self.step(paths, -5),
            Action::PageDown => self.step(paths, 5),
            Action::Home => self.step(paths, -10_000),
            Action::End => self.step(paths, 10_000),
            Action::Activate => {
                let Some(name) = self.selected_name().map(str::to_owned) else {
                    return Effect::None;
                };
                let note =
                    if edited.tls_enable { "" } else { " (TLS is off: Space on Enable TLS)" };
                return Effect::All(vec![
                    Effect::Set(Field::Certificate, Value::Text(name.clone())),
                    Effect::CloseCertificates,
                    Effect::info(format!("Certificate: {name}{note}")),
                ]);
            }
            Action::Cancel => return Effect::CloseCertificates,
            Action::Create => {
                self.mode = Mode::Form(Form::create(&self.free_name(paths), &env.new_cert));
                true
            }
            Action::Import => {
                self.mode = Mode::Form(Form::import(&self.free_name(paths)));
                true
            }
            Action::Delete => {
                let Some(name) = self.selected_name().map(str::to_owned) else {
                    return Effect::None;
                };
                // Refuse at once (with the store's reason) rather than ask first.
                let using = [edited, saved].into_iter().find(|s| s.certificate == name);
                if let Some(Err(why)) = using.map(|s| certs::delete(paths, &name, s)) {
                    let prefix =
                        if edited.certificate != name { "The saved settings use it: " } else { "" };
                    return Effect::error(format!("Not deleted: {prefix}{why}"));
                }
                self.mode = Mode::ConfirmDelete(name);
                true
            }
            _ => false,
        };
        Effect::redraw_if(moved)
    }
}

/// The settings writers' lock, held while the store changes, as `ftpconf cert` holds it:
/// a `set` choosing a certificate cannot interleave with its creation or deletion.
fn settings_lock(settings_file: &Path) -> Result<SettingsFile, Vec<String>> {
    SettingsFile::open(settings_file).map_err(|e| e.problems)
}

/// Deletes `name` under the settings lock, refused while the edited settings or the
/// settings file as it is now (another writer may just have chosen it) use it.
fn delete(around: &Around, name: &str, edited: &Settings) -> Result<(), String> {
    let locked = settings_lock(&around.env.settings_file).map_err(|p| p.join("; "))?;
    let on_disk = locked.settings().ok().filter(|s| s.certificate == name);
    certs::delete(&around.env.paths, name, on_disk.as_ref().unwrap_or(edited))
}

/// What a key in one of the manager's forms leads to.
enum FormOutcome {
    Effect(Effect),
    /// Back to the list.
    Back,
    /// Imported under this name (with warnings worth a look).
    Imported(String, String),
}

fn form_update(
    form: &mut Form,
    action: Action,
    paths: &Paths,
    settings_file: &Path,
) -> FormOutcome {
    let effect = match action {
        Action::NextField | Action::Down => {
            form.step(1);
            Effect::Redraw
        }
        Action::PrevField | Action::Up => {
            form.step(-1);
            Effect::Redraw
        }
        Action::Type(key) => Effect::redraw_if(form.type_key(key)),
        Action::Cancel => return FormOutcome::Back,
        Action::Activate if form.check(|name| name_taken(paths, name)) => match form.kind {
            FormKind::Create => {
                form.busy = true;
                let slow = match form.key_choice() {
                    KeyChoice::Rsa { bits: 4096 } => " (an RSA 4096 key can take a few seconds)",
                    KeyChoice::Rsa { .. } => " (RSA keys take a moment)",
                    KeyChoice::Ec => "",
                };
                Effect::All(vec![
                    Effect::info(format!("Creating {}...{slow}", form.name())),
                    Effect::Defer(Deferred::CreateCertificate),
                ])
            }
            FormKind::Import => {
                let name = form.name().to_owned();
                let (cert, key) = (Path::new(form.cert_file()), Path::new(form.key_file()));
                let imported = settings_lock(settings_file)
                    .and_then(|_lock| certs::import(paths, &name, cert, key, false));
                match imported {
                    Ok(info) => return FormOutcome::Imported(name, warnings(&info)),
                    Err(reasons) => {
                        let n = reasons.len();
                        form.refusal = reasons;
                        let s = if n == 1 { "" } else { "s" };
                        Effect::error(format!("Not imported ({n} reason{s}, listed above)"))
                    }
                }
            }
        },
        Action::Activate => Effect::error("Fix the fields marked ! first"),
        _ => Effect::None,
    };
    FormOutcome::Effect(effect)
}

/// "; warning: …" for an imported certificate that is usable but worth a look.
fn warnings(info: &certs::CertInfo) -> String {
    let found: Vec<String> = certs::check_info(info)
        .into_iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| p.summary)
        .collect();
    if found.is_empty() { String::new() } else { format!("; warning: {}", found.join(", ")) }
}
