//! Families, lifecycle and registry through the public API, with golden expositions.

use metrics_schema_runtime::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Stop,
    Length,
    Abort,
}

impl ClosedLabel for Reason {
    const VALUES: &'static [&'static str] = &["stop", "length", "abort"];
    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Rx,
    Tx,
}

impl ClosedLabel for Dir {
    const VALUES: &'static [&'static str] = &["rx", "tx"];
    fn index(self) -> usize {
        self as usize
    }
}

const fn desc(
    name: &'static str,
    metric_type: MetricType,
    labels: &'static [LabelDesc],
) -> MetricDesc {
    MetricDesc {
        name,
        help: "Help.",
        unit: None,
        metric_type,
        stage: Stage::Active,
        labels,
        buckets: Buckets::None,
    }
}

static MIXED: MetricDesc = desc(
    "app:mixed",
    MetricType::Counter,
    &[
        LabelDesc::closed("dir", Dir::VALUES),
        LabelDesc::open("model", 4),
        LabelDesc::closed("reason", Reason::VALUES),
        LabelDesc::open("engine", 4),
    ],
);

#[test]
fn mixed_labels_keep_catalogue_order() {
    let family: Family<Counter, (Dir, Reason), 2> = Family::new(&MIXED, &Options::new()).unwrap();
    family.with(["m", "0"], (Dir::Tx, Reason::Abort)).inc_by(7);
    let bound = family.bind(["m", "0"]);
    bound.get((Dir::Rx, Reason::Stop)).inc();
    assert_eq!(
        family.with(["m", "0"], (Dir::Rx, Reason::Stop)).value_u64(),
        1
    );
    assert_eq!(family.series_count(), 6);
    let registry = Registry::new();
    registry.register(&family).unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert!(
        text.contains("app:mixed_total{dir=\"tx\",model=\"m\",reason=\"abort\",engine=\"0\"} 7\n"),
        "{text}"
    );
    assert!(
        text.contains("app:mixed_total{dir=\"rx\",model=\"m\",reason=\"stop\",engine=\"0\"} 1\n")
    );
    // Every closed combination of the row exists, at 0.
    assert_eq!(text.matches("app:mixed_total{").count(), 6);
    assert_eq!(text.matches("} 0\n").count(), 4);
}

static CLOSED_ONLY: MetricDesc = desc(
    "closed_only",
    MetricType::Counter,
    &[LabelDesc::closed("reason", Reason::VALUES)],
);

#[test]
fn closed_only_families_expose_every_combination_from_the_start() {
    let family: Family<Counter, Reason> = Family::new(&CLOSED_ONLY, &Options::new()).unwrap();
    let registry = Registry::new();
    registry.register(&family).unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert_eq!(
        text,
        "# HELP closed_only_total Help.\n# TYPE closed_only_total counter\n\
         closed_only_total{reason=\"stop\"} 0\nclosed_only_total{reason=\"length\"} 0\n\
         closed_only_total{reason=\"abort\"} 0\n"
    );
    family.get(Reason::Length).inc();
    assert!(
        registry
            .encode_to_string(Format::Text)
            .contains("closed_only_total{reason=\"length\"} 1\n")
    );
}

static BOUNDED: MetricDesc = desc(
    "bounded",
    MetricType::Gauge,
    &[LabelDesc::open("model", 2), LabelDesc::open("engine", 3)],
);

#[test]
fn open_labels_overflow_past_max_values() {
    let family: Family<Gauge, (), 2> = Family::new(&BOUNDED, &Options::new()).unwrap();
    family.with(["a", "0"], ()).set(1.0);
    family.with(["b", "0"], ()).set(2.0);
    // A third model overflows, whatever the engine.
    family.with(["c", "0"], ()).set(3.0);
    family.with(["d", "1"], ()).add(10.0);
    assert_eq!(family.overflow_count(), 2);
    // Known models combine with new engines up to engine's bound.
    family.with(["a", "1"], ()).set(4.0);
    family.with(["a", "2"], ()).set(5.0);
    family.with(["b", "3"], ()).set(6.0);
    assert_eq!(family.overflow_count(), 3);
    // Existing combinations never overflow; the same new combination counts each time.
    family.with(["a", "0"], ()).add(1.0);
    assert_eq!(family.with(["a", "0"], ()).value(), 2.0);
    family.with(["c", "0"], ()).add(1.0);
    assert_eq!(family.overflow_count(), 4);
    // Recording into the overflow series directly is not an overflow.
    family.with([OVERFLOW_VALUE, OVERFLOW_VALUE], ()).add(100.0);
    assert_eq!(family.overflow_count(), 4);
    // 5 rows (a0 b0 a1 a2 b1? no: b1 was never asked) + overflow.
    let registry = Registry::new();
    registry.register(&family).unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert!(
        text.ends_with("bounded{model=\"__overflow__\",engine=\"__overflow__\"} 107\n"),
        "{text}"
    );
    assert_eq!(family.series_count(), 5);
    assert_eq!(registry.overflows(), vec![("bounded", 4)]);
}

