//! `live-removed-exposed`: a metric removed at the version is still exposed.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-removed-exposed",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A metric removed at the version is still exposed.",
    explanation: "\
A removed metric is gone from generated code at its removal release; a program that still \
exposes it does not follow the catalogue (hand-written metrics, or an older build). Users \
were told to migrate: the diagnostic names the replacement.",
    bad: r#"[catalogue]
version = "0.12.0"

[[metric]]
name = "app_cache_usage_perc"
type = "gauge"
help = "Cache usage."
deprecated = "0.10.0"
replaced_by = "app_cache_usage"
allow = ["unit-suffix"]

[[metric]]
name = "app_cache_usage"
type = "gauge"
help = "Cache usage, from 0 to 1."

# scrape:
# HELP app_cache_usage Cache usage, from 0 to 1.
# TYPE app_cache_usage gauge
app_cache_usage 0.5
# HELP app_cache_usage_perc Cache usage.
# TYPE app_cache_usage_perc gauge
app_cache_usage_perc 0.5
"#,
    good: r#"[catalogue]
version = "0.12.0"

[[metric]]
name = "app_cache_usage_perc"
type = "gauge"
help = "Cache usage."
deprecated = "0.10.0"
replaced_by = "app_cache_usage"
allow = ["unit-suffix"]

[[metric]]
name = "app_cache_usage"
type = "gauge"
help = "Cache usage, from 0 to 1."

# scrape:
# HELP app_cache_usage Cache usage, from 0 to 1.
# TYPE app_cache_usage gauge
app_cache_usage 0.5
"#,
    check: Check::Live,
};
