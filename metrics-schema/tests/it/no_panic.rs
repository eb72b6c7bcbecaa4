//! Nothing panics on bad input: arbitrary bytes, arbitrary text and arbitrary TOML
//! documents (random tables, keys and values, many of them catalogue-shaped) go through the
//! whole library — reading, every rule, rendering, lifecycle — without a panic, and every
//! diagnostic points inside the text.

use std::collections::BTreeMap;

use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{Options, check};
use metrics_schema::{compat, diff};
use proptest::prelude::*;
use proptest::sample::select;

/// Runs everything a consumer could run on `text` and checks the invariants.
fn exercise(text: &str, version: Option<Version>) {
    let mut options = Options::default();
    options.version = version.clone();
    let checked = check(text, "fuzz.toml", &options);
    for d in &checked.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{d:?}"
        );
        assert!(text.is_char_boundary(d.span.start), "{d:?}");
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(d.line <= text.lines().count().max(1) + 1, "{d:?}");
        assert!(!d.message.is_empty());
        assert!(metrics_schema::lint::rule(d.rule).is_some(), "{}", d.rule);
    }
    let human = render::human(&checked.source, &checked.diagnostics, Color::Never);
    assert_eq!(human.is_empty(), checked.diagnostics.is_empty());
    let _ = render::human(&checked.source, &checked.diagnostics, Color::Always);
    let json: serde_json::Value =
        serde_json::from_str(&render::json(&checked.source, &checked.diagnostics)).unwrap();
    assert_eq!(
        json.as_array().map(Vec::len),
        Some(checked.diagnostics.len())
    );
    let _ = render::github(&checked.source, &checked.diagnostics);
    match &checked.catalogue {
        Some(cat) => {
            assert!(!checked.has_errors());
            let at = version.unwrap_or_else(|| Version::new(0, 11, 2));
            let report = cat.status_report(&at);
            assert_eq!(report.metrics.len(), cat.metrics.len());
            let _ = render::status_human("fuzz.toml", &report, true);
            let _ = render::status_json("fuzz.toml", &report);
            for m in &cat.metrics {
                let _ = m.exposed_names();
                let _ = m.help_at(&at);
                let _ = m.worst_case_series();
            }
            let _ = cat.check_show_hidden(&at, "0.10");
            // Generated docs, changelogs and the compatibility rules.
            for format in [Format::Markdown, Format::Html, Format::Json] {
                let _ = docs::generate(cat, &at, format);
            }
            let json: serde_json::Value =
                serde_json::from_str(&docs::generate(cat, &at, Format::Json)).unwrap();
            assert_eq!(json["schema_version"], 1);
            let log = diff::diff(
                diff::Side::new(cat, "old", Some(Version::new(0, 1, 0))),
                diff::Side::new(cat, "new", Some(at.clone())),
            );
            let _ = diff::markdown(&log);
            let _ = diff::json(&log);
            let same = compat::compare(&checked, &checked).expect("a valid catalogue compares");
            assert!(
                same.all().next().is_none(),
                "a catalogue is compatible with itself"
            );
        }
        None => assert!(checked.has_errors()),
    }
}

