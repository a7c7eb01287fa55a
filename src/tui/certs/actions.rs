//! How the certificate manager reacts to actions: move, use, create, import, delete.

use std::path::Path;

use super::{CertManager, Form, FormKind, Mode, name_taken};
use crate::proftpd::certs::{self, KeyChoice};
use crate::settings::{Field, Severity, Value};
use crate::tui::app::{App, Deferred, Screen};
use crate::tui::keys::Action;

impl App {
    /// Opens the manager (`m`, Ctrl-O), highlighting the Certificate field's value.
    pub(in crate::tui) fn open_certificates(&mut self) {
        self.leave_field();
        let manager = CertManager::open(&self.env.paths, &self.settings.certificate);
        self.screen = Screen::Certs(Box::new(manager));
    }

    /// Back to the TLS tab, on the Certificate field (or Enable TLS while TLS is off); the
    /// store may have changed, so the certificate is checked again.
    fn close_certificates(&mut self) {
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

    pub(in crate::tui) fn certs_action(
        &mut self,
        mut manager: CertManager,
        action: Action,
    ) -> bool {
        let redraw = match std::mem::replace(&mut manager.mode, Mode::List) {
            Mode::List => match self.list_action(&mut manager, action) {
                Some(redraw) => redraw,
                None => return true, // left the manager
            },
            Mode::Form(form) => self.form_action_in_certs(&mut manager, form, action),
            Mode::ConfirmDelete(name) => self.confirm_delete(&mut manager, name, action),
        };
        self.screen = Screen::Certs(Box::new(manager));
        redraw
    }

    /// `None` once the manager is closed.
    fn list_action(&mut self, m: &mut CertManager, action: Action) -> Option<bool> {
        let paths = &self.env.paths;
        let redraw = match action {
            Action::Up => m.step(paths, -1),
            Action::Down => m.step(paths, 1),
            Action::PageUp => m.step(paths, -5),
            Action::PageDown => m.step(paths, 5),
            Action::Home => m.step(paths, -10_000),
            Action::End => m.step(paths, 10_000),
            Action::Activate => {
                let Some(name) = m.selected_name().map(str::to_owned) else { return Some(false) };
                let _ = Field::Certificate.set(&mut self.settings, Value::Text(name.clone()));
                self.close_certificates();
                let note = if self.settings.tls_enable {
                    ""
                } else {
                    " (TLS is off: Space on Enable TLS)"
                };
                self.info(format!("Certificate: {name}{note}"));
                return None;
            }
            Action::Cancel => {
                self.close_certificates();
                return None;
            }
            Action::Shortcut('c') => {
                m.mode = Mode::Form(Form::create(&m.free_name(paths), &self.env.new_cert));
                true
            }
            Action::Shortcut('i') => {
                m.mode = Mode::Form(Form::import(&m.free_name(paths)));
                true
            }
            Action::Shortcut('x') => {
                let Some(name) = m.selected_name().map(str::to_owned) else { return Some(false) };
                // Refuse at once (with the store's reason) rather than ask first.
                let using =
                    [&self.settings, &self.saved].into_iter().find(|s| s.certificate == name);
                match using.map(|s| certs::delete(paths, &name, s)) {
                    Some(Err(why)) => {
                        let saved_only = self.settings.certificate != name;
                        let prefix = if saved_only { "The saved settings use it: " } else { "" };
                        self.error(format!("Not deleted: {prefix}{why}"));
                    }
                    _ => m.mode = Mode::ConfirmDelete(name),
                }
                true
            }
            _ => false,
        };
        Some(redraw)
    }

    fn form_action_in_certs(
        &mut self,
        m: &mut CertManager,
        mut form: Form,
        action: Action,
    ) -> bool {
        let paths = &self.env.paths;
        let redraw = match action {
            Action::NextField | Action::Down => {
                form.step(1);
                true
            }
            Action::PrevField | Action::Up => {
                form.step(-1);
                true
            }
            Action::Type(key) => form.type_key(key),
            Action::Cancel => return true, // the mode is List already
            Action::Activate if form.check(|name| name_taken(paths, name)) => {
                match form.kind {
                    FormKind::Create => {
                        form.busy = true;
                        let slow = match form.key_choice() {
                            KeyChoice::Rsa { bits: 4096 } => {
                                " (an RSA 4096 key can take a few seconds)"
                            }
                            KeyChoice::Rsa { .. } => " (RSA keys take a moment)",
                            KeyChoice::Ec => "",
                        };
                        self.info(format!("Creating {}...{slow}", form.name()));
                        self.deferred = Some(Deferred::CreateCertificate);
                    }
                    FormKind::Import => {
                        let name = form.name().to_owned();
                        let (cert, key) = (Path::new(form.cert_file()), Path::new(form.key_file()));
                        match certs::import(paths, &name, cert, key, false) {
                            Ok(info) => {
                                m.refresh(paths, Some(&name));
                                let warnings = warnings(&info);
                                self.info(format!("Imported {name}; Enter uses it{warnings}"));
                                return true;
                            }
                            Err(reasons) => {
                                let n = reasons.len();
                                form.refusal = reasons;
                                let s = if n == 1 { "" } else { "s" };
                                self.error(format!("Not imported ({n} reason{s}, listed above)"));
                            }
                        }
                    }
                }
                true
            }
            Action::Activate => {
                self.error("Fix the fields marked ! first");
                true
            }
            _ => false,
        };
        m.mode = Mode::Form(form);
        redraw
    }

    fn confirm_delete(&mut self, m: &mut CertManager, name: String, action: Action) -> bool {
        match action {
            Action::Shortcut('y') => match certs::delete(&self.env.paths, &name, &self.settings) {
                Ok(()) => {
                    m.refresh(&self.env.paths, None);
                    self.info(format!("Deleted {name} ({name}.crt and {name}.key)"));
                }
                Err(why) => self.error(format!("Not deleted: {why}")),
            },
            Action::Cancel => self.info(format!("Kept {name}")),
            _ => {
                m.mode = Mode::ConfirmDelete(name);
                return false;
            }
        }
        true
    }

    /// Runs the creation the form asked for, after the screen said "Creating...".
    pub(in crate::tui) fn create_certificate(&mut self) {
        let Screen::Certs(m) = &mut self.screen else { return };
        let Mode::Form(form) = &mut m.mode else { return };
        form.busy = false;
        let name = form.name().to_owned();
        let message = match certs::create(&self.env.paths, &name, &form.new_cert(), false) {
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

/// "; warning: …" for an imported certificate that is usable but worth a look.
fn warnings(info: &certs::CertInfo) -> String {
    let found: Vec<String> = certs::check_info(info)
        .into_iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| p.summary)
        .collect();
    if found.is_empty() { String::new() } else { format!("; warning: {}", found.join(", ")) }
}
