//! `generated-name`: names that `catalogue!` cannot turn into distinct, usable Rust items,
//! or `schema codegen python` into distinct, usable Python names.

use crate::catalogue::generated::{Clash, clashes};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "generated-name",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "Two names generate the same Rust item or Python name, or a name cannot be used in generated code.",
    explanation: "\
`catalogue!` turns every metric into an accessor `Metrics::x`, a family method `x_family`, a \
bound-handle method `x_bind` (with open labels), constants `X`, `X_NAME`, `X_HELP` and \
`X_STATUS`, and once removed a marker trait `MetricXRemovedIn..`; every closed label into an \
enum `CamelCase`; a metric with more than six closed labels gets a `XClosedLabels` type. Two \
names that generate the same item make the macro fail: metrics `jobs` and `jobs_name` both \
generate `JOBS_NAME`, a metric `new` clashes with `Metrics::new`, labels `gpu_type` and \
`gpuType` both generate `GpuType`. Metric and label names are also bound in patterns, where \
`VERSION`, `SHOW_HIDDEN_VALUE`, `None`, `Some`, `Ok` and `Err` would read as the constant or \
variant in scope; and names starting with `__metrics_schema_` are reserved for generated \
code. Two labels of one metric must give distinct parameters (`self` and `self_` both give \
`self_`). The Python module of `schema codegen python` has the same names and a few of its \
own: a Python keyword gets a trailing `_` (metrics `class` and `class_` clash); a metric \
cannot be named like a member of its `Metrics` class (`overflow_count`, `shows_hidden`), a \
name the class body uses (`property`, `str`, `int`, `bool`, `float`, \
`prometheus_client`, `_t`), private storage (`_m_0`), a private class (`_Name`) or a special \
attribute (`__x`); and a closed label cannot give an enum named like a module constant \
(`VERSION`). Names are compared as every version would generate them, so that the catalogue \
generates at any version.",
    bad: r#"[[metric]]
name = "jobs"
type = "gauge"
help = "Jobs running."

[[metric]]
name = "jobs_name"
type = "info"
help = "The name of the job queue."
"#,
    good: r#"[[metric]]
name = "jobs"
type = "gauge"
help = "Jobs running."

[[metric]]
name = "job_queue"
type = "info"
help = "The name of the job queue."
"#,
    check: Check::Model(check),
};

fn check(cx: &mut Context<'_>) {
    for clash in clashes(cx.cat) {
        let origin = clash.origin();
        let Some(span) = origin.span else {
            continue;
        };
        let message = clash.message(&|_| None);
        let mut d = Diagnostic::new(&RULE, span, message);
        d = match &clash {
            Clash::Twice { name, first, .. } => {
                let d = d.label(format!("generates `{name}`"));
                match first.span {
                    Some(first) => d.note(first, "also generated here"),
                    None => d,
                }
            }
            Clash::Pattern { name, .. } => d.label(format!("`{name}` in a pattern")),
            Clash::Private { .. } => d.label("reserved prefix"),
            Clash::PythonReserved { name, .. } => {
                d.label(format!("`Metrics.{name}` in the Python module"))
            }
        };
        d = d.help("rename it");
        match origin.metric.and_then(|i| cx.cat.metrics.get(i)) {
            Some(m) => cx.report_metric(m, d),
            None => cx.report(d),
        }
    }
}
