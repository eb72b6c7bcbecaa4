//! Open-label families at scale (issue 16), each case against its reference in one run:
//!
//! ```sh
//! cargo bench -p metrics-schema-runtime --bench scale
//! ```
//!
//! - heap bytes per series (a counting global allocator: bytes requested, live) against
//!   prometheus-client, `std::collections::HashMap<String, AtomicU64>` and the concurrent
//!   maps we considered for the index (papaya, scc, dashmap);
//! - a lookup hit (and an increment) at random over 1,000, 10,000 and 100,000 values of one
//!   open label, against the same;
//! - inserting 10,000 and 100,000 new values into a family of 100,000, against
//!   prometheus-client;
//! - lookups past the bound (the family is full, every value is new) on 1 and 2 threads;
//! - encoding 1,000, 10,000 and 100,000 series, against prometheus-client.
//!
//! After the run a summary prints every target of issue 16 with its ratio. The counting
//! allocator adds one uncontended atomic per allocation to every contestant alike.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Barrier;
use std::sync::atomic::{AtomicIsize, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use metrics_schema_runtime as ours;
use ours::{Buckets, Family, LabelDesc, MetricDesc, MetricType, Options, Stage};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
struct PcModel {
    model_name: String,
}

type PcFamily = prometheus_client::metrics::family::Family<
    PcModel,
    prometheus_client::metrics::counter::Counter,
>;

static OPEN: [LabelDesc; 1] = [LabelDesc::open("model_name", usize::MAX)];
static DESC: MetricDesc = MetricDesc {
    name: "requests",
    help: "Help text.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &OPEN,
    buckets: Buckets::None,
};

fn ours_family(capacity: usize) -> Family<ours::Counter, (), 1> {
    Family::new(&DESC, &Options::new().max_series(capacity)).unwrap()
}

fn keys(n: usize, prefix: &str) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

fn pc_keys(keys: &[String]) -> Vec<PcModel> {
    keys.iter()
        .map(|k| PcModel {
            model_name: k.clone(),
        })
        .collect()
}

/// A fixed pseudo-random walk over `0..n`.
fn walk(n: usize) -> Vec<u32> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    (0..1 << 16)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as u32
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Heap bytes per series.

fn live() -> isize {
    LIVE.load(Relaxed)
}

/// Bytes allocated (and still live) by `build` per series, the structure kept alive.
fn bytes_per_series<T>(n: usize, build: impl FnOnce() -> T) -> f64 {
    let before = live();
    let kept = build();
    let bytes = live() - before;
    drop(black_box(kept));
    bytes as f64 / n as f64
}

fn memory() -> Vec<(String, usize, f64)> {
    let mut rows = Vec::new();
    for n in [100_000, 1_000_000] {
        let keys = keys(n, "model");
        let ours_b = bytes_per_series(n, || {
            let f = ours_family(n);
            for k in &keys {
                f.with([k], ()).inc();
            }
            f
        });
        let pc_b = bytes_per_series(n, || {
            let f = PcFamily::default();
            for k in &keys {
                f.get_or_create(&PcModel {
                    model_name: k.clone(),
                })
                .inc();
            }
            f
        });
        let hm_b = bytes_per_series(n, || {
            let mut m = HashMap::new();
            for k in &keys {
                m.insert(k.clone(), AtomicU64::new(1));
            }
            m
        });
        let papaya_b = bytes_per_series(n, || {
            let m = papaya::HashMap::new();
            for k in &keys {
                m.pin().insert(k.clone(), AtomicU64::new(1));
            }
            m
        });
        let scc_b = bytes_per_series(n, || {
            let m = scc::HashMap::new();
            for k in &keys {
                let _ = m.insert_sync(k.clone(), AtomicU64::new(1));
            }
            m
        });
        let dash_b = bytes_per_series(n, || {
            let m = dashmap::DashMap::new();
            for k in &keys {
                m.insert(k.clone(), AtomicU64::new(1));
            }
            m
        });
        for (name, b) in [
            ("ours", ours_b),
            ("prometheus-client", pc_b),
            ("HashMap", hm_b),
            ("papaya", papaya_b),
            ("scc", scc_b),
            ("dashmap", dash_b),
        ] {
            rows.push((name.to_owned(), n, b));
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------
// Lookup hits.

fn lookup(c: &mut Criterion) {
    for n in [1_000, 10_000, 100_000] {
        let mut g = c.benchmark_group(format!("lookup_hit_{n}"));
        let keys = keys(n, "model");
        let pc_keys = pc_keys(&keys);
        let walk = walk(n);
        let mut i = 0usize;
        let mut next = move || {
            i = (i + 1) & 0xFFFF;
            black_box(walk[i] as usize)
        };

        let family = ours_family(n);
        for k in &keys {
            family.with([k], ()).inc();
        }
        g.bench_function("ours", |b| {
            b.iter(|| family.with([&keys[next()]], ()).inc())
        });

        let mut map = HashMap::new();
        for k in &keys {
            map.insert(k.clone(), AtomicU64::new(0));
        }
        g.bench_function("HashMap", |b| {
            b.iter(|| {
                if let Some(v) = map.get(keys[next()].as_str()) {
                    v.fetch_add(1, Relaxed);
                }
            })
        });

        let pc = PcFamily::default();
        for k in &pc_keys {
            pc.get_or_create(k).inc();
        }
        g.bench_function("prometheus-client", |b| {
            b.iter(|| {
                pc.get_or_create(&pc_keys[next()]).inc();
            })
        });

        let papaya_map = papaya::HashMap::new();
        for k in &keys {
            papaya_map.pin().insert(k.clone(), AtomicU64::new(0));
        }
        g.bench_function("papaya", |b| {
            b.iter(|| {
                if let Some(v) = papaya_map.pin().get(keys[next()].as_str()) {
                    v.fetch_add(1, Relaxed);
                }
            })
        });

        let scc_map = scc::HashMap::new();
        for k in &keys {
            let _ = scc_map.insert_sync(k.clone(), AtomicU64::new(0));
        }
        g.bench_function("scc", |b| {
            b.iter(|| {
                scc_map.read_sync(keys[next()].as_str(), |_, v| v.fetch_add(1, Relaxed));
            })
        });

        let dash = dashmap::DashMap::new();
        for k in &keys {
            dash.insert(k.clone(), AtomicU64::new(0));
        }
        g.bench_function("dashmap", |b| {
            b.iter(|| {
                if let Some(v) = dash.get(keys[next()].as_str()) {
                    v.fetch_add(1, Relaxed);
                }
            })
        });
        g.finish();
    }
}

// ---------------------------------------------------------------------------------------
// Inserts.

const PREFILL: usize = 100_000;

/// The insert windows: 10,000 new values (ours' index grows in this window, at 104,858
/// entries, prometheus-client's `HashMap` does not: it grows at 114,689) and 100,000 new
/// values (each structure grows once), so that neither figure hides a growth.
const INSERT_WINDOWS: [usize; 2] = [10_000, 100_000];

fn insert(c: &mut Criterion) {
    let mut g = c.benchmark_group("insert_into_100000");
    g.sample_size(10);
    let old = keys(PREFILL, "model");
    let pc_old = pc_keys(&old);
    for inserts in INSERT_WINDOWS {
        let new = keys(inserts, "new");
        let pc_new = pc_keys(&new);
        // Each iteration fills a family to 100,000 (not timed), then times the new values.
        g.bench_function(BenchmarkId::new("ours", inserts), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let family = ours_family(PREFILL + inserts);
                    for k in &old {
                        family.with([k], ()).inc();
                    }
                    let start = Instant::now();
                    for k in &new {
                        family.with([black_box(k)], ()).inc();
                    }
                    total += start.elapsed() / inserts as u32;
                    drop(family);
                }
                total
            })
        });
        g.bench_function(BenchmarkId::new("prometheus-client", inserts), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let family = PcFamily::default();
                    for k in &pc_old {
                        family.get_or_create(k).inc();
                    }
                    let start = Instant::now();
                    for k in &pc_new {
                        family.get_or_create(black_box(k)).inc();
                    }
                    total += start.elapsed() / inserts as u32;
                    drop(family);
                }
                total
            })
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Past the bound.

