//! This runtime against prometheus-client, prometheus (tikv) and measured, with a raw
//! relaxed `fetch_add` as the floor, in one run:
//!
//! ```sh
//! cargo bench -p metrics-schema-runtime --bench comparison
//! ```
//!
//! Each peer is used the fastest way its documentation shows. Receivers are not hidden
//! behind `black_box` (inputs are): a handle stored in a struct is loaded once per loop
//! by real code too, and every contestant, floor included, is measured the same way. After the run a summary
//! table is printed from criterion's estimates: every case's time, its ratio to the
//! fastest peer and to the floor, and the target of issue 3. Run it on a quiet machine:
//! the cases take nanoseconds, and other processes on the same cores show up directly.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use metrics_schema_runtime as ours;
use ours::{Buckets, ClosedLabel, Family, LabelDesc, MetricDesc, MetricType, Options, Stage};

// ---------------------------------------------------------------------------------------
// Shared inputs.

/// vLLM's time_to_first_token buckets, cut to 20.
const BOUNDS: [f64; 20] = [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    20.0, 40.0, 80.0, 160.0,
];

/// Observations spread over the buckets (a fixed pseudo-random sequence).
fn observations() -> Vec<f64> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    (0..1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // log-uniform between 1e-4 and ~300
            10f64.powf(-4.0 + 6.5 * (x >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

const MODELS: [&str; 16] = [
    "meta-llama/Llama-3.1-8B-Instruct",
    "Qwen/Qwen2.5-7B-Instruct",
    "mistralai/Mistral-7B-Instruct-v0.3",
    "google/gemma-2-9b-it",
    "microsoft/Phi-3.5-mini-instruct",
    "deepseek-ai/DeepSeek-V3",
    "meta-llama/Llama-3.1-70B-Instruct",
    "Qwen/Qwen2.5-72B-Instruct",
    "tiiuae/falcon-7b",
    "bigscience/bloom-7b1",
    "EleutherAI/gpt-j-6b",
    "facebook/opt-6.7b",
    "stabilityai/stablelm-2-1_6b",
    "01-ai/Yi-1.5-9B-Chat",
    "internlm/internlm2_5-7b-chat",
    "THUDM/glm-4-9b-chat",
];

/// Run-time copies, so no peer can hash a constant at compile time.
fn model_names() -> Vec<String> {
    MODELS.iter().map(|s| s.to_string()).collect()
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    prometheus_client::encoding::EncodeLabelValue,
    measured::FixedCardinalityLabel,
)]
enum Kind {
    User,
    Internal,
    Network,
}

impl ClosedLabel for Kind {
    const VALUES: &'static [&'static str] = &["user", "internal", "network"];
    fn index(self) -> usize {
        self as usize
    }
}

impl Kind {
    fn as_str(self) -> &'static str {
        Kind::VALUES[self as usize]
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    prometheus_client::encoding::EncodeLabelValue,
    measured::FixedCardinalityLabel,
)]
enum Reason {
    Stop,
    Length,
    Abort,
    Error,
    Repetition,
    Timeout,
}

impl ClosedLabel for Reason {
    const VALUES: &'static [&'static str] =
        &["stop", "length", "abort", "error", "repetition", "timeout"];
    fn index(self) -> usize {
        self as usize
    }
}

impl Reason {
    fn as_str(self) -> &'static str {
        Reason::VALUES[self as usize]
    }
}

