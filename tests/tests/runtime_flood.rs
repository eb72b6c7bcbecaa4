//! A flood of 1,000,000 distinct values of an open label keeps memory bounded by
//! `max_values`, and the overflow count equals what overflowed. Memory is measured with
//! a counting global allocator; this file holds one test so nothing else allocates.

use std::fmt::Write;
use std::sync::atomic::Ordering::Relaxed;

use metrics_schema_runtime::*;

mod counting_alloc;

use counting_alloc::{ALLOCATIONS, LIVE};

const MAX_VALUES: usize = 1000;

static FLOODED: MetricDesc = MetricDesc {
    name: "flooded_requests",
    help: "An open label flooded with distinct values.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[LabelDesc::open("user", MAX_VALUES)],
    buckets: Buckets::None,
};

#[test]
fn a_million_distinct_values_stay_bounded() {
    let family: Family<Counter, (), 1> = Family::new(&FLOODED, &Options::new()).unwrap();
    let mut value = String::with_capacity(32);
    let before = LIVE.load(Relaxed);
    for i in 0..MAX_VALUES {
        value.clear();
        write!(value, "user-{i}").unwrap();
        family.with([&value], ()).inc();
    }
    let at_bound = LIVE.load(Relaxed);
    let per_value = (at_bound - before) as f64 / MAX_VALUES as f64;
    // A series is a counter (128 bytes apart for the first rows, packed after), its
    // value and index slots; chunks are allocated ahead.
    assert!(per_value < 200.0, "{per_value} bytes per value");

    // Looking up existing values allocates nothing.
    let allocations = ALLOCATIONS.load(Relaxed);
    for i in 0..MAX_VALUES {
        value.clear();
        write!(value, "user-{i}").unwrap();
        family.with([&value], ()).inc();
    }
    assert_eq!(ALLOCATIONS.load(Relaxed), allocations, "lookups allocated");

    for i in MAX_VALUES..1_000_000 {
        value.clear();
        write!(value, "user-{i}").unwrap();
        family.with([&value], ()).inc();
    }
    let after = LIVE.load(Relaxed);
    assert_eq!(
        ALLOCATIONS.load(Relaxed),
        allocations,
        "overflowing lookups allocated"
    );
    assert!(
        after - at_bound <= 0,
        "memory grew by {} bytes past the bound",
        after - at_bound
    );
    assert_eq!(family.overflow_count(), (1_000_000 - MAX_VALUES) as u64);
    // max_values rows plus the overflow series.
    assert_eq!(family.series_count(), MAX_VALUES + 1);
    let overflow = family.with([OVERFLOW_VALUE], ()).value_u64();
    assert_eq!(overflow, (1_000_000 - MAX_VALUES) as u64);
    // Values seen before the bound still have their own series.
    assert_eq!(family.with(["user-7"], ()).value_u64(), 2);
}
