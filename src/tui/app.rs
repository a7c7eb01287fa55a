//! The editor's state and how actions change it. Nothing here draws or reads the
//! terminal: events come in through [`App::handle_event`], the screen is drawn from
//! [`super::view`], so tests drive the whole editor with synthetic key events.

use std::path::{Path, PathBuf};

use crossterm::event::Event;

use super::apply::{ApplyOptions, ApplyScreen, Job};
use super::certs::CertManager;
use super::check_job::CheckJob;
use super::check_page::CheckScreen;
pub use super::dialog::{Confirm, ConfirmKind};
use super::dropdown::Dropdown;
use super::editors::Editors;
use super::effect::Effect;
use super::focus::{self, Focus};
use super::help::HelpPage;
use super::keys::{self, Action, Context, Typing};
use super::log_page::LogScreen;
use super::page::{Around, Shown};
use super::review::Review;
use super::service::ServiceScreen;
use super::service_run::ServiceJob;
use super::theme::Theme;
use super::unconfirmed::Unconfirmed;
use crate::paths::Paths;
use crate::proftpd::apply::Fingerprint;
use crate::proftpd::certs::NewCert;
use crate::proftpd::{self, Facts, System, validate};
use crate::settings::{Field, Kind, Problem, Report, Section, Settings, Severity};

/// Where the editor works and what it shows about the machine. Tests replace the
/// machine-specific texts (host, service state, file name) to keep snapshots stable.
#[derive(Debug, Clone)]
pub struct Environment {
    pub paths: Paths,
    pub settings_file: PathBuf,
    pub system: System,
    /// The same checks for every keystroke: no DNS, groups and certificates remembered.
    /// Renewed whenever the disk may have changed (save, apply, the certificate manager).
    pub quick: System,
    pub host: String,
    pub service: String,
    pub file_label: String,
    /// How "Save and apply" applies; `None`: the review offers saving only.
    pub apply: Option<ApplyOptions>,
    /// What "create a certificate" proposes (this host's names, EC, 397 days).
    pub new_cert: NewCert,
    /// Names in the certificate directory, read at start and when the manager closes
    /// (the view never touches the disk).
    pub certificates: Vec<String>,
}

impl Environment {
    /// The real machine: host name, proftpd's state, the settings file's path.
    pub fn new(paths: &Paths, settings_file: &Path) -> Environment {
        Environment {
            paths: paths.clone(),
            settings_file: settings_file.to_owned(),
            system: System::new(paths.clone()),
            quick: System::new(paths.clone()).quick(),
            host: proftpd::render::hostname(),
            service: super::service_run::title(&proftpd::service::brief(paths)),
            file_label: settings_file.display().to_string(),
            apply: None,
            new_cert: NewCert::for_this_host(),
            certificates: proftpd::certs::names(paths).unwrap_or_default(),
        }
    }

