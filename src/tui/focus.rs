//! Which tabs and rows the form has right now, and which one has the focus.
//!
//! The focus order is computed from the visible fields on every move (as rat-focus does),
//! so fields that appear or disappear with a toggle (anonymous Path, the TLS options)
//! join or leave the Tab order by themselves. Focus is remembered per tab, by row
//! identity rather than by index, so it stays on the same field when rows above it come
//! and go.

use crate::settings::{Field, Section, Settings};

/// One focusable line of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    Field(Field),
    /// The read-only "TLS No Certificate Request: always in effect" line.
    NoCertRequest,
}

impl Row {
    pub fn field(self) -> Option<Field> {
        match self {
            Row::Field(f) => Some(f),
            Row::NoCertRequest => None,
        }
    }
}

/// The tabs shown: Basic mode shows only General, as on the TrueNAS screen.
pub fn tabs(advanced: bool) -> &'static [Section] {
    if advanced { &Section::ALL } else { &Section::ALL[..1] }
}

/// The rows of `section` that are visible with `settings`, in screen order.
pub fn rows(section: Section, settings: &Settings) -> Vec<Row> {
    let mut rows = Vec::new();
    for field in section.fields().filter(|f| f.is_visible(settings)) {
        rows.push(Row::Field(field));
        // TrueNAS lists No Certificate Request between these two options.
        if field == Field::TlsExportCertData {
            rows.push(Row::NoCertRequest);
        }
    }
    rows
}

/// The focused tab, the focused row of every tab, and the cell inside a permissions grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    tab: Section,
    rows: [Option<Row>; 5],
    /// (who, what) inside a permissions grid.
    pub cell: (usize, usize),
}

impl Default for Focus {
    fn default() -> Self {
        Focus { tab: Section::General, rows: [None; 5], cell: (0, 0) }
    }
}

fn index(section: Section) -> usize {
    Section::ALL.iter().position(|s| *s == section).unwrap_or(0)
}

impl Focus {
    pub fn tab(&self) -> Section {
        self.tab
    }

    /// The focused row of the current tab; the first row when the remembered one is hidden.
    pub fn row(&self, settings: &Settings) -> Row {
        let rows = rows(self.tab, settings);
        match self.rows[index(self.tab)] {
            Some(row) if rows.contains(&row) => row,
            _ => rows.first().copied().unwrap_or(Row::NoCertRequest),
        }
    }

    pub fn field(&self, settings: &Settings) -> Option<Field> {
        self.row(settings).field()
    }

    /// Moves to `step` rows further (negative: back), wrapping around inside the tab.
    pub fn step(&mut self, settings: &Settings, step: isize) {
        let rows = rows(self.tab, settings);
        if rows.is_empty() {
            return;
        }
        let here = rows.iter().position(|r| *r == self.row(settings)).unwrap_or(0);
        let next = (here as isize + step).rem_euclid(rows.len() as isize) as usize;
        self.rows[index(self.tab)] = Some(rows[next]);
        self.cell = (if step < 0 { 2 } else { 0 }, self.cell.1);
    }

    /// Moves to the next (or, with negative `step`, previous) tab among `tabs`.
    pub fn step_tab(&mut self, tabs: &[Section], step: isize) {
        let here = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
        let next = (here as isize + step).rem_euclid(tabs.len() as isize) as usize;
        self.tab = tabs[next];
    }

    /// Focuses `field` (switching to its tab).
    pub fn set_field(&mut self, field: Field) {
        self.tab = field.section();
        self.rows[index(self.tab)] = Some(Row::Field(field));
    }

    /// Keeps the tab valid after Basic mode hid it.
    pub fn clamp_tab(&mut self, tabs: &[Section]) {
        if !tabs.contains(&self.tab) {
            self.tab = tabs[0];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_fields_leave_the_order_and_focus_survives() {
        let mut s = Settings::default();
        let mut focus = Focus::default();
        focus.set_field(Field::LocalUserLogin);
        assert!(!rows(Section::Access, &s).contains(&Row::Field(Field::AnonymousPath)));
        s.anonymous_login = true;
        assert!(rows(Section::Access, &s).contains(&Row::Field(Field::AnonymousPath)));
        assert_eq!(focus.field(&s), Some(Field::LocalUserLogin));
        focus.step(&s, -1);
        assert_eq!(focus.field(&s), Some(Field::AnonymousPath));
        s.anonymous_login = false;
        assert_eq!(
            focus.field(&s),
            Some(Field::AlwaysChroot),
            "hidden row falls back to the first"
        );
    }

    #[test]
    fn tls_tab_shows_the_options_only_with_tls() {
        let mut s = Settings::default();
        assert_eq!(rows(Section::Tls, &s), vec![Row::Field(Field::TlsEnable)]);
        s.tls_enable = true;
        let rows = rows(Section::Tls, &s);
        assert_eq!(rows.len(), 15);
        assert_eq!(rows[9], Row::NoCertRequest);
    }

    #[test]
    fn focus_wraps_within_a_tab() {
        let s = Settings::default();
        let mut focus = Focus::default();
        focus.step(&s, -1);
        assert_eq!(focus.field(&s), Some(Field::Timeout));
        focus.step(&s, 1);
        assert_eq!(focus.field(&s), Some(Field::Port));
        focus.step_tab(tabs(true), -1);
        assert_eq!(focus.tab(), Section::Bandwidth);
    }
}
