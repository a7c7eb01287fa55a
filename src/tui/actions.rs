//! How each screen reacts to actions (the "update" half of the app).

use super::app::{App, Confirm, ConfirmKind, Deferred, Screen};
use super::dropdown::Dropdown;
use super::editors::{is_multiline, is_typed};
use super::keys::{Action, KEY_HELP};
use crate::settings::{Field, Kind, Mode, Settings, Value};

impl App {
    pub(super) fn form_action(&mut self, action: Action) -> bool {
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
                _ => return false,
            },
            Action::Type(key) => {
                let Some(field) = field else { return false };
                if !self.editors.type_key(field, key, &mut self.settings) {
                    return false;
                }
                self.revalidate();
            }
            Action::Cancel => {
                let cancelled = field.is_some_and(|f| self.editors.cancel(f, &mut self.settings));
                if cancelled {
                    self.revalidate();
                } else if self.message.take().is_none() {
                    return false;
                }
            }
            Action::Save => self.request_save(false),
            Action::Quit => {
                if self.is_dirty() {
                    self.screen = Screen::Confirm(Confirm { kind: ConfirmKind::Quit, selected: 0 });
                } else {
                    self.quit = true;
                }
            }
            Action::Help => self.screen = Screen::Help { scroll: 0 },
            Action::ToggleAdvanced => {
                self.leave_field();
                self.advanced = !self.advanced;
                self.focus.clamp_tab(self.tabs());
                self.scroll = 0;
                self.enter_field();
            }
            Action::RevertField => match field {
                Some(field) => self.revert(field),
                None => return false,
            },
            Action::ResetDefaults => {
                self.screen =
                    Screen::Confirm(Confirm { kind: ConfirmKind::ResetDefaults, selected: 1 });
            }
            Action::ManageCertificates => self.open_certificates(),
            _ => return false,
        }
        true
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

    pub(super) fn editing_action(&mut self, field: Field, action: Action) -> bool {
        match action {
            Action::Type(key) => {
                self.screen = Screen::Editing(field);
                if !self.editors.type_area_key(field, key, &mut self.settings) {
                    return false;
                }
                self.revalidate();
                true
            }
            other => {
                self.editors.set_area_active(field, false);
                match other {
                    Action::Cancel => true,
                    _ => self.form_action(other),
                }
            }
        }
    }

    pub(super) fn dropdown_action(&mut self, mut dropdown: Dropdown, action: Action) -> bool {
        match action {
            Action::Up => dropdown.step(-1),
            Action::Down => dropdown.step(1),
            Action::PageUp => dropdown.step(-5),
            Action::PageDown => dropdown.step(5),
            Action::Home => dropdown.step(-1000),
            Action::End => dropdown.step(1000),
            Action::Activate => {
                if let Some(choice) = dropdown.chosen() {
                    let _ = dropdown.field.set(&mut self.settings, choice.value.clone());
                    self.revalidate();
                }
                return true;
            }
            Action::Cancel => return true,
            Action::ManageCertificates if dropdown.field.kind() == Kind::Certificate => {
                self.open_certificates();
                return true;
            }
            _ => {
                self.screen = Screen::Dropdown(dropdown);
                return false;
            }
        }
        self.screen = Screen::Dropdown(dropdown);
        true
    }

    pub(super) fn help_action(&mut self, scroll: u16, action: Action) -> bool {
        // Title, status, hints and the frame take at least 5 lines.
        let page = self.area.height.saturating_sub(5).max(1);
        let last = (KEY_HELP.len() as u16).saturating_sub(page);
        let scroll = match action {
            Action::Cancel => return true,
            Action::Up => scroll.saturating_sub(1),
            Action::Down => scroll + 1,
            Action::PageUp => scroll.saturating_sub(page),
            Action::PageDown => scroll + page,
            Action::Home => 0,
            Action::End => last,
            _ => {
                self.screen = Screen::Help { scroll };
                return false;
            }
        };
        self.screen = Screen::Help { scroll: scroll.min(last) };
        true
    }

    pub(super) fn confirm_action(&mut self, mut confirm: Confirm, action: Action) -> bool {
        let buttons = confirm.kind.buttons();
        let chosen = match action {
            Action::Cancel => return true,
            Action::Left | Action::Right => {
                let step = if action == Action::Right { 1 } else { buttons.len() - 1 };
                confirm.selected = (confirm.selected + step) % buttons.len();
                self.screen = Screen::Confirm(confirm);
                return true;
            }
            Action::Activate => buttons[confirm.selected].0,
            Action::Shortcut(c) if buttons.iter().any(|b| b.0 == c) => c,
            _ => {
                self.screen = Screen::Confirm(confirm);
                return false;
            }
        };
        match (confirm.kind, chosen) {
            (ConfirmKind::Quit, 's') => self.request_save(true),
            (ConfirmKind::Quit, 'd') => self.quit = true,
            (ConfirmKind::ChangedOnDisk { commit, quit_after }, 'o') => {
                return self.commit(commit, quit_after, true);
            }
            (ConfirmKind::ChangedOnDisk { .. }, 'r') => self.reload_from_disk(),
            (ConfirmKind::ResetDefaults, 'y') => {
                self.settings = Settings::default();
                self.editors.sync(&self.settings);
                self.revalidate();
                self.info("Every setting is back to its default; save to keep it");
            }
            _ => {}
        }
        true
    }
}
