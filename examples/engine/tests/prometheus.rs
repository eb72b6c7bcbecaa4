//! End to end: three engine instances scraped every second by a real Prometheus server
//! while the load generator drives them; the numbers Prometheus stores must add up to what
//! the load generator sent and received.
//!
//! Needs `prometheus` on `PATH` (Debian's `prometheus` package): ignored when absent (cfg
//! `has_prometheus`, set by the build script), a failure when the environment variable `CI`
//! is set.

use crate::support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use metrics_schema_tests::{Process, free_port, tool};
use serde_json::Value;
use support::{Engine, idle_metrics, request, start, try_start};

fn encode(expr: &str) -> String {
    expr.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET path` on the Prometheus API; the `data` of a successful answer, or `None` while
/// the server is not answering yet.
fn api(prometheus: SocketAddr, path: &str) -> Option<Value> {
    std::net::TcpStream::connect(prometheus).ok()?;
    let response = request(prometheus, "GET", path, "", b"");
    if response.status != 200 {
        return None;
    }
    let json = response.json();
    (json["status"] == "success").then(|| json["data"].clone())
}

/// An instant query: `(labels, value)` per series.
fn query(prometheus: SocketAddr, expr: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    let data = api(prometheus, &format!("/api/v1/query?query={}", encode(expr)))
        .unwrap_or_else(|| panic!("query {expr} failed"));
    data["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let labels = r["metric"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let value = match r["value"][1].as_str().unwrap() {
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                v => v.parse().unwrap(),
            };
            (labels, value)
        })
        .collect()
}

/// The single value of `expr` (a sum), 0 when there is no series.
fn scalar(prometheus: SocketAddr, expr: &str) -> f64 {
    let result = query(prometheus, expr);
    assert!(result.len() <= 1, "{expr}: {result:?}");
    result.first().map_or(0.0, |(_, v)| *v)
}

/// Polls until `check` holds (bounded), for values Prometheus stores at its next scrapes.
fn eventually(what: &str, timeout: Duration, mut check: impl FnMut() -> Result<(), String>) {
    let deadline = Instant::now() + timeout;
    loop {
        match check() {
            Ok(()) => return,
            Err(e) if Instant::now() > deadline => panic!("{what}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

#[test]
#[cfg_attr(not(has_prometheus), ignore = "prometheus not installed")]
fn prometheus_scrapes_three_engines_and_the_numbers_add_up() {
    let prometheus = tool("prometheus", "apt-get install prometheus");
    let started = Instant::now();

    // An invalid show-hidden value: refused at start, naming the valid one.
    let Err((status, stderr)) = try_start(&["--show-hidden-metrics-for-version", "0.11"]) else {
        panic!("an engine started with --show-hidden-metrics-for-version 0.11");
    };
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\"0.10\"") && stderr.contains("0.11"),
        "the refusal does not name the valid value: {stderr}"
    );

    let fast = ["--time-scale", "0.25"];
    let engines: Vec<Engine> = vec![
        start(&[&fast[..], &["--seed", "1"]].concat()),
        start(&[&fast[..], &["--seed", "2"]].concat()),
        // Hidden metrics re-enabled; a small KV cache (preemptions) and flaky transfers,
        // so that every metric of the catalogue moves on this instance.
        start(
            &[
                &fast[..],
                &[
                    "--seed",
                    "3",
                    "--show-hidden-metrics-for-version",
                    "0.10",
                    "--num-gpu-blocks",
                    "24",
                    "--kv-transfer-rate",
                    "0.5",
                    "--kv-transfer-failure-rate",
                    "0.3",
                ],
            ]
            .concat(),
        ),
    ];
    let instances: Vec<String> = engines.iter().map(|e| e.addr.to_string()).collect();

    let dir = std::env::temp_dir().join(format!("engine-prometheus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("prometheus.yml");
    // A rule that reads a metric deprecated at 0.11 (hidden at 0.12): `check-refs
    // --prometheus` must name it at 0.12.0.
    let rules = dir.join("rules.yml");
    std::fs::write(
        &rules,
        "groups:\n  - name: engine-latency\n    rules:\n      - record: job:tpot_seconds:rate1m\n        \
         expr: rate(vllm:time_per_output_token_seconds_sum[1m])\n      - alert: EngineDown\n        \
         expr: up == 0\n",
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nrule_files: ['{}']\nscrape_configs:\n  - job_name: engine\n    \
             static_configs:\n      - targets: [{}]\n",
            rules.display(),
            instances
                .iter()
                .map(|i| format!("'{i}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .unwrap();
    let web: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let _prometheus = Process(
        Command::new(&prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    // All three targets up before the load starts.
    eventually("targets up", Duration::from_secs(30), || {
        let Some(_) = api(web, "/api/v1/status/buildinfo") else {
            return Err("Prometheus is not answering".into());
        };
        let up = query(web, "up");
        if up.len() == 3 && up.iter().all(|(_, v)| *v == 1.0) {
            Ok(())
        } else {
            Err(format!("up = {up:?}"))
        }
    });

    // Load: 90 requests, round-robin over the three engines.
    let mut loadgen = Command::new(env!("CARGO_BIN_EXE_loadgen"));
    for i in &instances {
        loadgen.args(["--target", i]);
    }
    let out = loadgen
        .args([
            "--requests",
            "90",
            "--concurrency",
            "12",
            "--seed",
            "7",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "loadgen failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = &report["total"];
    let requests = total["requests"].as_f64().unwrap();
    assert_eq!(requests, 90.0);
    assert_eq!(total["completed"], 90);
    assert_eq!(total["failed"], 0);
    let choices = total["choices"].as_f64().unwrap();
    assert_eq!(choices, 90.0, "n = 1: one choice per request");

    // The engines are idle; Prometheus catches up within a scrape or two.
    let finals: Vec<_> = engines.iter().map(|e| idle_metrics(e.addr)).collect();
    eventually(
        "sum(vllm:request_success_total)",
        Duration::from_secs(10),
        || {
            let got = scalar(web, "sum(vllm:request_success_total)");
            (got == choices)
                .then_some(())
                .ok_or(format!("{got}, expected {choices}"))
        },
    );

    // Requests, tokens and histogram counts, summed over the instances.
    let expect = |expr: &str, want: f64| {
        let got = scalar(web, expr);
        assert_eq!(got, want, "{expr}");
    };
    expect("sum(vllm:request_success_total)", choices);
    expect(
        "sum(vllm:prompt_tokens_total)",
        total["prompt_tokens"].as_f64().unwrap(),
    );
    expect(
        "sum(vllm:generation_tokens_total)",
        total["generated_tokens"].as_f64().unwrap(),
    );
    for histogram in [
        "vllm:e2e_request_latency_seconds",
        "vllm:time_to_first_token_seconds",
        "vllm:request_queue_time_seconds",
        "vllm:request_prefill_time_seconds",
        "vllm:request_decode_time_seconds",
    ] {
        expect(&format!("sum({histogram}_count)"), choices);
        // +Inf bucket equals _count.
        expect(&format!("sum({histogram}_bucket{{le=\"+Inf\"}})"), choices);
    }
    expect("sum(vllm:request_params_n_count)", requests);
    // Finish reasons as the clients saw them.
    for (reason, count) in total["finish_reasons"].as_object().unwrap() {
        expect(
            &format!("sum(vllm:request_success_total{{finished_reason=\"{reason}\"}})"),
            count.as_f64().unwrap(),
        );
    }
    // Per instance, as the load generator counted.
    for instance in &instances {
        let counts = &report["targets"][instance];
        expect(
            &format!("sum(vllm:request_success_total{{instance=\"{instance}\"}})"),
            counts["choices"].as_f64().unwrap(),
        );
        expect(
            &format!("sum(vllm:generation_tokens_total{{instance=\"{instance}\"}})"),
            counts["generated_tokens"].as_f64().unwrap(),
        );
    }
    // Latency quantiles are finite, over the raw buckets and over a rate.
    for expr in [
        "histogram_quantile(0.9, sum by (le) (vllm:time_to_first_token_seconds_bucket))",
        "histogram_quantile(0.5, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[1m])))",
        "histogram_quantile(0.99, sum by (le) (vllm:inter_token_latency_seconds_bucket))",
    ] {
        let q = scalar(web, expr);
        assert!(q.is_finite() && q > 0.0, "{expr} = {q}");
    }

    // Hidden metrics: only on the instance started with the valid show-hidden value.
    let hidden_on: Vec<String> = query(web, "vllm:gpu_cache_usage_perc")
        .into_iter()
        .map(|(labels, _)| labels["instance"].clone())
        .collect();
    assert_eq!(hidden_on, [instances[2].clone()]);
    assert!(
        query(
            web,
            &format!(
                "vllm:gpu_prefix_cache_queries_total{{instance=\"{}\"}}",
                instances[0]
            )
        )
        .is_empty()
    );
    // ... where they carry the same values as their replacements.
    expect(
        &format!(
            "sum(vllm:gpu_prefix_cache_hits_total{{instance=\"{}\"}})",
            instances[2]
        ),
        scalar(
            web,
            &format!(
                "sum(vllm:prefix_cache_hits_total{{instance=\"{}\"}})",
                instances[2]
            ),
        ),
    );
    // A deprecated metric is scraped with its notice.
    let metadata = api(
        web,
        "/api/v1/metadata?metric=vllm:time_per_output_token_seconds",
    )
    .unwrap();
    let help = metadata["vllm:time_per_output_token_seconds"][0]["help"]
        .as_str()
        .unwrap_or("");
    assert!(help.contains("DEPRECATED"), "{metadata}");

    // Every metric of the catalogue moved on the third instance: each counter and histogram
    // has a non-zero total in Prometheus, each gauge a series.
    let third = &instances[2];
    for counter in [
        "request_success",
        "prompt_tokens",
        "generation_tokens",
        "num_preemptions",
        "prefix_cache_hits",
        "prefix_cache_queries",
        "gpu_prefix_cache_hits",
        "gpu_prefix_cache_queries",
        "spec_decode_num_drafts",
        "spec_decode_num_draft_tokens",
        "spec_decode_num_accepted_tokens",
        "spec_decode_num_accepted_tokens_per_pos",
        "nixl_num_failed_transfers",
    ] {
        let v = scalar(
            web,
            &format!("sum(vllm:{counter}_total{{instance=\"{third}\"}})"),
        );
        assert!(v > 0.0, "vllm:{counter}_total is {v} on {third}");
    }
    for histogram in [
        "request_params_n",
        "e2e_request_latency_seconds",
        "time_to_first_token_seconds",
        "inter_token_latency_seconds",
        "request_prefill_time_seconds",
        "request_decode_time_seconds",
        "time_per_output_token_seconds",
        "request_queue_time_seconds",
        "iteration_tokens_total",
        "nixl_xfer_time_seconds",
    ] {
        let v = scalar(
            web,
            &format!("sum(vllm:{histogram}_count{{instance=\"{third}\"}})"),
        );
        assert!(v > 0.0, "vllm:{histogram}_count is {v} on {third}");
    }
    for gauge in [
        "num_requests_running",
        "num_requests_waiting",
        "kv_cache_usage_perc",
        "gpu_cache_usage_perc",
    ] {
        assert_eq!(
            query(web, &format!("vllm:{gauge}{{instance=\"{third}\"}}")).len(),
            1,
            "{gauge}"
        );
    }
    // What Prometheus stores is what the engines expose.
    for (instance, samples) in instances.iter().zip(&finals) {
        let exposed: f64 = support::sum(samples, "vllm:generation_tokens_total");
        expect(
            &format!("sum(vllm:generation_tokens_total{{instance=\"{instance}\"}})"),
            exposed,
        );
    }

    // Every target healthy, no scrape error.
    let targets = api(web, "/api/v1/targets").unwrap();
    let active = targets["activeTargets"].as_array().unwrap();
    assert_eq!(active.len(), 3);
    for t in active {
        assert_eq!(t["health"], "up", "{t}");
        assert_eq!(t["lastError"], "", "{t}");
    }
    expect("sum(up)", 3.0);

    // The same three engines, live-checked against the catalogue they were built from:
    // clean in both formats (the third with its show-hidden value); the third checked as
    // if it ran without it is caught, and so is an injected metric.
    for (i, engine) in engines.iter().enumerate() {
        let show_hidden = i == 2;
        for format in ["openmetrics", "text"] {
            let found = live_check(engine.addr, format, "0.11.2", show_hidden, None);
            assert_eq!(found, Vec::<String>::new(), "engine {i} ({format})");
        }
    }
    let found = live_check(engines[2].addr, "text", "0.11.2", false, None);
    assert!(
        !found.is_empty() && found.iter().all(|f| f.starts_with("live-hidden-exposed")),
        "{found:?}"
    );
    // At 0.12.0 the metrics hidden at 0.11 are removed: still exposed by this build, they
    // are caught whatever the show-hidden value.
    let found = live_check(engines[2].addr, "openmetrics", "0.12.0", true, None);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("live-removed-exposed")
                && f.contains("`vllm:gpu_cache_usage_perc`")),
        "{found:?}"
    );
    let extra = "# HELP vllm:injected_total An extra metric.\n# TYPE vllm:injected_total counter\nvllm:injected_total 1\n";
    let found = live_check(engines[0].addr, "text", "0.11.2", false, Some(extra));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("live-unknown-metric"), "{found:?}");

    // The fleet through Prometheus's API (`check-live --prometheus`, `check-refs
    // --prometheus`): at the engines' version only the show-hidden instance is noted; at
    // the next minor release that instance exposes removed metrics, and the recording rule
    // reads a metric hidden there.
    fleet_checks(web, &instances);

    drop(engines);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("end to end in {:.1} s", started.elapsed().as_secs_f64());
}

/// Scrapes `addr` in `format` (appending `extra` to the text) and live-checks the scrape
/// against the vLLM catalogue at `version`: `rule line: message` per error or warning.
fn live_check(
    addr: SocketAddr,
    format: &str,
    version: &str,
    show_hidden: bool,
    extra: Option<&str>,
) -> Vec<String> {
    use metrics_schema::exposition::{Format, parse};
    use metrics_schema::live::{self, fetch};
    use metrics_schema::{Options, Severity, Source, lifecycle::Version};

    let mut scraped = fetch::fetch(&format!("http://{addr}/metrics"), fetch::Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    if format == "text" {
        // `fetch` asks for OpenMetrics; the text format comes without negotiation.
        let response = request(addr, "GET", "/metrics", "", b"");
        scraped.text = response.body;
        scraped.format = Format::Text;
    }
    assert_eq!(scraped.format.as_str(), format);
    if let Some(extra) = extra {
        scraped.text.push_str(extra);
    }
    let catalogue = metrics_schema_tests::workspace_root().join("examples/vllm/metrics.toml");
    let at = Version::parse(version).unwrap();
    let checked = metrics_schema::load(&catalogue, &Options::at_version(at.clone())).unwrap();
    let cat = checked.catalogue.as_ref().unwrap();
    let source = Source::new(format!("{addr}"), scraped.text.clone());
    let exposition = parse(&scraped.text, scraped.format).unwrap_or_else(|e| panic!("{e}"));
    let report = live::check(cat, &checked.source, &source, &exposition, &at, show_hidden);
    report
        .scrape
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| format!("{} {}: {}", d.rule, d.line, d.message))
        .collect()
}

/// The fleet checks through Prometheus's HTTP API, at 0.11.2 and at 0.12.0.
fn fleet_checks(web: SocketAddr, instances: &[String]) {
    use metrics_schema::live::{fetch, fleet, prometheus};
    use metrics_schema::refs::Resolver;
    use metrics_schema::refs::loaded::{Loaded, check_loaded};
    use metrics_schema::{Options, Severity, lifecycle::Version};

    let base = format!("http://{web}");
    let targets = prometheus::targets(&base, "{job=\"engine\"}", fetch::Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(targets.len(), 3, "{targets:?}");
    let catalogue = metrics_schema_tests::workspace_root().join("examples/vllm/metrics.toml");
    let checked = metrics_schema::load(&catalogue, &Options::default()).unwrap();
    let cat = checked.catalogue.as_ref().unwrap();
    let summary = |report: &fleet::FleetReport| -> Vec<(String, Severity, Vec<String>)> {
        report
            .findings
            .iter()
            .map(|f| {
                let who = f.instances.iter().map(|(_, i)| i.clone()).collect();
                (f.rule.to_owned(), f.severity, who)
            })
            .collect()
    };

    let at = Version::parse("0.11.2").unwrap();
    let report = fleet::check(cat, &checked.source, &targets, &at, false);
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);
    assert_eq!(
        summary(&report),
        [(
            "live-show-hidden".to_owned(),
            Severity::Note,
            vec![instances[2].clone()]
        )],
        "{:#?}",
        report.findings
    );

    let next = Version::parse("0.12.0").unwrap();
    let report = fleet::check(cat, &checked.source, &targets, &next, false);
    let errors: Vec<_> = summary(&report)
        .into_iter()
        .filter(|(_, s, _)| *s == Severity::Error)
        .collect();
    assert!(!errors.is_empty(), "{:#?}", report.findings);
    for (rule, _, who) in &errors {
        assert_eq!(rule, "live-removed-exposed", "{:#?}", report.findings);
        assert_eq!(who, &[instances[2].clone()], "{:#?}", report.findings);
    }
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "live-removed-exposed"
                && f.metric.as_deref() == Some("vllm:gpu_cache_usage_perc")),
        "{:#?}",
        report.findings
    );

    let loaded = prometheus::rules(&base, fetch::Limits::default()).unwrap();
    let rules: Vec<Loaded> = loaded
        .iter()
        .map(|r| Loaded {
            group: r.group.clone(),
            name: r.name.clone(),
            query: r.query.clone(),
        })
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    let resolver = Resolver::new(cat);
    let now = check_loaded(&resolver, "rules", &rules, &at);
    assert!(
        now.diagnostics.iter().all(|d| !d.is_error()),
        "{:#?}",
        now.diagnostics
    );
    let then = check_loaded(&resolver, "rules", &rules, &next);
    let errors: Vec<_> = then.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:#?}", then.diagnostics);
    assert_eq!(errors[0].rule, "removed-metric-reference");
    assert!(
        errors[0]
            .message
            .starts_with("group `engine-latency`, rule `job:tpot_seconds:rate1m`:"),
        "{}",
        errors[0].message
    );
}
