//! The Grafana dashboard `schema dashboard` writes for the vLLM example: its structure
//! (rows, panels, targets, template variables, grid), that it references exactly the
//! metrics active at the version, and that Prometheus' own parser (through promtool)
//! accepts every query.

use crate::monitoring_support;

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

use metrics_schema::catalogue::MetricKind;
use metrics_schema::dashboard::dashboard;
use metrics_schema::lifecycle::Status;
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::{Resolver, Target, check_file};
use metrics_schema_tests::tool;
use monitoring_support::{promtool, scratch, v, vllm};
use serde_json::Value;

fn panels(board: &Value) -> &Vec<Value> {
    board["panels"].as_array().expect("panels")
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

#[test]
fn structure_panels_targets_and_variables() {
    let cat = vllm();
    let board = dashboard(&cat, &v("0.11.2"), None);
    assert_eq!(board["title"], "vllm metrics");
    assert_eq!(board["uid"], "metrics-schema-vllm");
    assert!(board["schemaVersion"].as_u64().unwrap() >= 36);

    // Template variables: the data source, then model_name and engine, each reading its
    // values from Prometheus through the data source variable.
    let vars = board["templating"]["list"].as_array().unwrap();
    let names: Vec<&str> = vars.iter().map(|x| str_of(x, "name")).collect();
    assert_eq!(names, ["datasource", "model_name", "engine"]);
    assert_eq!(vars[0]["type"], "datasource");
    assert_eq!(vars[0]["query"], "prometheus");
    for var in &vars[1..] {
        assert_eq!(var["type"], "query");
        assert_eq!(var["datasource"]["uid"], "${datasource}");
        assert_eq!(var["datasource"]["type"], "prometheus");
        assert_eq!(var["multi"], true);
        assert_eq!(var["includeAll"], true);
        let name = str_of(var, "name");
        let query = str_of(var, "query");
        assert!(
            query.starts_with("label_values(") && query.ends_with(&format!(", {name})")),
            "{var}"
        );
        assert_eq!(var["definition"], query);
    }
    // engine's values depend on the chosen model.
    assert!(str_of(&vars[2], "query").contains(r#"{model_name=~"$model_name"}"#));

    // A row per group of the shown metrics, in catalogue order.
    let rows: Vec<&str> = panels(&board)
        .iter()
        .filter(|p| p["type"] == "row")
        .map(|p| str_of(p, "title"))
        .collect();
    assert_eq!(
        rows,
        [
            "Requests and tokens",
            "Latency",
            "Scheduler and queue",
            "KV cache",
            "Speculative decoding",
            "NIXL KV connector",
            "API server",
            "Configuration"
        ]
    );

    let mut ids = HashSet::new();
    let mut cells: Vec<(u64, u64, u64, u64, &str)> = Vec::new();
    for panel in panels(&board) {
        assert!(ids.insert(panel["id"].as_u64().unwrap()), "duplicate id");
        let g = &panel["gridPos"];
        let (x, y, w, h) = (
            g["x"].as_u64().unwrap(),
            g["y"].as_u64().unwrap(),
            g["w"].as_u64().unwrap(),
            g["h"].as_u64().unwrap(),
        );
        assert!(x + w <= 24, "{panel}");
        cells.push((x, y, w, h, str_of(panel, "title")));
        if panel["type"] == "row" {
            assert_eq!(panel["panels"], Value::Array(Vec::new()));
            continue;
        }
        assert_eq!(panel["datasource"]["uid"], "${datasource}");
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "{panel}");
        let refs: HashSet<&str> = targets.iter().map(|t| str_of(t, "refId")).collect();
        assert_eq!(refs.len(), targets.len(), "refIds are distinct");
        for target in targets {
            assert_eq!(target["datasource"]["uid"], "${datasource}");
            let expr = str_of(target, "expr");
            // Every query of a metric with the variables' labels follows them; the few
            // without (the configuration gauges) have nothing to filter.
            let title = str_of(panel, "title");
            if ["vllm:cache_config_info", "vllm:lora_requests_info"].contains(&title) {
                assert!(!expr.contains("$model_name"), "{expr}");
                continue;
            }
            assert!(
                expr.contains(r#"model_name=~"$model_name""#)
                    && expr.contains(r#"engine=~"$engine""#),
                "every query follows the variables: {expr}"
            );
        }
    }
    // No two panels overlap on the grid.
    for (i, a) in cells.iter().enumerate() {
        for b in &cells[i + 1..] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "{} overlaps {}", a.4, b.4);
        }
    }

    // Counters as rates, gauges as values, histograms as quantiles and a heatmap.
    let find = |title: &str| {
        panels(&board)
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title}"))
    };
    let counter = find("vllm:request_success_total per second");
    assert_eq!(
        counter["targets"][0]["expr"],
        r#"sum by (model_name, engine, finished_reason) (rate(vllm:request_success_total{model_name=~"$model_name", engine=~"$engine"}[$__rate_interval]))"#
    );
    let gauge = find("vllm:kv_cache_usage_perc");
    assert_eq!(
        gauge["targets"][0]["expr"],
        r#"vllm:kv_cache_usage_perc{model_name=~"$model_name", engine=~"$engine"}"#
    );
    let quantiles = find("vllm:e2e_request_latency_seconds p50 / p90 / p99");
    let exprs: Vec<&str> = quantiles["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| str_of(t, "expr"))
        .collect();
    assert_eq!(exprs.len(), 3);
    for (expr, q) in exprs.iter().zip(["0.5", "0.9", "0.99"]) {
        assert!(
            expr.starts_with(&format!("histogram_quantile({q}, sum by (le, model_name, engine) (rate(vllm:e2e_request_latency_seconds_bucket{{")),
            "{expr}"
        );
    }
    assert_eq!(quantiles["fieldConfig"]["defaults"]["unit"], "s");
    let heatmap = find("vllm:e2e_request_latency_seconds distribution");
    assert_eq!(heatmap["type"], "heatmap");
    assert_eq!(heatmap["targets"][0]["format"], "heatmap");
    assert_eq!(heatmap["targets"][0]["legendFormat"], "{{le}}");
    assert_eq!(heatmap["options"]["calculate"], false);
}

#[test]
fn references_exactly_the_metrics_active_at_the_version() {
    let cat = vllm();
    let resolver = Resolver::new(&cat);
    for at in ["0.9.2", "0.10.0", "0.11.2", "0.12.0", "0.15.0"] {
        let at = v(at);
        let board = dashboard(&cat, &at, None);
        let text = serde_json::to_string_pretty(&board).unwrap();
        // Read back with the reference checker: nothing to report.
        let file = DashboardFile::read("dashboard.json", &text).unwrap();
        let checked = check_file(&resolver, file.source.clone(), &file.expressions, &at);
        assert!(
            checked.diagnostics.is_empty(),
            "at {at}: {:?}",
            checked.diagnostics
        );
        // Every reference is a sample of a metric active and introduced at the version...
        let mut referenced = BTreeSet::new();
        for expr in &file.expressions {
            for r in expr.references.as_ref().unwrap() {
                let Target::Sample { metric, .. } = resolver.resolve(&r.name) else {
                    panic!("at {at}: {} is no metric sample", r.name);
                };
                assert_eq!(metric.status_at(&at), Status::Active, "{} at {at}", r.name);
                assert!(
                    metric.since.as_ref().is_none_or(|s| *s <= at),
                    "{} at {at}",
                    r.name
                );
                referenced.insert(metric.name.as_str());
            }
        }
        // ... and every such metric has its panel.
        let active: BTreeSet<&str> = cat
            .metrics
            .iter()
            .filter(|m| m.kind != MetricKind::Info && m.status_at(&at) == Status::Active)
            .filter(|m| m.since.as_ref().is_none_or(|s| *s <= at))
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(referenced, active, "at {at}");
    }
    // The lifecycle shows: the renamed KV-cache gauge and the inter-token latency come in,
    // the deprecated ones go.
    let names = |at: &str| serde_json::to_string(&dashboard(&cat, &v(at), None)).unwrap();
    // gpu_cache_usage_perc is deprecated from 0.9.2.
    assert!(names("0.9.1").contains("vllm:gpu_cache_usage_perc{"));
    assert!(!names("0.9.2").contains("vllm:gpu_cache_usage_perc"));
    assert!(!names("0.10.0").contains("vllm:gpu_cache_usage_perc"));
    assert!(names("0.10.0").contains("vllm:kv_cache_usage_perc{"));
    assert!(names("0.10.2").contains("vllm:time_per_output_token_seconds_bucket"));
    assert!(!names("0.11.0").contains("vllm:time_per_output_token_seconds"));
    assert!(!names("0.10.0").contains("vllm:inter_token_latency_seconds"));
    assert!(names("0.11.0").contains("vllm:inter_token_latency_seconds_bucket"));
}

#[test]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn prometheus_parses_every_query() {
    let promtool_path = tool("promtool", "apt-get install prometheus");
    let cat = vllm();
    let board = dashboard(&cat, &v("0.11.2"), None);
    // Grafana replaces $__rate_interval before sending a query; the label matchers keep
    // `$model_name` as a regular expression, which Prometheus accepts as written.
    let mut queries: Vec<String> = Vec::new();
    for panel in panels(&board) {
        for target in panel["targets"].as_array().into_iter().flatten() {
            queries.push(str_of(target, "expr").replace("$__rate_interval", "5m"));
        }
    }
    for var in board["templating"]["list"].as_array().unwrap() {
        if let Some(q) = var["query"]
            .as_str()
            .filter(|q| q.starts_with("label_values("))
        {
            let inner = q.strip_prefix("label_values(").unwrap();
            queries.push(inner[..inner.rfind(',').unwrap()].to_owned());
        }
    }
    assert!(queries.len() > 40, "{}", queries.len());
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, q) in queries.iter().enumerate() {
        let _ = writeln!(
            rules,
            "      - record: dashboard:query_{i}\n        expr: {}",
            serde_json::Value::String(q.clone())
        );
    }
    let dir = scratch("dashboard-queries");
    std::fs::write(dir.join("queries.yml"), &rules).unwrap();
    let (ok, out) = promtool(&promtool_path, &dir, &["check", "rules", "queries.yml"]);
    assert!(ok, "{out}\n{rules}");
    assert!(
        out.contains(&format!("SUCCESS: {} rules found", queries.len())),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
