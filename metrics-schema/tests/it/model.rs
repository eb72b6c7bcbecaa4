//! The catalogue model: what a valid catalogue reads into.

use metrics_schema::catalogue::{
    BucketSpec, Buckets, BucketsRef, Cardinality, LabelKind, MetricKind, Separator,
};
use metrics_schema::lifecycle::{Stability, Status, Version, Window};
use metrics_schema::{Options, check};

const CATALOGUE: &str = r#"[catalogue]
namespace = "vllm"
separator = ":"
stability = "stable"
allow = ["name-colon"]

[policy]
hide_after = 2
remove_after = 4
[policy.alpha]
hide_after = 0

[labels.model_name]
help = "Name of the served model."
max_values = 16
[labels.finished_reason]
values = ["stop", "length", "abort"]

[buckets]
latency = [0.5, 1, 2.5, inf]
tokens = { exponential = { start = 1.0, factor = 2.0, count = 4 } }

[[metric]]
name = "request_success"
type = "counter"
help = "Count of successfully processed requests."
labels = ["finished_reason", "model_name"]
since = "0.1"

[[metric]]
name = "e2e_request_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Histogram of e2e request latency in seconds."
labels = ["model_name"]
buckets = "latency"
group = "Latency"

[[metric]]
name = "request_tokens"
type = "histogram"
help = "Tokens per request."
buckets = "tokens"

[[metric]]
name = "old_usage"
type = "gauge"
help = "Old usage gauge."
stability = "alpha"
deprecated = "0.10"
replaced_by = "new_usage"
note = "Same value, new name."

[[metric]]
name = "new_usage"
type = "gauge"
help = "Usage gauge."
buckets_free = 1
"#;

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn a_valid_catalogue_reads_into_the_model() {
    // The last metric has an unknown key: fix it and check the catalogue is valid.
    let text = CATALOGUE.replace("buckets_free = 1\n", "");
    let checked = check(&text, "metrics.toml", &Options::default());
    assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
    let cat = checked.catalogue.expect("valid catalogue");

    assert_eq!(cat.namespace.as_deref(), Some("vllm"));
    assert_eq!(cat.separator, Separator::Colon);
    assert_eq!(cat.stability, Stability::Stable);
    assert_eq!(cat.allow[0].value, "name-colon");
    assert_eq!(
        cat.policy.stable,
        Window {
            hide_after: 2,
            remove_after: 4
        }
    );
    // A partial per-stability table falls back to [policy] for the missing key.
    assert_eq!(
        cat.policy.alpha,
        Window {
            hide_after: 0,
            remove_after: 4
        }
    );

    let names: Vec<&str> = cat.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["model_name", "finished_reason"], "file order");
    assert_eq!(
        cat.label("model_name").unwrap().kind,
        LabelKind::Open {
            max_values: Some(16)
        }
    );

    let success = cat.metric("request_success").unwrap();
    assert_eq!(success.full_name, "vllm:request_success");
    assert_eq!(success.kind, MetricKind::Counter);
    assert_eq!(success.stability, Stability::Stable);
    let label_names: Vec<&str> = success.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        label_names,
        ["finished_reason", "model_name"],
        "metric order"
    );
    assert_eq!(success.since, Some(v("0.1.0")));
    assert_eq!(
        success.exposed_names().samples,
        ["vllm:request_success_total"]
    );
    assert_eq!(success.worst_case_series(), Cardinality::Exact(3 * 16));

    let latency = cat.metric("e2e_request_latency_seconds").unwrap();
    assert_eq!(latency.buckets, Some(Buckets::Bounds(vec![0.5, 1.0, 2.5])));
    assert_eq!(latency.buckets_ref, Some(BucketsRef::Set("latency".into())));
    assert_eq!(latency.unit.as_deref(), Some("seconds"));
    assert_eq!(latency.group.as_deref(), Some("Latency"));
    assert_eq!(
        latency.exposed_names().samples,
        [
            "vllm:e2e_request_latency_seconds_bucket",
            "vllm:e2e_request_latency_seconds_sum",
            "vllm:e2e_request_latency_seconds_count"
        ]
    );
    // 16 models x (3 bounds + +Inf + _sum + _count).
    assert_eq!(latency.worst_case_series(), Cardinality::Exact(16 * 6));

    let tokens = cat.metric("request_tokens").unwrap();
    assert_eq!(
        tokens.buckets,
        Some(Buckets::Bounds(vec![1.0, 2.0, 4.0, 8.0]))
    );
    assert!(matches!(
        cat.bucket_set("tokens").unwrap().spec,
        BucketSpec::Exponential { count: 4, .. }
    ));

    let old = cat.metric("old_usage").unwrap();
    assert_eq!(old.replacement.as_deref(), Some("vllm:new_usage"));
    // Alpha window: hidden at once (0), removed after [policy]'s 4 minors.
    assert_eq!(old.schedule.hidden, Some(v("0.10.0")));
    assert_eq!(old.schedule.removed, Some(v("0.14.0")));
    assert_eq!(old.status_at(&v("0.9.9")), Status::Active);
    assert_eq!(old.status_at(&v("0.10.0")), Status::Hidden);
    assert_eq!(old.status_at(&v("0.14.0-rc.1")), Status::Removed);
    assert_eq!(
        old.help_at(&v("0.10.1")),
        "Old usage gauge. DEPRECATED since 0.10.0: use vllm:new_usage instead. Same value, new name."
    );
    assert_eq!(old.help_at(&v("0.9.0")), "Old usage gauge.");
}

