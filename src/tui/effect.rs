//! What a screen asks for after a key. Screens change only their own state and return
//! one of these; [`App::apply`] carries it out, the one place where screens open and
//! close and where the settings change on a screen's behalf (serie's `AppEvent`, gitui's
//! queue). A forgotten case cannot silently close a dialog: staying is the default.

use super::app::{App, Deferred, MessageKind, Screen};
use super::dialog::ConfirmKind;
use super::keys::Answer;
use super::review::Commit;
use super::service::Work;
use crate::settings::{Field, Settings, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Nothing visible changed.
    None,
    /// The screen's own state changed: draw it again.
    Redraw,
    /// Back to the form.
    Close,
    Open(Box<Screen>),
    /// Set a field (then check everything again).
    Set(Field, Value),
    /// Check everything, then review (and quit after saving, when asked).
    RequestSave {
        quit_after: bool,
    },
    Commit {
        commit: Commit,
        quit_after: bool,
    },
    /// A dialog's answer.
    Answer(ConfirmKind, Answer),
    /// The Apply page: keep the applied configuration, or put the previous one back.
    KeepPending,
    RevertPending,
    /// Esc/Ctrl-C while the apply runs: stop it if nothing has been installed yet.
    CancelApply,
    /// "Replace the hand-written proftpd.conf?" answered yes: the same apply again, with
    /// `replace_foreign` (a copy of the file is kept).
    ReplaceForeign,
    OpenCertificates,
    /// Run the doctor's check on the open Check screen, as the user its fields name (no
    /// name: as configured).
    StartCheck,
    /// Leave the certificate manager for the TLS tab (the store may have changed).
    CloseCertificates,
    /// Slow work, done after the next draw has said what it is waiting for.
    Defer(Deferred),
    Message(MessageKind, String),
    /// Start, stop... or kick, on a worker (the Service screen, after its question).
    ServiceWork(Work),
    Quit,
    /// Several, in order.
    All(Vec<Effect>),
}

impl Effect {
    pub fn open(screen: Screen) -> Effect {
        Effect::Open(Box::new(screen))
    }

    pub fn info(text: impl Into<String>) -> Effect {
        Effect::Message(MessageKind::Info, text.into())
    }

    pub fn error(text: impl Into<String>) -> Effect {
        Effect::Message(MessageKind::Error, text.into())
    }

    /// `Redraw` when `changed`, else `None`.
    pub fn redraw_if(changed: bool) -> Effect {
        if changed { Effect::Redraw } else { Effect::None }
    }
}

impl App {
    /// Carries out what a screen asked for; returns whether the screen must be redrawn.
    pub fn apply(&mut self, effect: Effect) -> bool {
        match effect {
            Effect::None => return false,
            Effect::Redraw => {}
            Effect::Close => self.screen = Screen::Form,
            Effect::Open(screen) => self.screen = *screen,
            Effect::Set(field, value) => {
                let _ = field.set(&mut self.settings, value);
                self.revalidate();
            }
            Effect::RequestSave { quit_after } => self.request_save(quit_after),
            Effect::Commit { commit, quit_after } => {
                self.screen = Screen::Form;
                self.commit(commit, quit_after, false);
            }
            Effect::Answer(kind, answer) => {
                self.screen = Screen::Form;
                self.answer(kind, answer);
            }
            Effect::KeepPending => return self.keep_pending(),
            Effect::RevertPending => return self.revert_pending(),
            Effect::CancelApply => self.cancel_apply(),
            Effect::ReplaceForeign => self.replace_foreign(),
            Effect::OpenCertificates => self.open_certificates(),
            Effect::StartCheck => self.start_check(),
            Effect::CloseCertificates => self.close_certificates(),
            Effect::Defer(work) => self.deferred = Some(work),
            Effect::Message(MessageKind::Info, text) => self.info(text),
            Effect::Message(MessageKind::Error, text) => self.error(text),
            Effect::ServiceWork(work) => self.start_service_work(work),
            Effect::Quit => self.quit = true,
            Effect::All(effects) => {
                let mut redraw = false;
                for effect in effects {
                    redraw |= self.apply(effect);
                }
                return redraw;
            }
        }
        true
    }

    fn answer(&mut self, kind: ConfirmKind, answer: Answer) {
        match (kind, answer) {
            (ConfirmKind::Quit, Answer::Save) => self.request_save(true),
            (ConfirmKind::Quit, Answer::Discard) => self.quit = true,
            (ConfirmKind::ChangedOnDisk { commit, quit_after }, Answer::Overwrite) => {
                self.commit(commit, quit_after, true);
            }
            (ConfirmKind::ChangedOnDisk { .. }, Answer::Reload) => self.reload_from_disk(),
            (ConfirmKind::ResetDefaults, Answer::ResetAll) => {
                self.settings = Settings::default();
                self.editors.sync(&self.settings);
                self.revalidate();
                self.info("Every setting is back to its default; save to keep it");
            }
            (ConfirmKind::Draft, answer) => self.answer_draft(answer),
            _ => {}
        }
    }
}
