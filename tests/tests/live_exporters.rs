//! `schema import` -> lint -> `schema check-live` on real exporters: node_exporter's and
//! the Prometheus server's own `/metrics`, in the text format and in OpenMetrics, then drift
//! injected into the imported catalogue is caught.
//!
//! Debian's builds of both exporters answer only in the text format, so the OpenMetrics
//! scrape is their text re-exposed by Python's `prometheus_client` OpenMetrics exposition
//! (a real encoder, and a check that the two agree). Needs `prometheus`,
//! `prometheus-node-exporter` and Python's `prometheus_client`: skipped with a message when
//! absent, a failure when the environment variable `CI` is set.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use metrics_schema::exposition::{Exposition, Format, parse};
use metrics_schema::import::{ImportOptions, import};
use metrics_schema::lifecycle::Version;
use metrics_schema::live::{self, LiveReport, fetch};
use metrics_schema::{Options, Severity, Source, check};
use metrics_schema_tests::{Process, free_port, output_with_stdin, python_with, tool};

/// Scrapes `url` until it answers (bounded).
fn scrape(url: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match fetch::fetch(url, fetch::Limits::default()) {
            Ok(s) => {
                assert_eq!(s.format, Format::Text, "{url}: {}", s.content_type);
                return s.text;
            }
            Err(e) if Instant::now() > deadline => panic!("{e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// The text scrape re-exposed as OpenMetrics by Python's `prometheus_client`; families
/// whose names collide in OpenMetrics (Go's gauge `x` and counter `x_total`) keep the
/// first. Python's own OpenMetrics parser must read the result.
const TO_OPENMETRICS: &str = r#"
import sys
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.openmetrics.exposition import generate_latest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
class Families:
    def __init__(self, families): self.families = families
    def collect(self): return self.families
families, seen = [], set()
for f in text_string_to_metric_families(sys.stdin.read()):
    if f.name not in seen:
        seen.add(f.name)
        families.append(f)
out = generate_latest(Families(families)).decode()
list(om_parse(out))
sys.stdout.write(out)
"#;

fn to_openmetrics(python: &std::path::Path, text: &str) -> String {
    let out = output_with_stdin(
        Command::new(python).args(["-c", TO_OPENMETRICS]),
        text.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn parsed(name: &str, text: &str) -> Exposition {
    parse(text, Format::detect(text)).unwrap_or_else(|e| panic!("{name}:{e}"))
}

/// Live-checks `text` against catalogue `toml` at 1.0.0.
fn live_check(toml: &str, name: &str, text: &str) -> LiveReport {
    let checked = check(toml, "imported.toml", &Options::default());
    let cat = checked
        .catalogue
        .as_ref()
        .unwrap_or_else(|| panic!("{}", checked.render_plain()));
    let source = Source::new(name, text);
    let exposition = parsed(name, text);
    let at = Version::parse("1.0.0").unwrap();
    live::check(cat, &checked.source, &source, &exposition, &at, false)
}

/// Errors and warnings as `rule: message`.
fn problems(report: &LiveReport) -> Vec<String> {
    report
        .scrape
        .iter()
        .chain(&report.catalogue)
        .filter(|d| d.severity != Severity::Note)
        .map(|d| format!("{}:{}: {}: {}", d.file, d.line, d.rule, d.message))
        .collect()
}

/// Imports `scrapes` (merged), lints the draft, and checks each scrape against it: clean.
fn round_trip(what: &str, scrapes: &[(String, String)]) -> String {
    let expositions: Vec<Exposition> = scrapes.iter().map(|(n, t)| parsed(n, t)).collect();
    let imported = import(
        &expositions.iter().collect::<Vec<_>>(),
        &ImportOptions::default(),
    );
    assert!(
        imported.metrics > 50,
        "{what}: {} metrics",
        imported.metrics
    );
    let checked = check(&imported.toml, "imported.toml", &Options::default());
    assert!(
        checked.diagnostics.is_empty(),
        "{what}: the draft does not lint clean:\n{}",
        checked.render_plain()
    );
    for (name, text) in scrapes {
        let report = live_check(&imported.toml, name, text);
        assert_eq!(problems(&report), Vec::<String>::new(), "{what}: {name}");
    }
    imported.toml
}

#[test]
#[cfg_attr(
    not(has_node_exporter),
    ignore = "prometheus-node-exporter not installed"
)]
#[cfg_attr(not(has_prometheus), ignore = "prometheus not installed")]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn node_exporter_and_prometheus_round_trip_and_drift_is_caught() {
    let node_exporter = tool(
        "prometheus-node-exporter",
        "apt-get install prometheus-node-exporter",
    );
    let prometheus = tool("prometheus", "apt-get install prometheus");
    let python = python_with("prometheus_client");
    let dir = std::env::temp_dir().join(format!("live-exporters-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("prometheus.yml");
    std::fs::write(
        &config,
        "global:\n  scrape_interval: 5s\nscrape_configs: []\n",
    )
    .unwrap();

    let node_port = free_port();
    let _node = Process(
        Command::new(&node_exporter)
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let prom_port = free_port();
    let _prom = Process(
        Command::new(&prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    let mut imported = Vec::new();
    for (what, port) in [("node_exporter", node_port), ("prometheus", prom_port)] {
        let url = format!("http://127.0.0.1:{port}/metrics");
        // Two scrapes: families appear between them (e.g. the /metrics handler's own
        // histograms), which the import merges.
        let first = scrape(&url);
        let second = scrape(&url);
        let toml = round_trip(
            &format!("{what} (text)"),
            &[
                (format!("{what}-1.txt"), first.clone()),
                (format!("{what}-2.txt"), second.clone()),
            ],
        );
        assert!(
            toml.contains("external = ["),
            "{what}: summaries go under external"
        );
        round_trip(
            &format!("{what} (openmetrics)"),
            &[
                (format!("{what}-1.om"), to_openmetrics(&python, &first)),
                (format!("{what}-2.om"), to_openmetrics(&python, &second)),
            ],
        );
        imported.push((toml, second));
    }
    let (node_toml, node_text) = &imported[0];
    let (prom_toml, prom_text) = &imported[1];

    // Drift, injected into the imported catalogues.
    let drifted = |toml: &str, from: &str, to: &str| {
        assert!(toml.contains(from), "{from}");
        toml.replacen(from, to, 1)
    };
    let cases = [
        (
            "retyped",
            drifted(
                node_toml,
                "name = \"node_load1\"\ntype = \"gauge\"",
                "name = \"node_load1\"\ntype = \"counter\"",
            ),
            node_text,
            "live-type-mismatch",
        ),
        (
            "dropped",
            drifted(
                node_toml,
                "name = \"node_load1\"\n",
                "name = \"node_load1_gone\"\n",
            ),
            node_text,
            "live-unknown-metric",
        ),
        (
            "label renamed",
            drifted(
                node_toml,
                "labels = [\"cpu\", \"mode\"]",
                "labels = [\"cpu\", \"state\"]",
            ) + "\n[labels.state]\nmax_values = 16\n",
            node_text,
            "live-labels-mismatch",
        ),
        (
            "bucket bound changed",
            bump_first_bound(prom_toml),
            prom_text,
            "live-buckets-mismatch",
        ),
    ];
    for (what, toml, text, rule) in &cases {
        let report = live_check(toml, "scrape.txt", text);
        let found = problems(&report);
        assert!(
            found.iter().any(|p| p.contains(rule)),
            "{what}: {rule} not found in {found:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `toml` with the last bound of its first bucket list doubled (plus one), so that the
/// list stays increasing.
fn bump_first_bound(toml: &str) -> String {
    let mut in_sets = false;
    let mut out = Vec::new();
    let mut done = false;
    for line in toml.lines() {
        if line.starts_with('[') {
            in_sets = line == "[buckets]";
        }
        let is_list = line.starts_with("buckets = [") || (in_sets && line.contains(" = ["));
        if !done && is_list {
            let end = line.rfind(']').unwrap();
            let start = line[..end].rfind(['[', ',']).unwrap() + 1;
            let bound: f64 = line[start..end].trim().parse().unwrap();
            out.push(format!(
                "{} {:?}{}",
                &line[..start],
                bound * 2.0 + 1.0,
                &line[end..]
            ));
            done = true;
        } else {
            out.push(line.to_owned());
        }
    }
    assert!(done, "no bucket list in:\n{toml}");
    out.join("\n") + "\n"
}
