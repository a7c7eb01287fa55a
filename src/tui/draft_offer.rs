//! The editor's side of a draft: offering it at start, and each answer to the offer.

use super::app::{App, Confirm, ConfirmKind, Screen};
use super::draft;
use super::keys::Answer;
use crate::settings::Dialect;

impl App {
    /// At start: a draft beside the settings file is offered (restore, show, discard, later).
    pub fn offer_draft(&mut self) {
        match draft::read(&self.env.settings_file) {
            None => {}
            Some(Err(why)) => self.error(format!("Draft not usable: {why}")),
            Some(Ok(found)) => {
                let since = match found.file_changed {
                    true => "the settings file has changed since",
                    false => "the settings file is unchanged since",
                };
                let n = found.fields.len();
                let s = if n == 1 { "" } else { "s" };
                self.info(format!(
                    "Draft of {n} unsaved change{s}, written {}; {since}",
                    found.written
                ));
                self.draft = Some(found);
                self.screen = Screen::Confirm(Confirm::new(ConfirmKind::Draft, 0));
            }
        }
    }

    pub(super) fn answer_draft(&mut self, answer: Answer) {
        let Some(found) = self.draft.clone() else { return };
        let file = self.env.settings_file.clone();
        match answer {
            Answer::Restore => {
                let refused: Vec<String> = found
                    .fields
                    .iter()
                    .filter_map(|(field, text)| {
                        let set = field.set_text(&mut self.settings, text, Dialect::Ftpconf);
                        set.err().map(|e| format!("{}: {e}", field.label()))
                    })
                    .collect();
                self.editors.sync(&self.settings);
                self.revalidate();
                self.enter_field();
                match refused.is_empty() {
                    true => {
                        self.info("Draft restored: save to keep it (until then it stays a draft)")
                    }
                    false => self.error(format!("Draft restored except {}", refused.join("; "))),
                }
            }
            Answer::Show => {
                let shown: Vec<String> = found
                    .fields
                    .iter()
                    .map(|(field, text)| {
                        format!("{}: {}", field.label(), crate::visible::line(text))
                    })
                    .collect();
                self.info(format!("Draft: {}", shown.join("; ")));
                self.screen = Screen::Confirm(Confirm::new(ConfirmKind::Draft, 0));
            }
            Answer::Discard => {
                draft::remove(&file);
                self.draft = None;
                self.info("Draft discarded");
            }
            _ => self.info(format!("The draft stays in {}", draft::path(&file).display())),
        }
    }
}
