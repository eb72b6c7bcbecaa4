//! Label families: every series of one metric, addressed by open values and closed enums.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};

use crate::encoding::{FamilyText, Format, render_labels};
use crate::label::decode;
use crate::lifecycle::{Version, deprecation_notice, exposition, help_with_notice};
use crate::metric::{Metric, Sample};
use crate::options::resolve_buckets;
use crate::table::{AppendVec, HashTable};
use crate::{
    BuildError, ClosedLabels, LabelKind, MetricDesc, MetricType, OVERFLOW_VALUE, Options, Stage,
};

/// One series, alone on its cache line(s) so that threads recording into neighbouring
/// series never false-share. 128 bytes: x86-64 prefetches cache lines in pairs, and
/// Apple's aarch64 cores have 128-byte lines.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Padded<M>(M);

impl<M> Deref for Padded<M> {
    type Target = M;
    #[inline(always)]
    fn deref(&self) -> &M {
        &self.0
    }
}

/// The series of one combination of open values: one per closed-label combination.
pub(crate) struct Row<M> {
    key: Box<[Box<str>]>,
    /// Rendered text, one per closed combination: the whole line start
    /// (`name{labels} `) for counters, gauges and info, the label set (`{labels}`) for
    /// histograms, whose lines vary.
    text: Box<[Box<str>]>,
    series: Arc<[Padded<M>]>,
}

/// Where each label of the descriptor goes: the n-th open value or the n-th closed label.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Open(usize),
    Closed(usize),
}

struct Seen {
    /// Distinct values kept per open label.
    values: Vec<HashSet<Box<str>>>,
}

/// The values an open label is restricted to.
type AllowList = Box<[Box<str>]>;

/// The state shared by a [`Family`], its bound handles' rows and the registry.
pub(crate) struct Inner<M: Metric> {
    desc: &'static MetricDesc,
    exposed: bool,
    help: Box<str>,
    text: FamilyText,
    bounds: Arc<[f64]>,
    layout: Box<[Slot]>,
    closed_lists: Box<[&'static [&'static str]]>,
    cardinality: usize,
    max_values: Box<[usize]>,
    /// Families without open labels: the one row, made at construction.
    fixed: Option<Arc<Row<M>>>,
    table: HashTable<Arc<Row<M>>>,
    rows: AppendVec<Arc<Row<M>>>,
    /// The overflow series (and the sink of hidden families); families with open labels.
    overflow: Option<Arc<Row<M>>>,
    overflow_used: AtomicBool,
    overflows: AtomicU64,
    /// Per open label: lookups whose value went to [`OVERFLOW_VALUE`] because the label was
    /// full or the value was outside its allow-list.
    label_overflows: Box<[AtomicU64]>,
    /// Per open label: the allow-list given by [`Options::allow_label_values`], if any.
    allowed: Box<[Option<AllowList>]>,
    /// Whether any open label has an allow-list (and the family is exposed).
    restricted: bool,
    seen: Mutex<Seen>,
    hasher: foldhash::quality::RandomState,
}

