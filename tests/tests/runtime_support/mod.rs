//! Shared by the `runtime_*` end-to-end tests: an independent model of what an exposition
//! must contain (built from the runtime's structured snapshots, not from its text), a
//! small exposition parser, and a driver for Python's `prometheus_client` parsers.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use metrics_schema_runtime::{FamilySnapshot, Format, MetricType, Registry, Sample};

/// One sample: name, labels (sorted by name) and value.
#[derive(Clone, Debug)]
pub struct Sample_ {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// One family as a parser reports it.
#[derive(Clone, Debug)]
pub struct ParsedFamily {
    pub name: String,
    pub kind: String,
    pub help: String,
    pub unit: String,
    pub samples: Vec<Sample_>,
}

/// Serves `registry`'s `/metrics` (`http::serve`) on a loopback port, from a thread of its
/// own for the rest of the test process; returns the address.
pub fn serve(registry: std::sync::Arc<Registry>) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("bound address");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            metrics_schema_runtime::http::serve(listener, registry)
                .await
                .expect("serve /metrics");
        });
    });
    addr
}

/// Values equal as exposed: NaN equals NaN; `-0` equals `0` (both formats write `0`).
pub fn same_value(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

fn labels_of(pairs: &[(&'static str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// What parsers must read back from an exposition of `registry` in `format`, derived from
/// the registry's snapshots with the exposition rules written out here independently.
pub fn expected(registry: &Registry, format: Format) -> Vec<ParsedFamily> {
    let om = format == Format::OpenMetrics;
    let mut families = Vec::new();
    for collector in registry.collectors() {
        let snap: FamilySnapshot = collector.snapshot();
        if !snap.exposed {
            continue;
        }
        let name = snap.desc.name;
        let (family, kind) = match (snap.desc.metric_type, om) {
            (MetricType::Counter, _) => (name.to_owned(), "counter"),
            (MetricType::Gauge, _) => (name.to_owned(), "gauge"),
            (MetricType::Histogram, _) => (name.to_owned(), "histogram"),
            (MetricType::Info, true) => (name.to_owned(), "info"),
            (MetricType::Info, false) => (format!("{name}_info"), "gauge"),
        };
        let mut samples = Vec::new();
        for series in &snap.series {
            let labels = labels_of(&series.labels);
            let sample = |suffix: &str, labels: BTreeMap<String, String>, value: f64| Sample_ {
                name: format!("{name}{suffix}"),
                labels,
                value,
            };
            match series.sample {
                Sample::Counter { int, float } => {
                    samples.push(sample("_total", labels, int as f64 + float))
                }
                Sample::Gauge(v) => samples.push(sample("", labels, v)),
                Sample::Info(set) => {
                    if set {
                        samples.push(sample("_info", labels, 1.0))
                    }
                }
                Sample::Histogram { sum, count } => {
                    let mut cumulative = 0;
                    for (i, n) in series.buckets.iter().enumerate() {
                        cumulative += n;
                        let bound = snap.bounds.get(i).copied().unwrap_or(f64::INFINITY);
                        let mut l = labels.clone();
                        // `le` is compared as a number, see `compare`.
                        l.insert("le".into(), format!("{bound:e}"));
                        samples.push(sample("_bucket", l, cumulative as f64));
                    }
                    let negative_bounds = snap.bounds.iter().any(|b| *b < 0.0);
                    let om_drops_sum = om && (sum < 0.0 || sum.is_nan() || negative_bounds);
                    if !om_drops_sum {
                        samples.push(sample("_sum", labels.clone(), sum));
                        samples.push(sample("_count", labels, count as f64));
                    }
                }
            }
        }
        families.push(ParsedFamily {
            name: family,
            kind: kind.to_owned(),
            help: snap.help.clone(),
            unit: if om {
                snap.desc.unit.unwrap_or("").to_owned()
            } else {
                String::new()
            },
            samples,
        });
    }
    families
}

/// Asserts that `parsed` reads exactly `expected`: every family, type, help, unit,
/// sample name, label value and number. `le` values are compared as numbers, and `+Inf`
/// must be written canonically.
pub fn compare(parsed: &[ParsedFamily], expected: &[ParsedFamily], what: &str) {
    let names = |f: &[ParsedFamily]| f.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(parsed), names(expected), "{what}: families");
    for (p, e) in parsed.iter().zip(expected) {
        let ctx = format!("{what}: family {}", e.name);
        assert_eq!(p.kind, e.kind, "{ctx}: type");
        assert_eq!(p.help, e.help, "{ctx}: help");
        assert_eq!(p.unit, e.unit, "{ctx}: unit");
        assert_eq!(p.samples.len(), e.samples.len(), "{ctx}: sample count");
        for (ps, es) in p.samples.iter().zip(&e.samples) {
            assert_eq!(ps.name, es.name, "{ctx}");
            let mut pl = ps.labels.clone();
            let mut el = es.labels.clone();
            if let (Some(ple), Some(ele)) = (pl.remove("le"), el.remove("le")) {
                let expected_le: f64 = ele.parse().unwrap();
                let got: f64 = ple.parse().unwrap_or(f64::NAN);
                assert_eq!(got, expected_le, "{ctx}: le {ple:?}");
                if expected_le.is_infinite() {
                    assert_eq!(ple, "+Inf", "{ctx}");
                }
            }
            assert_eq!(pl, el, "{ctx}: labels of {}", ps.name);
            assert!(
                same_value(ps.value, es.value),
                "{ctx}: {} {:?} is {} (expected {})",
                ps.name,
                ps.labels,
                ps.value,
                es.value
            );
        }
    }
}

const PY_SCRIPT: &str = r#"
import json, struct, sys
from prometheus_client.parser import text_string_to_metric_families as text_parse
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse

def bits(v):
    return struct.pack('>d', float(v)).hex()

def dump(families):
    out = []
    for f in families:
        out.append({
            "name": f.name, "type": f.type, "help": f.documentation, "unit": f.unit,
            "samples": [[s.name, s.labels, bits(s.value)] for s in f.samples],
        })
    return out

docs = json.load(sys.stdin)
result = []
for doc in docs:
    try:
        parse = om_parse if doc["om"] else text_parse
        result.append({"ok": dump(list(parse(doc["text"])))})
    except Exception as e:
        result.append({"err": repr(e)})
json.dump(result, sys.stdout)
"#;

/// Parses several expositions with Python's `prometheus_client` in one process: the
/// OpenMetrics parser when `om`, the text parser otherwise. Each result is the families
/// or the parser's error.
pub fn python_parse(
    python: &Path,
    docs: &[(String, bool)],
) -> Vec<Result<Vec<ParsedFamily>, String>> {
    let input = serde_json::Value::Array(
        docs.iter()
            .map(|(text, om)| serde_json::json!({"text": text, "om": om}))
            .collect(),
    );
    let out = metrics_schema_tests::output_with_stdin(
        Command::new(python).args(["-c", PY_SCRIPT]),
        input.to_string().as_bytes(),
    );
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r.get("ok") {
            Some(families) => Ok(families
                .as_array()
                .unwrap()
                .iter()
                .map(|f| ParsedFamily {
                    name: f["name"].as_str().unwrap().to_owned(),
                    kind: f["type"].as_str().unwrap().to_owned(),
                    help: f["help"].as_str().unwrap().to_owned(),
                    unit: f["unit"].as_str().unwrap_or("").to_owned(),
                    samples: f["samples"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| Sample_ {
                            name: s[0].as_str().unwrap().to_owned(),
                            labels: s[1]
                                .as_object()
                                .unwrap()
                                .iter()
                                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                                .collect(),
                            value: f64::from_bits(
                                u64::from_str_radix(s[2].as_str().unwrap(), 16).unwrap(),
                            ),
                        })
                        .collect(),
                })
                .collect()),
            None => Err(r["err"].as_str().unwrap_or("?").to_owned()),
        })
        .collect()
}

/// A small parser of both formats' sample lines: `(name, labels, value)` per sample, in
/// order. Comment lines are skipped. Panics on anything malformed.
pub fn parse_samples(text: &str) -> Vec<Sample_> {
    let mut samples = Vec::new();
    for line in text.split_terminator('\n') {
        if line.starts_with('#') {
            continue;
        }
        let (name, rest) = match line.find(['{', ' ']) {
            Some(i) => line.split_at(i),
            None => panic!("no value: {line:?}"),
        };
        let mut labels = BTreeMap::new();
        let mut rest = rest;
        if let Some(body) = rest.strip_prefix('{') {
            let mut chars = body.char_indices().peekable();
            let end;
            loop {
                // name="value"
                let start = chars.peek().map(|&(i, _)| i).unwrap();
                if body[start..].starts_with('}') {
                    end = start + 1;
                    break;
                }
                let eq = body[start..].find("=\"").unwrap() + start;
                let label = body[start..eq].to_owned();
                for _ in start..eq + 2 {
                    chars.next();
                }
                let mut value = String::new();
                loop {
                    let (_, c) = chars.next().expect("unterminated label value");
                    match c {
                        '\\' => match chars.next().unwrap().1 {
                            '\\' => value.push('\\'),
                            '"' => value.push('"'),
                            'n' => value.push('\n'),
                            other => panic!("bad escape \\{other} in {line:?}"),
                        },
                        '"' => break,
                        c => value.push(c),
                    }
                }
                assert!(labels.insert(label, value).is_none(), "duplicate label");
                match chars.next() {
                    Some((_, ',')) => continue,
                    Some((i, '}')) => {
                        end = i + 1;
                        break;
                    }
                    other => panic!("unexpected {other:?} in {line:?}"),
                }
            }
            rest = &body[end..];
        }
        let value = rest.strip_prefix(' ').expect("space before value");
        let value = match value {
            "NaN" => f64::NAN,
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("bad value {v:?}")),
        };
        samples.push(Sample_ {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

/// Checks every histogram series in `samples`: cumulative buckets never decrease, the
/// last bucket is `le="+Inf"`, and it equals `_count`. Returns the number of series seen.
pub fn check_histograms(samples: &[Sample_], family: &str) -> usize {
    let mut series = 0;
    let mut i = 0;
    while i < samples.len() {
        if samples[i].name != format!("{family}_bucket") {
            i += 1;
            continue;
        }
        let mut key = samples[i].labels.clone();
        key.remove("le");
        let mut last = 0.0;
        let mut inf = None;
        while i < samples.len() && samples[i].name == format!("{family}_bucket") {
            assert!(
                samples[i].value >= last,
                "buckets not monotone: {samples:?}"
            );
            last = samples[i].value;
            if samples[i].labels["le"] == "+Inf" {
                inf = Some(last);
            }
            i += 1;
        }
        let count = samples[i..]
            .iter()
            .find(|s| {
                s.name == format!("{family}_count") && {
                    let mut k = s.labels.clone();
                    k.remove("le");
                    k == key
                }
            })
            .expect("_count")
            .value;
        assert_eq!(inf, Some(count), "+Inf bucket != _count for {key:?}");
        series += 1;
    }
    series
}

/// Generated registries for the property tests of the encoders (`runtime_roundtrip.rs`)
/// and of the exposition parser (`exposition_parser.rs`): arbitrary label values (any
/// unicode, quotes, backslashes, newlines, braces, the empty string) and arbitrary floats
/// in a gauge, a counter, a histogram with generated bounds, and an info metric.
pub mod arbitrary {
    use metrics_schema_runtime::*;
    use proptest::prelude::*;

    /// The gauge: labels `a` and `b`.
    pub const GAUGE: &str = "arbitrary_value";
    /// The histogram: label `a`, bounds from the case.
    pub const HISTOGRAM: &str = "arbitrary_latency_seconds";

    static VALUES: MetricDesc = MetricDesc {
        name: GAUGE,
        help: "Arbitrary label values and floats: \\ \" \n ☃.",
        unit: None,
        metric_type: MetricType::Gauge,
        stage: Stage::Active,
        labels: &[LabelDesc::open("a", 64), LabelDesc::open("b", 64)],
        buckets: Buckets::None,
    };

    static COUNTER: MetricDesc = MetricDesc {
        name: "arbitrary_events",
        help: "Counted events.",
        unit: None,
        metric_type: MetricType::Counter,
        stage: Stage::Active,
        labels: &[LabelDesc::open("a", 64)],
        buckets: Buckets::None,
    };

    static HIST: MetricDesc = MetricDesc {
        name: HISTOGRAM,
        help: "Arbitrary bucket bounds and observations.",
        unit: Some("seconds"),
        metric_type: MetricType::Histogram,
        stage: Stage::Active,
        labels: &[LabelDesc::open("a", 64)],
        buckets: Buckets::Runtime,
    };

    static INFO: MetricDesc = MetricDesc {
        name: "arbitrary_build",
        help: "Build information.",
        unit: None,
        metric_type: MetricType::Info,
        stage: Stage::Active,
        labels: &[LabelDesc::open("version", 4)],
        buckets: Buckets::None,
    };

    /// Any `f64`, specials and subnormals included.
    pub fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<u64>().prop_map(f64::from_bits),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(0.0),
            Just(-0.0),
            Just(5e-324),
            Just(f64::MAX),
            Just(f64::MIN),
            (-1e7f64..1e7),
        ]
    }

    /// Label values: any unicode, with the characters that need escaping made frequent.
    pub fn label_value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\"\\\\\n a-z☃{},=#]{0,12}",
            Just(String::new()),
        ]
    }

    /// Gauge series `(a, b, value)`, counter series `(a, count)`, histogram bounds and
    /// observations.
    pub type Case = (
        Vec<(String, String, f64)>,
        Vec<(String, u64)>,
        Vec<f64>,
        Vec<f64>,
    );

    /// Generated cases.
    pub fn case() -> impl Strategy<Value = Case> {
        (
            prop::collection::vec((label_value(), label_value(), any_f64()), 1..6),
            prop::collection::vec((label_value(), 0u64..1_000_000), 0..4),
            prop::collection::btree_set(-1_000_000i64..1_000_000, 0..6),
            prop::collection::vec(any_f64(), 0..8),
        )
            .prop_map(|(series, counts, bounds, obs)| {
                // Bounds from integers scaled to fractions, strictly increasing.
                let bounds = bounds.into_iter().map(|b| b as f64 / 64.0).collect();
                (series, counts, bounds, obs)
            })
    }

    /// The registry of a case: the gauge's series in order (a repeated `(a, b)` keeps its
    /// last value), the counter's, the histogram's observations under `a = "h"`, and one
    /// info series.
    pub fn build((series, counts, bounds, obs): &Case) -> Registry {
        let gauge: Family<Gauge, (), 2> = Family::new(&VALUES, &Options::new()).unwrap();
        for (a, b, v) in series {
            gauge.with([a, b], ()).set(*v);
        }
        let counter: Family<Counter, (), 1> = Family::new(&COUNTER, &Options::new()).unwrap();
        for (a, n) in counts {
            counter.with([a], ()).inc_by(*n);
        }
        let options = Options::new().buckets(HISTOGRAM, bounds);
        let hist: Family<Histogram, (), 1> = Family::new(&HIST, &options).unwrap();
        for v in obs {
            hist.with(["h"], ()).observe(*v);
        }
        let info: Family<Info, (), 1> = Family::new(&INFO, &Options::new()).unwrap();
        info.with(["1.2.3"], ()).set();
        let registry = Registry::new();
        registry.register(&gauge).unwrap();
        registry.register(&counter).unwrap();
        registry.register(&hist).unwrap();
        registry.register(&info).unwrap();
        registry
    }
}
