use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{Metric, Sample, atomic_add_f64};
use crate::MetricType;

/// The top bit of `count_and_hot`: which of the two shards observers write to.
const HOT_BIT: u64 = 1 << 63;

/// Observations counted into buckets with fixed upper bounds, plus their sum and count.
///
/// # Consistency
///
/// Every snapshot (and so every exposition) is consistent even while other threads
/// observe: the bucket counts add up to the count, the `+Inf` bucket equals `_count`, and
/// the sum is the sum of exactly the counted observations. This is client_golang's hot/cold
/// scheme, trimmed by one atomic operation:
///
/// - one atomic word counts the observations started, and its top bit says which of two
///   shards (each with bucket counts and a sum) is *hot*;
/// - an observation increments that word (learning the hot shard), adds to the hot sum,
///   then increments its hot bucket with release ordering — the bucket increment is the
///   observation's completion mark, so no separate completion counter is needed;
/// - a snapshot flips the hot bit, waits until the now cold shard's buckets add up to the
///   number of observations started before the flip, reads it, then folds it into the new
///   hot shard and zeroes it.
///
/// Observing costs three uncontended atomic read-modify-writes and never waits; only
/// snapshots (one at a time) wait for observations in flight.
///
/// NaN observations are ignored (they would make `_sum` NaN, which OpenMetrics forbids).
///
/// ```
/// use metrics_schema_runtime::Histogram;
///
/// let h = Histogram::new(&[0.1, 1.0, 10.0]).unwrap();
/// h.observe(0.5);
/// h.observe(20.0);
/// let snap = h.snapshot();
/// assert_eq!(snap.count, 2);
/// assert_eq!(snap.sum, 20.5);
/// assert_eq!(snap.cumulative(), vec![0, 1, 1, 2]);
/// ```
pub struct Histogram {
    bounds: Arc<[f64]>,
    count_and_hot: AtomicU64,
    sums: [AtomicU64; 2],
    /// Two shards of `bounds.len() + 1` bucket counts each (`+Inf` last).
    counts: Box<[AtomicU64]>,
    collect: Mutex<()>,
}

/// A consistent view of a histogram.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramSnapshot {
    /// Upper bounds, without the implied `+Inf`.
    pub bounds: Arc<[f64]>,
    /// Non-cumulative bucket counts, one per bound plus the `+Inf` bucket.
    pub buckets: Vec<u64>,
    /// The sum of observations.
    pub sum: f64,
    /// The number of observations; equals the sum of `buckets`.
    pub count: u64,
}

impl HistogramSnapshot {
    /// Cumulative bucket counts, as exposed (`le` semantics); the last equals `count`.
    pub fn cumulative(&self) -> Vec<u64> {
        self.buckets
            .iter()
            .scan(0u64, |acc, n| {
                *acc += n;
                Some(*acc)
            })
            .collect()
    }
}

/// Bucket bounds that cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum InvalidBuckets {
    /// A bound is NaN.
    NaN {
        /// Its position.
        index: usize,
    },
    /// A bound is not greater than the one before it.
    NotIncreasing {
        /// Its position.
        index: usize,
        /// The bound.
        value: f64,
        /// The bound before it.
        previous: f64,
    },
    /// `-Inf` as a bound, or `+Inf` anywhere but last.
    Infinite {
        /// Its position.
        index: usize,
    },
}

impl fmt::Display for InvalidBuckets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidBuckets::NaN { index } => write!(f, "bucket bound #{index} is NaN"),
            InvalidBuckets::NotIncreasing {
                index,
                value,
                previous,
            } => write!(
                f,
                "bucket bounds must be strictly increasing: bound #{index} ({value}) is not \
                 greater than the one before it ({previous})"
            ),
            InvalidBuckets::Infinite { index } => write!(
                f,
                "bucket bound #{index} is infinite: only a last +Inf is allowed (and implied)"
            ),
        }
    }
}