/// All series of one metric: a dense array per combination of open values, indexed by the
/// closed labels.
///
/// - `M` is the primitive: [`Counter`](crate::Counter), [`Gauge`](crate::Gauge),
///   [`Histogram`](crate::Histogram) or [`Info`](crate::Info).
/// - `C` is the closed labels in catalogue order: `()`, one [`ClosedLabel`](crate::ClosedLabel)
///   enum or a tuple of them (see [`ClosedLabels`]).
/// - `N` is the number of open labels; their values are passed as `[&str; N]` in
///   catalogue order.
///
/// Open and closed labels may be interleaved in the catalogue; the exposition keeps the
/// catalogue order. Every closed combination of a row exists from the start and is exposed
/// as 0 before its first event; families without open labels have one row from
/// construction, families with open labels one row per combination of open values seen.
///
/// Cloning a family is cheap and shares its series.
///
/// # Example: vLLM's `request_success`
///
/// ```
/// use metrics_schema_runtime::*;
///
/// #[derive(Clone, Copy, Debug)]
/// enum FinishedReason { Stop, Length, Abort, Error, Repetition }
/// impl ClosedLabel for FinishedReason {
///     const VALUES: &'static [&'static str] = &["stop", "length", "abort", "error", "repetition"];
///     fn index(self) -> usize { self as usize }
/// }
///
/// static REQUEST_SUCCESS: MetricDesc = MetricDesc {
///     name: "vllm:request_success",
///     help: "Count of successfully processed requests.",
///     unit: None,
///     metric_type: MetricType::Counter,
///     stage: Stage::Active,
///     labels: &[
///         LabelDesc::open("model_name", 16),
///         LabelDesc::open("engine", 64),
///         LabelDesc::closed("finished_reason", FinishedReason::VALUES),
///     ],
///     buckets: Buckets::None,
/// };
///
/// let family: Family<Counter, FinishedReason, 2> =
///     Family::new(&REQUEST_SUCCESS, &Options::new()).unwrap();
///
/// // A lookup by &str (no allocation once the values exist), then an array index.
/// family.with(["llama", "0"], FinishedReason::Stop).inc();
///
/// // Or bind the open values once and keep the handle in a long-lived struct:
/// let engine0 = family.bind(["llama", "0"]);
/// engine0.get(FinishedReason::Length).inc_by(2);
/// assert_eq!(family.with(["llama", "0"], FinishedReason::Length).value(), 2.0);
///
/// let registry = Registry::new();
/// registry.register(&family).unwrap();
/// let text = registry.encode_to_string(Format::Text);
/// assert!(text.contains(
///     r#"vllm:request_success_total{model_name="llama",engine="0",finished_reason="abort"} 0"#
/// ));
/// ```
pub struct Family<M: Metric, C: ClosedLabels = (), const N: usize = 0> {
    inner: Arc<Inner<M>>,
    /// The one row's series when `N == 0` (empty otherwise), kept here so that
    /// [`Family::get`] is one load and an index, like a plain array.
    fixed: Arc<[Padded<M>]>,
    _closed: PhantomData<fn(C)>,
}

impl<M: Metric, C: ClosedLabels, const N: usize> Clone for Family<M, C, N> {
    fn clone(&self) -> Self {
        Family {
            inner: Arc::clone(&self.inner),
            fixed: Arc::clone(&self.fixed),
            _closed: PhantomData,
        }
    }
}

impl<M: Metric, C: ClosedLabels, const N: usize> std::fmt::Debug for Family<M, C, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Family")
            .field("name", &self.inner.desc.name)
            .field("exposed", &self.inner.exposed)
            .field("series", &self.series_count())
            .field("overflows", &self.overflow_count())
            .finish()
    }
}

/// What building a family derives from its descriptor and options, before the Rust types
/// are compared.
struct Prepared {
    layout: Vec<Slot>,
    max_values: Vec<usize>,
    /// Per open label, the operator's allow-list of values, if any.
    allowed: Vec<Option<Box<[Box<str>]>>>,
    closed_lists: Vec<&'static [&'static str]>,
    bounds: Arc<[f64]>,
    help: String,
}

/// Checks `desc` with `options` as [`Family::new`] does, except for the fit with the
/// family's Rust types (which generated code guarantees): names, unit, labels, buckets
/// and the deprecation version. Every check is a call of the shared exposition facts
/// (`crate::lifecycle::exposition`), which `schema lint` applies to the catalogue.
///
/// ```
/// use metrics_schema_runtime::*;
///
/// static BUILD: MetricDesc = MetricDesc {
///     name: "build_seconds",
///     help: "Build information.",
///     unit: Some("seconds"),
///     metric_type: MetricType::Info,
///     stage: Stage::Active,
///     labels: &[],
///     buckets: Buckets::None,
/// };
/// assert!(matches!(check_desc(&BUILD, &Options::new()), Err(BuildError::InvalidUnit { .. })));
/// ```
pub fn check_desc(desc: &'static MetricDesc, options: &Options) -> Result<(), BuildError> {
    prepare(desc, options).map(|_| ())
}

