//! Metric primitives: the values one series holds. All of them are atomics; recording
//! never allocates, locks or hashes.

mod counter;
mod gauge;
mod histogram;
mod info;

use std::sync::Arc;

pub use counter::Counter;
pub use gauge::Gauge;
pub use histogram::{Histogram, HistogramSnapshot, InvalidBuckets, validate_buckets};
pub use info::Info;

use crate::MetricType;

/// A metric primitive that a [`Family`](crate::Family) holds one of per series.
///
/// Sealed: implemented by [`Counter`], [`Gauge`], [`Histogram`] and [`Info`].
pub trait Metric: Send + Sync + Sized + 'static + private::Sealed {
    /// The metric type this primitive implements.
    const TYPE: MetricType;

    /// A new zero-valued series. `bounds` are the family's histogram bucket bounds (empty
    /// for other types).
    #[doc(hidden)]
    fn new_series(bounds: &Arc<[f64]>) -> Self;

    /// The current value, for the encoders. Histogram bucket counts (non-cumulative,
    /// `+Inf` last) are written into `buckets`.
    #[doc(hidden)]
    fn sample(&self, buckets: &mut Vec<u64>) -> Sample;
}

/// A point-in-time value of one series, as the encoders see it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sample {
    /// A counter: integer part and float part.
    Counter {
        /// The sum of integer increments.
        int: u64,
        /// The sum of float increments.
        float: f64,
    },
    /// A gauge value.
    Gauge(f64),
    /// A histogram: its bucket counts are in the caller's buffer.
    Histogram {
        /// The sum of observations.
        sum: f64,
        /// The number of observations (equal to the sum of the bucket counts).
        count: u64,
    },
    /// An info series: whether it was set.
    Info(bool),
}

mod private {
    pub trait Sealed {}
    impl Sealed for super::Counter {}
    impl Sealed for super::Gauge {}
    impl Sealed for super::Histogram {}
    impl Sealed for super::Info {}
}

/// Adds `v` to the `f64` stored as bits in `cell`, with a compare-and-swap loop.
#[inline]
pub(crate) fn atomic_add_f64(cell: &std::sync::atomic::AtomicU64, v: f64) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut current = cell.load(Relaxed);
    loop {
        let new = (f64::from_bits(current) + v).to_bits();
        match cell.compare_exchange_weak(current, new, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}
