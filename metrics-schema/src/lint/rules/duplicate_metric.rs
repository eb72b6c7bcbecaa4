//! `duplicate-metric`: two metrics with the same full name or colliding exposed names.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::catalogue::Metric;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{Check, Context, Rule, RuleKind};

pub(crate) static RULE: Rule = Rule {
    id: "duplicate-metric",
    severity: Severity::Error,
    kind: RuleKind::Catalogue,
    summary: "Two metrics share a full name or an exposed family or sample name.",
    explanation: "\
Every name a metric exposes must be unique: its family name and its samples (`x_total` for a \
counter `x`; `x_bucket`, `x_sum`, `x_count` for a histogram `x`; `x_info` for an info \
metric). So a counter `x` collides with a gauge `x_total`, and a histogram `x` with a gauge \
`x_count`. Removed metrics count too: they stay in the catalogue as history, and their names \
cannot be reused for something else. `_created` series are not emitted and collide with \
nothing. The later metric in the file is reported.",
    bad: r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests received."

[[metric]]
name = "requests_total"
type = "gauge"
help = "Requests received so far."
allow = ["non-counter-total-suffix"]
"#,
    good: r#"[[metric]]
name = "requests"
type = "counter"
help = "Requests received."

[[metric]]
name = "requests_in_flight"
type = "gauge"
help = "Requests being processed."
"#,
    check: Check::Model(check),
};

/// An exposed name as a prefix and a suffix (`vllm:x` and `_total`), compared and hashed
/// as their concatenation, so that no string is built per name.
#[derive(Clone, Copy)]
struct Name<'a>(&'a str, &'static str);

impl Name<'_> {
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.bytes().chain(self.1.bytes())
    }

    fn to_text(self) -> String {
        format!("{}{}", self.0, self.1)
    }
}

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() + self.1.len() == other.0.len() + other.1.len()
            && self.bytes().eq(other.bytes())
    }
}

impl Eq for Name<'_> {}

impl Hash for Name<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // FNV-1a over the concatenation: the same for every split of the same name.
        let fnv = self.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        state.write_u64(fnv);
    }
}

/// Every name a metric occupies in either format (family and sample names).
fn names(m: &Metric) -> impl Iterator<Item = Name<'_>> {
    let full = m.full_name.as_str();
    m.kind
        .occupied_suffixes()
        .iter()
        .map(move |s| Name(full, s))
}

fn check(cx: &mut Context<'_>) {
    let metrics: Vec<&Metric> = cx.metrics().collect();
    let mut owners: HashMap<Name<'_>, usize> = HashMap::with_capacity(metrics.len() * 3);
    let mut clashes = Vec::new();
    for (index, m) in metrics.iter().enumerate() {
        let mut clash = None;
        for name in names(m) {
            match owners.get(&name) {
                Some(&owner) => {
                    clash.get_or_insert((owner, name));
                }
                None => {
                    owners.insert(name, index);
                }
            }
        }
        if let Some(clash) = clash {
            clashes.push((index, clash));
        }
    }
    for (index, (owner, name)) in clashes {
        let (m, first) = (metrics[index], metrics[owner]);
        let Some(key) = m.keys.key("name") else {
            continue;
        };
        let first_key = first.keys.key("name").unwrap_or(first.header);
        let message = if first.full_name == m.full_name {
            format!("metric `{}` is defined twice", m.full_name)
        } else {
            format!(
                "{} `{}` exposes `{}`, which {} `{}` also exposes",
                m.kind,
                m.full_name,
                name.to_text(),
                first.kind,
                first.full_name
            )
        };
        let d = Diagnostic::new(&RULE, key, message)
            .label("duplicate name")
            .note(first_key, "first defined here")
            .help("rename one of the metrics; a removed metric's name cannot be reused");
        cx.report_metric(m, d);
    }
}
