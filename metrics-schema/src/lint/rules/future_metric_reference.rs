//! `future-metric-reference`: PromQL references a metric introduced after the version.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lifecycle::Version;
use crate::lint::{Check, Pass, Rule, RuleKind};
use crate::promql::Located;

pub(crate) static RULE: Rule = Rule {
    id: "future-metric-reference",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A PromQL expression references a metric whose `since` is later than the evaluated version.",
    explanation: "\
A metric introduced in a later release has no series yet at the evaluated version: an \
alert or panel on it stays silent or blank on servers that run the older release. Either \
the version is wrong, or the expression is meant for later releases only. Like \
`since-after-version`, the rule warns: a catalogue describes its whole history, and its \
rules serve its latest release. It runs only when the version is known.",
    bad: r#"[catalogue]
version = "0.10.0"

[[metric]]
name = "inter_token_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Time between two output tokens."
buckets = [0.01, 0.1, 1.0]
since = "0.11"

[[alert]]
name = "SlowDecoding"
expr = "histogram_quantile(0.9, sum by (le) (rate(inter_token_latency_seconds_bucket[5m]))) > 0.2"
summary = "Tokens come slowly."
"#,
    good: r#"[catalogue]
version = "0.11.0"

[[metric]]
name = "inter_token_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Time between two output tokens."
buckets = [0.01, 0.1, 1.0]
since = "0.11"

[[alert]]
name = "SlowDecoding"
expr = "histogram_quantile(0.9, sum by (le) (rate(inter_token_latency_seconds_bucket[5m]))) > 0.2"
summary = "Tokens come slowly."
"#,
    check: Check::Pass(Pass::References),
};

/// Reference `r` to a metric introduced in `since`, later than `at`.
pub(crate) fn diagnostic(r: &Located, since: &Version, at: &Version) -> Diagnostic {
    let name = &r.name;
    Diagnostic::new(
        &RULE,
        r.span,
        format!("`{name}` appears in {since}: at {at} no series has this name yet"),
    )
    .label(format!("introduced in {since}"))
    .help(format!(
        "the reference works from {since} on; check the version (`--version` or the catalogue's `version` pin)"
    ))
}
