//! `unknown-metric-reference`: PromQL references a name no metric of the catalogue exposes.

use crate::catalogue::Metric;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Version;
use crate::lint::{Check, Pass, Rule, RuleKind};
use crate::promql::Located;

pub(crate) static RULE: Rule = Rule {
    id: "unknown-metric-reference",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A PromQL expression references a name in the catalogue's namespace that no metric or recording rule produces.",
    explanation: "\
An alert or a dashboard panel on a name that no program exposes stays silent or blank \
forever. Every metric name a rule's `expr` references is looked up among the exposed \
sample names of the catalogue's metrics — a counter's samples end in `_total`, a \
histogram's in `_bucket`, `_sum` and `_count` — and among the series its recording rules \
record. A family name is no series name: counter `requests` is queried as \
`requests_total`. Names outside the catalogue's namespace (or, without a namespace, the \
series Prometheus writes itself, such as `up`) belong to other programs and are not \
checked. `schema check-refs` applies the rule to rule files and dashboards.",
    bad: r#"[catalogue]
namespace = "app"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

[[alert]]
name = "NoTraffic"
expr = "sum(rate(app_requests[5m])) == 0"
for = "10m"
summary = "The app serves no requests."
"#,
    good: r#"[catalogue]
namespace = "app"

[[metric]]
name = "requests"
type = "counter"
help = "Requests served."

[[alert]]
name = "NoTraffic"
expr = "sum(rate(app_requests_total[5m])) == 0"
for = "10m"
summary = "The app serves no requests."
"#,
    check: Check::Pass(Pass::References),
};

/// Reference `r` to a name no metric or recording rule produces; `help` suggests one.
pub(crate) fn unknown(r: &Located, help: String) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        r.span,
        format!(
            "`{}` is not a metric of the catalogue, nor a recorded series",
            r.name
        ),
    )
    .label("unknown metric")
    .help(help)
}

/// Reference `r` to the family name of `m`, which no series has. The hint names the
/// samples of `proposed`, what stands in for `m` at `at` (`m` itself, or the replacement of
/// a replaced metric); `None` when `m` is hidden or removed at `at` without a replacement.
pub(crate) fn family(
    r: &Located,
    m: &Metric,
    proposed: Option<&Metric>,
    at: Option<&Version>,
) -> Diagnostic {
    let help = match proposed {
        Some(to) => {
            let samples = to.exposed_names().samples;
            let list = samples.join("`, `");
            let write = if samples.len() == 1 {
                format!("write `{list}`")
            } else {
                format!("write one of `{list}`")
            };
            if to.name == m.name {
                write
            } else {
                format!("{write}: `{}` replaces `{}`", to.full_name, m.full_name)
            }
        }
        None => format!(
            "`{}` is {}: remove the reference",
            m.full_name,
            at.map_or_else(
                || "retired".to_owned(),
                |at| format!("{} at {at}", m.status_at(at))
            )
        ),
    };
    Diagnostic::new(
        &RULE,
        r.span,
        format!(
            "`{}` is the family name of {} `{}`: no series has this name",
            r.name, m.kind, m.full_name
        ),
    )
    .label("not a series name")
    .help(help)
    .metric(&m.full_name)
}