fn prepare(desc: &'static MetricDesc, options: &Options) -> Result<Prepared, BuildError> {
    let metric = desc.name;
    if !exposition::is_valid_metric_name(metric) {
        return Err(BuildError::InvalidMetricName { metric });
    }
    if let Some(unit) = desc.unit
        && desc.metric_type.check_unit(metric, unit).is_err()
    {
        return Err(BuildError::InvalidUnit { metric, unit });
    }
    let mut layout = Vec::with_capacity(desc.labels.len());
    let mut max_values = Vec::new();
    let mut allowed = Vec::new();
    let mut closed_lists = Vec::new();
    let mut names = HashSet::new();
    for label in desc.labels {
        let reserved = desc.metric_type.reserved_label(label.name).is_some();
        if !exposition::is_valid_name(label.name) || reserved || !names.insert(label.name) {
            return Err(BuildError::InvalidLabelName {
                metric,
                label: label.name,
            });
        }
        match label.kind {
            LabelKind::Open { max_values: max } => {
                let max = options.max_values_of(label.name).unwrap_or(max);
                if max == 0 {
                    return Err(BuildError::ZeroMaxValues {
                        metric,
                        label: label.name,
                    });
                }
                layout.push(Slot::Open(max_values.len()));
                max_values.push(max);
                allowed.push(
                    options
                        .allowed_values(metric, label.name)
                        .map(|values| values.iter().map(|v| Box::from(v.as_str())).collect()),
                );
            }
            LabelKind::Closed(values) => {
                layout.push(Slot::Closed(closed_lists.len()));
                closed_lists.push(values);
            }
        }
    }
    let bounds = if desc.metric_type == MetricType::Histogram {
        resolve_buckets(desc, options)?
    } else {
        Arc::from([])
    };
    let help = match desc.stage.deprecation() {
        Some(d) => {
            let since = Version::parse_release(d.since)
                .map_err(|error| BuildError::InvalidVersion { metric, error })?;
            help_with_notice(
                desc.help,
                &deprecation_notice(&since, d.replaced_by, d.note),
            )
        }
        None => desc.help.to_owned(),
    };
    Ok(Prepared {
        layout,
        max_values,
        allowed,
        closed_lists,
        bounds,
        help,
    })
}

impl<M: Metric, C: ClosedLabels, const N: usize> Family<M, C, N> {
    /// Builds the family for `desc` with run-time `options`.
    ///
    /// Checks that the descriptor fits the Rust types (metric type `M`, `N` open labels,
    /// closed labels `C` with the same values in the same order), that names and unit are
    /// valid and that histogram buckets are usable. A hidden metric (unless
    /// `options` show hidden metrics) is built as a sink: never exposed, and every lookup
    /// returns one shared series, so recording costs nothing and keeps no memory.
    pub fn new(desc: &'static MetricDesc, options: &Options) -> Result<Self, BuildError> {
        let metric = desc.name;
        if M::TYPE != desc.metric_type {
            return Err(BuildError::TypeMismatch {
                metric,
                described: desc.metric_type,
                built: M::TYPE,
            });
        }
        let Prepared {
            layout,
            max_values,
            allowed,
            closed_lists,
            bounds,
            help,
        } = prepare(desc, options)?;
        if max_values.len() != N {
            return Err(BuildError::LabelMismatch {
                metric,
                detail: format!(
                    "the catalogue has {} open label(s), the family type {N}",
                    max_values.len()
                ),
            });
        }
        if closed_lists.as_slice() != C::LISTS {
            return Err(BuildError::LabelMismatch {
                metric,
                detail: format!(
                    "the catalogue's closed labels have values {closed_lists:?}, the family \
                     type's {:?}",
                    C::LISTS
                ),
            });
        }
        let exposed = (!matches!(desc.stage, Stage::Hidden(_)) || options.shows_hidden())
            && !options.is_disabled(metric);
        let restricted = exposed && allowed.iter().any(Option::is_some);
        let text = FamilyText::new(desc, &help, &bounds);
        let mut inner = Inner {
            desc,
            exposed,
            help: help.into(),
            text,
            bounds,
            layout: layout.into(),
            closed_lists: closed_lists.into(),
            cardinality: C::CARDINALITY,
            max_values: max_values.into(),
            fixed: None,
            table: HashTable::new(),
            rows: AppendVec::new(),
            overflow: None,
            overflow_used: AtomicBool::new(false),
            overflows: AtomicU64::new(0),
            label_overflows: (0..N).map(|_| AtomicU64::new(0)).collect(),
            allowed: allowed.into(),
            restricted,
            seen: Mutex::new(Seen {
                values: (0..N).map(|_| HashSet::new()).collect(),
            }),
            hasher: foldhash::quality::RandomState::default(),
        };
        if N == 0 {
            inner.fixed = Some(Arc::new(inner.make_row(&[])));
        } else {
            inner.overflow = Some(Arc::new(inner.make_row(&[OVERFLOW_VALUE; N])));
        }
        let fixed = match &inner.fixed {
            Some(row) => Arc::clone(&row.series),
            None => Arc::from([]),
        };
        Ok(Family {
            inner: Arc::new(inner),
            fixed,
            _closed: PhantomData,
        })
    }