impl std::error::Error for InvalidBuckets {}

/// Checks histogram bounds: strictly increasing, no NaN, no `-Inf`; a trailing `+Inf` is
/// dropped (the `+Inf` bucket always exists).
///
/// ```
/// use metrics_schema_runtime::validate_buckets;
///
/// assert_eq!(&*validate_buckets(&[1.0, 2.0, f64::INFINITY]).unwrap(), &[1.0, 2.0]);
/// assert!(validate_buckets(&[2.0, 1.0]).is_err());
/// ```
pub fn validate_buckets(bounds: &[f64]) -> Result<Arc<[f64]>, InvalidBuckets> {
    let bounds = match bounds.split_last() {
        Some((last, rest)) if *last == f64::INFINITY => rest,
        _ => bounds,
    };
    for (index, &value) in bounds.iter().enumerate() {
        if value.is_nan() {
            return Err(InvalidBuckets::NaN { index });
        }
        if value.is_infinite() {
            return Err(InvalidBuckets::Infinite { index });
        }
        if index > 0 && value <= bounds[index - 1] {
            return Err(InvalidBuckets::NotIncreasing {
                index,
                value,
                previous: bounds[index - 1],
            });
        }
    }
    Ok(bounds.into())
}

impl Histogram {
    /// A histogram with the given upper bounds (see [`validate_buckets`]).
    pub fn new(bounds: &[f64]) -> Result<Self, InvalidBuckets> {
        Ok(Self::with_bounds(&validate_buckets(bounds)?))
    }

    /// A histogram sharing already validated bounds.
    pub(crate) fn with_bounds(bounds: &Arc<[f64]>) -> Self {
        let stride = bounds.len() + 1;
        Histogram {
            bounds: Arc::clone(bounds),
            count_and_hot: AtomicU64::new(0),
            sums: [AtomicU64::new(0), AtomicU64::new(0)],
            counts: (0..2 * stride).map(|_| AtomicU64::new(0)).collect(),
            collect: Mutex::new(()),
        }
    }

    /// The upper bounds, without the implied `+Inf`.
    pub fn bounds(&self) -> &[f64] {
        &self.bounds
    }

    /// Records one observation. NaN is ignored.
    #[inline]
    pub fn observe(&self, v: f64) {
        if v.is_nan() {
            return;
        }
        let bucket = bucket_index(&self.bounds, v);
        let started = self.count_and_hot.fetch_add(1, Ordering::Acquire);
        let hot = (started >> 63) as usize;
        atomic_add_f64(&self.sums[hot], v);
        let stride = self.bounds.len() + 1;
        self.counts[hot * stride + bucket].fetch_add(1, Ordering::Release);
    }

    /// A consistent snapshot (see the type's documentation).
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut buckets = Vec::with_capacity(self.bounds.len() + 1);
        let (sum, count) = self.collect_into(&mut buckets);
        HistogramSnapshot {
            bounds: Arc::clone(&self.bounds),
            buckets,
            sum,
            count,
        }
    }

    /// Writes the non-cumulative bucket counts into `buckets` (cleared first) and returns
    /// `(sum, count)`, all from one consistent point.
    fn collect_into(&self, buckets: &mut Vec<u64>) -> (f64, u64) {
        // A poisoned lock only means another collector panicked; the data is atomics.
        let _guard = self
            .collect
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stride = self.bounds.len() + 1;
        let before = self.count_and_hot.fetch_add(HOT_BIT, Ordering::AcqRel);
        let count = before & !HOT_BIT;
        let cold = (before >> 63) as usize;
        let hot = 1 - cold;
        let cold_counts = &self.counts[cold * stride..(cold + 1) * stride];
        let mut spins = 0u32;
        loop {
            buckets.clear();
            buckets.extend(cold_counts.iter().map(|c| c.load(Ordering::Acquire)));
            let done: u64 = buckets.iter().sum();
            if done == count {
                break;
            }
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        let sum_bits = self.sums[cold].load(Ordering::Relaxed);
        let sum = f64::from_bits(sum_bits);
        // Fold the cold shard into the hot one and zero it: it becomes the hot shard at
        // the next snapshot and must then hold the running totals.
        if sum_bits != 0 {
            atomic_add_f64(&self.sums[hot], sum);
        }
        self.sums[cold].store(0, Ordering::Relaxed);
        let hot_counts = &self.counts[hot * stride..(hot + 1) * stride];
        for ((h, c), &n) in hot_counts.iter().zip(cold_counts).zip(buckets.iter()) {
            if n != 0 {
                h.fetch_add(n, Ordering::Release);
                c.store(0, Ordering::Relaxed);
            }
        }
        (sum, count)
    }
}

