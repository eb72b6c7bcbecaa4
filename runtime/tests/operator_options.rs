//! Operator options (disabled metrics, label allow-lists), the label-overflow counter, the
//! errors' `Debug` and the `clap` integration.

use metrics_schema_runtime::*;

static REQUESTS: MetricDesc = MetricDesc {
    name: "engine_requests",
    help: "Requests.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[LabelDesc::open("model", 2), LabelDesc::open("engine", 8)],
    buckets: Buckets::None,
};

static RUNNING: MetricDesc = MetricDesc {
    name: "engine_running",
    help: "Requests running.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Active,
    labels: &[],
    buckets: Buckets::None,
};

static OVERFLOWS: MetricDesc = label_overflows_desc("engine_label_overflows");

/// What `catalogue!` generates for the two metrics above.
struct Engine;

impl MetricCatalogue for Engine {
    const VERSION: &'static str = "1.3.0";
    const SHOW_HIDDEN_VALUE: Option<&'static str> = Some("1.2");
    const METRICS: &'static [MetricInfo] = &[
        MetricInfo {
            name: "engine_requests",
            open_labels: &["model", "engine"],
        },
        MetricInfo {
            name: "engine_running",
            open_labels: &[],
        },
    ];
}

#[test]
fn a_disabled_metric_is_not_exposed_and_recording_is_a_no_op() {
    let options = Options::new()
        .disable_metric::<Engine>("engine_running")
        .unwrap();
    assert!(options.is_disabled("engine_running"));
    let running: Family<Gauge> = Family::new(&RUNNING, &options).unwrap();
    let requests: Family<Counter, (), 2> = Family::new(&REQUESTS, &options).unwrap();
    running.set(3.0);
    requests.with(["a", "0"], ()).inc();
    assert!(!running.is_exposed());
    let registry = Registry::new();
    registry.register(&running).unwrap();
    registry.register(&requests).unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert!(!text.contains("engine_running"), "{text}");
    assert!(
        text.contains("engine_requests_total{model=\"a\",engine=\"0\"} 1"),
        "{text}"
    );
}

#[test]
fn unknown_names_are_errors_with_a_suggestion() {
    let err = Options::new()
        .disable_metric::<Engine>("engine_runing")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown metric \"engine_runing\": did you mean \"engine_running\"?"
    );
    let err = Options::new().disable_metric::<Engine>("zzz").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown metric \"zzz\": give a metric's full name, as exposed"
    );
    let err = Options::new()
        .allow_label_values::<Engine>("engine_requests", "modle", &["a"])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "metric \"engine_requests\" has no open label \"modle\" (its open labels: model, engine)"
    );
    let err = Options::new()
        .allow_label_values::<Engine>("engine_running", "model", &["a"])
        .unwrap_err();
    assert!(
        err.to_string().ends_with("(it has no open labels)"),
        "{err}"
    );
}