#[test]
fn max_values_override() {
    let options = Options::new().max_values("model", 1);
    let family: Family<Gauge, (), 2> = Family::new(&BOUNDED, &options).unwrap();
    family.with(["a", "0"], ()).set(1.0);
    family.with(["b", "0"], ()).set(1.0);
    assert_eq!(family.overflow_count(), 1);
    let zero = Options::new().max_values("engine", 0);
    let err = Family::<Gauge, (), 2>::new(&BOUNDED, &zero).unwrap_err();
    assert_eq!(
        err,
        BuildError::ZeroMaxValues {
            metric: "bounded",
            label: "engine"
        }
    );
}

static DEPRECATED: MetricDesc = MetricDesc {
    name: "vllm:gpu_cache_usage_perc",
    help: "GPU KV-cache usage. 1 means 100 percent usage.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Deprecated(Deprecation {
        since: "0.10",
        replaced_by: Some("vllm:kv_cache_usage_perc"),
        note: Some("Same value, new name."),
    }),
    labels: &[LabelDesc::open("model_name", 16)],
    buckets: Buckets::None,
};

static HIDDEN: MetricDesc = MetricDesc {
    name: "vllm:time_per_output_token_seconds",
    help: "Histogram of time per output token in seconds.",
    unit: Some("seconds"),
    metric_type: MetricType::Histogram,
    stage: Stage::Hidden(Some(Deprecation {
        since: "0.11",
        replaced_by: Some("vllm:inter_token_latency_seconds"),
        note: None,
    })),
    labels: &[LabelDesc::open("model_name", 16)],
    buckets: Buckets::Static(&[0.01, 0.1, 1.0]),
};

static HIDDEN_UNLABELED: MetricDesc = MetricDesc {
    name: "old_gauge",
    help: "An alpha gauge hidden without deprecation.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Hidden(None),
    labels: &[],
    buckets: Buckets::None,
};

#[test]
fn deprecated_help_carries_the_notice() {
    let family: Family<Gauge, (), 1> = Family::new(&DEPRECATED, &Options::new()).unwrap();
    family.with(["llama"], ()).set(0.25);
    let registry = Registry::new();
    registry.register(&family).unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert!(text.starts_with(
        "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage. \
         DEPRECATED since 0.10.0: use vllm:kv_cache_usage_perc instead. Same value, new name.\n"
    ));
}

#[test]
fn hidden_metrics_are_sinks_unless_shown() {
    let hidden: Family<Histogram, (), 1> = Family::new(&HIDDEN, &Options::new()).unwrap();
    let unlabeled: Family<Gauge> = Family::new(&HIDDEN_UNLABELED, &Options::new()).unwrap();
    assert!(!hidden.is_exposed());
    for i in 0..10_000 {
        hidden.with([&format!("model-{i}")], ()).observe(0.5);
    }
    unlabeled.set(3.0);
    // Every lookup went to one shared sink: no series kept, nothing counted as overflow.
    assert_eq!(hidden.series_count(), 0);
    assert_eq!(hidden.overflow_count(), 0);
    let registry = Registry::new();
    registry.register(&hidden).unwrap();
    registry.register(&unlabeled).unwrap();
    assert_eq!(registry.encode_to_string(Format::Text), "");
    assert_eq!(registry.encode_to_string(Format::OpenMetrics), "# EOF\n");

    // Started with --show-hidden-metrics-for-version=0.11 at 0.12.1.
    let shown = Options::new().show_hidden("0.12.1", "0.11").unwrap();
    let family: Family<Histogram, (), 1> = Family::new(&HIDDEN, &shown).unwrap();
    let unlabeled: Family<Gauge> = Family::new(&HIDDEN_UNLABELED, &shown).unwrap();
    assert!(family.is_exposed());
    family.with(["llama"], ()).observe(0.05);
    unlabeled.set(3.0);
    let registry = Registry::new();
    registry.register(&family).unwrap();
    registry.register(&unlabeled).unwrap();
    let om = registry.encode_to_string(Format::OpenMetrics);
    assert!(om.contains(
        "# HELP vllm:time_per_output_token_seconds Histogram of time per output token in \
         seconds. DEPRECATED since 0.11.0: use vllm:inter_token_latency_seconds instead.\n"
    ));
    assert!(om.contains("vllm:time_per_output_token_seconds_count{model_name=\"llama\"} 1\n"));
    assert!(om.contains("old_gauge 3.0\n"), "{om}");
}

