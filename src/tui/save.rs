//! Saving: full validation, the review screen, the atomic write, and refusals that say
//! exactly which fields stand in the way.

use super::app::{App, Confirm, ConfirmKind, Deferred, Screen};
use super::apply::ApplyMode;
use super::review::{self, Commit, Review};
use super::scroll::Scroll;
use crate::proftpd::apply::{self, Fingerprint};
use crate::settings::store::{self, SettingsFile};
use crate::settings::{Field, Section};

impl App {
    /// Save was asked for: check everything (with DNS), then review or refuse.
    pub(super) fn request_save(&mut self, quit_after: bool) {
        self.leave_field();
        if self.masquerade_needs_dns() {
            let address = self.settings.masquerade_address.trim().to_owned();
            self.info(format!("Checking that {address} resolves before saving..."));
            self.deferred = Some(Deferred::Save { quit_after });
        } else {
            self.review_or_refuse(quit_after);
        }
    }

    pub(super) fn review_or_refuse(&mut self, quit_after: bool) {
        self.validate_fully();
        self.screen = Screen::Form;
        let failing = self.error_fields();
        if !failing.is_empty() {
            self.refuse(&failing);
            return;
        }
        let changes = review::changes(&self.saved, &self.settings);
        let saved_only = changes.is_empty() && self.env.settings_file.exists();
        if saved_only && (quit_after || self.env.apply.is_none()) {
            self.quit = quit_after;
            self.info("Nothing to save: every setting is as saved");
            return;
        }
        // With nothing unsaved the review still opens where applying is wired (the saved
        // file may not be in service yet); it then shows what an apply would change.
        let diff = if saved_only {
            let live = std::fs::read_to_string(self.env.paths.proftpd_conf()).unwrap_or_default();
            review::live_diff(&live, (&self.settings, &self.facts(&self.settings)))
        } else {
            review::config_diff(
                (&self.saved, &self.facts(&self.saved)),
                (&self.settings, &self.facts(&self.settings)),
            )
        };
        // What is new is judged against what serves or is saved, like the diff.
        let before = match saved_only {
            true => std::fs::read_to_string(self.env.paths.proftpd_conf()).unwrap_or_default(),
            false => self.saved.auxiliary_parameters.clone(),
        };
        let risky = review::new_risky_lines(&self.settings.auxiliary_parameters, &before);
        let forward = crate::proftpd::doctor::nat::forward_line(&self.settings);
        let warnings = self
            .report
            .warnings()
            .filter(|p| p.field.is_visible(&self.settings))
            .map(|p| format!("{}: {}", p.field.label(), p.message))
            .collect();
        self.message = None;
        let review = Review {
            changes,
            diff,
            warnings,
            scroll: Scroll::default(),
            quit_after,
            saved_only,
            risky,
            forward,
        };
        self.screen = Screen::Review(review);
    }

    /// Says which tabs and fields hold errors and takes the focus to the first one.
    fn refuse(&mut self, failing: &[Field]) {
        let count: usize = Section::ALL.iter().map(|s| self.error_count(*s)).sum();
        let by_tab: Vec<String> = Section::ALL
            .iter()
            .filter_map(|section| {
                let labels: Vec<&str> =
                    failing.iter().filter(|f| f.section() == *section).map(|f| f.label()).collect();
                (!labels.is_empty()).then(|| format!("{}: {}", section.title(), labels.join(", ")))
            })
            .collect();
        let first = failing[0];
        if first.section() != Section::General {
            self.advanced = true;
        }
        if first.is_visible(&self.settings) {
            self.leave_field();
            self.focus.set_field(first);
            self.enter_field();
        }
        let plural = if count == 1 { "error" } else { "errors" };
        self.error(format!(
            "Not saved: {count} {plural} ({}). Fix the fields marked !",
            by_tab.join("; ")
        ));
    }

    /// Writes the settings file (atomically), then applies it when asked. Unless
    /// `overwrite`, a file changed on disk since it was loaded or saved here is not
    /// overwritten silently: the user chooses (reload, overwrite, cancel).
    pub(super) fn commit(&mut self, commit: Commit, quit_after: bool, overwrite: bool) -> bool {
        let file = self.env.settings_file.clone();
        let not_saved = |why: String| {
            format!("Could not save {}: {why}. The file was not changed", file.display())
        };
        // The writers' lock from the check to the write (as `set` holds it): a change made
        // by another writer meanwhile is either seen here or made after this save.
        let mut locked = match SettingsFile::open(&file) {
            Ok(locked) => locked,
            Err(e) => {
                self.error(not_saved(e.problems.join("; ")));
                return true;
            }
        };
        if !overwrite && apply::settings_changed_since(locked.target(), &self.disk) {
            drop(locked);
            let kind = ConfirmKind::ChangedOnDisk { commit, quit_after };
            self.screen = Screen::Confirm(Confirm::new(kind, 2));
            return true;
        }
        if let Err(e) = locked.save(&self.settings) {
            self.error(not_saved(e.to_string()));
            return true;
        }
        self.disk = Fingerprint::of_file(locked.target()).unwrap_or(Fingerprint { content: None });
        // Lock order: the apply lock first, the settings lock second; an apply started
        // below takes both, so this one goes now.
        drop(locked);
        // Saved: an earlier session's draft has served its purpose.
        super::draft::remove(&file);
        self.draft = None;
        self.saved = self.settings.clone();
        self.editors.sync(&self.saved);
        self.enter_field();
        self.info(format!("Saved {}. `ftpconf apply` puts it into service", self.env.file_label));
        match commit {
            Commit::Save if quit_after => self.quit = true,
            Commit::Save => {}
            Commit::SaveAndApply => self.start_apply(ApplyMode::Plain, quit_after),
            Commit::SaveAndConfirm => self.start_apply(ApplyMode::Confirm, quit_after),
        }
        true
    }

    /// The settings file and its fingerprint as they are on disk now.
    fn read_disk(&self) -> Result<(crate::settings::Settings, apply::Fingerprint), String> {
        let file = &self.env.settings_file;
        apply::read_with_fingerprint(file).map_err(|e| e.to_string()).and_then(|(text, disk)| {
            match text {
                Some(text) => store::parse(&text, &file.display().to_string())
                    .map(|s| (s, disk))
                    .map_err(|e| e.problems.join("; ")),
                None => Ok((crate::settings::Settings::default(), disk)),
            }
        })
    }

    /// A revert put the settings file back to the settings that serve: they become the
    /// saved values, and what is on the form stays, now as unsaved edits (nothing typed
    /// is lost; saving and applying again is one key away).
    pub(super) fn rebase_on_disk(&mut self) {
        let Ok((settings, disk)) = self.read_disk() else { return };
        if disk == self.disk {
            return;
        }
        self.saved = settings;
        self.disk = disk;
        self.revalidate();
    }

    /// Reads the settings file again, dropping the edits (the "changed on disk" dialog).
    pub(super) fn reload_from_disk(&mut self) {
        let read = self.read_disk();
        match read {
            Ok((settings, disk)) => {
                self.leave_field();
                self.settings = settings.clone();
                self.saved = settings;
                self.disk = disk;
                self.editors.sync(&self.saved);
                self.revalidate();
                self.enter_field();
                self.info(format!("Reloaded {}; your edits were dropped", self.env.file_label));
            }
            Err(why) => self.error(format!("Cannot reload: {why}. Your edits are kept")),
        }
    }
}
