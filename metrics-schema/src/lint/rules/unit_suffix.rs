//! `unit-suffix`: a percentage unit (`_perc`, `_percent`, ...) in a name.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "unit-suffix",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A name ends in a percentage unit (`_perc`, `_percent`, `_percentage`, `_pct`).",
    explanation: "\
Prometheus has no percent unit: fractions are exposed as ratios from 0 to 1 with the suffix \
`_ratio`, so that they combine with other ratios without a factor of 100. A `_perc` or \
`_percent` suffix leaves readers guessing whether 1 means 1% or 100%.",
    bad: r#"[[metric]]
name = "cache_usage_perc"
type = "gauge"
help = "Cache usage; 1 means 100 percent."
"#,
    good: r#"[[metric]]
name = "cache_usage_ratio"
type = "gauge"
help = "Cache usage; 1 means 100 percent."
"#,
    check: Check::Model(check),
};

const SUFFIXES: [&str; 4] = ["_perc", "_percent", "_percentage", "_pct"];

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let Some(suffix) = SUFFIXES.iter().find(|s| m.name.ends_with(*s)) else {
            continue;
        };
        if let Some(key) = m.keys.key("name") {
            let base = &m.name[..m.name.len() - suffix.len()];
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` ends in the percentage unit `{suffix}`", m.name),
            )
            .label("not a base unit")
            .help(format!("expose a ratio from 0 to 1 named `{base}_ratio`"));
            cx.report_metric(m, d);
        }
    }
}
