//! Inputs that were pathological before the checks became linear (issue 15, item 4):
//! a closed label with 20,000 values (its collision check compared every pair: 51 s), and
//! PromQL expressions the parser handles in quadratic time (100 KB of unary minuses:
//! 25–55 s). They run here at those sizes with no timing assertion: the suite finishing is
//! the check, and the findings must be the same as the pairwise definition's.

use metrics_schema::catalogue::{value_identifier, value_key};
use metrics_schema::promql::{self, MAX_EXPRESSION_BYTES, MAX_NESTING, MAX_OPERATORS};
use metrics_schema::{Options, check};
use proptest::prelude::*;
use proptest::sample::select;

/// A catalogue with one closed label of `values`, used by one metric.
fn closed_label(values: &[String]) -> String {
    let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!(
        "[labels.kind]\nvalues = [{}]\n\n[[metric]]\nname = \"events\"\ntype = \"counter\"\nhelp = \"Events.\"\nlabels = [\"kind\"]\n",
        list.join(", ")
    )
}

/// The messages of the `invalid-label-values` findings.
fn label_value_messages(text: &str) -> Vec<String> {
    check(text, "linear.toml", &Options::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == "invalid-label-values")
        .map(|d| d.message)
        .collect()
}

/// The definition the linear check must agree with: every value compared with every
/// earlier non-empty one; the first earlier value with the same key or identifier is
/// reported.
fn pairwise_messages(values: &[String]) -> Vec<String> {
    let name = "kind";
    let mut out = Vec::new();
    for (i, value) in values.iter().enumerate() {
        if value.is_empty() {
            out.push(format!("label `{name}` has an empty value"));
            continue;
        }
        let Some(ident) = value_identifier(value) else {
            out.push(format!(
                "value {value:?} of label `{name}` gives no Rust identifier"
            ));
            continue;
        };
        let earlier = values[..i].iter().find(|v| {
            !v.is_empty()
                && (value_key(v) == value_key(value)
                    || value_identifier(v).as_deref() == Some(ident.as_str()))
        });
        if let Some(other) = earlier {
            out.push(if other == value {
                format!("label `{name}` lists value {value:?} twice")
            } else {
                format!(
                    "values {other:?} and {value:?} of label `{name}` collide (both give `{ident}`)"
                )
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Values from a small alphabet of near-collisions: same key but different identifiers
    /// (`ab`, `a_b`), same identifier but different keys (`0`, `n0`), values without an
    /// identifier that still collide by key (the Kelvin sign lower-cases to `k`), empty
    /// values, repeats.
    #[test]
    fn collisions_match_the_pairwise_definition(
        values in prop::collection::vec(
            select(vec![
                "ab", "a_b", "AB", "a-b", "A_B", "0", "n0", "N0", "N-0", "k", "K", "\u{212A}",
                "ü", "-", "", "self", "Self", "stop", "Stop", "x1", "x_1", "X-1",
            ]),
            1..12,
        )
    ) {
        let values: Vec<String> = values.into_iter().map(str::to_owned).collect();
        prop_assert_eq!(
            label_value_messages(&closed_label(&values)),
            pairwise_messages(&values)
        );
    }
}

#[test]
fn twenty_thousand_distinct_values_are_clean() {
    let values: Vec<String> = (0..20_000).map(|i| format!("value_{i}")).collect();
    assert_eq!(
        label_value_messages(&closed_label(&values)),
        Vec::<String>::new()
    );
}

#[test]
fn twenty_thousand_values_with_collisions_report_each_pair() {
    // 10,000 values, then each again spelled differently: 10,000 findings, each naming
    // the first spelling.
    let n = 10_000;
    let mut values: Vec<String> = (0..n).map(|i| format!("value_{i}")).collect();
    values.extend((0..n).map(|i| format!("Value-{i}")));
    let messages = label_value_messages(&closed_label(&values));
    assert_eq!(messages.len(), n);
    assert_eq!(
        messages[0],
        "values \"value_0\" and \"Value-0\" of label `kind` collide (both give `Value0`)"
    );
    assert_eq!(
        messages[n - 1],
        "values \"value_9999\" and \"Value-9999\" of label `kind` collide (both give `Value9999`)"
    );
}

/// A catalogue with one alert over `expr`.
fn alert(expr: &str) -> String {
    format!(
        "[[metric]]\nname = \"queue_depth\"\ntype = \"gauge\"\nhelp = \"Requests waiting.\"\n\n[[alert]]\nname = \"QueueBacklog\"\nexpr = {expr:?}\nsummary = \"Requests pile up.\"\n"
    )
}

/// The `invalid-promql` findings of the catalogue with one alert over `expr`, rendered.
fn promql_findings(expr: &str) -> (Vec<String>, String) {
    let text = alert(expr);
    let checked = check(&text, "linear.toml", &Options::default());
    let messages = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == "invalid-promql")
        .map(|d| {
            assert_eq!(&text[d.span.start..d.span.end], format!("{expr:?}"));
            d.message.clone()
        })
        .collect();
    (messages, checked.render_plain())
}

#[test]
fn a_hundred_kilobytes_of_unary_minus_is_refused_with_its_size() {
    let expr = format!("{}queue_depth", "-".repeat(100_000));
    let (messages, rendered) = promql_findings(&expr);
    assert_eq!(
        messages,
        [
            "PromQL expression too large: the expression is 100,011 bytes long; at most 16,384 bytes are read"
        ]
    );
    assert!(rendered.contains("too large to check"), "{rendered}");
    assert!(rendered.contains("split the expression"), "{rendered}");
}

#[test]
fn operator_chains_beyond_the_limit_are_refused_below_the_size_limit() {
    // 10,000 unary minuses (10 KB, under the size limit) and a 5,000-term sum.
    let minuses = format!("{}queue_depth", "-".repeat(10_000));
    assert!(minuses.len() < MAX_EXPRESSION_BYTES);
    let (messages, _) = promql_findings(&minuses);
    assert_eq!(
        messages,
        [
            "PromQL expression too large: the expression has 10,000 operators; at most 1,000 are read"
        ]
    );
    let sum = format!("queue_depth{}", "+1".repeat(5_000));
    let (messages, _) = promql_findings(&sum);
    assert_eq!(
        messages,
        ["PromQL expression too large: the expression has 5,000 operators; at most 1,000 are read"]
    );
    // Label matchers' `=` are not operators.
    let matchers = format!("queue_depth{{{}}}", vec!["a=\"1\""; 1_500].join(","));
    assert!(promql::parse(&matchers).is_ok());
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!("{}queue_depth{}", "(".repeat(5_000), ")".repeat(5_000));
    let (messages, _) = promql_findings(&deep);
    assert_eq!(
        messages,
        [
            "PromQL expression too large: the expression nests parentheses, brackets or braces 5,000 deep; at most 128 levels are read"
        ]
    );
}

#[test]
fn expressions_at_the_limits_are_read() {
    let minuses = format!("{}queue_depth", "-".repeat(MAX_OPERATORS));
    let refs = promql::references(&minuses).unwrap();
    assert_eq!(refs.len(), 1);
    let sum = format!("queue_depth{}", " + queue_depth".repeat(MAX_OPERATORS));
    assert_eq!(promql::references(&sum).unwrap().len(), MAX_OPERATORS + 1);
    let nested = format!(
        "{}queue_depth{}",
        "(".repeat(MAX_NESTING),
        ")".repeat(MAX_NESTING)
    );
    assert_eq!(promql::references(&nested).unwrap().len(), 1);
    let (messages, _) = promql_findings(&sum);
    assert_eq!(messages, Vec::<String>::new());
}
