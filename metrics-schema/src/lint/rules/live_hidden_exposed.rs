//! `live-hidden-exposed`: a metric hidden at the version is exposed without the
//! show-hidden value.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-hidden-exposed",
    severity: Severity::Error,
    kind: RuleKind::Live,
    summary: "A metric hidden at the version is exposed, but the check was not told the program runs with the show-hidden value.",
    explanation: "\
A hidden metric is exposed only by a process started with the show-hidden value (the \
previous minor release). Exposed otherwise, the program is not running the version you \
think, or it ignores the lifecycle. If it was started with the show-hidden value, say so \
with `--show-hidden X.Y`; the check then accepts every hidden metric.",
    bad: HIDDEN_BAD,
    good: HIDDEN_GOOD,
    check: Check::Live,
};

/// The example of this rule and of `live-show-hidden`: a metric hidden at the version,
/// exposed.
pub(super) const HIDDEN_BAD: &str = r#"[catalogue]
version = "0.11.0"

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
"#;

/// The fixed example: not exposed.
pub(super) const HIDDEN_GOOD: &str = r#"[catalogue]
version = "0.11.0"

[[metric]]
name = "app_cache_usage_perc"
type = "gauge"
help = "Cache usage."
deprecated = "0.10.0"
allow = ["unit-suffix", "deprecated-without-replacement"]

# scrape:
"#;
