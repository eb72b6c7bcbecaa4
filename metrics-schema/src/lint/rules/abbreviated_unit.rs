//! `abbreviated-unit`: an abbreviated unit (`_ms`, `_sec`, `_kb`, ...) in a name.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "abbreviated-unit",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A name uses an abbreviated unit (`_ms`, `_sec`, `_kb`, ...).",
    explanation: "\
Units in metric names are spelled out (`_seconds`, `_bytes`), so that every metric of every \
exporter reads the same way. Abbreviations are also usually scaled units (`ms`, `kb`): record \
the base unit instead.",
    bad: r#"[[metric]]
name = "request_latency_ms"
type = "gauge"
help = "Latency of the last request."
"#,
    good: r#"[[metric]]
name = "request_latency_seconds"
type = "gauge"
unit = "seconds"
help = "Latency of the last request."
"#,
    check: Check::Model(check),
};

/// Abbreviations and the base unit to spell out instead. (`min` is left out: in names it
/// usually means "minimum".)
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ns", "seconds"),
    ("us", "seconds"),
    ("ms", "seconds"),
    ("sec", "seconds"),
    ("secs", "seconds"),
    ("mins", "seconds"),
    ("hr", "seconds"),
    ("hrs", "seconds"),
    ("kb", "bytes"),
    ("mb", "bytes"),
    ("gb", "bytes"),
    ("tb", "bytes"),
    ("kib", "bytes"),
    ("mib", "bytes"),
    ("gib", "bytes"),
];

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let found = m.name.split('_').find_map(|w| {
            let lower = w.to_ascii_lowercase();
            ABBREVIATIONS
                .iter()
                .find(|(a, _)| *a == lower)
                .map(|(_, base)| (w, *base))
        });
        if let (Some((word, base)), Some(key)) = (found, m.keys.key("name")) {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` uses the abbreviated unit `{word}`", m.name),
            )
            .label("abbreviated unit")
            .help(format!("spell out the base unit: `_{base}`"));
            cx.report_metric(m, d);
        }
    }
}
