use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use portable_atomic::AtomicU128;

use super::{Metric, Sample};
use crate::MetricType;

/// Observations counted into buckets with fixed upper bounds, plus their sum and count.
///
/// # Consistency
///
/// Every snapshot (and so every exposition) is consistent even while other threads
/// observe: the bucket counts add up to `_count` (so `+Inf` equals `_count`), cumulative
/// buckets never decrease, and `_sum` is the sum of exactly the counted observations.
///
/// Each bucket is one 128-bit atomic holding its count and the sum of its observations,
/// and an observation is a single compare-and-swap on its bucket: it is in a snapshot
/// entirely or not at all. The count is the sum of the bucket counts and the sum the sum
/// of the bucket sums, so they cannot disagree. client_golang reaches the same guarantee
/// with a hot/cold pair of shards (`countAndHotIdx`), which costs four atomic
/// read-modify-writes per observation and makes collectors wait for observations in
/// flight; this costs one and nobody waits. (On the rare CPU without a 128-bit
/// compare-and-swap, `portable-atomic` falls back to a lock.)
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
    /// One cell per bound plus the `+Inf` bucket: count in the low 64 bits, the bits of
    /// the sum of the bucket's observations in the high 64 bits.
    cells: Box<[AtomicU128]>,
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

/// Bucket bounds that cannot be used: the shared
/// [`BoundsError`](crate::lifecycle::exposition::BoundsError).
pub use crate::lifecycle::exposition::BoundsError as InvalidBuckets;

/// Checks histogram bounds: strictly increasing, no NaN, no `-Inf`; a trailing `+Inf` is
/// dropped (the `+Inf` bucket always exists). The rules are
/// [`check_bounds`](crate::lifecycle::exposition::check_bounds)'s, which the catalogue
/// checks too.
///
/// ```
/// use metrics_schema_runtime::validate_buckets;
///
/// assert_eq!(&*validate_buckets(&[1.0, 2.0, f64::INFINITY]).unwrap(), &[1.0, 2.0]);
/// assert!(validate_buckets(&[2.0, 1.0]).is_err());
/// ```
pub fn validate_buckets(bounds: &[f64]) -> Result<Arc<[f64]>, InvalidBuckets> {
    crate::lifecycle::exposition::check_bounds(bounds).map(Arc::from)
}

impl Histogram {
    /// A histogram with the given upper bounds (see [`validate_buckets`]).
    pub fn new(bounds: &[f64]) -> Result<Self, InvalidBuckets> {
        Ok(Self::with_bounds(&validate_buckets(bounds)?))
    }

    /// A histogram sharing already validated bounds.
    pub(crate) fn with_bounds(bounds: &Arc<[f64]>) -> Self {
        Histogram {
            bounds: Arc::clone(bounds),
            cells: (0..=bounds.len()).map(|_| AtomicU128::new(0)).collect(),
        }
    }

    /// The upper bounds, without the implied `+Inf`.
    pub fn bounds(&self) -> &[f64] {
        &self.bounds
    }

    /// Records one observation: one compare-and-swap on its bucket. NaN is ignored.
    #[inline]
    pub fn observe(&self, v: f64) {
        if v.is_nan() {
            return;
        }
        let cell = &self.cells[bucket_index(&self.bounds, v)];
        let mut current = cell.load(Ordering::Relaxed);
        loop {
            let count = (current as u64).wrapping_add(1);
            let sum = f64::from_bits((current >> 64) as u64) + v;
            let new = (u128::from(sum.to_bits()) << 64) | u128::from(count);
            match cell.compare_exchange_weak(current, new, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// A consistent snapshot (see the type's documentation).
    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut buckets = Vec::with_capacity(self.cells.len());
        let (sum, count) = self.collect_into(&mut buckets);
        HistogramSnapshot {
            bounds: Arc::clone(&self.bounds),
            buckets,
            sum,
            count,
        }
    }

    /// Writes the non-cumulative bucket counts into `buckets` (cleared first) and returns
    /// `(sum, count)`.
    fn collect_into(&self, buckets: &mut Vec<u64>) -> (f64, u64) {
        buckets.clear();
        let mut sum = 0.0;
        let mut count = 0u64;
        for cell in self.cells.iter() {
            let v = cell.load(Ordering::Relaxed);
            let n = v as u64;
            buckets.push(n);
            count = count.wrapping_add(n);
            if n != 0 {
                sum += f64::from_bits((v >> 64) as u64);
            }
        }
        (sum, count)
    }
}

/// The bucket of `v`: the first bound `>= v`, or `bounds.len()` for `+Inf`.
#[inline(always)]
fn bucket_index(bounds: &[f64], v: f64) -> usize {
    if bounds.len() <= 32 {
        // Short lists (catalogues use ~10-25 bounds): count the bounds below `v` without
        // branches. The compiler vectorises it, and unlike a scan that stops at the bucket
        // it never mispredicts (measured in benches/comparison.rs against a linear scan
        // and a binary search).
        bounds.iter().map(|&b| usize::from(b < v)).sum()
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
    fn repeated_snapshots_are_cumulative() {
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
