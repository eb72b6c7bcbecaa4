//! Diagnostics: what a lint rule reports, where, and how to fix it.
//!
//! This module knows nothing of the lint layer: a diagnostic carries its rule's id and
//! severity (an [`Origin`]); `lint` turns its rules into origins.

use std::fmt;

use crate::source::{Position, Source, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The catalogue is invalid: the macro refuses it and `schema lint` exits 1.
    Error,
    /// A likely mistake: reported, but the catalogue is usable.
    Warning,
    /// Information only (`schema check-live`'s `live-absent`): never fails a command.
    Note,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location shown with a diagnostic ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Where.
    pub span: Span,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub column: usize,
    /// What it shows.
    pub message: String,
}

/// The rule a diagnostic comes from: its public id and default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The rule id, e.g. `unknown-key`.
    pub rule: &'static str,
    /// The rule's severity.
    pub severity: Severity,
}

/// One problem found in a catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id, e.g. `unknown-key` (the public ids of the format document).
    pub rule: &'static str,
    /// Error or warning; fixed by the rule.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file, as named when the catalogue was checked.
    pub file: String,
    /// The offending text.
    pub span: Span,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub column: usize,
    /// A short text shown under the caret, if any.
    pub label: Option<String>,
    /// Other related locations.
    pub notes: Vec<Note>,
    /// How to fix it.
    pub help: Option<String>,
    /// The full name of the metric concerned, if the problem belongs to one metric.
    pub metric: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at `span`. Positions are filled in by [`Diagnostic::locate`].
    pub(crate) fn new(rule: impl Into<Origin>, span: Span, message: impl Into<String>) -> Self {
        let Origin { rule, severity } = rule.into();
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            file: String::new(),
            span,
            line: 0,
            column: 0,
            label: None,
            notes: Vec::new(),
            help: None,
            metric: None,
        }
    }

    /// Sets the text under the caret.
    pub(crate) fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary location.
    pub(crate) fn note(mut self, span: Span, message: impl Into<String>) -> Self {
        self.notes.push(Note {
            span,
            line: 0,
            column: 0,
            message: message.into(),
        });
        self
    }

    /// Sets the fix.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help only when there is one.
    pub(crate) fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Names the metric concerned.
    pub(crate) fn metric(mut self, full_name: &str) -> Self {
        self.metric = Some(full_name.to_owned());
        self
    }

    /// Fills in the file name and the line/column of every span.
    pub(crate) fn locate(&mut self, source: &Source) {
        self.file = source.name().to_owned();
        let Position { line, column } = source.position(self.span.start);
        self.line = line;
        self.column = column;
        for note in &mut self.notes {
            let Position { line, column } = source.position(note.span.start);
            note.line = line;
            note.column = column;
        }
    }

    /// `file:line:col`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:col: error[rule]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            self.location(),
            self.severity,
            self.rule,
            self.message
        )
    }
}
