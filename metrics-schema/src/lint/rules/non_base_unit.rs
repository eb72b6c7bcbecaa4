//! `non-base-unit`: a scaled unit (milliseconds, kilobytes, ...) instead of a base unit.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "non-base-unit",
    severity: Severity::Warning,
    kind: RuleKind::Catalogue,
    summary: "A name or unit uses a scaled unit (milliseconds, kilobytes, ...) instead of a base unit (seconds, bytes).",
    explanation: "\
Prometheus metrics use base units — seconds, bytes, meters, celsius — and leave scaling to the \
display. Mixed scales across metrics make queries that combine them wrong by factors of a \
thousand. Use floating-point values in the base unit instead.",
    bad: r#"[[metric]]
name = "request_latency_milliseconds"
type = "histogram"
unit = "milliseconds"
help = "Request latency."
buckets = "runtime"
"#,
    good: r#"[[metric]]
name = "request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Request latency."
buckets = "runtime"
"#,
    check: Check::Model(check),
};

/// Scaled unit words and their base unit.
const SCALED: &[(&str, &str)] = &[
    ("nanoseconds", "seconds"),
    ("microseconds", "seconds"),
    ("milliseconds", "seconds"),
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("weeks", "seconds"),
    ("bits", "bytes"),
    ("kilobits", "bytes"),
    ("megabits", "bytes"),
    ("kilobytes", "bytes"),
    ("megabytes", "bytes"),
    ("gigabytes", "bytes"),
    ("terabytes", "bytes"),
    ("kibibytes", "bytes"),
    ("mebibytes", "bytes"),
    ("gibibytes", "bytes"),
    ("tebibytes", "bytes"),
    ("millimeters", "meters"),
    ("centimeters", "meters"),
    ("kilometers", "meters"),
    ("fahrenheit", "celsius"),
];

fn scaled(word: &str) -> Option<&'static str> {
    SCALED
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, base)| *base)
}

fn check(cx: &mut Context<'_>) {
    for m in cx.metrics() {
        let in_name = m
            .name
            .split('_')
            .find_map(|w| scaled(w).map(|base| (w, base)));
        if let (Some((word, base)), Some(key)) = (in_name, m.keys.key("name")) {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!("metric `{}` is in {word}; Prometheus uses {base}", m.name),
            )
            .label("not a base unit")
            .help(format!(
                "record {base} (as a float) and name the metric `..._{base}`"
            ));
            cx.report_metric(m, d);
            continue;
        }
        if let (Some(unit), Some(key)) = (&m.unit, m.keys.key("unit"))
            && let Some(base) = scaled(unit)
        {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!(
                    "unit `{unit}` of metric `{}` is not a base unit; Prometheus uses {base}",
                    m.name
                ),
            )
            .label("not a base unit")
            .help(format!("record {base} (as a float)"));
            cx.report_metric(m, d);
        }
    }
}