/// A fixed pseudo-random walk over the 18 (Kind, Reason) combinations.
fn combos() -> Vec<(Kind, Reason)> {
    let kinds = [Kind::User, Kind::Internal, Kind::Network];
    let reasons = [
        Reason::Stop,
        Reason::Length,
        Reason::Abort,
        Reason::Error,
        Reason::Repetition,
        Reason::Timeout,
    ];
    (0..256usize)
        .map(|i| {
            let h = i.wrapping_mul(2654435761) >> 7;
            (kinds[h % 3], reasons[(h / 3) % 6])
        })
        .collect()
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
struct PcClosed {
    kind: Kind,
    reason: Reason,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
struct PcModel {
    model_name: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
struct PcModelStatic {
    model_name: &'static str,
}

#[derive(Clone, Copy, PartialEq, Debug, measured::LabelGroup)]
#[label(set = MeasuredClosedSet)]
struct MeasuredClosed {
    kind: Kind,
    reason: Reason,
}

#[derive(Clone, Copy, PartialEq, Debug, measured::LabelGroup)]
#[label(set = MeasuredModelSet)]
struct MeasuredModel<'a> {
    #[label(dynamic_with = paracord::ParaCord, default)]
    model_name: &'a str,
}

#[derive(measured::MetricGroup)]
#[metric(new())]
struct MeasuredEncodeGroup {
    /// Requests.
    requests: measured::CounterVec<MeasuredModelSet>,
}

fn desc(
    name: &'static str,
    metric_type: MetricType,
    labels: &'static [LabelDesc],
    buckets: Buckets,
) -> &'static MetricDesc {
    Box::leak(Box::new(MetricDesc {
        name,
        help: "Help text.",
        unit: None,
        metric_type,
        stage: Stage::Active,
        labels,
        buckets,
    }))
}

// ---------------------------------------------------------------------------------------
// Cases.

/// The floor's atomic: on the heap and alone on its cache lines, like a series (an atomic
/// on the stack can share a line with the benchmark loop's own state).
fn padded_atomic() -> Box<ours::Padded<AtomicU64>> {
    Box::default()
}

fn unlabeled_counter(c: &mut Criterion) {
    let mut g = c.benchmark_group("unlabeled_counter_inc");
    let floor = padded_atomic();
    g.bench_function("floor", |b| {
        // `inc` returns nothing: discard fetch_add's result too, or criterion stores it
        // and the next locked instruction waits for that store.
        b.iter(|| {
            floor.fetch_add(1, Relaxed);
        })
    });

    let family: Family<ours::Counter> = Family::new(
        desc("requests", MetricType::Counter, &[], Buckets::None),
        &Options::new(),
    )
    .unwrap();
    g.bench_function("ours", |b| b.iter(|| family.inc()));

    let pc = prometheus_client::metrics::counter::Counter::<u64>::default();
    g.bench_function("prometheus-client", |b| b.iter(|| pc.inc()));

    let tikv = prometheus::IntCounter::new("requests", "help").unwrap();
    g.bench_function("prometheus", |b| b.iter(|| tikv.inc()));

    let m = measured::Counter::new();
    g.bench_function("measured", |b| b.iter(|| m.inc()));
    g.finish();
}

fn closed_labels(c: &mut Criterion) {
    let mut g = c.benchmark_group("closed_two_labels_inc");
    let combos = combos();
    let mut i = 0usize;
    let mut next = move || {
        i = (i + 1) & 255;
        black_box(combos[i])
    };

    // The floor: the right padded atomic for the combination, indexed by hand.
    let floor: Vec<ours::Padded<AtomicU64>> = (0..18).map(|_| Default::default()).collect();
    g.bench_function("floor", |b| {
        b.iter(|| {
            let (k, r) = next();
            floor[k as usize * 6 + r as usize].fetch_add(1, Relaxed);
        })
    });

    static D: [LabelDesc; 2] = [
        LabelDesc::closed("kind", Kind::VALUES),
        LabelDesc::closed("reason", Reason::VALUES),
    ];
    let family: Family<ours::Counter, (Kind, Reason)> = Family::new(
        desc("errors", MetricType::Counter, &D, Buckets::None),
        &Options::new(),
    )
    .unwrap();
    g.bench_function("ours", |b| b.iter(|| family.get(next()).inc()));

    let pc = prometheus_client::metrics::family::Family::<
        PcClosed,
        prometheus_client::metrics::counter::Counter,
    >::default();
    g.bench_function("prometheus-client", |b| {
        b.iter(|| {
            let (kind, reason) = next();
            pc.get_or_create(&PcClosed { kind, reason }).inc();
        })
    });

    let tikv = prometheus::IntCounterVec::new(
        prometheus::Opts::new("errors", "help"),
        &["kind", "reason"],
    )
    .unwrap();
    g.bench_function("prometheus", |b| {
        b.iter(|| {
            let (k, r) = next();
            tikv.with_label_values(&[k.as_str(), r.as_str()]).inc();
        })
    });

    let m = measured::CounterVec::with_label_set(MeasuredClosedSet {
        kind: measured::label::StaticLabelSet::new(),
        reason: measured::label::StaticLabelSet::new(),
    });
    g.bench_function("measured", |b| {
        b.iter(|| {
            let (kind, reason) = next();
            m.inc(MeasuredClosed { kind, reason });
        })
    });
    g.finish();
}

fn open_label_lookup(c: &mut Criterion) {
    let mut g = c.benchmark_group("open_label_lookup_inc");
    let names = model_names();
    let mut i = 0usize;
    let mut next = move || {
        i = (i + 7) & 15;
        i
    };

    let floor: Vec<ours::Padded<AtomicU64>> = (0..16).map(|_| Default::default()).collect();
    g.bench_function("floor", |b| {
        b.iter(|| {
            floor[black_box(next())].fetch_add(1, Relaxed);
        })
    });

    static D: [LabelDesc; 1] = [LabelDesc::open("model_name", 64)];
    let family: Family<ours::Counter, (), 1> = Family::new(
        desc("requests", MetricType::Counter, &D, Buckets::None),
        &Options::new(),
    )
    .unwrap();
    g.bench_function("ours", |b| {
        b.iter(|| family.with([black_box(names[next()].as_str())], ()).inc())
    });

    // prometheus-client keys families by an owned label set: a `&str` becomes a String.
    let pc = prometheus_client::metrics::family::Family::<
        PcModel,
        prometheus_client::metrics::counter::Counter,
    >::default();
    g.bench_function("prometheus-client", |b| {
        b.iter(|| {
            let model_name = black_box(names[next()].as_str()).to_owned();
            pc.get_or_create(&PcModel { model_name }).inc();
        })
    });
    // Its fastest form, only possible when values are known `&'static str`s.
    let pc_static = prometheus_client::metrics::family::Family::<
        PcModelStatic,
        prometheus_client::metrics::counter::Counter,
    >::default();
    g.bench_function("prometheus-client-static", |b| {
        b.iter(|| {
            let model_name = black_box(MODELS[next()]);
            pc_static.get_or_create(&PcModelStatic { model_name }).inc();
        })
    });

    let tikv =
        prometheus::IntCounterVec::new(prometheus::Opts::new("requests", "help"), &["model_name"])
            .unwrap();
    g.bench_function("prometheus", |b| {
        b.iter(|| {
            tikv.with_label_values(&[black_box(names[next()].as_str())])
                .inc()
        })
    });

    let m = measured::CounterVec::with_label_set(MeasuredModelSet {
        model_name: paracord::ParaCord::default(),
    });
    g.bench_function("measured", |b| {
        b.iter(|| {
            m.inc(MeasuredModel {
                model_name: black_box(names[next()].as_str()),
            })
        })
    });
    g.finish();
}

fn bound_handle(c: &mut Criterion) {
    let mut g = c.benchmark_group("bound_handle_inc");
    let floor = padded_atomic();
    g.bench_function("floor", |b| {
        // `inc` returns nothing: discard fetch_add's result too, or criterion stores it
        // and the next locked instruction waits for that store.
        b.iter(|| {
            floor.fetch_add(1, Relaxed);
        })
    });

    static D: [LabelDesc; 2] = [
        LabelDesc::open("model_name", 64),
        LabelDesc::open("engine", 64),
    ];
    let family: Family<ours::Counter, (), 2> = Family::new(
        desc("tokens", MetricType::Counter, &D, Buckets::None),
        &Options::new(),
    )
    .unwrap();
    let bound = family.bind(["llama", "0"]);
    g.bench_function("ours", |b| b.iter(|| bound.inc()));

    let pc = prometheus_client::metrics::family::Family::<
        PcModel,
        prometheus_client::metrics::counter::Counter,
    >::default();
    let pc_bound = pc
        .get_or_create(&PcModel {
            model_name: "llama".into(),
        })
        .clone();
    g.bench_function("prometheus-client", |b| b.iter(|| pc_bound.inc()));

    let tikv =
        prometheus::IntCounterVec::new(prometheus::Opts::new("tokens", "help"), &["model_name"])
            .unwrap();
    let tikv_bound = tikv.with_label_values(&["llama"]);
    g.bench_function("prometheus", |b| b.iter(|| tikv_bound.inc()));

    let m = measured::CounterVec::with_label_set(MeasuredModelSet {
        model_name: paracord::ParaCord::default(),
    });
    let id = m.with_labels(MeasuredModel {
        model_name: "llama",
    });
    g.bench_function("measured", |b| b.iter(|| m.get_metric(id).inc()));
    g.finish();
}

fn histogram_observe(c: &mut Criterion) {
    let mut g = c.benchmark_group("histogram_observe_20");
    let obs = observations();
    let mut i = 0usize;
    let mut next = move || {
        i = (i + 1) & 1023;
        black_box(obs[i])
    };

    let floor = padded_atomic();
    g.bench_function("floor", |b| {
        b.iter(|| {
            black_box(next());
            floor.fetch_add(1, Relaxed);
        })
    });

    let family: Family<ours::Histogram> = Family::new(
        desc(
            "latency",
            MetricType::Histogram,
            &[],
            Buckets::Static(&BOUNDS),
        ),
        &Options::new(),
    )
    .unwrap();
    g.bench_function("ours", |b| b.iter(|| family.observe(next())));

    let pc = prometheus_client::metrics::histogram::Histogram::new(BOUNDS);
    g.bench_function("prometheus-client", |b| b.iter(|| pc.observe(next())));

    let tikv = prometheus::Histogram::with_opts(
        prometheus::HistogramOpts::new("latency", "help").buckets(BOUNDS.to_vec()),
    )
    .unwrap();
    g.bench_function("prometheus", |b| b.iter(|| tikv.observe(next())));

    let m = measured::Histogram::<20>::with_metadata(
        measured::metric::histogram::Thresholds::with_buckets(BOUNDS),
    );
    g.bench_function("measured", |b| b.iter(|| m.get_metric().observe(next())));
    g.finish();
}

/// Runs `work(thread, iters)` on `threads` threads at once and returns the wall time.
fn timed_threads<F>(threads: usize, iters: u64, work: F) -> Duration
where
    F: Fn(usize, u64) + Sync,
{
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (barrier, work) = (&barrier, &work);
            s.spawn(move || {
                barrier.wait();
                work(t, iters);
                barrier.wait();
            });
        }
        barrier.wait();
        let start = Instant::now();
        barrier.wait();
        start.elapsed()
    })
}