/// The work of one thread: `(thread, iterations)`.
type Work<'a> = dyn Fn(usize, u64) + Sync + 'a;

/// How a case on several threads is timed.
#[derive(Clone, Copy)]
enum Clock {
    /// From the start to the end of all threads.
    Wall,
    /// The mean CPU time of the threads' work (`CLOCK_THREAD_CPUTIME_ID`): what the same
    /// per-thread work costs, contention (stalls on shared cache lines) included, without
    /// the time a thread waits for a core on a busy machine.
    ThreadCpu,
}

/// The calling thread's CPU time.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write; the clock id is a constant of the OS.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Per multi-threaded case, the threads' CPU time and the wall time summed over its
/// samples: their ratio says how many threads really ran at once (2.0 for two threads
/// on two free cores; near 1.0 when they took turns, and then no contention can show).
static PARALLELISM: std::sync::Mutex<Vec<(String, Duration, Duration)>> =
    std::sync::Mutex::new(Vec::new());

fn record_parallelism(case: &str, cpu: Duration, wall: Duration) {
    let mut all = PARALLELISM.lock().unwrap();
    match all.iter_mut().find(|(c, ..)| c == case) {
        Some((_, c, w)) => {
            *c += cpu;
            *w += wall;
        }
        None => all.push((case.to_owned(), cpu, wall)),
    }
}

