//! The rule file `schema alerts` writes for the vLLM example, checked by promtool:
//! `promtool check rules` accepts it, and `promtool test rules` unit tests — generated here
//! from each alert's own expression, threshold, `for` and the metric's buckets — show that
//! each of the three seed alerts fires on synthetic series above its threshold and stays
//! silent below it.

use crate::monitoring_support;

use std::fmt::Write as _;
use std::path::Path;

use metrics_schema::alerts::rule_file;
use metrics_schema::catalogue::{Alert, Buckets, LabelKind, Metric, MetricKind};
use metrics_schema::refs::{Resolver, Target};
use metrics_schema_tests::tool;
use monitoring_support::{EXAMPLE, promtool, scratch, vllm};
use promql_parser::parser::token::T_GTR;
use promql_parser::parser::{BinaryExpr, Expr};

/// Observations per minute in the synthetic histograms.
const PER_MINUTE: u64 = 600;

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn promtool_accepts_the_generated_rule_file() {
    let promtool_path = tool("promtool", "apt-get install prometheus");
    let cat = vllm();
    let dir = scratch("check-rules");
    std::fs::write(dir.join("rules.yml"), rule_file(&cat, EXAMPLE)).unwrap();
    let (ok, out) = promtool(&promtool_path, &dir, &["check", "rules", "rules.yml"]);
    assert!(ok, "promtool check rules: {out}");
    let rules = cat.alerts.len() + cat.records.len();
    assert!(
        out.contains(&format!("SUCCESS: {rules} rules found")),
        "{out}"
    );
    // promtool is not lenient: a broken rule file fails.
    std::fs::write(
        dir.join("broken.yml"),
        rule_file(&cat, EXAMPLE).replacen("for: 5m", "for: 5 minutes", 1),
    )
    .unwrap();
    let (ok, out) = promtool(&promtool_path, &dir, &["check", "rules", "broken.yml"]);
    assert!(!ok, "promtool accepted a bad `for`: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// One seed alert, read from its definition.
struct Seed<'a> {
    alert: &'a Alert,
    metric: &'a Metric,
    threshold: f64,
    for_minutes: u64,
}

/// `<expression> > <number>`: the threshold.
fn threshold(alert: &Alert) -> f64 {
    let tree = metrics_schema::promql::parse(&alert.expr.text).unwrap();
    match tree {
        Expr::Binary(BinaryExpr { op, rhs, .. }) if op.id() == T_GTR => match *rhs {
            Expr::NumberLiteral(n) => n.val,
            other => panic!("{}: threshold is not a number: {other:?}", alert.name),
        },
        other => panic!("{}: not `... > threshold`: {other:?}", alert.name),
    }
}

fn seeds<'a>(cat: &'a metrics_schema::Catalogue, resolver: &Resolver<'a>) -> Vec<Seed<'a>> {
    cat.alerts
        .iter()
        .map(|alert| {
            let refs = alert.expr.references.as_ref().unwrap();
            assert_eq!(refs.len(), 1, "{}: one metric per seed alert", alert.name);
            let Target::Sample { metric, .. } = resolver.resolve(&refs[0].name) else {
                panic!("{}: {} is no metric", alert.name, refs[0].name);
            };
            let for_ = alert
                .for_
                .as_deref()
                .expect("seed alerts wait before firing");
            let for_ = promql_parser::util::parse_duration(for_).unwrap();
            assert_eq!(for_.as_secs() % 60, 0, "{}: whole minutes", alert.name);
            Seed {
                alert,
                metric,
                threshold: threshold(alert),
                for_minutes: for_.as_secs() / 60,
            }
        })
        .collect()
}

/// The labels of the synthetic series: a value for each of the metric's labels.
fn series_labels(metric: &Metric) -> Vec<(String, String)> {
    metric
        .labels
        .iter()
        .map(|l| {
            let value = match &l.kind {
                LabelKind::Closed { values } => values[0].clone(),
                LabelKind::Open { .. } => format!("{}-1", l.name),
            };
            (l.name.clone(), value)
        })
        .collect()
}

fn selector(name: &str, labels: &[(String, String)], extra: Option<(&str, String)>) -> String {
    let mut parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}={v:?}"));
    }
    format!("{name}{{{}}}", parts.join(","))
}