    /// The descriptor.
    pub fn desc(&self) -> &'static MetricDesc {
        self.inner.desc
    }

    /// Whether the family appears in expositions (false for a hidden metric unless
    /// show-hidden was enabled).
    pub fn is_exposed(&self) -> bool {
        self.inner.exposed
    }

    /// The series for open values `open` (catalogue order) and closed labels `closed`.
    ///
    /// For values seen before this is a hash of the `&str`s, a lock-free probe and an
    /// array index: no allocation, no lock. New values take a lock once to create their
    /// row; values past `max_values` go to the overflow series (see [`OVERFLOW_VALUE`]).
    #[inline]
    pub fn with(&self, open: [&str; N], closed: C) -> &M {
        let open = self.inner.restrict(open);
        &self.inner.row(&open).series[closed.dense_index()]
    }

    /// A handle on the series of open values `open`, for recording with closed labels
    /// only: [`Bound::get`] is an array index. Binding may allocate (once per new
    /// combination); the handle is `'static`, `Clone`, `Send` and `Sync`, so it can live
    /// in long-lived engine structs.
    pub fn bind(&self, open: [&str; N]) -> Bound<M, C> {
        let open = self.inner.restrict(open);
        Bound {
            series: Arc::clone(&self.inner.row(&open).series),
            _closed: PhantomData,
        }
    }

    /// How many lookups went to the overflow series because an open label already had
    /// `max_values` distinct values.
    pub fn overflow_count(&self) -> u64 {
        self.inner.overflows.load(Relaxed)
    }

    /// The number of series the family holds, the overflow series included once used
    /// (for a hidden family: the series it would expose, 0 with open labels).
    pub fn series_count(&self) -> usize {
        self.inner.series_count()
    }

    /// The type-erased view the [`Registry`](crate::Registry) keeps.
    pub fn collector(&self) -> Collector {
        Collector(Arc::clone(&self.inner) as Arc<dyn Collect>)
    }
}

impl<M: Metric, C: ClosedLabels> Family<M, C, 0> {
    /// The series for closed labels `closed`: one array index, no lookup.
    #[inline(always)]
    pub fn get(&self, closed: C) -> &M {
        // `new` fills `fixed` with `C::CARDINALITY` series when there are no open labels.
        &self.fixed[closed.dense_index()]
    }
}

impl<M: Metric> Deref for Family<M, (), 0> {
    type Target = M;

    /// An unlabeled family is its one series: `family.inc()`.
    #[inline(always)]
    fn deref(&self) -> &M {
        self.get(())
    }
}

