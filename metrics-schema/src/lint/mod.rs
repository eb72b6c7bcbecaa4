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
use crate::diagnostic::{Diagnostic, Origin, Severity};
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

impl From<&'static Rule> for Origin {
    fn from(rule: &'static Rule) -> Origin {
        Origin {
            rule: rule.id,
            severity: rule.severity,
        }
    }
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
    /// Found by a pass that reports several rules at once; it runs once per lint, however
    /// many of its rules there are.
    Pass(Pass),
    /// Against a baseline catalogue: called for each metric of the baseline with the
    /// metric of the same full name in the new catalogue (`None` when it was deleted).
    Baseline(fn(&mut crate::compat::Context<'_>, &Metric, Option<&Metric>)),
    /// Against a scrape: the one pass of [`crate::live`] reports every live rule.
    Live,
}

/// A check that finds the problems of several rules in one go (clippy's one pass, many
/// lints): each rule names its pass in [`Check::Pass`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    /// The PromQL expressions of the catalogue's `[[alert]]` and `[[record]]` rules,
    /// parsed and their references resolved once: `invalid-promql` and the four
    /// `*-metric-reference` rules.
    References,
}

#[cfg(test)]
thread_local! {
    /// How many passes ran on this thread, for the test that each runs once per lint.
    static PASSES_RUN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Pass {
    fn run(self, cx: &mut Context<'_>) {
        #[cfg(test)]
        PASSES_RUN.with(|n| n.set(n.get() + 1));
        match self {
            Pass::References => crate::refs::report_catalogue(cx),
        }
    }
}

impl Rule {
    /// True for rules that only run with a baseline catalogue.
    pub fn needs_baseline(&self) -> bool {
        matches!(self.check, Check::Baseline(_))
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
    let mut passes_run: Vec<Pass> = Vec::new();
    for rule in rules::ALL {
        match rule.check {
            Check::Model(check) => check(&mut cx),
            Check::Pass(pass) if !passes_run.contains(&pass) => {
                passes_run.push(pass);
                pass.run(&mut cx);
            }
            Check::Pass(_) | Check::Reader | Check::Baseline(_) | Check::Live => {}
        }
    }
    cx.diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_pass_runs_once_and_reports_all_its_rules() {
        let toml = r#"
[catalogue]
namespace = "app"
version = "0.12.0"

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
deprecated = "0.12"
replaced_by = "waiting_requests"

[[metric]]
name = "waiting_requests"
type = "gauge"
help = "Requests waiting."

[[alert]]
name = "Backlog"
expr = "app_queue_depth > 10 or app_no_such_metric > 1"
summary = "Requests pile up."

[[record]]
name = "app:backlog:max"
expr = "max(app_waiting_requests"
"#;
        let reference_rules: Vec<&str> = rules::ALL
            .iter()
            .filter(|r| matches!(r.check, Check::Pass(Pass::References)))
            .map(|r| r.id)
            .collect();
        assert_eq!(
            reference_rules,
            [
                "invalid-promql",
                "unknown-metric-reference",
                "removed-metric-reference",
                "deprecated-metric-reference",
                "future-metric-reference"
            ]
        );
        PASSES_RUN.with(|n| n.set(0));
        let checked = crate::check(toml, "metrics.toml", &Options::default());
        assert_eq!(PASSES_RUN.with(std::cell::Cell::get), 1);
        let found: Vec<&str> = checked.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(
            found,
            [
                "deprecated-metric-reference",
                "unknown-metric-reference",
                "invalid-promql"
            ],
            "{}",
            checked.render_plain()
        );
    }

    #[test]
    fn diagnostics_do_not_depend_on_the_lint_layer() {
        let source = include_str!("../diagnostic.rs");
        assert!(
            !source.contains("crate::lint"),
            "diagnostic.rs names the lint layer"
        );
        assert!(
            !source.contains("super::lint"),
            "diagnostic.rs names the lint layer"
        );
    }
}