const KEYS: &[&str] = &[
    "name",
    "type",
    "help",
    "unit",
    "labels",
    "buckets",
    "group",
    "since",
    "stability",
    "deprecated",
    "hidden",
    "removed",
    "replaced_by",
    "note",
    "allow",
    "namespace",
    "separator",
    "version",
    "hide_after",
    "remove_after",
    "values",
    "max_values",
    "exponential",
    "linear",
    "start",
    "factor",
    "width",
    "count",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "counter",
    "gauge",
    "histogram",
    "info",
    "summary",
    "alpha",
    "beta",
    "stable",
    "_",
    ":",
    "vllm",
    "runtime",
    "latency",
    "model_name",
    "engine",
    "le",
    "__x",
    "queue",
    "queue_total",
    "queue_count",
    "requests",
    "fooBar",
    "0.10",
    "0.10.0",
    "0.11",
    "0.9.2",
    "1.0",
    "v1.0",
    "0.11.0-rc.1",
    "banana",
    "name-colon",
    "camel-case",
    "empty-help",
    "seconds",
    "DEPRECATED: use x",
    "é",
    "GPU-to-CPU",
    "gpu_to_cpu",
];

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32 & 0xFFFF)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "nan".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "+inf" } else { "-inf" }.to_owned()
    } else {
        let text = format!("{f:?}");
        if text.contains(['.', 'e']) {
            text
        } else {
            format!("{text}.0")
        }
    }
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(KEYS).prop_map(String::from),
        1 => "[a-z_]{1,10}",
        1 => ".{0,6}",
    ]
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(STRINGS).prop_map(quote),
        1 => ".{0,12}".prop_map(|s| quote(&s)),
        2 => (-5i64..200).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(float_text),
        1 => prop_oneof![Just(0.5f64), Just(1.0), Just(2.5), Just(f64::NAN), Just(f64::INFINITY)]
            .prop_map(float_text),
        1 => any::<bool>().prop_map(|b| b.to_string()),
        1 => Just("1979-05-27T07:32:00Z".to_owned()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::btree_map(key(), inner, 0..4).prop_map(|table| {
                let entries: Vec<String> = table
                    .iter()
                    .map(|(k, v)| format!("{} = {v}", toml_key(k)))
                    .collect();
                format!("{{ {} }}", entries.join(", "))
            }),
        ]
    })
}

fn body() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(key(), value(), 0..8)
}

/// A document of catalogue-shaped sections with random bodies.
fn document() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        Just("[catalogue]".to_owned()),
        Just("[policy]".to_owned()),
        select(&["alpha", "beta", "stable", "gamma"][..]).prop_map(|l| format!("[policy.{l}]")),
        select(STRINGS).prop_map(|l| format!("[labels.{}]", toml_key(l))),
        Just("[buckets]".to_owned()),
        Just("[[metric]]".to_owned()),
        Just("[[metric]]".to_owned()),
        Just("[[metric]]".to_owned()),
        key().prop_map(|k| format!("[{}]", toml_key(&k))),
    ];
    prop::collection::vec((header, body()), 0..10).prop_map(|sections| {
        let mut out = String::new();
        let mut seen = Vec::new();
        for (header, body) in sections {
            // Repeating a plain table header is a TOML error; keep most documents valid.
            if !header.starts_with("[[") {
                if seen.contains(&header) {
                    continue;
                }
                seen.push(header.clone());
            }
            out.push_str(&header);
            out.push('\n');
            for (k, v) in body {
                out.push_str(&format!("{} = {v}\n", toml_key(&k)));
            }
            out.push('\n');
        }
        out
    })
}

fn version() -> impl Strategy<Value = Option<Version>> {
    prop_oneof![
        Just(None),
        (0u64..3, 0u64..20, 0u64..3).prop_map(|(a, b, c)| Some(Version::new(a, b, c))),
        Just(Version::parse("0.11.0-rc.1").ok()),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Integration tests have no lib.rs to store regressions next to; failures print
        // the minimal input instead.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&String::from_utf8_lossy(&bytes), None);
    }

    #[test]
    fn arbitrary_text(text in ".{0,300}") {
        exercise(&text, None);
    }

    #[test]
    fn arbitrary_toml_documents(doc in document(), v in version()) {
        exercise(&doc, v);
    }

    #[test]
    fn arbitrary_metrics(
        metrics in prop::collection::vec(body(), 1..6),
        labels in prop::collection::btree_map(select(STRINGS), body(), 0..4),
        v in version(),
    ) {
        let mut doc = String::from("[catalogue]\nnamespace = \"vllm\"\n\n");
        for (name, body) in &labels {
            doc.push_str(&format!("[labels.{}]\n", toml_key(name)));
            for (k, v) in body {
                doc.push_str(&format!("{} = {v}\n", toml_key(k)));
            }
        }
        for body in &metrics {
            doc.push_str("[[metric]]\n");
            for (k, v) in body {
                doc.push_str(&format!("{} = {v}\n", toml_key(k)));
            }
        }
        exercise(&doc, v);
    }
}

