//! Lint rules: the registry (id, severity, summary, explanation with a bad and a good
//! example) and the checks over the catalogue model.
//!
//! Every rule lives in one file under `lint/rules/`. Most rules check the model after it is
//! read; three (`parse`, `unknown-key` for keys, `invalid-version`) are found while reading
//! the TOML and build their diagnostics with their rule's constructor. The compatibility
//! rules compare two catalogues and run only with a baseline.
//! The live rules (`live-*`) compare a scrape with the catalogue and run only in
//! [`crate::live`] (`schema check-live`).

pub(crate) mod rules;

use crate::Options;
use crate::catalogue::{Catalogue, Metric};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Version;

/// A lint rule.
#[derive(Debug)]
pub struct Rule {
    /// The public id, e.g. `unknown-key`. Ids never change once shipped: users write them
    /// in `allow` lists.
    pub id: &'static str,
    /// Its severity. For compatibility rules, the severity for stable and beta metrics
    /// (alpha metrics get warnings).
    pub severity: Severity,
    /// Catalogue rule or compatibility rule.
    pub kind: RuleKind,
    /// What it finds, in one line.
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub explanation: &'static str,
    /// A catalogue (or for compatibility rules, a change) that triggers the rule.
    pub bad: &'static str,
    /// The same, fixed.
    pub good: &'static str,
    pub(crate) check: Check,
}

/// Which catalogues a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// Checks one catalogue.
    Catalogue,
    /// Compares a catalogue with the previous release's (`--baseline`).
    Compatibility,
    /// Compares a scrape of a running program with the catalogue (`schema check-live`).
    Live,
}

/// Where a rule's check runs.
#[derive(Debug)]
pub(crate) enum Check {
    /// While reading the TOML (the reader builds the diagnostics).
    Reader,
    /// Over the model.
    Model(fn(&mut Context<'_>)),
    /// Against a baseline catalogue.
    Baseline,
    /// Against a scrape, in [`crate::live`].
    Live,
}

impl Rule {
    /// True for rules that only run with a baseline catalogue.
    pub fn needs_baseline(&self) -> bool {
        matches!(self.check, Check::Baseline)
    }

    /// True for rules that only run against a scrape (`schema check-live`).
    pub fn needs_scrape(&self) -> bool {
        matches!(self.check, Check::Live)
    }
}

/// Every rule: errors, then warnings, then compatibility rules, each in the order of the
/// format documentation.
pub fn rules() -> &'static [&'static Rule] {
    rules::ALL
}

/// The rule with id `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules::ALL.iter().copied().find(|r| r.id == id)
}

/// The rule ids closest to `id`, best first, for "did you mean" hints.
pub fn suggest_rule(id: &str) -> Option<&'static str> {
    crate::suggest::closest(id, rules::ALL.iter().map(|r| r.id))
}

/// What a model check sees, and where it reports.
pub(crate) struct Context<'a> {
    /// The catalogue as read (possibly incomplete when the reader found errors).
    pub cat: &'a Catalogue,
    /// The version the catalogue is evaluated at, if known.
    pub version: Option<&'a Version>,
    /// Options of this run.
    pub options: &'a Options,
    diagnostics: Vec<Diagnostic>,
    /// Metric names of the catalogue, for the rules about PromQL references (built once).
    resolver: std::cell::OnceCell<crate::refs::Resolver<'a>>,
}

impl<'a> Context<'a> {
    /// Reports a diagnostic about the catalogue as a whole. Warnings are dropped when the
    /// catalogue allows the rule.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        if diagnostic.severity == Severity::Warning && self.cat.allows(diagnostic.rule) {
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    /// Reports a diagnostic about `metric`. Warnings are dropped when the metric or the
    /// catalogue allows the rule.
    pub fn report_metric(&mut self, metric: &Metric, diagnostic: Diagnostic) {
        if diagnostic.severity == Severity::Warning && metric.allows(diagnostic.rule) {
            return;
        }
        self.report(diagnostic.metric(&metric.full_name));
    }

    /// The resolver of metric names of the catalogue.
    pub fn resolver(&self) -> &crate::refs::Resolver<'a> {
        self.resolver
            .get_or_init(|| crate::refs::Resolver::new(self.cat))
    }

    /// The complete metrics (those with every required key).
    pub fn metrics(&self) -> impl Iterator<Item = &'a Metric> + use<'a> {
        self.cat.complete_metrics()
    }
}

/// Runs every model rule over `cat`.
pub(crate) fn run(
    cat: &Catalogue,
    version: Option<&Version>,
    options: &Options,
) -> Vec<Diagnostic> {
    let mut cx = Context {
        cat,
        version,
        options,
        diagnostics: Vec::new(),
        resolver: std::cell::OnceCell::new(),
    };
    for rule in rules::ALL {
        if let Check::Model(check) = rule.check {
            check(&mut cx);
        }
    }
    cx.diagnostics
}
