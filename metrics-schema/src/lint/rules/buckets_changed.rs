//! `buckets-changed`: a histogram's bucket bounds changed since the previous release.
//!
//! A compatibility rule: it compares a catalogue with the previous release's and runs only
//! with a baseline.

use crate::catalogue::{Buckets, Metric};
use crate::compat::{Context, at_key, format_bounds};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "buckets-changed",
    severity: Severity::Warning,
    kind: RuleKind::Compatibility,
    summary: "A histogram's bucket bounds changed since the previous release.",
    explanation: "\
Changing bucket bounds breaks `histogram_quantile` over ranges that span the change and \
any query selecting a specific `le`. It is sometimes necessary, so it is only a warning. \
Compared with the previous release's catalogue (`--baseline`).",
    bad: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0]

# this release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0, 5.0]
"#,
    good: r#"# previous release
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0]

# this release: bounds unchanged
[[metric]]
name = "request_latency_seconds"
type = "histogram"
help = "Request latency."
stability = "stable"
buckets = [0.1, 0.5, 1.0]
"#,
    check: Check::Baseline(check),
};

fn check(cx: &mut Context<'_>, o: &Metric, n: Option<&Metric>) {
    let Some(n) = n else {
        return;
    };
    let (Some(before), Some(after)) = (&o.buckets, &n.buckets) else {
        return;
    };
    if before == after {
        return;
    }
    let show = |b: &Buckets| match b {
        Buckets::Runtime => "set at run time".to_owned(),
        Buckets::Bounds(bounds) => format!("[{}]", format_bounds(bounds)),
    };
    let detail = match (before, after) {
        (Buckets::Bounds(a), Buckets::Bounds(b)) => {
            let gone: Vec<f64> = a.iter().copied().filter(|x| !b.contains(x)).collect();
            let new: Vec<f64> = b.iter().copied().filter(|x| !a.contains(x)).collect();
            let mut parts = Vec::new();
            if !gone.is_empty() {
                parts.push(format!("bounds {} removed", format_bounds(&gone)));
            }
            if !new.is_empty() {
                parts.push(format!("bounds {} added", format_bounds(&new)));
            }
            parts.join(", ")
        }
        _ => format!("{} -> {}", show(before), show(after)),
    };
    let rule = &RULE;
    let d = Diagnostic::new(
        rule,
        at_key(n, "buckets"),
        format!(
            "the buckets of histogram `{}` changed: {detail}",
            n.full_name
        ),
    )
    .label(format!("was {}", show(before)))
    .help("`histogram_quantile` over a range that spans the change mixes both layouts; keep the bounds, or accept the change with `allow = [\"buckets-changed\"]`");
    cx.report(rule, o, n, d);
}