    /// Looks at the certificate directory again (after the manager may have changed it).
    pub fn refresh_certificates(&mut self) {
        self.certificates = proftpd::certs::names(&self.paths).unwrap_or_default();
        self.quick = self.system.quick();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
}

/// A line for the status bar, until the next action replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

/// The screens: the form (whose state is the app's own), and every other screen, each
/// with its own state that handles its keys and draws itself ([`Shown`]). Adding a
/// screen is one line here.
macro_rules! screens {
    ($($(#[$doc:meta])* $name:ident($state:ty),)*) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[allow(clippy::large_enum_variant)] // one screen at a time; no need to box
        pub enum Screen {
            Form,
            /// Typing inside a multi-line editor.
            Editing(Field),
            $($(#[$doc])* $name($state),)*
        }

        impl Screen {
            /// The screen's own state, unless the form has the keyboard.
            pub fn page(&self) -> Option<&dyn Shown> {
                match self {
                    Screen::Form | Screen::Editing(_) => None,
                    $(Screen::$name(state) => Some(state),)*
                }
            }

            pub fn page_mut(&mut self) -> Option<&mut dyn Shown> {
                match self {
                    Screen::Form | Screen::Editing(_) => None,
                    $(Screen::$name(state) => Some(state),)*
                }
            }
        }
    };
}

screens! {
    /// A list field's choices, over the form.
    Dropdown(Dropdown),
    /// What a save changes, before saving.
    Review(Review),
    /// The key help page.
    Help(HelpPage),
    /// A question over the form.
    Confirm(Confirm),
    /// Applying (steps, outcome, "Keep these settings?").
    Apply(ApplyScreen),
    /// Manage certificates (from the TLS tab).
    Certs(CertManager),
    /// proftpd's log, explained.
    Log(LogScreen),
    /// The doctor's check, as a user or as configured.
    Check(CheckScreen),
    /// The FTP service: state, sessions, start/stop, kick.
    Service(ServiceScreen),
}

/// Slow work (DNS) done after the screen has said what is going on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferred {
    CheckMasquerade,
    Save {
        quit_after: bool,
    },
    /// Generate the key and certificate the manager's form describes (RSA takes seconds).
    CreateCertificate,
}

pub struct App {
    pub env: Environment,
    pub settings: Settings,
    /// The settings as last loaded or saved.
    pub saved: Settings,
    pub editors: Editors,
    pub report: Report,
    /// The masquerade address last checked with DNS, and what that check found.
    pub(super) dns_checked: Option<(String, Vec<Problem>)>,
    pub advanced: bool,
    pub focus: Focus,
    pub screen: Screen,
    pub message: Option<Message>,
    /// First form line shown (kept by the view so the focused row stays visible).
    pub scroll: u16,
    pub theme: Theme,
    pub quit: bool,
    /// The whole screen must be repainted (Ctrl-L).
    pub repaint: bool,
    pub(super) deferred: Option<Deferred>,
    /// The settings file as last loaded or saved here, to notice changes behind our back.
    pub disk: Fingerprint,
    /// A running apply or revert.
    pub(super) job: Option<Job>,
    /// A running check (the Check screen shows it).
    pub(super) check: Option<CheckJob>,
    /// A running service action (Service screen).
    pub(super) service_job: Option<ServiceJob>,
    /// An apply waiting for "keep" (timed confirmation).
    pub(super) pending: Unconfirmed,
    /// Unsaved edits of an earlier session, offered at start.
    pub draft: Option<super::draft::Draft>,
    /// Show step durations (tests turn them off for stable snapshots).
    pub show_timings: bool,
}

impl App {
    pub fn new(env: Environment, settings: Settings, theme: Theme) -> App {
        // Callers that read the file themselves set `disk` from that same read.
        let disk =
            Fingerprint::of_file(&env.settings_file).unwrap_or(Fingerprint { content: None });
        let mut app = App {
            editors: Editors::new(&settings),
            saved: settings.clone(),
            settings,
            env,
            report: Report::default(),
            dns_checked: None,
            advanced: false,
            focus: Focus::default(),
            screen: Screen::Form,
            message: None,
            scroll: 0,
            theme,
            quit: false,
            repaint: false,
            deferred: None,
            disk,
            job: None,
            check: None,
            service_job: None,
            pending: Unconfirmed::default(),
            show_timings: true,
            draft: None,
        };
        app.revalidate();
        app.enter_field();
        // Open on everything when the saved settings already use more than the basics.
        app.advanced = Section::ALL[1..]
            .iter()
            .any(|s| s.fields().any(|f| f.get(&app.settings) != f.get(&Settings::default())))
            || app.report.errors().any(|p| p.field.section() != Section::General);
        app
    }

    /// Handles one terminal event; returns whether the screen must be redrawn.
    pub fn handle_event(&mut self, event: &Event) -> bool {
        match event {
            Event::Key(key) => {
                let changed = keys::map(*key, self.context()).is_some_and(|a| self.update(a));
                // The title's service state is read after input, never on a timer.
                self.refresh_title() || changed
            }
            Event::Paste(text) => self.paste(text),
            Event::Resize(..) => true,
            _ => false,
        }
    }

    /// What has the keyboard.
    pub fn context(&self) -> Context {
        match &self.screen {
            Screen::Form => Context::Form(self.typing()),
            Screen::Editing(_) => Context::MultiLine,
            screen => screen.page().map_or(Context::Help, |page| page.context()),
        }
    }

    /// What a screen may read while it handles a key or shows its hints.
    pub fn around(&self) -> Around<'_> {
        Around { env: &self.env, edited: &self.settings, saved: &self.saved, theme: &self.theme }
    }

    /// Applies an action; returns whether anything visible changed.
    pub fn update(&mut self, action: Action) -> bool {
        if action == Action::Redraw {
            self.repaint = true;
            return true;
        }
        let before = self.settings.clone();
        let old_message = self.message.clone();
        let effect = match &mut self.screen {
            Screen::Form => self.form_action(action),
            Screen::Editing(field) => {
                let field = *field;
                self.editing_action(field, action)
            }
            screen => {
                let around = Around {
                    env: &self.env,
                    edited: &self.settings,
                    saved: &self.saved,
                    theme: &self.theme,
                };
                screen.page_mut().map_or(Effect::None, |page| page.update(action, &around))
            }
        };
        let redraw = self.apply(effect);
        // A message is about the state it was given in; the next edit makes it stale.
        if self.settings != before && self.message == old_message {
            self.message = None;
        }
        redraw
    }

    /// What the focused field takes from the keyboard.
    pub fn typing(&self) -> Typing {
        match self.focused_field().map(|f| (f, f.kind())) {
            Some((_, Kind::Number { .. } | Kind::PassivePort)) => Typing::Digits,
            Some((_, Kind::Rate)) => Typing::Rate,
            Some((f, _)) if super::editors::is_typed(f) => Typing::Text,
            _ => Typing::No,
        }
    }

    pub fn tabs(&self) -> &'static [Section] {
        focus::tabs(self.advanced)
    }

    pub fn focused_field(&self) -> Option<Field> {
        self.focus.field(&self.settings)
    }

    /// Unsaved changes, including text that does not parse yet.
    pub fn is_dirty(&self) -> bool {
        self.settings != self.saved || self.editors.parse_errors().next().is_some()
    }

    /// What is wrong with `field`, errors first: text that does not parse, else validation.
    pub fn problems(&self, field: Field) -> Vec<(Severity, String)> {
        if let Some(error) = self.editors.parse_error(field) {
            return vec![(Severity::Error, error.to_owned())];
        }
        self.report.for_field(field).map(|p| (p.severity, p.message.clone())).collect()
    }

    /// Fields with errors, in screen order.
    pub fn error_fields(&self) -> Vec<Field> {
        let failing = |f: &Field| {
            self.editors.parse_error(*f).is_some() || self.report.errors().any(|p| p.field == *f)
        };
        Field::ALL.iter().copied().filter(failing).collect()
    }

    pub fn error_count(&self, section: Section) -> usize {
        let fields = self.error_fields();
        fields
            .iter()
            .map(|f| {
                let n = if self.editors.parse_error(*f).is_some() {
                    1
                } else {
                    self.report.errors().filter(|p| p.field == *f).count()
                };
                if f.section() == section { n } else { 0 }
            })
            .sum()
    }

    /// Validates without DNS (every keystroke); keeps the last DNS verdict on the
    /// masquerade address while the address is unchanged.
    pub fn revalidate(&mut self) {
        self.report = validate(&self.settings, &self.env.quick);
        if let Some((address, problems)) = &self.dns_checked
            && *address == self.settings.masquerade_address
        {
            self.report.problems.retain(|p| p.field != Field::MasqueradeAddress);
            self.report.problems.extend(problems.iter().cloned());
        }
    }

    /// Validates with DNS (leaving the masquerade field, before saving).
    pub fn validate_fully(&mut self) {
        self.env.quick = self.env.system.quick();
        self.report = validate(&self.settings, &self.env.system);
        let problems =
            self.report.for_field(Field::MasqueradeAddress).cloned().collect::<Vec<Problem>>();
        self.dns_checked = Some((self.settings.masquerade_address.clone(), problems));
    }

    /// Whether checking the masquerade address needs a (slow) DNS look-up.
    pub fn masquerade_needs_dns(&self) -> bool {
        let address = self.settings.masquerade_address.trim();
        !address.is_empty()
            && address.parse::<std::net::IpAddr>().is_err()
            && crate::settings::is_host_name(address)
    }

    /// Slow work queued for after the next draw.
    pub fn take_deferred(&mut self) -> Option<Deferred> {
        self.deferred.take()
    }

    pub fn run_deferred(&mut self, work: Deferred) {
        match work {
            Deferred::CheckMasquerade => {
                self.validate_fully();
                self.message = None;
            }
            Deferred::Save { quit_after } => self.review_or_refuse(quit_after),
            Deferred::CreateCertificate => self.create_certificate(),
        }
    }

    /// Facts for rendering proftpd.conf, with the host name shown in the title.
    pub fn facts(&self, settings: &Settings) -> Facts {
        Facts { hostname: self.env.host.clone(), ..Facts::gather(settings, &self.env.system) }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message { kind: MessageKind::Info, text: text.into() });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message { kind: MessageKind::Error, text: text.into() });
    }
}