/// The bucket of `v`: the first bound `>= v`, or `bounds.len()` for `+Inf`.
#[inline(always)]
fn bucket_index(bounds: &[f64], v: f64) -> usize {
    if bounds.len() <= 32 {
        // Short lists: a linear scan beats binary search (measured in benches/runtime.rs).
        bounds.iter().position(|&b| v <= b).unwrap_or(bounds.len())
    } else {
        bounds.partition_point(|&b| b < v)
    }
}

impl fmt::Debug for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snap = self.snapshot();
        f.debug_struct("Histogram")
            .field("bounds", &snap.bounds)
            .field("buckets", &snap.buckets)
            .field("sum", &snap.sum)
            .field("count", &snap.count)
            .finish()
    }
}

impl Metric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;

    fn new_series(bounds: &Arc<[f64]>) -> Self {
        Histogram::with_bounds(bounds)
    }

    fn sample(&self, buckets: &mut Vec<u64>) -> Sample {
        let (sum, count) = self.collect_into(buckets);
        Sample::Histogram { sum, count }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_le() {
        let h = Histogram::new(&[1.0, 2.0]).unwrap();
        for v in [
            0.5,
            1.0,
            1.5,
            2.0,
            2.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            h.observe(v);
        }
        let s = h.snapshot();
        assert_eq!(s.buckets, vec![3, 2, 2]);
        assert_eq!(s.count, 7);
        assert!(s.sum.is_nan() || s.sum.is_infinite());
    }

    #[test]
    fn binary_and_linear_search_agree() {
        let bounds: Vec<f64> = (0..100).map(|i| i as f64 * 0.5).collect();
        for v in [-1.0, 0.0, 0.1, 0.5, 7.25, 49.5, 49.6, 1e9] {
            let linear = bounds.iter().position(|&b| v <= b).unwrap_or(bounds.len());
            assert_eq!(bucket_index(&bounds, v), linear, "{v}");
        }
    }

    #[test]
    fn snapshots_fold_cold_into_hot() {
        let h = Histogram::new(&[1.0]).unwrap();
        for round in 1..=5u64 {
            h.observe(0.5);
            h.observe(3.0);
            let s = h.snapshot();
            assert_eq!(s.count, 2 * round);
            assert_eq!(s.buckets, vec![round, round]);
            assert_eq!(s.sum, 3.5 * round as f64);
        }
    }

    #[test]
    fn invalid_bounds() {
        assert_eq!(
            validate_buckets(&[1.0, f64::NAN]),
            Err(InvalidBuckets::NaN { index: 1 })
        );
        assert_eq!(
            validate_buckets(&[f64::NEG_INFINITY, 1.0]),
            Err(InvalidBuckets::Infinite { index: 0 })
        );
        assert_eq!(
            validate_buckets(&[f64::INFINITY, f64::INFINITY]),
            Err(InvalidBuckets::Infinite { index: 0 })
        );
        let err = validate_buckets(&[1.0, 1.0]).unwrap_err();
        assert!(err.to_string().contains("strictly increasing"), "{err}");
        assert_eq!(&*validate_buckets(&[]).unwrap(), &[] as &[f64]);
    }
}