#[test]
fn key_spans_point_into_the_source() {
    let text = CATALOGUE.replace("buckets_free = 1\n", "");
    let checked = check(&text, "metrics.toml", &Options::default());
    let cat = checked.catalogue.expect("valid catalogue");
    let src = checked.source.text();
    let old = cat.metric("old_usage").unwrap();
    assert_eq!(&src[old.header.range()], "[[metric]]");
    let key = old.keys.key("deprecated").unwrap();
    assert_eq!(&src[key.range()], "deprecated");
    assert_eq!(
        &src[old.keys.value("deprecated").unwrap().range()],
        "\"0.10\""
    );
    let label = cat.label("finished_reason").unwrap();
    assert_eq!(&src[label.header.range()], "[labels.finished_reason]");
    let set = cat.bucket_set("latency").unwrap();
    assert_eq!(&src[set.key.range()], "latency");
    let pos = checked.source.position(key.start);
    assert_eq!((pos.line, pos.column), (50, 1));
}

#[test]
fn one_problem_keeps_the_model_back_and_is_located() {
    let checked = check(CATALOGUE, "metrics.toml", &Options::default());
    assert!(checked.catalogue.is_none());
    assert_eq!(checked.diagnostics.len(), 1, "{}", checked.render_plain());
    let d = &checked.diagnostics[0];
    assert_eq!(d.rule, "unknown-key");
    assert_eq!((d.line, d.column), (58, 1));
    assert_eq!(d.file, "metrics.toml");
    assert_eq!(d.help.as_deref(), Some("did you mean `buckets`?"));
}

#[test]
fn evaluation_version_comes_from_options_then_the_pin() {
    let pinned = "[catalogue]\nversion = \"0.11.2\"\n";
    let checked = check(pinned, "m.toml", &Options::default());
    assert_eq!(checked.version, Some(v("0.11.2")));
    let checked = check(pinned, "m.toml", &Options::at_version(v("0.12.0-rc.1")));
    assert_eq!(checked.version, Some(v("0.12.0-rc.1")));
    let checked = check("", "m.toml", &Options::default());
    assert_eq!(checked.version, None);
    assert!(checked.catalogue.is_some_and(|c| c.metrics.is_empty()));
}

#[test]
fn worst_case_series_saturate() {
    let text = "[labels.a]\nmax_values = 9000000000000000000\n[labels.b]\nmax_values = 9000000000000000000\n[labels.c]\nhelp = \"Unbounded.\"\n\n[[metric]]\nname = \"huge\"\ntype = \"histogram\"\nhelp = \"H.\"\nlabels = [\"a\", \"b\"]\nbuckets = [1, 2]\n\n[[metric]]\nname = \"unknown\"\ntype = \"histogram\"\nhelp = \"U.\"\nlabels = [\"a\", \"c\"]\nbuckets = \"runtime\"\n";
    let checked = check(text, "m.toml", &Options::default());
    let mut options = Options::default();
    options.high_cardinality_threshold = u64::MAX;
    let quiet = check(text, "m.toml", &options);
    assert!(
        !quiet
            .diagnostics
            .iter()
            .any(|d| d.rule == "high-cardinality"),
        "nothing is above u64::MAX"
    );
    let rules: Vec<&str> = checked.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(
        rules,
        ["unbounded-label", "high-cardinality", "high-cardinality"]
    );
    assert!(
        checked.diagnostics[1]
            .message
            .contains("can produce more than 18 quintillion series"),
        "{}",
        checked.diagnostics[1].message
    );
    assert!(
        checked.diagnostics[2]
            .message
            .contains("can produce more than 18 quintillion series"),
        "{}",
        checked.diagnostics[2].message
    );
    let cat = checked.catalogue.expect("warnings only");
    assert_eq!(
        cat.metric("huge").unwrap().worst_case_series(),
        Cardinality::Exact(u64::MAX)
    );
    // An unbounded label counts as one value and run-time buckets as none: 9e18 x 1 x 3,
    // saturated, and only a lower bound.
    assert_eq!(
        cat.metric("unknown").unwrap().worst_case_series(),
        Cardinality::AtLeast(u64::MAX)
    );
}
