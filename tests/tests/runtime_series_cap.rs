//! The safety net for open labels without `max_values` (what the catalogue's unbounded
//! labels generate: `max_values = usize::MAX`): 1,000,000 distinct values stop at the
//! default per-family series cap, the rest is counted into the overflow series, and
//! memory and the scrape stay bounded. Memory is measured with a counting global
//! allocator; this file holds one test so nothing else allocates.

use std::fmt::Write;
use std::sync::atomic::Ordering::Relaxed;

use metrics_schema_runtime::*;

mod counting_alloc;

use counting_alloc::{ALLOCATIONS, LIVE};

static UNBOUNDED: MetricDesc = MetricDesc {
    name: "tenant_requests",
    help: "An open label without max_values, flooded with distinct values.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[LabelDesc::open("tenant", usize::MAX)],
    buckets: Buckets::None,
};

#[test]
fn an_unbounded_label_stops_at_the_default_series_cap() {
    let family: Family<Counter, (), 1> = Family::new(&UNBOUNDED, &Options::new()).unwrap();
    let mut value = String::with_capacity(32);
    let before = LIVE.load(Relaxed);
    for i in 0..DEFAULT_MAX_SERIES {
        value.clear();
        write!(value, "tenant-{i}").unwrap();
        family.with([&value], ()).inc();
    }
    let at_cap = LIVE.load(Relaxed);
    let per_series = (at_cap - before) as f64 / DEFAULT_MAX_SERIES as f64;
    // A packed 16-byte counter, the value (about 12 bytes) in a 24-byte slot, and index
    // slots; chunks are allocated ahead, up to twice what is used.
    assert!(per_series < 150.0, "{per_series} bytes per series");

    let allocations = ALLOCATIONS.load(Relaxed);
    for i in DEFAULT_MAX_SERIES..1_000_000 {
        value.clear();
        write!(value, "tenant-{i}").unwrap();
        family.with([&value], ()).inc();
    }
    assert_eq!(
        ALLOCATIONS.load(Relaxed),
        allocations,
        "lookups past the cap allocated"
    );
    assert_eq!(LIVE.load(Relaxed), at_cap, "memory grew past the cap");
    assert_eq!(family.series_count(), DEFAULT_MAX_SERIES + 1);
    let overflowed = (1_000_000 - DEFAULT_MAX_SERIES) as u64;
    assert_eq!(family.overflow_count(), overflowed);
    assert_eq!(family.with([OVERFLOW_VALUE], ()).value_u64(), overflowed);
    assert_eq!(family.with(["tenant-7"], ()).value_u64(), 1);

    // One scrape holds the capped series only.
    let registry = Registry::new();
    registry.register(&family).unwrap();
    let text = registry.encode_to_string(Format::Text);
    assert_eq!(
        text.lines().filter(|l| !l.starts_with('#')).count(),
        DEFAULT_MAX_SERIES + 1
    );
    assert!(text.len() < 5_000_000, "{} bytes", text.len());
    assert!(text.ends_with(&format!(
        "tenant_requests_total{{tenant=\"__overflow__\"}} {overflowed}\n"
    )));
}