/// Input series putting every observation (or the gauge's value) above or below the
/// threshold.
fn input_series(seed: &Seed<'_>, above: bool, minutes: u64) -> Vec<(String, String)> {
    let labels = series_labels(seed.metric);
    let t = seed.threshold;
    match seed.metric.kind {
        MetricKind::Gauge => {
            let delta = (t.abs() * 0.05).max(0.01);
            let value = if above { t + delta } else { t - delta };
            vec![(
                selector(&seed.metric.full_name, &labels, None),
                format!("{value}+0x{minutes}"),
            )]
        }
        MetricKind::Histogram => {
            let Some(Buckets::Bounds(bounds)) = &seed.metric.buckets else {
                panic!("{}: fixed buckets", seed.metric.name);
            };
            // Every observation in one bucket: above, the first bucket whose lower bound is
            // at least the threshold (all quantiles are then above it); below, the bucket
            // whose upper bound is the largest bound at or under it.
            let first_full = if above {
                let lower = bounds
                    .iter()
                    .position(|b| *b >= t)
                    .expect("a bound at or above the threshold");
                assert!(
                    lower + 1 < bounds.len(),
                    "a finite bucket above the threshold"
                );
                lower + 1
            } else {
                bounds
                    .iter()
                    .rposition(|b| *b <= t)
                    .expect("a bound at or below the threshold")
            };
            let bucket = format!("{}_bucket", seed.metric.full_name);
            let mut series: Vec<(String, String)> = bounds
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let step = if i >= first_full { PER_MINUTE } else { 0 };
                    (
                        selector(&bucket, &labels, Some(("le", b.to_string()))),
                        format!("0+{step}x{minutes}"),
                    )
                })
                .collect();
            series.push((
                selector(&bucket, &labels, Some(("le", "+Inf".to_owned()))),
                format!("0+{PER_MINUTE}x{minutes}"),
            ));
            series
        }
        other => panic!("no synthetic series for a {other}"),
    }
}