fn two_threads_different_series(c: &mut Criterion) {
    let mut g = c.benchmark_group("two_threads_different_series");
    // Two neighbouring series of one family (the closed label's two values).
    #[derive(Clone, Copy)]
    enum Side {
        A,
        B,
    }
    impl ClosedLabel for Side {
        const VALUES: &'static [&'static str] = &["a", "b"];
        fn index(self) -> usize {
            self as usize
        }
    }
    static D: [LabelDesc; 2] = [
        LabelDesc::open("model_name", 4),
        LabelDesc::closed("side", Side::VALUES),
    ];
    let family: Family<ours::Counter, Side, 1> = Family::new(
        desc("side", MetricType::Counter, &D, Buckets::None),
        &Options::new(),
    )
    .unwrap();
    let bound = family.bind(["llama"]);
    let ours_work = |t: usize, iters: u64| {
        let c = bound.get(if t == 0 { Side::A } else { Side::B });
        for _ in 0..iters {
            black_box(c).inc();
        }
    };
    g.bench_function(BenchmarkId::new("ours", "1 thread"), |b| {
        b.iter_custom(|iters| timed_threads(1, iters, ours_work))
    });
    g.bench_function(BenchmarkId::new("ours", "2 threads"), |b| {
        b.iter_custom(|iters| timed_threads(2, iters, ours_work))
    });

    let pc = prometheus_client::metrics::family::Family::<
        PcModel,
        prometheus_client::metrics::counter::Counter,
    >::default();
    // One statement per lookup: a read guard held across the second `get_or_create`
    // would deadlock.
    let pc_a = pc
        .get_or_create(&PcModel {
            model_name: "a".into(),
        })
        .clone();
    let pc_b = pc
        .get_or_create(&PcModel {
            model_name: "b".into(),
        })
        .clone();
    let pc_series = [pc_a, pc_b];
    g.bench_function(BenchmarkId::new("prometheus-client", "2 threads"), |b| {
        b.iter_custom(|iters| {
            timed_threads(2, iters, |t, iters| {
                for _ in 0..iters {
                    black_box(&pc_series[t]).inc();
                }
            })
        })
    });

    let tikv =
        prometheus::IntCounterVec::new(prometheus::Opts::new("side", "help"), &["side"]).unwrap();
    let tikv_series = [
        tikv.with_label_values(&["a"]),
        tikv.with_label_values(&["b"]),
    ];
    g.bench_function(BenchmarkId::new("prometheus", "2 threads"), |b| {
        b.iter_custom(|iters| {
            timed_threads(2, iters, |t, iters| {
                for _ in 0..iters {
                    black_box(&tikv_series[t]).inc();
                }
            })
        })
    });

    let m = measured::CounterVec::with_label_set(MeasuredModelSet {
        model_name: paracord::ParaCord::default(),
    });
    let ids = [
        m.with_labels(MeasuredModel { model_name: "a" }),
        m.with_labels(MeasuredModel { model_name: "b" }),
    ];
    g.bench_function(BenchmarkId::new("measured", "2 threads"), |b| {
        b.iter_custom(|iters| {
            timed_threads(2, iters, |t, iters| {
                for _ in 0..iters {
                    m.get_metric(ids[t]).inc();
                }
            })
        })
    });

    // Two adjacent unpadded atomics: what false sharing costs.
    let unpadded = [AtomicU64::new(0), AtomicU64::new(0)];
    g.bench_function(BenchmarkId::new("unpadded-atomics", "2 threads"), |b| {
        b.iter_custom(|iters| {
            timed_threads(2, iters, |t, iters| {
                for _ in 0..iters {
                    black_box(&unpadded[t]).fetch_add(1, Relaxed);
                }
            })
        })
    });
    g.finish();
}