/// A metric with its required keys and a random choice of plausible optional keys, each
/// with a value of the right type.
fn plausible_metric() -> impl Strategy<Value = String> {
    let names = select(
        &[
            "queue",
            "requests",
            "latency_seconds",
            "usage_perc",
            "tokens_total",
            "build",
            "fooBar",
            "x-y",
        ][..],
    );
    let kinds = prop_oneof![
        3 => Just("counter"),
        3 => Just("gauge"),
        1 => Just("histogram"),
        1 => Just("info"),
        1 => Just("summary"),
    ];
    let version = || select(&["0.9", "0.10", "0.11", "0.12.1", "1.0"][..]).prop_map(quote);
    let pair = prop_oneof![
        select(
            &[
                "[\"model_name\", \"engine\"]",
                "[\"reason\"]",
                "[]",
                "[\"nope\"]"
            ][..]
        )
        .prop_map(|v| ("labels", v.to_owned())),
        select(
            &[
                "\"latency\"",
                "\"runtime\"",
                "[1, 2, 4]",
                "{ linear = { start = 0, width = 1, count = 3 } }"
            ][..]
        )
        .prop_map(|v| ("buckets", v.to_owned())),
        version().prop_map(|v| ("since", v)),
        version().prop_map(|v| ("deprecated", v)),
        version().prop_map(|v| ("hidden", v)),
        version().prop_map(|v| ("removed", v)),
        select(&["queue", "requests", "latency_seconds"][..])
            .prop_map(|v| ("replaced_by", quote(v))),
        select(&["alpha", "beta", "stable"][..]).prop_map(|v| ("stability", quote(v))),
        Just(("unit", quote("seconds"))),
        Just(("allow", "[\"unit-suffix\", \"camel-case\"]".to_owned())),
    ];
    // Repeated keys collapse to one: TOML refuses duplicate keys.
    let optional = prop::collection::vec(pair, 0..5)
        .prop_map(|pairs| pairs.into_iter().collect::<BTreeMap<_, _>>());
    (names, kinds, optional).prop_map(|(name, kind, optional)| {
        let mut out =
            format!("[[metric]]\nname = \"{name}\"\ntype = \"{kind}\"\nhelp = \"Help.\"\n");
        for (k, v) in optional {
            out.push_str(&format!("{k} = {v}\n"));
        }
        out
    })
}

const PLAUSIBLE_PREFIX: &str = r#"[catalogue]
namespace = "vllm"

[labels.model_name]
max_values = 8
[labels.engine]
max_values = 4
[labels.reason]
values = ["stop", "length"]

[buckets]
latency = [0.1, 0.5, 1]

"#;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn plausible_catalogues(metrics in prop::collection::vec(plausible_metric(), 1..8), v in version()) {
        let doc = format!("{PLAUSIBLE_PREFIX}{}", metrics.join("\n"));
        exercise(&doc, v);
    }
}

#[test]
fn documents_are_mostly_valid_toml() {
    // The generator is only useful if most of its output parses as TOML and reaches the
    // rules: check that on a fixed sample.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut reached_rules = 0;
    let mut valid_catalogues = 0;
    for _ in 0..200 {
        let doc = document().new_tree(&mut runner).unwrap().current();
        let checked = check(&doc, "fuzz.toml", &Options::default());
        if !checked
            .diagnostics
            .iter()
            .any(|d| d.message.starts_with("invalid TOML"))
        {
            reached_rules += 1;
        }
        if checked.catalogue.is_some() {
            valid_catalogues += 1;
        }
    }
    assert!(
        reached_rules > 150,
        "only {reached_rules} of 200 documents parse as TOML"
    );
    assert!(
        valid_catalogues > 0,
        "no generated document is a valid catalogue"
    );

    let mut valid = 0;
    for _ in 0..200 {
        let metrics = prop::collection::vec(plausible_metric(), 1..4)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let doc = format!("{PLAUSIBLE_PREFIX}{}", metrics.join("\n"));
        if check(&doc, "fuzz.toml", &Options::default())
            .catalogue
            .is_some()
        {
            valid += 1;
        }
    }
    assert!(
        valid > 20,
        "only {valid} of 200 plausible catalogues are valid"
    );
}