/// Renders the `{{ $labels.x }}` placeholders of an annotation, the only template the
/// seed alerts use.
fn render(template: &str, labels: &[(String, String)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in labels {
        out = out.replace(&format!("{{{{ $labels.{k} }}}}"), v);
    }
    assert!(
        !out.contains("{{"),
        "the test renders only {{{{ $labels.x }}}}: {template}"
    );
    out
}

fn yaml(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A `promtool test rules` file: for each seed alert, a test above its threshold (pending
/// before `for` has passed, firing after) and a test below it (silent). With `wrong`, the
/// test below expects the alert to fire: promtool must then fail.
fn unit_tests(seeds: &[Seed<'_>], wrong: bool) -> String {
    let mut out = String::from("rule_files:\n  - rules.yml\nevaluation_interval: 1m\ntests:\n");
    for seed in seeds {
        let minutes = seed.for_minutes + 20;
        let firing_at = seed.for_minutes + 10;
        let pending_at = seed.for_minutes - 1;
        let labels = series_labels(seed.metric);
        let mut alert_labels = labels.clone();
        if let Some(severity) = &seed.alert.severity {
            alert_labels.push(("severity".to_owned(), severity.clone()));
        }
        alert_labels.extend(
            seed.alert
                .labels
                .iter()
                .map(|l| (l.name.clone(), l.value.clone())),
        );
        let mut annotations = vec![("summary".to_owned(), seed.alert.summary.clone())];
        if let Some(d) = &seed.alert.description {
            annotations.push(("description".to_owned(), d.clone()));
        }
        let firing = {
            let mut s = String::from("          - exp_labels:\n");
            for (k, v) in &alert_labels {
                let _ = writeln!(s, "              {k}: {}", yaml(v));
            }
            s.push_str("            exp_annotations:\n");
            for (k, v) in &annotations {
                let _ = writeln!(s, "              {k}: {}", yaml(&render(v, &labels)));
            }
            s
        };
        for above in [true, false] {
            let _ = writeln!(
                out,
                "  # {}: {} the threshold {}\n  - interval: 1m\n    input_series:",
                seed.alert.name,
                if above { "above" } else { "below" },
                seed.threshold
            );
            for (series, values) in input_series(seed, above, minutes) {
                let _ = writeln!(
                    out,
                    "      - series: {}\n        values: {}",
                    yaml(&series),
                    yaml(&values)
                );
            }
            out.push_str("    alert_rule_test:\n");
            let _ = writeln!(
                out,
                "      - eval_time: {pending_at}m\n        alertname: {}\n        exp_alerts: []",
                seed.alert.name
            );
            let _ = writeln!(
                out,
                "      - eval_time: {firing_at}m\n        alertname: {}",
                seed.alert.name
            );
            if above || wrong {
                out.push_str("        exp_alerts:\n");
                out.push_str(&firing);
            } else {
                out.push_str("        exp_alerts: []\n");
            }
        }
    }
    out
}

fn run_unit_tests(promtool_path: &Path, dir: &Path, tests: &str) -> (bool, String) {
    std::fs::write(dir.join("tests.yml"), tests).unwrap();
    promtool(promtool_path, dir, &["test", "rules", "tests.yml"])
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn seed_alerts_fire_above_their_thresholds_and_stay_silent_below() {
    let promtool_path = tool("promtool", "apt-get install prometheus");
    let cat = vllm();
    let resolver = Resolver::new(&cat);
    let seeds = seeds(&cat, &resolver);
    // The three diagnoses of the seed: queue time, inter-token latency, KV-cache usage.
    let metrics: Vec<&str> = seeds.iter().map(|s| s.metric.full_name.as_str()).collect();
    assert_eq!(
        metrics,
        [
            "vllm:request_queue_time_seconds",
            "vllm:inter_token_latency_seconds",
            "vllm:kv_cache_usage_perc"
        ]
    );
    for seed in &seeds {
        assert!(
            seed.alert.expr.text.contains("histogram_quantile")
                == (seed.metric.kind == MetricKind::Histogram)
        );
        assert!(
            seed.for_minutes >= 2,
            "{}: `for` of a few minutes",
            seed.alert.name
        );
    }
    let dir = scratch("test-rules");
    std::fs::write(dir.join("rules.yml"), rule_file(&cat, EXAMPLE)).unwrap();
    let tests = unit_tests(&seeds, false);
    let (ok, out) = run_unit_tests(&promtool_path, &dir, &tests);
    assert!(
        ok,
        "promtool test rules failed:\n{out}\n--- tests.yml ---\n{tests}"
    );
    assert!(out.contains("SUCCESS"), "{out}");
    // The same tests expecting the alerts to fire below their thresholds fail, once per
    // alert: the unit tests can tell firing from silence.
    let (ok, out) = run_unit_tests(&promtool_path, &dir, &unit_tests(&seeds, true));
    assert!(
        !ok,
        "promtool accepted alerts firing below their thresholds:\n{out}"
    );
    for seed in &seeds {
        assert!(
            out.contains(&format!("alertname: {}", seed.alert.name)),
            "{out}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn the_recording_rule_records_the_prefix_cache_hit_ratio() {
    let promtool_path = tool("promtool", "apt-get install prometheus");
    let cat = vllm();
    let record = cat
        .records
        .iter()
        .find(|r| r.name == "vllm:prefix_cache_hit_ratio:rate5m")
        .expect("the example's recording rule");
    let labels = r#"model_name="m",engine="0""#;
    let tests = format!(
        "rule_files:\n  - rules.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'vllm:prefix_cache_hits_total{{{labels}}}'\n        values: '0+30x20'\n      - series: 'vllm:prefix_cache_queries_total{{{labels}}}'\n        values: '0+120x20'\n    promql_expr_test:\n      - expr: '{}'\n        eval_time: 10m\n        exp_samples:\n          - labels: '{}{{{labels}}}'\n            value: 0.25\n",
        record.name, record.name
    );
    let dir = scratch("test-record");
    std::fs::write(dir.join("rules.yml"), rule_file(&cat, EXAMPLE)).unwrap();
    let (ok, out) = run_unit_tests(&promtool_path, &dir, &tests);
    assert!(ok, "{out}\n{tests}");
    let _ = std::fs::remove_dir_all(&dir);
}
