//! The exposition parser of `schema check-live` and `schema import`
//! (`metrics_schema::exposition`): property-tested against the runtime's encoders
//! (parse(encode(x)) == x, in both formats), and compared with Python's `prometheus_client`
//! parsers on the same generated inputs.

use crate::runtime_support;

use std::collections::BTreeMap;

use metrics_schema::exposition::{self, Exposition, Kind};
use metrics_schema_runtime::*;
use metrics_schema_tests::python_with;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use runtime_support::arbitrary::{build, case};
use runtime_support::{ParsedFamily, Sample_, compare, expected, python_parse};

/// Our parse in the shape Python's parsers report: a text-format counter family without
/// its `_total`, types spelled as OpenMetrics does.
fn as_python(e: &Exposition) -> Vec<ParsedFamily> {
    e.families
        .iter()
        .map(|f| {
            let name = match (f.kind, e.format) {
                (Kind::Counter, exposition::Format::Text) => {
                    f.name.strip_suffix("_total").unwrap_or(&f.name).to_owned()
                }
                _ => f.name.clone(),
            };
            ParsedFamily {
                name,
                kind: f.kind.as_str(exposition::Format::OpenMetrics).to_owned(),
                help: f.help.clone().unwrap_or_default(),
                unit: f.unit.clone().unwrap_or_default(),
                samples: f
                    .samples
                    .iter()
                    .map(|s| Sample_ {
                        name: s.name.clone(),
                        labels: s.labels.iter().cloned().collect::<BTreeMap<_, _>>(),
                        value: s.value,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn parse(text: &str, format: Format) -> Exposition {
    let format = match format {
        Format::Text => exposition::Format::Text,
        Format::OpenMetrics => exposition::Format::OpenMetrics,
    };
    exposition::parse(text, format).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_of_encode_is_identity(case in case()) {
        let registry = build(&case);
        for format in [Format::Text, Format::OpenMetrics] {
            let text = registry.encode_to_string(format);
            let parsed = parse(&text, format);
            compare(&as_python(&parsed), &expected(&registry, format), "parse(encode(x))");
            // Every sample points at its own line.
            for f in &parsed.families {
                for s in &f.samples {
                    let line = text.lines().nth(s.line - 1).unwrap();
                    prop_assert!(line.starts_with(&s.name), "{} at line {}: {line}", s.name, s.line);
                }
            }
        }
    }
}

/// The same generated expositions through Python's parsers and ours: the same families,
/// types, help, units, samples, labels and values; and Python's reading is what the
/// runtime encoded.
#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn agrees_with_python_prometheus_client() {
    let python = python_with("prometheus_client");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = case();
    let mut docs = Vec::new();
    let mut registries = Vec::new();
    for _ in 0..300 {
        let registry = build(&strategy.new_tree(&mut runner).unwrap().current());
        docs.push((registry.encode_to_string(Format::Text), false));
        docs.push((registry.encode_to_string(Format::OpenMetrics), true));
        registries.push(registry);
    }
    // Hand-written inputs with what the runtime never writes: untyped samples, timestamps,
    // exemplars, `_created`, summaries, state sets, escapes in HELP.
    docs.push((
        "# HELP s A summary \\\\ with \\n escapes.\n# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\nuntyped_one{x=\"y\"} 4 1700000000000\n"
            .to_owned(),
        false,
    ));
    docs.push((
        "# TYPE c counter\n# HELP c Counted.\nc_total 1 # {trace_id=\"a\"} 0.5 1.5\nc_created 1700000000.5\n# TYPE st stateset\nst{st=\"a\"} 1\nst{st=\"b\"} 0\n# TYPE u unknown\nu 1 2.5\n# EOF\n"
            .to_owned(),
        true,
    ));
    let results = python_parse(&python, &docs);
    for (i, ((text, om), py)) in docs.iter().zip(&results).enumerate() {
        let py = py
            .as_ref()
            .unwrap_or_else(|e| panic!("case {i}: Python refused: {e}\n{text}"));
        let format = if *om {
            Format::OpenMetrics
        } else {
            Format::Text
        };
        let ours = as_python(&parse(text, format));
        compare(&ours, py, &format!("case {i} (om: {om})"));
        // And Python reads back what the runtime encoded: the encoders' round trip
        // through an independent parser.
        if let Some(registry) = registries.get(i / 2) {
            compare(
                py,
                &expected(registry, format),
                &format!("case {i} (om: {om})"),
            );
        }
    }
}

/// Inputs both parsers refuse.
#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn refuses_what_python_refuses() {
    let python = python_with("prometheus_client");
    let bad: &[(&str, bool)] = &[
        ("a 1\n", true),                // no # EOF
        ("a 1\n# EOF\nb 2\n", true),    // text after # EOF
        ("a{x=\"1\" 1\n# EOF\n", true), // unclosed label set
        ("# TYPE a gauge\n# TYPE a gauge\na 1\n# EOF\n", true),
        ("a{x=\"1\"} one\n", false), // not a number
        ("a{x=\"1\" 1\n", false),
    ];
    let docs: Vec<(String, bool)> = bad.iter().map(|(t, om)| (t.to_string(), *om)).collect();
    let results = python_parse(&python, &docs);
    for ((text, om), py) in docs.iter().zip(&results) {
        assert!(py.is_err(), "Python accepts {text:?}");
        let format = if *om {
            exposition::Format::OpenMetrics
        } else {
            exposition::Format::Text
        };
        assert!(
            exposition::parse(text, format).is_err(),
            "we accept {text:?}"
        );
    }
}