/// Runs `work(thread, iters)` on `threads` threads at once and returns the time `clock`
/// says it took; `case` names it for [`PARALLELISM`].
fn timed_threads<F>(case: &str, threads: usize, iters: u64, clock: Clock, work: F) -> Duration
where
    F: Fn(usize, u64) + Sync,
{
    let barrier = Barrier::new(threads + 1);
    let cpu = std::sync::Mutex::new(Duration::ZERO);
    let wall = std::thread::scope(|s| {
        for t in 0..threads {
            let (barrier, work, cpu) = (&barrier, &work, &cpu);
            s.spawn(move || {
                barrier.wait();
                let start = thread_cpu();
                work(t, iters);
                let spent = thread_cpu() - start;
                *cpu.lock().unwrap() += spent;
                barrier.wait();
            });
        }
        barrier.wait();
        let start = Instant::now();
        barrier.wait();
        start.elapsed()
    });
    let cpu = cpu.into_inner().unwrap();
    record_parallelism(case, cpu, wall);
    match clock {
        Clock::Wall => wall,
        Clock::ThreadCpu => cpu / threads as u32,
    }
}

fn threads_name(threads: usize) -> String {
    if threads == 1 {
        "1 thread".into()
    } else {
        format!("{threads} threads")
    }
}

fn overflow(c: &mut Criterion) {
    let mut g = c.benchmark_group("overflow_lookup");
    static BOUNDED: [LabelDesc; 1] = [LabelDesc::open("user", 1000)];
    static BOUNDED_DESC: MetricDesc = MetricDesc {
        name: "bounded",
        help: "Help text.",
        unit: None,
        metric_type: MetricType::Counter,
        stage: Stage::Active,
        labels: &BOUNDED,
        buckets: Buckets::None,
    };
    let family: Family<ours::Counter, (), 1> = Family::new(&BOUNDED_DESC, &Options::new()).unwrap();
    for k in keys(1000, "user") {
        family.with([&k], ()).inc();
    }
    // Every value is new: each lookup decides "overflow".
    let flood: Vec<Vec<String>> = (0..2).map(|t| keys(4096, &format!("flood{t}"))).collect();
    let lookups = |t: usize, iters: u64| {
        let keys = &flood[t];
        for i in 0..iters as usize {
            black_box(family.with([black_box(&keys[i & 4095])], ()));
        }
    };
    let with_inc = |t: usize, iters: u64| {
        let keys = &flood[t];
        for i in 0..iters as usize {
            family.with([black_box(&keys[i & 4095])], ()).inc();
        }
    };
    // The reference: misses in a read-only std HashMap, which share nothing written.
    let map: HashMap<String, u64> = keys(1000, "user").into_iter().map(|k| (k, 0)).collect();
    let reference = |t: usize, iters: u64| {
        let keys = &flood[t];
        for i in 0..iters as usize {
            black_box(map.get(black_box(keys[i & 4095].as_str())));
        }
    };
    // The machine's control: arithmetic in registers, which shares nothing at all. On a
    // busy machine two threads may not get two cores; its wall time shows what that costs.
    let arithmetic = |_t: usize, iters: u64| {
        for i in 0..iters {
            let mut x = black_box(i);
            for _ in 0..20 {
                x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(5);
            }
            black_box(x);
        }
    };
    for threads in [1, 2] {
        let id = |case: &str| BenchmarkId::new(case, threads_name(threads));
        let cases: [(&str, Clock, &Work<'_>); 5] = [
            ("lookup", Clock::ThreadCpu, &lookups),
            ("lookup+inc", Clock::ThreadCpu, &with_inc),
            ("HashMap-miss", Clock::ThreadCpu, &reference),
            ("lookup (wall)", Clock::Wall, &lookups),
            ("arithmetic (wall)", Clock::Wall, &arithmetic),
        ];
        for (case, clock, work) in cases {
            let name = format!("{case}/{}", threads_name(threads));
            g.bench_function(id(case), |b| {
                b.iter_custom(|iters| timed_threads(&name, threads, iters, clock, work))
            });
        }
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Encoding.

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    g.sample_size(20);
    for n in [1_000, 10_000, 100_000] {
        let values = keys(n, "model");
        let family = ours_family(n);
        for (i, v) in values.iter().enumerate() {
            family.with([v], ()).inc_by(i as u64 * 1000);
        }
        let registry = ours::Registry::new();
        registry.register(&family).unwrap();
        let mut out = Vec::new();
        g.bench_function(BenchmarkId::new("ours", n), |b| {
            b.iter(|| {
                out.clear();
                registry.encode(ours::Format::Text, &mut out);
                black_box(out.len())
            })
        });

        let mut pc_registry = prometheus_client::registry::Registry::default();
        let pc = PcFamily::default();
        pc_registry.register("requests", "Help text.", pc.clone());
        for (i, v) in values.iter().enumerate() {
            pc.get_or_create(&PcModel {
                model_name: v.clone(),
            })
            .inc_by(i as u64 * 1000);
        }
        let mut pc_out = String::new();
        g.bench_function(BenchmarkId::new("prometheus-client", n), |b| {
            b.iter(|| {
                pc_out.clear();
                prometheus_client::encoding::text::encode(&mut pc_out, &pc_registry).unwrap();
                black_box(pc_out.len())
            })
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Summary.

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// Criterion's median estimate in nanoseconds for `group/bench`, if it ran.
fn estimate(group: &str, bench: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(bench)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn verdict(ratio: f64, limit: f64) -> &'static str {
    if ratio <= limit { "met" } else { "NOT met" }
}

fn print_summary(memory: &[(String, usize, f64)]) {
    println!("\n## Heap bytes per series (counting allocator, bytes requested and live)\n");
    println!("| structure | 100,000 series | 1,000,000 series |");
    println!("|---|---|---|");
    let names: Vec<&str> = memory
        .iter()
        .filter(|r| r.1 == 100_000)
        .map(|r| r.0.as_str())
        .collect();
    let bytes = |name: &str, n: usize| {
        memory
            .iter()
            .find(|r| r.0 == name && r.1 == n)
            .map_or(f64::NAN, |r| r.2)
    };
    for name in &names {
        println!(
            "| {name} | {:.1} | {:.1} |",
            bytes(name, 100_000),
            bytes(name, 1_000_000)
        );
    }

    println!("\n## Lookup hits (median ns per lookup and increment)\n");
    let peers = [
        "ours",
        "HashMap",
        "prometheus-client",
        "papaya",
        "scc",
        "dashmap",
    ];
    println!("| values | {} |", peers.join(" | "));
    println!("|---|{}", "---|".repeat(peers.len()));
    for n in [1_000, 10_000, 100_000] {
        let group = format!("lookup_hit_{n}");
        let cells: Vec<String> = peers
            .iter()
            .map(|p| estimate(&group, p).map_or("-".into(), |v| format!("{v:.1}")))
            .collect();
        println!("| {n} | {} |", cells.join(" | "));
    }

    println!("\n## Targets of issue 16 (ratios in this run)\n");
    println!("| target | measured | verdict |");
    println!("|---|---|---|");
    let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a / b);
    let row = |target: &str, r: Option<f64>, limit: f64| match r {
        Some(r) => println!("| {target} | {r:.2}x | {} |", verdict(r, limit)),
        None => println!("| {target} | - | not run |"),
    };
    let ours_100k = estimate("lookup_hit_100000", "ours");
    row(
        "lookup hit at 100,000 <= 1.5x HashMap",
        ratio(ours_100k, estimate("lookup_hit_100000", "HashMap")),
        1.5,
    );
    row(
        "lookup hit at 100,000 <= prometheus-client",
        ratio(
            ours_100k,
            estimate("lookup_hit_100000", "prometheus-client"),
        ),
        1.0,
    );
    for n in [100_000, 1_000_000] {
        row(
            &format!("heap per series at {n} <= 1.5x prometheus-client"),
            Some(bytes("ours", n) / bytes("prometheus-client", n)),
            1.5,
        );
    }
    for inserts in INSERT_WINDOWS {
        row(
            &format!("insert of a new value (window of {inserts}) <= prometheus-client"),
            ratio(
                estimate("insert_into_100000", &format!("ours/{inserts}")),
                estimate(
                    "insert_into_100000",
                    &format!("prometheus-client/{inserts}"),
                ),
            ),
            1.0,
        );
    }
    for case in [
        "lookup",
        "lookup+inc",
        "HashMap-miss",
        "lookup (wall)",
        "arithmetic (wall)",
    ] {
        let target = match case {
            "lookup" | "lookup+inc" => {
                format!("overflow {case} (thread CPU time): 2 threads <= 1.3x one thread")
            }
            "HashMap-miss" => {
                "(reference) read-only HashMap misses (thread CPU time): 2 threads / one thread"
                    .to_owned()
            }
            "lookup (wall)" => "overflow lookup (wall time): 2 threads <= 1.3x one thread".into(),
            _ => "(control) arithmetic only (wall time): 2 threads / one thread".into(),
        };
        row(
            &target,
            ratio(
                estimate("overflow_lookup", &format!("{case}/2 threads")),
                estimate("overflow_lookup", &format!("{case}/1 thread")),
            ),
            1.3,
        );
    }
    println!("\n## Threads running at once (CPU time / wall time, overflow cases)\n");
    println!("| case | threads at once |");
    println!("|---|---|");
    for (case, cpu, wall) in PARALLELISM.lock().unwrap().iter() {
        println!(
            "| {case} | {:.2} |",
            cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)
        );
    }
    println!();
    for (n, times) in [(10_000, 10.0), (100_000, 100.0)] {
        let scale = |who: &str| {
            ratio(
                estimate("encode", &format!("{who}/{n}")),
                estimate("encode", &format!("{who}/1000")).map(|v| v * times),
            )
        };
        let (o, p) = (scale("ours"), scale("prometheus-client"));
        row(&format!("encode {n} <= 1.25x {times} x 1,000"), o, 1.25);
        if let (Some(o), Some(p)) = (o, p) {
            println!(
                "| encode {n}: ours' scaling / prometheus-client's ({p:.2}) <= 1.1 | {:.2}x | {} |",
                o / p,
                verdict(o / p, 1.1)
            );
        }
    }
    println!("\n(Medians from {})", criterion_dir().display());
}

fn main() {
    let memory = memory();
    let mut c = Criterion::default()
        .output_directory(&criterion_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    lookup(&mut c);
    insert(&mut c);
    overflow(&mut c);
    encode(&mut c);
    c.final_summary();
    print_summary(&memory);
}
