//! Live checks: every live rule's bad example fires and its good example is clean, and the
//! checks find drift between a scrape and the catalogue, pointing at the scrape's lines.

use metrics_schema::exposition::{Format, parse};
use metrics_schema::lifecycle::Version;
use metrics_schema::lint::rules;
use metrics_schema::live::{self, LiveReport, fleet};
use metrics_schema::{Options, Severity, Source, check};

/// A live example: the catalogue, then the scrape after the line `# scrape:`.
fn parts(example: &str) -> (&str, &str) {
    let at = example
        .find("# scrape:\n")
        .expect("a live example has a `# scrape:` line");
    (&example[..at], &example[at + "# scrape:\n".len()..])
}

fn run(catalogue: &str, scrape: &str, version: &str, show_hidden: bool) -> LiveReport {
    let checked = check(catalogue, "metrics.toml", &Options::default());
    assert!(
        checked.diagnostics.is_empty(),
        "the catalogue is not clean:\n{}",
        checked.render_plain()
    );
    let cat = checked.catalogue.as_ref().unwrap();
    let at = checked
        .version
        .clone()
        .unwrap_or_else(|| Version::parse(version).unwrap());
    let source = Source::new("scrape.txt", scrape);
    let exposition = parse(scrape, Format::detect(scrape)).unwrap();
    live::check(cat, &checked.source, &source, &exposition, &at, show_hidden)
}

/// The rules the fleet check finds when Prometheus holds `scrape` for one target.
fn fleet_rules(catalogue: &str, scrape: &str) -> Vec<&'static str> {
    let checked = check(catalogue, "metrics.toml", &Options::default());
    let cat = checked.catalogue.as_ref().unwrap();
    let at = checked
        .version
        .clone()
        .unwrap_or_else(|| Version::parse("1.0.0").unwrap());
    let exposition = parse(scrape, Format::detect(scrape)).unwrap();
    let target = fleet::Target::from_exposition("job", "host:1", &exposition);
    let report = fleet::check(cat, &checked.source, &[target], &at, false);
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);
    report.findings.iter().map(|f| f.rule).collect()
}

fn rules_of(report: &LiveReport) -> Vec<&'static str> {
    report
        .scrape
        .iter()
        .chain(&report.catalogue)
        .map(|d| d.rule)
        .collect()
}

#[test]
fn live_examples_fire_and_are_clean() {
    for r in rules().iter().filter(|r| r.needs_scrape()) {
        let (cat, scrape) = parts(r.bad);
        let bad = run(cat, scrape, "1.0.0", false);
        // One scrape, and the same data as Prometheus would hold it (fleet check).
        let mut found = rules_of(&bad);
        found.extend(fleet_rules(cat, scrape));
        assert!(
            found.contains(&r.id),
            "the bad example of `{}` does not trigger it: {found:?}",
            r.id,
        );
        let (cat, scrape) = parts(r.good);
        let good = run(cat, scrape, "1.0.0", false);
        assert!(
            rules_of(&good).is_empty(),
            "the good example of `{}` is not clean: {:#?}",
            r.id,
            good.scrape
        );
        assert_eq!(
            fleet_rules(cat, scrape),
            Vec::<&str>::new(),
            "the good example of `{}` is not clean in a fleet check",
            r.id
        );
    }
}

const CATALOGUE: &str = include_str!("../fixtures/live_app.toml");