fn two_threads_one_histogram(c: &mut Criterion) {
    let mut g = c.benchmark_group("two_threads_one_histogram");
    let obs = observations();

    let family: Family<ours::Histogram> = Family::new(
        desc(
            "latency2",
            MetricType::Histogram,
            &[],
            Buckets::Static(&BOUNDS),
        ),
        &Options::new(),
    )
    .unwrap();
    let drive = |observe: &(dyn Fn(f64) + Sync), t: usize, iters: u64| {
        let mut i = t * 512;
        for _ in 0..iters {
            i = (i + 1) & 1023;
            observe(black_box(obs[i]));
        }
    };
    g.bench_function("ours", |b| {
        b.iter_custom(|iters| timed_threads(2, iters, |t, n| drive(&|v| family.observe(v), t, n)))
    });

    let pc = prometheus_client::metrics::histogram::Histogram::new(BOUNDS);
    g.bench_function("prometheus-client", |b| {
        b.iter_custom(|iters| timed_threads(2, iters, |t, n| drive(&|v| pc.observe(v), t, n)))
    });

    let tikv = prometheus::Histogram::with_opts(
        prometheus::HistogramOpts::new("latency", "help").buckets(BOUNDS.to_vec()),
    )
    .unwrap();
    g.bench_function("prometheus", |b| {
        b.iter_custom(|iters| timed_threads(2, iters, |t, n| drive(&|v| tikv.observe(v), t, n)))
    });

    let m = measured::Histogram::<20>::with_metadata(
        measured::metric::histogram::Thresholds::with_buckets(BOUNDS),
    );
    g.bench_function("measured", |b| {
        b.iter_custom(|iters| {
            timed_threads(2, iters, |t, n| drive(&|v| m.get_metric().observe(v), t, n))
        })
    });
    g.finish();
}

