//! `parse`: TOML syntax errors, wrong value types and missing required keys.

use crate::diagnostic::Severity;
use crate::lint::{Check, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "parse",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "The file is not valid TOML, a value has the wrong type, or a required key is missing.",
    explanation: "\
The catalogue must be valid TOML, every key must hold the type of value the format expects \
(strings for names, versions and help, arrays of strings for `labels`, `values` and `allow`, \
numbers for bounds), and every `[[metric]]` needs `name`, `type` and `help`. `type` is one of \
\"counter\", \"gauge\", \"histogram\" and \"info\"; `stability` one of \"alpha\", \"beta\" and \
\"stable\"; `separator` \"_\" or \":\".

A TOML syntax error stops the reading, since there is no document to check; every other \
problem is reported and the reading goes on, so that one run shows all of them. A missing key \
is reported at the table header, a wrong value at its key.",
    bad: r#"[[metric]]
name = "request_success"
type = "counter"
labels = "model_name"
"#,
    good: r#"[labels.model_name]
max_values = 16

[[metric]]
name = "request_success"
type = "counter"
help = "Count of successfully processed requests."
labels = ["model_name"]
"#,
    check: Check::Reader,
};
