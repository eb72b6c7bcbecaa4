//! The registry: metric sets registered together and encoded into one exposition.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{PoisonError, RwLock};

use crate::encoding::write_end;
use crate::family::Collector;
use crate::metric::Metric;
use crate::{ClosedLabels, Family, Format, MetricDesc};

/// A set of metric families that registers as a unit: a generated catalogue struct, one
/// [`Family`], or a hand-built list of [`Collector`]s.
///
/// Generated code implements it by listing its families' collectors:
///
/// ```
/// use metrics_schema_runtime::*;
///
/// struct EngineMetrics {
///     num_requests_running: Family<Gauge, (), 2>,
///     prompt_tokens: Family<Counter, (), 2>,
/// }
///
/// impl MetricSet for EngineMetrics {
///     fn collectors(&self) -> Vec<Collector> {
///         vec![self.num_requests_running.collector(), self.prompt_tokens.collector()]
///     }
/// }
/// ```
pub trait MetricSet {
    /// The families of this set, in exposition order.
    fn collectors(&self) -> Vec<Collector>;
}

impl<M: Metric, C: ClosedLabels, const N: usize> MetricSet for Family<M, C, N> {
    fn collectors(&self) -> Vec<Collector> {
        vec![self.collector()]
    }
}

impl MetricSet for Collector {
    fn collectors(&self) -> Vec<Collector> {
        vec![self.clone()]
    }
}

impl MetricSet for [Collector] {
    fn collectors(&self) -> Vec<Collector> {
        self.to_vec()
    }
}

impl MetricSet for Vec<Collector> {
    fn collectors(&self) -> Vec<Collector> {
        self.clone()
    }
}

/// Two families that would expose the same name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryError {
    /// The colliding exposed name (a family name or a sample name such as `x_total`).
    pub name: String,
    /// The full name of the family being registered.
    pub metric: &'static str,
    /// The full name of the family already using `name` (possibly the same set).
    pub existing: &'static str,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.metric == self.existing {
            write!(
                f,
                "duplicate metric {:?}: it is already registered",
                self.metric
            )
        } else {
            write!(
                f,
                "metric {:?} would expose {:?}, which metric {:?} already exposes",
                self.metric, self.name, self.existing
            )
        }
    }
}

impl std::error::Error for RegistryError {}

/// Every name a family occupies in either format: its family names and sample names.
/// Hidden families occupy their names too, so that enabling show-hidden can never produce
/// a clash.
fn exposed_names(desc: &MetricDesc) -> Vec<String> {
    let name = desc.name;
    let suffixes = desc.metric_type.occupied_suffixes();
    suffixes.iter().map(|s| format!("{name}{s}")).collect()
}

#[derive(Default)]
struct State {
    families: Vec<Collector>,
    names: HashMap<String, &'static str>,
}

/// Metric sets registered together and encoded into one exposition, in registration
/// order. `Send + Sync`: share it (e.g. in an `Arc`) between the code that registers and
/// the `/metrics` endpoint.
///
/// ```
/// use metrics_schema_runtime::*;
///
/// static UP: MetricDesc = MetricDesc {
///     name: "engine_up",
///     help: "Whether the engine is up.",
///     unit: None,
///     metric_type: MetricType::Gauge,
///     stage: Stage::Active,
///     labels: &[],
///     buckets: Buckets::None,
/// };
///
/// let registry = Registry::new();
/// let up: Family<Gauge> = Family::new(&UP, &Options::new()).unwrap();
/// registry.register(&up).unwrap();
/// up.set(1.0);
/// assert_eq!(
///     registry.encode_to_string(Format::Text),
///     "# HELP engine_up Whether the engine is up.\n# TYPE engine_up gauge\nengine_up 1\n"
/// );
/// // The same name twice is an error.
/// let again: Family<Gauge> = Family::new(&UP, &Options::new()).unwrap();
/// assert!(registry.register(&again).is_err());
/// ```
#[derive(Default)]
pub struct Registry {
    state: RwLock<State>,
    last_len: AtomicUsize,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.collectors()).finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Registers every family of `set`, or none of them: a name that collides with a
    /// registered family (or with another family of the same set) is an error and leaves
    /// the registry unchanged.
    pub fn register<S: MetricSet + ?Sized>(&self, set: &S) -> Result<(), RegistryError> {
        let collectors = set.collectors();
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let mut added: HashMap<String, &'static str> = HashMap::new();
        for c in &collectors {
            let metric = c.desc().name;
            for name in exposed_names(c.desc()) {
                if let Some(&existing) = state.names.get(&name).or_else(|| added.get(&name)) {
                    return Err(RegistryError {
                        name,
                        metric,
                        existing,
                    });
                }
                added.insert(name, metric);
            }
        }
        state.names.extend(added);
        state.families.extend(collectors);
        Ok(())
    }

    /// The registered families, in order.
    pub fn collectors(&self) -> Vec<Collector> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        state.families.clone()
    }

    /// Families that sent lookups to their overflow series, with the overflow counts.
    pub fn overflows(&self) -> Vec<(&'static str, u64)> {
        self.collectors()
            .iter()
            .map(|c| (c.desc().name, c.overflow_count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Appends the exposition of every exposed family to `out`.
    pub fn encode(&self, format: Format, out: &mut Vec<u8>) {
        out.reserve(self.last_len.load(Relaxed));
        let start = out.len();
        let mut scratch = Vec::new();
        {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            for family in &state.families {
                family.0.encode(format, out, &mut scratch);
            }
        }
        write_end(out, format);
        self.last_len.store(out.len() - start, Relaxed);
    }

    /// The exposition as a `String`.
    pub fn encode_to_string(&self, format: Format) -> String {
        let mut out = Vec::new();
        self.encode(format, &mut out);
        // Everything written is UTF-8: names are ASCII, label values and help are `str`.
        String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }
}
