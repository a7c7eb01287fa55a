//! How the form reacts to actions. The form's state is the app's own (settings, focus,
//! editors); every other screen updates its own state and returns an [`Effect`].

use super::app::{App, Confirm, ConfirmKind, Deferred, Screen};
use super::check_page::CheckScreen;
use super::dropdown::Dropdown;
use super::editors::{is_multiline, is_typed};
use super::effect::Effect;
use super::help::HelpPage;
use super::keys::Action;
use super::log_page::LogScreen;
use super::service::ServiceScreen;
use crate::settings::{Field, Kind, Mode, Value};

impl App {
    pub(super) fn form_action(&mut self, action: Action) -> Effect {
        let field = self.focused_field();
        match action {
            Action::NextField => self.move_focus(1),
            Action::PrevField => self.move_focus(-1),
            Action::Down | Action::Up => {
                let step = if action == Action::Down { 1 } else { -1 };
                match field {
                    Some(f) if f.kind() == Kind::Permissions => self.grid_row(step),
                    _ => self.move_focus(step),
                }
            }
            Action::Left | Action::Right => {
                let step = if action == Action::Right { 1 } else { -1 };
                match field {
                    Some(f) if f.kind() == Kind::Permissions => {
                        let what = &mut self.focus.cell.1;
                        *what = (*what as isize + step).clamp(0, 2) as usize;
                    }
                    _ => self.switch_tab(step),
                }
            }
            Action::NextTab => self.switch_tab(1),
            Action::PrevTab => self.switch_tab(-1),
            Action::Toggle | Action::Activate => {
                if let Some(field) = field {
                    self.activate(field, action == Action::Activate);
                }
            }
            Action::Digit(digit) => match field {
                Some(f) if f.kind() == Kind::Permissions => self.set_grid_row(f, digit),
                _ => return Effect::None,
            },
            Action::Type(key) => {
                let Some(field) = field else { return Effect::None };
                if !self.editors.type_key(field, key, &mut self.settings) {
                    return Effect::None;
                }
                self.revalidate();
            }
            Action::Cancel => {
                let cancelled = field.is_some_and(|f| self.editors.cancel(f, &mut self.settings));
                if cancelled {
                    self.revalidate();
                } else if self.message.take().is_none() {
                    return Effect::None;
                }
            }
            Action::Save => return Effect::RequestSave { quit_after: false },
            Action::Quit if self.is_dirty() => {
                return Effect::open(Screen::Confirm(Confirm::new(ConfirmKind::Quit, 0)));
            }
            Action::Quit => return Effect::Quit,
            Action::Help => return Effect::open(Screen::Help(HelpPage::default())),
            Action::ToggleAdvanced => {
                self.leave_field();
                self.advanced = !self.advanced;
                self.focus.clamp_tab(self.tabs());
                self.scroll = 0;
                self.enter_field();
            }
            Action::RevertField => match field {
                Some(field) => self.revert(field),
                None => return Effect::None,
            },
            Action::ResetDefaults => {
                return Effect::open(Screen::Confirm(Confirm::new(ConfirmKind::ResetDefaults, 1)));
            }
            Action::ManageCertificates => return Effect::OpenCertificates,
            Action::OpenLog => return Effect::open(Screen::Log(LogScreen::open(&self.env.paths))),
            Action::OpenCheck => return Effect::open(Screen::Check(CheckScreen::new())),
            Action::Service(_) => {
                return Effect::open(Screen::Service(ServiceScreen::read(&self.env.paths)));
            }
            _ => return Effect::None,
        }
        Effect::Redraw
    }

    /// Space/Enter on a field that is not typed into.
    fn activate(&mut self, field: Field, enter: bool) {
        match field.kind() {
            Kind::Toggle | Kind::TlsOption(_) => {
                let on = field.get(&self.settings) == Value::Bool(true);
                let _ = field.set(&mut self.settings, Value::Bool(!on));
                self.revalidate();
            }
            Kind::Permissions => {
                let Value::Mode(mode) = field.get(&self.settings) else { return };
                let (who, what) = self.focus.cell;
                let _ = field.set(&mut self.settings, Value::Mode(mode.toggled(who, what)));
                self.revalidate();
            }
            Kind::Policy | Kind::Certificate => {
                let dropdown = Dropdown::open(field, &self.settings, &self.env.paths);
                self.screen = Screen::Dropdown(dropdown);
            }
            _ if is_multiline(field) => {
                self.editors.set_area_active(field, true);
                self.screen = Screen::Editing(field);
            }
            _ if enter && is_typed(field) => self.move_focus(1),
            _ => {}
        }
    }

    fn grid_row(&mut self, step: isize) {
        let who = self.focus.cell.0 as isize + step;
        if (0..3).contains(&who) {
            self.focus.cell.0 = who as usize;
        } else {
            self.move_focus(step);
        }
    }

    fn set_grid_row(&mut self, field: Field, digit: u8) {
        let Value::Mode(mode) = field.get(&self.settings) else { return };
        let shift = (2 - self.focus.cell.0) * 3;
        let bits = (mode.bits() & !(0o7 << shift)) | (u16::from(digit) << shift);
        let _ = field.set(&mut self.settings, Value::Mode(Mode::from_bits(bits)));
        self.revalidate();
    }

    pub(super) fn move_focus(&mut self, step: isize) {
        self.leave_field();
        let column = self.focus.cell.1;
        self.focus.step(&self.settings, step);
        self.focus.cell.1 = column;
        self.enter_field();
    }

    fn switch_tab(&mut self, step: isize) {
        self.leave_field();
        self.focus.step_tab(self.tabs(), step);
        self.scroll = 0;
        self.enter_field();
    }

    pub(super) fn enter_field(&mut self) {
        if let Some(field) = self.focused_field() {
            self.editors.enter(field);
        }
    }

    /// Leaving the masquerade field checks its host name for real (DNS), after a redraw
    /// has told the user what the wait is for.
    pub(super) fn leave_field(&mut self) {
        if self.focused_field() != Some(Field::MasqueradeAddress) {
            return;
        }
        let unchanged = self
            .dns_checked
            .as_ref()
            .is_some_and(|(address, _)| *address == self.settings.masquerade_address);
        if self.masquerade_needs_dns() && !unchanged {
            let address = self.settings.masquerade_address.trim().to_owned();
            self.info(format!("Checking that {address} resolves..."));
            self.deferred = Some(Deferred::CheckMasquerade);
        }
    }

    fn revert(&mut self, field: Field) {
        let _ = field.set(&mut self.settings, field.get(&self.saved));
        self.editors.sync_field(field, &self.saved);
        self.editors.enter(field);
        self.revalidate();
        let value = field.get(&self.saved).display();
        self.info(format!("{} reverted to its saved value ({value})", field.label()));
    }

    /// Inside a multi-line editor: keys are typed; any other action leaves it first.
    pub(super) fn editing_action(&mut self, field: Field, action: Action) -> Effect {
        if let Action::Type(key) = action {
            if !self.editors.type_area_key(field, key, &mut self.settings) {
                return Effect::None;
            }
            self.revalidate();
            return Effect::Redraw;
        }
        self.editors.set_area_active(field, false);
        self.screen = Screen::Form;
        match action {
            Action::Cancel => Effect::Redraw,
            other => match self.form_action(other) {
                Effect::None => Effect::Redraw,
                effect => effect,
            },
        }
    }
}
