use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use super::{Metric, Sample};
use crate::MetricType;

/// An info series: constant labels with the value 1, exposed once [`set`](Info::set).
///
/// Unlike counters and gauges, an info series that was never set is not exposed, so an
/// info metric with closed labels exposes only the combinations that were set.
#[derive(Debug, Default)]
pub struct Info {
    set: AtomicBool,
}

impl Info {
    /// Marks the series as present.
    #[inline]
    pub fn set(&self) {
        self.set.store(true, Relaxed);
    }

    /// Removes the series from the exposition.
    pub fn clear(&self) {
        self.set.store(false, Relaxed);
    }

    /// Whether the series is exposed.
    pub fn is_set(&self) -> bool {
        self.set.load(Relaxed)
    }
}

impl Metric for Info {
    const TYPE: MetricType = MetricType::Info;

    fn new_series(_: &Arc<[f64]>) -> Self {
        Info::default()
    }

    fn sample(&self, _: &mut Vec<u64>) -> Sample {
        Sample::Info(self.is_set())
    }
}