#[test]
fn show_hidden_refuses_every_other_value() {
    for bad in ["0.10", "0.12", "0.11.1", "v0.11", "", "banana"] {
        let err = Options::new().show_hidden("0.12.1", bad).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"0.11\""), "{text}");
        assert!(text.contains(&format!("{bad:?}")), "{text}");
    }
    let err = Options::new().show_hidden("1.0.0", "0.99").unwrap_err();
    assert!(err.to_string().contains("no previous minor"), "{err}");
    let err = Options::new()
        .show_hidden("not-a-version", "0.1")
        .unwrap_err();
    assert!(matches!(err, OptionsError::Version(_)), "{err}");
}

static RUNTIME_BUCKETS: MetricDesc = MetricDesc {
    name: "latency_seconds",
    help: "Latency.",
    unit: Some("seconds"),
    metric_type: MetricType::Histogram,
    stage: Stage::Active,
    labels: &[],
    buckets: Buckets::Runtime,
};

#[test]
fn build_errors_are_values() {
    let err = Family::<Histogram>::new(&RUNTIME_BUCKETS, &Options::new()).unwrap_err();
    assert_eq!(
        err,
        BuildError::MissingBuckets {
            metric: "latency_seconds"
        }
    );
    assert!(err.to_string().contains("Options::buckets"));
    let bad = Options::new().buckets("latency_seconds", &[1.0, 0.5]);
    let err = Family::<Histogram>::new(&RUNTIME_BUCKETS, &bad).unwrap_err();
    assert!(matches!(err, BuildError::InvalidBuckets { .. }), "{err}");
    let good = Options::new().buckets("latency_seconds", &[0.5, 1.0, f64::INFINITY]);
    let h = Family::<Histogram>::new(&RUNTIME_BUCKETS, &good).unwrap();
    assert_eq!(h.bounds(), &[0.5, 1.0]);

    let err = Family::<Gauge>::new(&RUNTIME_BUCKETS, &good).unwrap_err();
    assert!(matches!(err, BuildError::TypeMismatch { .. }), "{err}");
    let err = Family::<Counter, (Dir, Reason), 1>::new(&MIXED, &good).unwrap_err();
    assert!(matches!(err, BuildError::LabelMismatch { .. }), "{err}");
    let err = Family::<Counter, (Reason, Dir), 2>::new(&MIXED, &good).unwrap_err();
    assert!(matches!(err, BuildError::LabelMismatch { .. }), "{err}");

    static BAD_NAME: MetricDesc = desc("1abc", MetricType::Gauge, &[]);
    static BAD_LABEL: MetricDesc = desc("abc", MetricType::Gauge, &[LabelDesc::open("__x", 1)]);
    static LE: MetricDesc = MetricDesc {
        buckets: Buckets::Static(&[1.0]),
        ..desc("h", MetricType::Histogram, &[LabelDesc::open("le", 1)])
    };
    static DUP: MetricDesc = desc(
        "d",
        MetricType::Gauge,
        &[LabelDesc::open("a", 1), LabelDesc::open("a", 1)],
    );
    static BAD_UNIT: MetricDesc = MetricDesc {
        unit: Some("seconds"),
        ..desc("latency_ms", MetricType::Gauge, &[])
    };
    assert!(matches!(
        Family::<Gauge>::new(&BAD_NAME, &good),
        Err(BuildError::InvalidMetricName { .. })
    ));
    assert!(matches!(
        Family::<Gauge, (), 1>::new(&BAD_LABEL, &good),
        Err(BuildError::InvalidLabelName { .. })
    ));
    assert!(matches!(
        Family::<Histogram, (), 1>::new(&LE, &good),
        Err(BuildError::InvalidLabelName { label: "le", .. })
    ));
    assert!(matches!(
        Family::<Gauge, (), 2>::new(&DUP, &good),
        Err(BuildError::InvalidLabelName { label: "a", .. })
    ));
    assert!(matches!(
        Family::<Gauge>::new(&BAD_UNIT, &good),
        Err(BuildError::InvalidUnit { .. })
    ));
}

