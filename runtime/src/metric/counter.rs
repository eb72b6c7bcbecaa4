use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::{Metric, Sample, atomic_add_f64};
use crate::MetricType;

/// A monotonically increasing count.
///
/// Integer increments are one relaxed `fetch_add`; float increments go to a separate cell
/// (a compare-and-swap loop) and the two are added when encoding, so integer counting never
/// pays for float support.
///
/// ```
/// use metrics_schema_runtime::Counter;
///
/// let c = Counter::default();
/// c.inc();
/// c.inc_by(4);
/// c.inc_by_f64(0.5);
/// assert_eq!(c.value(), 5.5);
/// ```
#[derive(Debug, Default)]
pub struct Counter {
    int: AtomicU64,
    float: AtomicU64,
}

impl Counter {
    /// Adds one.
    #[inline(always)]
    pub fn inc(&self) {
        self.int.fetch_add(1, Relaxed);
    }

    /// Adds `n` (wrapping past `u64::MAX`).
    #[inline(always)]
    pub fn inc_by(&self, n: u64) {
        self.int.fetch_add(n, Relaxed);
    }

    /// Adds a float amount. Counters only go up: a negative or NaN `v` is ignored.
    #[inline]
    pub fn inc_by_f64(&self, v: f64) {
        if v > 0.0 {
            atomic_add_f64(&self.float, v);
        }
    }

    /// The integer part: the sum of [`inc`](Counter::inc) and [`inc_by`](Counter::inc_by).
    pub fn value_u64(&self) -> u64 {
        self.int.load(Relaxed)
    }

    /// The total value.
    pub fn value(&self) -> f64 {
        self.int.load(Relaxed) as f64 + f64::from_bits(self.float.load(Relaxed))
    }
}

impl Metric for Counter {
    const TYPE: MetricType = MetricType::Counter;

    fn new_series(_: &Arc<[f64]>) -> Self {
        Counter::default()
    }

    fn sample(&self, _: &mut Vec<u64>) -> Sample {
        Sample::Counter {
            int: self.int.load(Relaxed),
            float: f64::from_bits(self.float.load(Relaxed)),
        }
    }
}
