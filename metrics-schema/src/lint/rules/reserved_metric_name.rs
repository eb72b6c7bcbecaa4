//! `reserved-metric-name`: a metric exposed under the name of the runtime's label-overflow
//! counter.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "reserved-metric-name",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "A metric uses the name of the runtime's `label_overflows` counter.",
    explanation: "\
A catalogue with open labels gets one more metric from the runtime: \
`<namespace><separator>label_overflows_total{metric, label}`, how often a value of each \
bounded open label was recorded as `__overflow__` (the label already had `max_values` \
values, or the value was outside its allow-list). A catalogue metric exposing the same \
name would make registration fail at run time.",
    bad: r#"[labels.model]
help = "The served model."
max_values = 8

[[metric]]
name = "label_overflows"
type = "counter"
help = "Overflows."
labels = ["model"]
"#,
    good: r#"[labels.model]
help = "The served model."
max_values = 8

[[metric]]
name = "model_overflows"
type = "counter"
help = "Overflows."
labels = ["model"]
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    let Some(reserved) = cx.cat.label_overflows_name() else {
        return;
    };
    let taken = [reserved.clone(), format!("{reserved}_total")];
    for m in cx.metrics() {
        let names = m.exposed_names();
        let Some(clash) = names.all().find(|n| taken.iter().any(|t| t == n)) else {
            continue;
        };
        let clash = clash.to_owned();
        if let Some(key) = m.keys.key("name") {
            let d = Diagnostic::new(
                &RULE,
                key,
                format!(
                    "metric `{}` is exposed as `{clash}`, the name of the runtime's \
                     label-overflow counter `{reserved}_total`",
                    m.name
                ),
            )
            .label("reserved by the runtime")
            .help("rename the metric");
            cx.report_metric(m, d);
        }
    }
}
