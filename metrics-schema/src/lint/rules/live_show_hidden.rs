//! `live-show-hidden`: an instance of a fleet exposes metrics hidden at the version (a
//! note).

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "live-show-hidden",
    severity: Severity::Note,
    kind: RuleKind::Live,
    summary: "An instance checked through Prometheus exposes metrics hidden at the version: it runs with the show-hidden value.",
    explanation: "\
Only `schema check-live --prometheus`: Prometheus holds what instances expose, not the \
flags they run with. An instance that exposes metrics hidden at the version must run with \
the show-hidden value (the previous minor release); its hidden metrics are then checked \
like the others, and this note names the instance once. At the next minor release the \
value is refused and those metrics are removed: migrate the dashboards and alerts that \
read them before upgrading. A single scrape reports `live-hidden-exposed` instead, unless \
`--show-hidden` is given.",
    // The same situation as `live-hidden-exposed`, checked through Prometheus.
    bad: super::live_hidden_exposed::HIDDEN_BAD,
    good: super::live_hidden_exposed::HIDDEN_GOOD,
    check: Check::Live,
};
