//! The exposition parser, the live checks and the import never panic, whatever the scrape:
//! arbitrary text, and valid expositions with bytes inserted, deleted or replaced. What
//! fails to parse fails with a position inside the input.

use metrics_schema::exposition::{Format, parse};
use metrics_schema::import::{ImportOptions, import};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, Source, check, live};
use proptest::prelude::*;

const VALID: &str = "# HELP app:requests Requests.
# TYPE app:requests counter
app:requests_total{model_name=\"m\",reason=\"stop\"} 1 # {trace_id=\"x\"} 1 1.5
app:requests_created{model_name=\"m\",reason=\"stop\"} 1700000000
# HELP app:latency_seconds Latency.
# TYPE app:latency_seconds histogram
# UNIT app:latency_seconds seconds
app:latency_seconds_bucket{le=\"0.5\"} 1
app:latency_seconds_bucket{le=\"+Inf\"} 2
app:latency_seconds_sum 3.5
app:latency_seconds_count 2
# TYPE app:build info
app:build_info{version=\"1\"} 1
# TYPE s summary
s{quantile=\"0.5\"} NaN
# EOF
";

const CATALOGUE: &str = include_str!("../fixtures/live_app.toml");

/// `VALID` with edits: (position, byte to insert or none to delete).
fn mutated() -> impl Strategy<Value = String> {
    prop::collection::vec((0..VALID.len(), prop::option::of(any::<char>())), 1..6).prop_map(
        |edits| {
            let mut text: Vec<char> = VALID.chars().collect();
            for (at, c) in edits {
                let at = at.min(text.len().saturating_sub(1));
                match c {
                    Some(c) => text.insert(at, c),
                    None if !text.is_empty() => {
                        text.remove(at);
                    }
                    None => {}
                }
            }
            text.into_iter().collect()
        },
    )
}

fn exercise(text: &str) {
    let checked = check(CATALOGUE, "metrics.toml", &Options::default());
    let cat = checked.catalogue.as_ref().unwrap();
    let at = Version::parse("1.0.0").unwrap();
    for format in [Format::Text, Format::OpenMetrics] {
        match parse(text, format) {
            Ok(e) => {
                let source = Source::new("scrape", text);
                let report = live::check(cat, &checked.source, &source, &e, &at, false);
                for d in report.scrape {
                    assert!(d.span.end <= text.len());
                    assert!(d.line >= 1);
                }
                let imported = import(&[&e], &ImportOptions::default());
                // A draft always lints clean, whatever the scrape held.
                let draft = check(&imported.toml, "draft.toml", &Options::default());
                assert!(
                    draft.diagnostics.is_empty(),
                    "{}\n{}",
                    imported.toml,
                    draft.render_plain()
                );
            }
            Err(e) => {
                let lines = text.split('\n').count().max(1);
                assert!(e.line >= 1 && e.line <= lines, "{e} in {lines} lines");
                assert!(e.column >= 1);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn arbitrary_text(text in "(?s).{0,300}") {
        exercise(&text);
    }

    #[test]
    fn exposition_like_text(text in "([a-z_:]{1,8}(\\{[a-z]{1,3}=\"[^\"\\n]{0,4}\"(,[a-z]{1,3}=\"[a-z]{0,3}\")?\\})? (-?[0-9.e+]{1,6}|NaN|\\+Inf)( [0-9]{1,4})?\n|# (HELP|TYPE|UNIT) [a-z_:]{1,8} [a-z ]{0,12}\n|# EOF\n){0,12}") {
        exercise(&text);
    }

    #[test]
    fn mutated_valid_expositions(text in mutated()) {
        exercise(&text);
    }
}

#[test]
fn the_valid_exposition_is_valid() {
    let e = parse(VALID, Format::OpenMetrics).unwrap();
    assert_eq!(e.families.len(), 4);
    exercise(VALID);
}
