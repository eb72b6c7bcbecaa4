//! `live-missing-notice`: a deprecated metric's HELP lacks the deprecation notice.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-missing-notice",
    severity: Severity::Warning,
    kind: RuleKind::Live,
    summary: "A deprecated metric is exposed without the deprecation notice in its HELP.",
    explanation: "\
The HELP of a deprecated (or re-enabled hidden) metric carries the notice `DEPRECATED since \
X.Y.Z: use <replacement> instead.`, so that whoever reads a scrape or a metrics browser \
learns about the migration. A HELP without it means the program does not record through \
the generated code of this catalogue version.",
    bad: r#"[catalogue]
version = "0.10.0"

[[metric]]
name = "app_cache_usage_perc"
type = "gauge"
help = "Cache usage."
deprecated = "0.10.0"
allow = ["unit-suffix", "deprecated-without-replacement"]

# scrape:
# HELP app_cache_usage_perc Cache usage.
# TYPE app_cache_usage_perc gauge
app_cache_usage_perc 0.5
"#,
    good: r#"[catalogue]
version = "0.10.0"

[[metric]]
name = "app_cache_usage_perc"
type = "gauge"
help = "Cache usage."
deprecated = "0.10.0"
allow = ["unit-suffix", "deprecated-without-replacement"]

# scrape:
# HELP app_cache_usage_perc Cache usage. DEPRECATED since 0.10.0.
# TYPE app_cache_usage_perc gauge
app_cache_usage_perc 0.5
"#,
    check: Check::Live,
};
