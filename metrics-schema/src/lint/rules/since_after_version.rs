//! `since-after-version`: a metric introduced after the version the catalogue is evaluated at.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "since-after-version",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A metric's `since` is later than the version the catalogue is evaluated at.",
    explanation: "\
`since` records the release that introduced a metric. A `since` later than the version being \
built (the `version` pin, `--version`, or the compiling crate's version) is usually a typo or \
a version that was not bumped. The rule runs only when that version is known; pre-releases \
count as their release, so `since = \"0.11\"` is fine at `0.11.0-rc.1`.",
    bad: r#"[catalogue]
version = "0.10.0"

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
since = "0.11"
"#,
    good: r#"[catalogue]
version = "0.11.0"

[[metric]]
name = "queue_depth"
type = "gauge"
help = "Requests waiting."
since = "0.11"
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let Some(at) = cx.version.map(|v| v.release()) else {
        return;
    };
    for m in cx.metrics() {
        if let (Some(since), Some(key)) = (&m.since, m.keys.key("since"))
            && *since > at
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!(
                    "metric `{}` is introduced in {since}, after the version the catalogue is evaluated at ({at})",
                    m.name
                ),
            )
            .label("later than the evaluated version")
            .help("check `since`, or the version given with `--version` or the `version` pin");
            cx.report_metric(m, d);
        }
    }
}