impl<M: Metric> Inner<M> {
    /// The open values with those outside their label's allow-list replaced by
    /// [`OVERFLOW_VALUE`]; one branch for families without allow-lists.
    #[inline]
    fn restrict<'a, const N: usize>(&self, open: [&'a str; N]) -> [&'a str; N] {
        if self.restricted {
            self.restrict_to_allowed(open)
        } else {
            open
        }
    }

    fn restrict_to_allowed<'a, const N: usize>(&self, mut open: [&'a str; N]) -> [&'a str; N] {
        for (i, value) in open.iter_mut().enumerate() {
            if let Some(Some(list)) = self.allowed.get(i)
                && !list.iter().any(|a| **a == **value)
            {
                *value = OVERFLOW_VALUE;
                if let Some(count) = self.label_overflows.get(i) {
                    count.fetch_add(1, Relaxed);
                }
            }
        }
        open
    }

    /// `(open label, overflows)` of every open label that can overflow: bounded by
    /// `max_values` or restricted by an allow-list.
    fn label_overflow_counts(&self) -> Vec<(&'static str, u64)> {
        self.desc
            .labels
            .iter()
            .zip(self.layout.iter())
            .filter_map(|(label, slot)| match *slot {
                Slot::Open(i) => {
                    let bounded = self.max_values.get(i).is_some_and(|&m| m != usize::MAX)
                        || self.allowed.get(i).is_some_and(Option::is_some);
                    let count = self.label_overflows.get(i)?.load(Relaxed);
                    bounded.then_some((label.name, count))
                }
                Slot::Closed(_) => None,
            })
            .collect()
    }

    #[inline]
    fn hash(&self, open: &[&str]) -> u64 {
        let mut h = self.hasher.build_hasher();
        for v in open {
            v.hash(&mut h);
        }
        h.finish()
    }

    #[inline]
    fn row(&self, open: &[&str]) -> &Arc<Row<M>> {
        if let Some(row) = &self.fixed {
            return row;
        }
        let hash = self.hash(open);
        let found = self.table.find(hash, |row| {
            row.key.iter().zip(open).all(|(k, v)| **k == **v)
        });
        match found {
            Some(row) => row,
            None => self.row_slow(hash, open),
        }
    }

    #[cold]
    fn row_slow(&self, hash: u64, open: &[&str]) -> &Arc<Row<M>> {
        let Some(overflow) = &self.overflow else {
            unreachable!("family with open labels has an overflow row")
        };
        if !self.exposed {
            // Hidden: one shared sink, nothing kept.
            return overflow;
        }
        if open.iter().all(|v| *v == OVERFLOW_VALUE) {
            self.overflow_used.store(true, Relaxed);
            return overflow;
        }
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let eq = |row: &Arc<Row<M>>| row.key.iter().zip(open).all(|(k, v)| **k == **v);
        if let Some(row) = self.table.find(hash, eq) {
            return row;
        }
        let mut full = false;
        let labels = seen.values.iter().zip(open).zip(self.max_values.iter());
        for (i, ((set, v), &max)) in labels.enumerate() {
            if !set.contains(*v) && set.len() >= max {
                full = true;
                if let Some(count) = self.label_overflows.get(i) {
                    count.fetch_add(1, Relaxed);
                }
            }
        }
        if full {
            self.overflow_used.store(true, Relaxed);
            self.overflows.fetch_add(1, Relaxed);
            return overflow;
        }
        for (set, v) in seen.values.iter_mut().zip(open) {
            if !set.contains(*v) {
                set.insert((*v).into());
            }
        }
        let row = Arc::new(self.make_row(open));
        self.rows.push(Arc::clone(&row));
        self.table.insert(hash, row)
    }

    /// The label pairs, in catalogue order, of closed combination `combo` of the row with
    /// open values `open`.
    fn label_pairs<'a>(&self, open: &[&'a str], combo: usize) -> Vec<(&'static str, &'a str)> {
        let closed = decode(&self.closed_lists, combo);
        self.desc
            .labels
            .iter()
            .zip(self.layout.iter())
            .map(|(label, slot)| {
                let value = match *slot {
                    Slot::Open(i) => open.get(i).copied().unwrap_or(""),
                    Slot::Closed(i) => closed.get(i).copied().unwrap_or(""),
                };
                (label.name, value)
            })
            .collect()
    }

    fn make_row(&self, open: &[&str]) -> Row<M> {
        let text = (0..self.cardinality)
            .map(|combo| {
                let labels = render_labels(self.label_pairs(open, combo));
                match M::TYPE {
                    MetricType::Histogram => labels,
                    _ => format!("{}{labels} ", self.text.sample_name()).into_boxed_str(),
                }
            })
            .collect();
        Row {
            key: open.iter().map(|v| Box::from(*v)).collect(),
            text,
            series: (0..self.cardinality)
                .map(|_| Padded(M::new_series(&self.bounds)))
                .collect(),
        }
    }

    fn visible_rows(&self) -> impl Iterator<Item = &Arc<Row<M>>> {
        let overflow = self
            .overflow
            .as_ref()
            .filter(|_| self.overflow_used.load(Relaxed));
        self.fixed.iter().chain(self.rows.iter()).chain(overflow)
    }

    fn series_count(&self) -> usize {
        self.visible_rows().count() * self.cardinality
    }
}

