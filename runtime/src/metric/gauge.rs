use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::{Metric, Sample, atomic_add_f64};
use crate::MetricType;

/// A value that goes up and down, stored as `f64` bits in one atomic.
///
/// ```
/// use metrics_schema_runtime::Gauge;
///
/// let g = Gauge::default();
/// g.set(3.0);
/// g.inc();
/// g.sub(0.5);
/// assert_eq!(g.value(), 3.5);
/// ```
#[derive(Debug, Default)]
pub struct Gauge {
    bits: AtomicU64,
}

impl Gauge {
    /// Sets the value (one relaxed store).
    #[inline(always)]
    pub fn set(&self, v: f64) {
        self.bits.store(v.to_bits(), Relaxed);
    }

    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        atomic_add_f64(&self.bits, 1.0);
    }

    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        atomic_add_f64(&self.bits, -1.0);
    }

    /// Adds `v`.
    #[inline]
    pub fn add(&self, v: f64) {
        atomic_add_f64(&self.bits, v);
    }

    /// Subtracts `v`.
    #[inline]
    pub fn sub(&self, v: f64) {
        atomic_add_f64(&self.bits, -v);
    }

    /// The current value.
    pub fn value(&self) -> f64 {
        f64::from_bits(self.bits.load(Relaxed))
    }
}

impl Metric for Gauge {
    const TYPE: MetricType = MetricType::Gauge;

    fn new_series(_: &Arc<[f64]>) -> Self {
        Gauge::default()
    }

    fn sample(&self, _: &mut Vec<u64>) -> Sample {
        Sample::Gauge(self.value())
    }
}