const SCRAPE: &str = "# HELP app:requests Requests finished.
# TYPE app:requests counter
app:requests_total{model_name=\"m\",reason=\"stop\"} 1
app:requests_created{model_name=\"m\",reason=\"stop\"} 1700000000
# HELP app:latency_seconds Latency.
# TYPE app:latency_seconds histogram
# UNIT app:latency_seconds seconds
app:latency_seconds_bucket{le=\"0.5\"} 1
app:latency_seconds_bucket{le=\"1.0\"} 1
app:latency_seconds_bucket{le=\"+Inf\"} 2
app:latency_seconds_sum 3.5
app:latency_seconds_count 2
# HELP app:cache_usage_perc Cache usage. DEPRECATED since 1.1.0: use app:cache_usage instead.
# TYPE app:cache_usage_perc gauge
app:cache_usage_perc 0.5
# HELP app:cache_usage Cache usage, from 0 to 1.
# TYPE app:cache_usage gauge
app:cache_usage 0.5
# HELP app:build Build information.
# TYPE app:build info
app:build_info{model_name=\"m\"} 1
# HELP process_cpu_seconds Not ours.
# TYPE process_cpu_seconds counter
process_cpu_seconds_total 3
# TYPE go_goroutines gauge
go_goroutines 3
# EOF
";

#[test]
fn a_matching_openmetrics_scrape_is_clean() {
    let report = run(CATALOGUE, SCRAPE, "1.1.0", false);
    assert_eq!(
        rules_of(&report),
        Vec::<&str>::new(),
        "{:#?}",
        report.scrape
    );
}

/// `SCRAPE` with `from` replaced by `to` (which must occur).
fn drift(from: &str, to: &str) -> String {
    assert!(SCRAPE.contains(from), "{from}");
    SCRAPE.replacen(from, to, 1)
}

#[test]
fn drift_is_found_at_the_scrape_line() {
    let cases: &[(&str, &str, &str, usize)] = &[
        (
            "# TYPE app:cache_usage gauge",
            "# TYPE app:cache_usage unknown",
            "live-type-mismatch",
            16,
        ),
        (
            "app:requests_total{model_name=\"m\",reason",
            "app:requests_total{model=\"m\",reason",
            "live-labels-mismatch",
            3,
        ),
        (
            "reason=\"stop\"} 1\n",
            "reason=\"abort\"} 1\n",
            "live-undeclared-label-value",
            3,
        ),
        ("le=\"1.0\"", "le=\"2.5\"", "live-buckets-mismatch", 8),
        (
            "# HELP app:cache_usage Cache usage, from 0 to 1.\n# TYPE app:cache_usage gauge\napp:cache_usage 0.5\n",
            "# HELP app:cache_usage Cache usage, from 0 to 1.\n# TYPE app:cache_usage gauge\napp:cache_usage 0.5\n# TYPE app:cache_hits counter\napp:cache_hits_total 1\n",
            "live-unknown-metric",
            19,
        ),
        (
            "Cache usage. DEPRECATED since 1.1.0: use app:cache_usage instead.",
            "Cache usage.",
            "live-missing-notice",
            13,
        ),
    ];
    for (from, to, rule, line) in cases {
        let report = run(CATALOGUE, &drift(from, to), "1.1.0", false);
        let found: Vec<_> = report.scrape.iter().filter(|d| d.rule == *rule).collect();
        assert_eq!(found.len(), 1, "{rule}: {:#?}", report.scrape);
        assert_eq!(found[0].line, *line, "{rule}: {}", found[0]);
        assert_eq!(found[0].file, "scrape.txt");
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("metrics.toml:")
                || *rule == "live-unknown-metric",
            "{rule} names the catalogue entry: {:?}",
            found[0].help
        );
    }
}

#[test]
fn unknown_metrics_get_a_suggestion() {
    let scrape = drift(
        "# HELP app:cache_usage Cache usage, from 0 to 1.\n# TYPE app:cache_usage gauge\napp:cache_usage 0.5",
        "# HELP app:cache_usag Cache usage, from 0 to 1.\n# TYPE app:cache_usag gauge\napp:cache_usag 0.5",
    );
    let report = run(CATALOGUE, &scrape, "1.1.0", false);
    let d = report
        .scrape
        .iter()
        .find(|d| d.rule == "live-unknown-metric")
        .unwrap();
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("did you mean `app:cache_usage`"),
        "{:?}",
        d.help
    );
    // The real name is then absent: a note at the catalogue entry.
    let absent: Vec<_> = report.catalogue.iter().map(|d| (d.rule, d.line)).collect();
    let header = CATALOGUE
        .lines()
        .position(|l| l == "name = \"cache_usage\"")
        .unwrap();
    assert_eq!(absent, [("live-absent", header)]);
    assert_eq!(report.catalogue[0].severity, Severity::Note);
}

#[test]
fn hidden_and_removed_metrics_follow_the_version_and_show_hidden() {
    // 1.2.0: hidden. Exposed without show-hidden is an error; with it, clean.
    let report = run(CATALOGUE, SCRAPE, "1.2.0", false);
    assert_eq!(rules_of(&report), ["live-hidden-exposed"]);
    assert!(
        report.scrape[0]
            .help
            .as_deref()
            .unwrap()
            .contains("--show-hidden 1.1")
    );
    let report = run(CATALOGUE, SCRAPE, "1.2.0", true);
    assert_eq!(rules_of(&report), Vec::<&str>::new());
    // 1.3.0: removed, whatever show-hidden says.
    let report = run(CATALOGUE, SCRAPE, "1.3.0", true);
    assert_eq!(rules_of(&report), ["live-removed-exposed"]);
    assert!(
        report.scrape[0]
            .help
            .as_deref()
            .unwrap()
            .contains("`app:cache_usage`")
    );
}

#[test]
fn text_format_counters_and_info_and_too_many_values() {
    let scrape = "# HELP app:requests_total Requests finished.
# TYPE app:requests_total counter
app:requests_total{model_name=\"a\",reason=\"stop\"} 1
app:requests_total{model_name=\"b\",reason=\"stop\"} 1
app:requests_total{model_name=\"c\",reason=\"stop\"} 1
app:requests_total{model_name=\"d\",reason=\"stop\"} 1
app:requests_total{model_name=\"__overflow__\",reason=\"stop\"} 1
app:requests_total{model_name=\"e\",reason=\"length\"} 1
# HELP app:build_info Build information.
# TYPE app:build_info gauge
app:build_info{model_name=\"m\"} 1
";
    let report = run(CATALOGUE, scrape, "1.0.0", false);
    assert_eq!(rules_of(&report)[0], "live-too-many-values");
    assert_eq!(report.scrape[0].line, 8);
    assert_eq!(report.scrape.len(), 1, "{:#?}", report.scrape);
    // Absent: latency (no labels) and cache_usage; cache_usage_perc is not deprecated at
    // 1.0.0 and absent too.
    assert_eq!(report.catalogue.len(), 3);
    // An untyped counter is a type mismatch, reported once.
    let untyped = "app:requests_total{model_name=\"a\",reason=\"stop\"} 1\n";
    let report = run(CATALOGUE, untyped, "1.0.0", false);
    assert_eq!(rules_of(&report)[0], "live-type-mismatch");
    assert!(report.scrape[0].message.contains("untyped"));
}

#[test]
fn without_a_namespace_every_name_is_checked() {
    let cat = "[[metric]]\nname = \"up_time\"\ntype = \"gauge\"\nhelp = \"Uptime.\"\n";
    let report = run(cat, "up_time 1\nother 2\n", "1.0.0", false);
    // `up_time` is untyped: a type mismatch; `other` is unknown.
    assert_eq!(
        rules_of(&report),
        ["live-type-mismatch", "live-unknown-metric"]
    );
}

#[test]
fn fleet_findings_are_grouped_by_instance() {
    let exposition = parse(SCRAPE, Format::OpenMetrics).unwrap();
    let clean = fleet::Target::from_exposition("app", "a:1", &exposition);
    let mut other = fleet::Target::from_exposition("app", "b:1", &exposition);
    other
        .series
        .push(vec![("__name__".into(), "app:extra".into())]);
    let mut third = clean.clone();
    third.instance = "c:1".into();
    third
        .series
        .push(vec![("__name__".into(), "app:extra".into())]);
    let checked = check(CATALOGUE, "metrics.toml", &Options::default());
    let cat = checked.catalogue.as_ref().unwrap();
    let targets = [clean.clone(), other, third];
    let at = Version::parse("1.1.0").unwrap();
    let report = fleet::check(cat, &checked.source, &targets, &at, false);
    assert_eq!(report.targets, 3);
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let f = &report.findings[0];
    assert_eq!(f.rule, "live-unknown-metric");
    let instances: Vec<&str> = f.instances.iter().map(|(_, i)| i.as_str()).collect();
    assert_eq!(instances, ["b:1", "c:1"]);
    // At 1.2.0 every instance exposes the metric hidden there: one note each, grouped.
    let at = Version::parse("1.2.0").unwrap();
    let report = fleet::check(cat, &checked.source, &[clean], &at, false);
    let rules: Vec<_> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["live-show-hidden"], "{:#?}", report.findings);
    assert!(
        report.findings[0]
            .message
            .contains("`app:cache_usage_perc`")
    );
}