/// The series of one combination of open values, indexed by closed labels.
///
/// Returned by [`Family::bind`]. Recording through it is an array index and an atomic
/// operation: no hash, no lock, no allocation. It is `'static` (it holds an `Arc`), so it
/// can be stored next to the engine state it measures.
///
/// ```
/// use metrics_schema_runtime::*;
///
/// static TOKENS: MetricDesc = MetricDesc {
///     name: "vllm:prompt_tokens",
///     help: "Number of prefill tokens processed.",
///     unit: None,
///     metric_type: MetricType::Counter,
///     stage: Stage::Active,
///     labels: &[LabelDesc::open("model_name", 16), LabelDesc::open("engine", 64)],
///     buckets: Buckets::None,
/// };
///
/// struct EngineCore {
///     prompt_tokens: Bound<Counter>,
/// }
///
/// let family: Family<Counter, (), 2> = Family::new(&TOKENS, &Options::new()).unwrap();
/// let core = EngineCore { prompt_tokens: family.bind(["llama", "0"]) };
/// core.prompt_tokens.inc_by(128); // `Bound<M, ()>` dereferences to its one series
/// assert_eq!(family.with(["llama", "0"], ()).value_u64(), 128);
/// ```
pub struct Bound<M: Metric, C: ClosedLabels = ()> {
    series: Arc<[Padded<M>]>,
    _closed: PhantomData<fn(C)>,
}

impl<M: Metric, C: ClosedLabels> Clone for Bound<M, C> {
    fn clone(&self) -> Self {
        Bound {
            series: Arc::clone(&self.series),
            _closed: PhantomData,
        }
    }
}

impl<M: Metric, C: ClosedLabels> std::fmt::Debug for Bound<M, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound")
            .field("series", &self.series.len())
            .finish()
    }
}

impl<M: Metric, C: ClosedLabels> Bound<M, C> {
    /// The series for closed labels `closed`.
    #[inline(always)]
    pub fn get(&self, closed: C) -> &M {
        &self.series[closed.dense_index()]
    }
}

impl<M: Metric> Deref for Bound<M, ()> {
    type Target = M;

    #[inline(always)]
    fn deref(&self) -> &M {
        &self.series[0]
    }
}

/// What the registry needs from a family, independent of its Rust types.
pub(crate) trait Collect: Send + Sync {
    fn desc(&self) -> &'static MetricDesc;
    fn exposed(&self) -> bool;
    fn encode(&self, format: Format, out: &mut Vec<u8>, scratch: &mut Vec<u64>);
    fn overflow_count(&self) -> u64;
    /// `(open label, overflows)` of every open label that can overflow.
    fn label_overflows(&self) -> Vec<(&'static str, u64)>;
    fn series_count(&self) -> usize;
    fn snapshot(&self) -> FamilySnapshot;
}

impl<M: Metric> Collect for Inner<M> {
    fn desc(&self) -> &'static MetricDesc {
        self.desc
    }

    fn exposed(&self) -> bool {
        self.exposed
    }