fn encoding(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode_1000_series");
    let values: Vec<String> = (0..1000).map(|i| format!("model-{i}")).collect();

    static D: [LabelDesc; 1] = [LabelDesc::open("model_name", 1000)];
    let family: Family<ours::Counter, (), 1> = Family::new(
        desc("requests", MetricType::Counter, &D, Buckets::None),
        &Options::new(),
    )
    .unwrap();
    for (i, v) in values.iter().enumerate() {
        family.with([v], ()).inc_by(i as u64 * 1000);
    }
    let registry = ours::Registry::new();
    registry.register(&family).unwrap();
    let mut out = Vec::new();
    g.bench_function("ours", |b| {
        b.iter(|| {
            out.clear();
            registry.encode(ours::Format::Text, &mut out);
            black_box(out.len())
        })
    });

    let mut pc_registry = prometheus_client::registry::Registry::default();
    let pc = prometheus_client::metrics::family::Family::<
        PcModel,
        prometheus_client::metrics::counter::Counter,
    >::default();
    pc_registry.register("requests", "Help text.", pc.clone());
    for (i, v) in values.iter().enumerate() {
        pc.get_or_create(&PcModel {
            model_name: v.clone(),
        })
        .inc_by(i as u64 * 1000);
    }
    let mut pc_out = String::new();
    g.bench_function("prometheus-client", |b| {
        b.iter(|| {
            pc_out.clear();
            prometheus_client::encoding::text::encode(&mut pc_out, &pc_registry).unwrap();
            black_box(pc_out.len())
        })
    });

    let tikv_registry = prometheus::Registry::new();
    let tikv =
        prometheus::IntCounterVec::new(prometheus::Opts::new("requests", "help"), &["model_name"])
            .unwrap();
    tikv_registry.register(Box::new(tikv.clone())).unwrap();
    for (i, v) in values.iter().enumerate() {
        tikv.with_label_values(&[v]).inc_by(i as u64 * 1000);
    }
    let mut tikv_out = String::new();
    g.bench_function("prometheus", |b| {
        b.iter(|| {
            tikv_out.clear();
            prometheus::TextEncoder::new()
                .encode_utf8(&tikv_registry.gather(), &mut tikv_out)
                .unwrap();
            black_box(tikv_out.len())
        })
    });

    let m = MeasuredEncodeGroup::new();
    for (i, v) in values.iter().enumerate() {
        m.requests
            .inc_by(MeasuredModel { model_name: v }, i as u64 * 1000);
    }
    let mut enc = measured::text::BufferedTextEncoder::new();
    g.bench_function("measured", |b| {
        b.iter(|| {
            measured::MetricGroup::collect_group_into(&m, &mut enc).unwrap();
            black_box(enc.finish().len())
        })
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Summary.

const PEERS: [&str; 3] = ["prometheus-client", "prometheus", "measured"];

struct Case {
    group: &'static str,
    ours: &'static str,
    target: &'static str,
}

const CASES: [Case; 8] = [
    Case {
        group: "unlabeled_counter_inc",
        ours: "ours",
        target: "<= 1.1x floor",
    },
    Case {
        group: "closed_two_labels_inc",
        ours: "ours",
        target: "<= 1.3x floor",
    },
    Case {
        group: "open_label_lookup_inc",
        ours: "ours",
        target: "<= 0.5x prometheus-client",
    },
    Case {
        group: "bound_handle_inc",
        ours: "ours",
        target: "<= 1.1x floor",
    },
    Case {
        group: "histogram_observe_20",
        ours: "ours",
        target: "<= 0.8x prometheus-client",
    },
    Case {
        group: "two_threads_different_series",
        ours: "ours/2 threads",
        target: "<= 1.5x one thread",
    },
    Case {
        group: "two_threads_one_histogram",
        ours: "ours",
        target: "-",
    },
    Case {
        group: "encode_1000_series",
        ours: "ours",
        target: "<= 0.7x fastest peer",
    },
];

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// Criterion's median estimate in nanoseconds for `group/bench`, if it ran. The median,
/// not the mean: on a shared machine preemptions inflate a few samples a lot.
fn estimate(group: &str, bench: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(bench)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn print_summary() {
    println!();
    println!(
        "| case | ours (ns) | floor (ns) | prometheus-client | prometheus | measured | ours / fastest peer | ours / floor | target |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let fmt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
    for case in &CASES {
        let Some(ours) = estimate(case.group, case.ours) else {
            continue;
        };
        let peer_name = |p: &str| {
            if case.group == "two_threads_different_series" {
                format!("{p}/2 threads")
            } else {
                p.to_owned()
            }
        };
        let peers: Vec<Option<f64>> = PEERS
            .iter()
            .map(|p| estimate(case.group, &peer_name(p)))
            .collect();
        let fastest = peers
            .iter()
            .flatten()
            .copied()
            .fold(f64::INFINITY, f64::min);
        let floor = if case.group == "two_threads_different_series" {
            estimate(case.group, "ours/1 thread")
        } else {
            estimate(case.group, "floor")
        };
        let ratio = |a: f64, b: Option<f64>| b.map_or("-".to_owned(), |b| format!("{:.2}x", a / b));
        println!(
            "| {} | {:.2} | {} | {} | {} | {} | {} | {} | {} |",
            case.group,
            ours,
            fmt(floor),
            fmt(peers[0]),
            fmt(peers[1]),
            fmt(peers[2]),
            ratio(ours, fastest.is_finite().then_some(fastest)),
            ratio(ours, floor),
            case.target,
        );
    }
    if let Some(s) = estimate("open_label_lookup_inc", "prometheus-client-static") {
        println!("\nprometheus-client with &'static str keys (open_label_lookup_inc): {s:.2} ns");
    }
    println!(
        "(two_threads_different_series: floor column = ours on one thread; times are per \
         increment per thread. Medians from {})",
        criterion_dir().display()
    );
}

fn main() {
    let mut c = Criterion::default()
        .output_directory(&criterion_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    unlabeled_counter(&mut c);
    closed_labels(&mut c);
    open_label_lookup(&mut c);
    bound_handle(&mut c);
    histogram_observe(&mut c);
    two_threads_different_series(&mut c);
    two_threads_one_histogram(&mut c);
    encoding(&mut c);
    c.final_summary();
    print_summary();
}