#[test]
fn values_outside_an_allow_list_become_the_overflow_value_and_are_counted() {
    let options = Options::new()
        .allow_label_values::<Engine>("engine_requests", "engine", &["0", "1"])
        .unwrap();
    let requests: Family<Counter, (), 2> = Family::new(&REQUESTS, &options).unwrap();
    requests.with(["a", "0"], ()).inc();
    requests.with(["a", "7"], ()).inc();
    requests.bind(["a", "9"]).inc();
    let registry = Registry::new();
    registry.register(&requests).unwrap();
    registry
        .register(&LabelOverflows::new(&OVERFLOWS, requests.collectors()))
        .unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert!(
        text.contains("engine_requests_total{model=\"a\",engine=\"0\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("engine_requests_total{model=\"a\",engine=\"__overflow__\"} 2\n"),
        "{text}"
    );
    assert!(!text.contains("engine=\"7\""), "{text}");
    assert!(
        text.contains(
            "engine_label_overflows_total{metric=\"engine_requests\",label=\"engine\"} 2\n"
        ),
        "{text}"
    );
    // `model` is bounded too (max_values 2): exposed at 0 before its first overflow.
    assert!(
        text.contains(
            "engine_label_overflows_total{metric=\"engine_requests\",label=\"model\"} 0\n"
        ),
        "{text}"
    );
}

#[test]
fn max_values_overflows_are_counted_per_label_in_both_formats() {
    let requests: Family<Counter, (), 2> = Family::new(&REQUESTS, &Options::new()).unwrap();
    for model in ["a", "b", "c", "d"] {
        requests.with([model, "0"], ()).inc();
    }
    let registry = Registry::new();
    registry.register(&requests).unwrap();
    let overflows = LabelOverflows::new(&OVERFLOWS, requests.collectors());
    registry.register(&overflows).unwrap();
    assert_eq!(
        requests.collector().label_overflows(),
        [("model", 2), ("engine", 0)]
    );
    let text = registry.encode_to_string(Format::Text);
    assert!(
        text.contains("# TYPE engine_label_overflows_total counter\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "engine_label_overflows_total{metric=\"engine_requests\",label=\"model\"} 2\n"
        ),
        "{text}"
    );
    let om = registry.encode_to_string(Format::OpenMetrics);
    assert!(
        om.contains("# TYPE engine_label_overflows counter\n"),
        "{om}"
    );
    assert!(
        om.contains("engine_label_overflows_total{metric=\"engine_requests\",label=\"model\"} 2\n"),
        "{om}"
    );
    let snapshot = overflows.collector().snapshot();
    assert_eq!(snapshot.series.len(), 2);
    // The name is taken: a catalogue metric with it cannot be registered beside it.
    static CLASH: MetricDesc = MetricDesc {
        name: "engine_label_overflows",
        help: "Mine.",
        unit: None,
        metric_type: MetricType::Counter,
        stage: Stage::Active,
        labels: &[],
        buckets: Buckets::None,
    };
    let clash: Family<Counter> = Family::new(&CLASH, &Options::new()).unwrap();
    assert!(registry.register(&clash).is_err());
}

#[test]
fn errors_debug_as_their_sentence() {
    let err = Options::new().show_hidden("1.3.0", "1.1").unwrap_err();
    assert_eq!(format!("{err:?}"), err.to_string());
    assert!(format!("{err:?}").contains("\"1.2\""), "{err:?}");
    static RUNTIME: MetricDesc = MetricDesc {
        name: "engine_batch",
        help: "Batch sizes.",
        unit: None,
        metric_type: MetricType::Histogram,
        stage: Stage::Active,
        labels: &[],
        buckets: Buckets::Runtime,
    };
    let err = Family::<Histogram>::new(&RUNTIME, &Options::new()).unwrap_err();
    assert_eq!(format!("{err:?}"), err.to_string());
    assert!(format!("{err:?}").starts_with("metric \"engine_batch\" takes its buckets"));
    // What `main() -> Result<(), Box<dyn Error>>` prints after `Error: `.
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(format!("{boxed:?}"), err.to_string());
}

#[cfg(feature = "clap")]
mod clap_integration {
    use super::Engine;
    use clap::Parser;
    use metrics_schema_runtime::cli::{AllowList, MetricsArgs};

    #[derive(Debug, Parser)]
    #[command(name = "engine")]
    struct Cli {
        #[command(flatten)]
        metrics: MetricsArgs<Engine>,
    }

    #[test]
    fn values_are_parsed_and_checked_against_the_catalogue() {
        let cli = Cli::try_parse_from([
            "engine",
            "--show-hidden-metrics-for-version",
            "1.2",
            "--disabled-metrics=engine_running,engine_requests",
            "--allow-metric-labels",
            "engine_requests,model=llama,mistral",
            "--allow-metric-labels",
            "engine_requests,engine=0",
        ])
        .unwrap();
        let m = &cli.metrics;
        assert_eq!(m.show_hidden_metrics_for_version.as_deref(), Some("1.2"));
        assert_eq!(m.disabled_metrics, ["engine_running", "engine_requests"]);
        assert_eq!(
            m.allow_metric_labels[0],
            AllowList {
                metric: "engine_requests".into(),
                label: "model".into(),
                values: vec!["llama".into(), "mistral".into()],
            }
        );
        let options = m.options().unwrap();
        assert!(options.shows_hidden());
        assert!(options.is_disabled("engine_requests"));

        let none = Cli::try_parse_from(["engine"]).unwrap();
        assert!(!none.metrics.options().unwrap().shows_hidden());
    }

    #[test]
    fn a_wrong_value_is_a_usage_error_naming_the_valid_one() {
        let err =
            Cli::try_parse_from(["engine", "--show-hidden-metrics-for-version=1.1"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = err.to_string();
        assert!(
            text.contains("invalid value '1.1' for '--show-hidden-metrics-for-version'"),
            "{text}"
        );
        assert!(text.contains("\"1.2\""), "{text}");
        assert!(text.contains("Usage: engine"), "{text}");

        let err =
            Cli::try_parse_from(["engine", "--disabled-metrics", "engine_runing"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("did you mean \"engine_running\"?"),
            "{err}"
        );

        for bad in [
            "engine_requests=a",
            "engine_requests,model",
            "engine_requests,model=",
        ] {
            let err = Cli::try_parse_from(["engine", "--allow-metric-labels", bad]).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(err.to_string().contains("METRIC,LABEL=VALUE"), "{err}");
        }
    }

    #[test]
    fn help_shows_the_valid_value_and_the_environment_variables() {
        let err = Cli::try_parse_from(["engine", "--help"]).unwrap_err();
        assert_eq!(err.exit_code(), 0);
        let help = err.to_string();
        assert!(
            help.contains("--show-hidden-metrics-for-version <VERSION>"),
            "{help}"
        );
        assert!(help.contains("[possible values: 1.2]"), "{help}");
        assert!(
            help.contains("only \"1.2\", the previous minor release"),
            "{help}"
        );
        assert!(
            help.contains("[env: SHOW_HIDDEN_METRICS_FOR_VERSION=]"),
            "{help}"
        );
        assert!(help.contains("[env: DISABLED_METRICS=]"), "{help}");
        assert!(help.contains("[env: ALLOW_METRIC_LABELS=]"), "{help}");
    }
}

#[cfg(feature = "clap")]
mod allow_list_input {
    use metrics_schema_runtime::cli::AllowList;
    use proptest::prelude::*;

    proptest! {
        /// Any text is an allow-list or an error naming it, never a panic; what parses
        /// has a metric, a label and at least one value, none empty.
        #[test]
        fn any_text_parses_or_is_refused(text in ".{0,40}") {
            match AllowList::parse(&text) {
                Ok(list) => {
                    prop_assert!(!list.metric.is_empty() && !list.label.is_empty());
                    prop_assert!(!list.values.is_empty());
                    prop_assert!(list.values.iter().all(|v| !v.is_empty()));
                }
                Err(e) => {
                    let quoted = format!("{text:?}");
                    prop_assert!(e.to_string().contains(&quoted));
                }
            }
        }

        #[test]
        fn written_lists_parse_back(
            metric in "[a-z_:]{1,12}",
            label in "[a-z_]{1,8}",
            values in proptest::collection::vec("[a-z0-9]{1,6}", 1..4),
        ) {
            let text = format!("{metric},{label}={}", values.join(","));
            let list = AllowList::parse(&text).unwrap();
            prop_assert_eq!(list, AllowList { metric, label, values });
        }
    }
}