    fn encode(&self, format: Format, out: &mut Vec<u8>, scratch: &mut Vec<u64>) {
        if !self.exposed {
            return;
        }
        debug_assert_eq!(self.text.metric_type(), M::TYPE);
        self.text.write_header(out, format);
        for row in self.visible_rows() {
            for (series, text) in row.series.iter().zip(row.text.iter()) {
                let sample = series.sample(scratch);
                self.text.write_series(out, format, text, sample, scratch);
            }
        }
    }

    fn overflow_count(&self) -> u64 {
        self.overflows.load(Relaxed)
    }

    fn label_overflows(&self) -> Vec<(&'static str, u64)> {
        self.label_overflow_counts()
    }

    fn series_count(&self) -> usize {
        Inner::series_count(self)
    }

    fn snapshot(&self) -> FamilySnapshot {
        let mut series = Vec::new();
        for row in self.visible_rows() {
            let open: Vec<&str> = row.key.iter().map(|k| &**k).collect();
            for (combo, s) in row.series.iter().enumerate() {
                let mut buckets = Vec::new();
                let sample = s.sample(&mut buckets);
                let labels = self
                    .label_pairs(&open, combo)
                    .into_iter()
                    .map(|(k, v)| (k, v.to_owned()))
                    .collect();
                series.push(SeriesSnapshot {
                    labels,
                    sample,
                    buckets,
                });
            }
        }
        FamilySnapshot {
            desc: self.desc,
            exposed: self.exposed,
            help: self.help.to_string(),
            bounds: Arc::clone(&self.bounds),
            series,
        }
    }
}

/// A family's series and values at one point, as structured data: what an exposition of
/// it must say. Useful to test generated code, and to check encoders against parsers.
#[derive(Clone, Debug, PartialEq)]
pub struct FamilySnapshot {
    /// The descriptor.
    pub desc: &'static MetricDesc,
    /// Whether the family is exposed.
    pub exposed: bool,
    /// The HELP text as exposed (with any deprecation notice), unescaped.
    pub help: String,
    /// Histogram bucket bounds (without `+Inf`); empty for other types.
    pub bounds: Arc<[f64]>,
    /// Every series the family would expose, in exposition order (info series that were
    /// never set included, with `Sample::Info(false)`).
    pub series: Vec<SeriesSnapshot>,
}

/// One series of a [`FamilySnapshot`].
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSnapshot {
    /// Label names and values in catalogue order (no `le`).
    pub labels: Vec<(&'static str, String)>,
    /// The value.
    pub sample: Sample,
    /// Histograms: non-cumulative bucket counts, `+Inf` last. Empty otherwise.
    pub buckets: Vec<u64>,
}

/// A type-erased family, as kept by the [`Registry`](crate::Registry).
#[derive(Clone)]
pub struct Collector(pub(crate) Arc<dyn Collect>);

impl Collector {
    /// The family's descriptor.
    pub fn desc(&self) -> &'static MetricDesc {
        self.0.desc()
    }

    /// Whether the family appears in expositions.
    pub fn is_exposed(&self) -> bool {
        self.0.exposed()
    }

    /// See [`Family::overflow_count`].
    pub fn overflow_count(&self) -> u64 {
        self.0.overflow_count()
    }

    /// `(open label, overflows)` of every open label that can overflow (bounded by
    /// `max_values` or restricted by an allow-list): lookups whose value was recorded as
    /// [`OVERFLOW_VALUE`] because the label was full or the value was outside the list.
    pub fn label_overflows(&self) -> Vec<(&'static str, u64)> {
        self.0.label_overflows()
    }

    /// See [`Family::series_count`].
    pub fn series_count(&self) -> usize {
        self.0.series_count()
    }

    /// The family's series and values.
    pub fn snapshot(&self) -> FamilySnapshot {
        self.0.snapshot()
    }

    /// Appends this family's exposition (nothing when not exposed; no `# EOF`).
    pub fn encode(&self, format: Format, out: &mut Vec<u8>) {
        self.0.encode(format, out, &mut Vec::new());
    }
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("name", &self.desc().name)
            .finish()
    }
}