#[test]
fn registry_refuses_colliding_names_atomically() {
    static C: MetricDesc = desc("x", MetricType::Counter, &[]);
    static G: MetricDesc = desc("x_total", MetricType::Gauge, &[]);
    static H: MetricDesc = MetricDesc {
        buckets: Buckets::Static(&[1.0]),
        ..desc("y", MetricType::Histogram, &[])
    };
    static Y_COUNT: MetricDesc = desc("y_count", MetricType::Gauge, &[]);
    static OK: MetricDesc = desc("ok", MetricType::Gauge, &[]);
    let o = Options::new();
    let c: Family<Counter> = Family::new(&C, &o).unwrap();
    let g: Family<Gauge> = Family::new(&G, &o).unwrap();
    let h: Family<Histogram> = Family::new(&H, &o).unwrap();
    let y_count: Family<Gauge> = Family::new(&Y_COUNT, &o).unwrap();
    let ok: Family<Gauge> = Family::new(&OK, &o).unwrap();

    let registry = Registry::new();
    registry.register(&c).unwrap();
    let err = registry.register(&g).unwrap_err();
    assert_eq!(err.name, "x_total");
    assert_eq!(err.existing, "x");
    // A set with a collision inside registers nothing.
    let set = vec![ok.collector(), h.collector(), y_count.collector()];
    let err = registry.register(&set).unwrap_err();
    assert_eq!((err.name.as_str(), err.metric), ("y_count", "y_count"));
    assert_eq!(registry.collectors().len(), 1);
    registry
        .register(&[ok.collector(), h.collector()][..])
        .unwrap();
    let err = registry.register(&ok).unwrap_err();
    assert!(err.to_string().contains("already registered"), "{err}");
    assert_eq!(registry.collectors().len(), 3);
}

#[test]
fn histogram_family_snapshot_is_consistent() {
    static H: MetricDesc = MetricDesc {
        buckets: Buckets::Static(&[1.0, 2.0]),
        ..desc(
            "h_seconds",
            MetricType::Histogram,
            &[LabelDesc::open("m", 2)],
        )
    };
    let family: Family<Histogram, (), 1> = Family::new(&H, &Options::new()).unwrap();
    let bound = family.bind(["a"]);
    for v in [0.5, 1.5, 2.5, 3.0] {
        bound.observe(v);
    }
    let snap = family.with(["a"], ()).snapshot();
    assert_eq!(snap.cumulative(), vec![1, 2, 4]);
    assert_eq!(snap.sum, 7.5);
}

/// One registry holding every metric type, used for the golden expositions.
fn golden_registry() -> Registry {
    static REQ: MetricDesc = MetricDesc {
        help: "Requests with a \"quoted\" word, a back\\slash and a\nnewline.",
        ..desc(
            "vllm:request_success",
            MetricType::Counter,
            &[
                LabelDesc::open("model_name", 4),
                LabelDesc::closed("finished_reason", Reason::VALUES),
            ],
        )
    };
    static RUNNING: MetricDesc = desc(
        "vllm:num_requests_running",
        MetricType::Gauge,
        &[LabelDesc::open("model_name", 4)],
    );
    static LAT: MetricDesc = MetricDesc {
        unit: Some("seconds"),
        buckets: Buckets::Static(&[0.005, 0.5, 1.0, 1e6]),
        ..desc(
            "vllm:e2e_request_latency_seconds",
            MetricType::Histogram,
            &[LabelDesc::open("model_name", 4)],
        )
    };
    static BUILD: MetricDesc = desc(
        "vllm:build",
        MetricType::Info,
        &[LabelDesc::open("version", 1), LabelDesc::open("commit", 1)],
    );
    let o = Options::new();
    let req: Family<Counter, Reason, 1> = Family::new(&REQ, &o).unwrap();
    let running: Family<Gauge, (), 1> = Family::new(&RUNNING, &o).unwrap();
    let lat: Family<Histogram, (), 1> = Family::new(&LAT, &o).unwrap();
    let build: Family<Info, (), 2> = Family::new(&BUILD, &o).unwrap();
    let dep: Family<Gauge, (), 1> = Family::new(&DEPRECATED, &o).unwrap();
    req.with(["llama \"3\"\\\n"], Reason::Stop)
        .inc_by(1_000_000);
    req.with([""], Reason::Abort).inc_by_f64(0.5);
    running.with(["llama"], ()).set(3.0);
    running.with(["ünïcødé ☃"], ()).set(-0.000012);
    let l = lat.bind(["llama"]);
    for v in [0.001, 0.3, 0.7, 2.0, 5e6] {
        l.observe(v);
    }
    build.with(["0.11.0", "abc123"], ()).set();
    dep.with(["llama"], ()).set(f64::NAN);
    let registry = Registry::new();
    registry
        .register(&vec![
            req.collector(),
            running.collector(),
            lat.collector(),
            build.collector(),
            dep.collector(),
        ])
        .unwrap();
    registry
}

#[test]
fn golden_text() {
    insta::assert_snapshot!(golden_registry().encode_to_string(Format::Text));
}

#[test]
fn golden_openmetrics() {
    insta::assert_snapshot!(golden_registry().encode_to_string(Format::OpenMetrics));
}
