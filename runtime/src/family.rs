//! Label families: every series of one metric, addressed by open values and closed enums.
//!
//! # Storage of open-label families
//!
//! Rows (one per combination of open values) get dense ids in insertion order. Each open
//! label interns its distinct values once (an [`Index`] from the value's hash to its id,
//! the values in [`Chunks`]); a family with one open label uses that index for its rows
//! too (a row *is* a value), one with several keeps a row index over the hash of all
//! values and the value ids of each row. The series of a row are `cardinality`
//! consecutive primitives in a chunk of [`Chunks`], so a [`Bound`] handle is that chunk
//! (an `Arc`), an offset and a stride. The first [`PADDED_ROWS`] rows — the ones a
//! long-running process binds and records into from many threads — are spread one per
//! 128 bytes so that threads never false-share; later rows are packed.
//!
//! Label names and closed values are rendered once per family, cut where open values go;
//! encoding copies those pieces and the (escaped) values.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::encoding::{
    FamilyText, Format, needs_escape, push_escaped_label_value, render_label_pieces,
    write_escaped_label_value, write_short, write_value,
};
use crate::label::decode;
use crate::lifecycle::{Version, deprecation_notice, exposition, help_with_notice};
use crate::metric::{Metric, Sample};
use crate::options::resolve_buckets;
use crate::table::{CHUNK0, Chunks, Index};
use crate::{
    BuildError, ClosedLabels, LabelKind, MetricDesc, MetricType, OVERFLOW_VALUE, Options, Stage,
};

use Ordering::{Acquire, Relaxed, Release};

/// A value alone on its cache line(s), so that threads writing neighbouring values never
/// false-share. 128 bytes: x86-64 prefetches cache lines in pairs, and Apple's aarch64
/// cores have 128-byte lines. (Families spread their hot series the same distance apart;
/// this type is the reference for benchmarks and for callers' own atomics.)
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

/// The distance between series that threads may write at once.
const PAD_BYTES: usize = 128;

/// Rows per chunk: chunk `k` holds `FIRST_ROWS << k` rows.
const FIRST_ROWS: usize = CHUNK0;
/// Chunks `0..PADDED_CHUNKS` (the first [`PADDED_ROWS`] rows) spread their series
/// [`PAD_BYTES`] apart.
const PADDED_CHUNKS: usize = 3;
/// The rows that are padded: the first ones a process creates, which are the ones it binds
/// and records into most. Measured in `benches/README.md`: packed series written by two
/// threads at once take several times longer.
#[cfg(test)]
pub(crate) const PADDED_ROWS: usize = FIRST_ROWS * ((1 << PADDED_CHUNKS) - 1);

/// How many primitives apart padded series are: counters, gauges and info series are
/// written in place; a histogram's cells are a heap allocation of their own, so its
/// (read-only) struct needs no padding.
#[inline(always)]
fn pad_stride<M: Metric>() -> usize {
    if M::TYPE == MetricType::Histogram {
        1
    } else {
        (PAD_BYTES / std::mem::size_of::<M>().max(1)).max(1)
    }
}

/// Where each label of the descriptor goes: the n-th open value or the n-th closed label.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Open(usize),
    Closed(usize),
}

/// The distinct values of one open label, each stored once, with dense ids.
struct Interner {
    index: Index,
    values: Chunks<OnceLock<Box<str>>>,
    /// Values stored; released after a value is readable.
    len: AtomicUsize,
    /// Whether a value needs escaping in an exposition (most labels have none, and
    /// encoding then copies values without looking at them).
    escapes: AtomicBool,
}

impl Interner {
    fn new() -> Self {
        Interner {
            index: Index::new(),
            values: Chunks::new(),
            len: AtomicUsize::new(0),
            escapes: AtomicBool::new(false),
        }
    }

    /// Value `id`, which was published (found in the index or below `len`).
    #[inline]
    fn value(&self, id: usize) -> &str {
        let (k, offset) = self.values.locate(id);
        self.values
            .chunk(k)
            .and_then(|chunk| chunk[offset].get())
            .map_or("", |v| v)
    }

    #[inline]
    fn find(&self, hash: u64, value: &str) -> Option<usize> {
        self.index.find(hash, |id| self.value(id) == value)
    }

    /// Stores `value` (absent) under the next id, without indexing it. Under the lock.
    fn push(&self, value: &str) -> usize {
        let id = self.len.load(Relaxed);
        let (k, offset) = self.values.locate(id);
        let chunk = self.values.chunk_or_init(k, |k| {
            (0..FIRST_ROWS << k).map(|_| OnceLock::new()).collect()
        });
        if needs_escape(value) {
            self.escapes.store(true, Relaxed);
        }
        let _ = chunk[offset].set(value.into());
        id
    }

    /// Indexes value `id` (pushed) under `hash` and publishes it. Under the lock.
    fn publish(&self, hash: u64, id: usize) {
        self.index.insert(hash, id);
        self.len.store(id + 1, Release);
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        let len = self.len.load(Acquire);
        let slots: usize = self
            .values
            .iter_chunks()
            .map(|(_, c)| c.len() * std::mem::size_of::<OnceLock<Box<str>>>())
            .sum();
        let strings: usize = (0..len).map(|id| self.value(id).len()).sum();
        self.index.heap_bytes() + slots + strings
    }
}

/// The rows of a family with open labels.
struct Rows<M> {
    /// Per open label, its distinct values. With one open label, rows are its values.
    labels: Box<[Interner]>,
    /// With several open labels: rows by the hash of all their values…
    index: Index,
    /// …and the value id of each open label of every row, `N` per row.
    ids: Chunks<AtomicU32>,
    /// The series of row `r`: `cardinality` primitives from offset
    /// `(r - first id of its chunk) * cardinality * stride` of its chunk, `stride` apart.
    series: Chunks<M>,
    /// Rows stored; released after a row is readable.
    len: AtomicUsize,
}

/// A view of one row's series: `series[base + closed * stride]`.
struct RowRef<'a, M> {
    series: &'a Arc<[M]>,
    base: usize,
    stride: usize,
}

/// Counters that threads add to at once (lookups past a bound), spread over a few
/// stripes of cache lines so that threads on different stripes never write a shared
/// line. Counter 0 is the family's overflow count, counter `1 + i` open label `i`'s.
/// Each stripe holds every counter (a lookup past a bound adds to two counters of one
/// stripe, one line); allocated with the family (open labels only), so that overflowing
/// never allocates.
struct Striped {
    lines: Box<[Padded<[AtomicU64; LINE_COUNTERS]>]>,
    /// Lines per stripe: `counters.div_ceil(LINE_COUNTERS)`.
    lines_per_stripe: usize,
}

/// Counters per [`Padded`] line.
const LINE_COUNTERS: usize = PAD_BYTES / std::mem::size_of::<AtomicU64>();

const STRIPES: usize = 4;

thread_local! {
    /// This thread's stripe, chosen round-robin when it first counts.
    static STRIPE: usize = {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        NEXT.fetch_add(1, Relaxed) % STRIPES
    };
}

impl Striped {
    /// `counters` counters in each of `stripes` stripes (no memory when either is 0).
    fn new(stripes: usize, counters: usize) -> Self {
        let lines_per_stripe = counters.div_ceil(LINE_COUNTERS);
        Striped {
            lines: (0..stripes * lines_per_stripe)
                .map(|_| Padded::default())
                .collect(),
            lines_per_stripe,
        }
    }

    /// Adds one to `counter` in this thread's stripe.
    #[inline]
    fn add(&self, counter: usize) {
        let stripes = self.lines.len() / self.lines_per_stripe.max(1);
        let stripe = STRIPE.with(|s| *s) % stripes.max(1);
        let line = stripe * self.lines_per_stripe + counter / LINE_COUNTERS;
        if let Some(line) = self.lines.get(line) {
            line[counter % LINE_COUNTERS].fetch_add(1, Relaxed);
        }
    }

    /// `counter` summed over the stripes.
    fn sum(&self, counter: usize) -> u64 {
        self.lines
            .iter()
            .skip(counter / LINE_COUNTERS)
            .step_by(self.lines_per_stripe.max(1))
            .map(|line| line[counter % LINE_COUNTERS].load(Relaxed))
            .sum()
    }
}

/// [`Striped`] counter of the family's overflows.
const TOTAL: usize = 0;

/// [`Striped`] counter of open label `i`'s overflows.
#[inline(always)]
const fn label_counter(i: usize) -> usize {
    1 + i
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
    /// The number of open labels.
    open: usize,
    max_values: Box<[usize]>,
    /// At most this many series (rows times `cardinality`) besides the overflow series.
    max_series: usize,
    /// Per closed combination, its label text cut where the `open` values go
    /// (`open + 1` pieces); for counters, gauges and info the whole line start
    /// (`name{labels} `), for histograms the label set (`{labels}`).
    pieces: Box<[Box<str>]>,
    /// Families without open labels: the one row, made at construction.
    fixed: Option<Arc<[M]>>,
    /// Families with open labels.
    rows: Option<Box<Rows<M>>>,
    /// The overflow series (and the sink of hidden families); families with open labels.
    overflow: Option<Arc<[M]>>,
    overflow_used: AtomicBool,
    /// Lookups that went to the overflow series ([`TOTAL`]) and, per open label
    /// ([`label_counter`]), lookups whose value went to [`OVERFLOW_VALUE`] because the
    /// label was full or the value was outside its allow-list. Striped: floods of new
    /// values past a bound count from several threads at once.
    overflows: Striped,
    /// Per open label: the allow-list given by [`Options::allow_label_values`], if any.
    allowed: Box<[Option<AllowList>]>,
    /// Whether any open label has an allow-list (and the family is exposed).
    restricted: bool,
    /// Taken to add a row.
    insert: Mutex<()>,
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
    /// The one row's series when `N == 0` (empty otherwise), spread
    /// `pad_stride::<M>()` apart, kept here so that [`Family::get`] is one load and an
    /// index, like a plain array.
    fixed: Arc<[M]>,
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
            open: N,
            max_values: max_values.into(),
            max_series: options.max_series_of(),
            pieces: Box::new([]),
            fixed: None,
            rows: None,
            overflow: None,
            overflow_used: AtomicBool::new(false),
            overflows: Striped::new(if N == 0 { 0 } else { STRIPES }, 1 + N),
            allowed: allowed.into(),
            restricted,
            insert: Mutex::new(()),
            hasher: foldhash::quality::RandomState::default(),
        };
        inner.pieces = inner.render_pieces();
        if N == 0 {
            inner.fixed = Some(inner.new_series(1, pad_stride::<M>()));
        } else {
            inner.overflow = Some(inner.new_series(1, pad_stride::<M>()));
            inner.rows = Some(Box::new(Rows {
                labels: (0..N).map(|_| Interner::new()).collect(),
                index: Index::new(),
                ids: Chunks::new(),
                series: Chunks::new(),
                len: AtomicUsize::new(0),
            }));
        }
        let fixed = match &inner.fixed {
            Some(series) => Arc::clone(series),
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
    /// row; values past `max_values`, or rows past [`Options::max_series`], go to the
    /// overflow series (see [`OVERFLOW_VALUE`]) without taking the lock.
    #[inline]
    pub fn with(&self, open: [&str; N], closed: C) -> &M {
        let open = self.inner.restrict(open);
        let row = self.inner.row(&open);
        &row.series[row.base + closed.dense_index() * row.stride]
    }

    /// A handle on the series of open values `open`, for recording with closed labels
    /// only: [`Bound::get`] is an array index. Binding may allocate (once per new
    /// combination); the handle is `'static`, `Clone`, `Send` and `Sync`, so it can live
    /// in long-lived engine structs.
    pub fn bind(&self, open: [&str; N]) -> Bound<M, C> {
        let open = self.inner.restrict(open);
        let row = self.inner.row(&open);
        Bound {
            series: Arc::clone(row.series),
            base: row.base,
            stride: row.stride,
            _closed: PhantomData,
        }
    }

    /// How many lookups went to the overflow series because an open label already had
    /// `max_values` distinct values or the family [`Options::max_series`] series.
    pub fn overflow_count(&self) -> u64 {
        self.inner.overflows.sum(TOTAL)
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
        &self.fixed[closed.dense_index() * pad_stride::<M>()]
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
                self.overflows.add(label_counter(i));
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
                    let count = self.overflows.sum(label_counter(i));
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

    /// `rows` rows of series, `stride` apart (the fixed row, the overflow row, a chunk).
    fn new_series(&self, rows: usize, stride: usize) -> Arc<[M]> {
        (0..rows * self.cardinality * stride)
            .map(|_| M::new_series(&self.bounds))
            .collect()
    }

    /// The series of row `id` of `rows` (a published row).
    #[inline]
    fn row_ref<'a>(&self, rows: &'a Rows<M>, id: usize) -> RowRef<'a, M> {
        let (k, offset) = rows.series.locate(id);
        let stride = if k < PADDED_CHUNKS {
            pad_stride::<M>()
        } else {
            1
        };
        match rows.series.chunk(k) {
            Some(series) => RowRef {
                series,
                base: offset * self.cardinality * stride,
                stride,
            },
            None => unreachable!("a published row has its series chunk"),
        }
    }

    /// Whether row `id` has open values `open`.
    #[inline]
    fn row_is(&self, rows: &Rows<M>, id: usize, open: &[&str]) -> bool {
        if let [value] = open {
            return rows.labels[0].value(id) == *value;
        }
        let n = open.len();
        let (k, offset) = rows.ids.locate(id);
        let Some(ids) = rows.ids.chunk(k) else {
            return false;
        };
        let ids = &ids[offset * n..offset * n + n];
        rows.labels
            .iter()
            .zip(ids)
            .zip(open)
            .all(|((label, value_id), v)| label.value(value_id.load(Relaxed) as usize) == *v)
    }

    /// The index rows are found in: the one label's values, or the row index.
    #[inline]
    fn row_index<'a>(&self, rows: &'a Rows<M>) -> &'a Index {
        if self.open == 1 {
            &rows.labels[0].index
        } else {
            &rows.index
        }
    }

    #[inline]
    fn row(&self, open: &[&str]) -> RowRef<'_, M> {
        let Some(rows) = &self.rows else {
            let fixed = self.fixed.as_ref().unwrap_or_else(|| unreachable!());
            return RowRef {
                series: fixed,
                base: 0,
                stride: pad_stride::<M>(),
            };
        };
        let hash = self.hash(open);
        let found = self
            .row_index(rows)
            .find(hash, |id| self.row_is(rows, id, open));
        match found {
            Some(id) => self.row_ref(rows, id),
            None => self.row_slow(rows, hash, open),
        }
    }

    fn overflow_row(&self) -> RowRef<'_, M> {
        let overflow = self.overflow.as_ref().unwrap_or_else(|| unreachable!());
        if !self.overflow_used.load(Relaxed) {
            self.overflow_used.store(true, Relaxed);
        }
        RowRef {
            series: overflow,
            base: 0,
            stride: pad_stride::<M>(),
        }
    }

    /// Whether a new row with values `open` would pass a bound. Lock-free. `hashes` are
    /// the hashes of each value alone (only computed with several open labels).
    fn is_full(&self, rows: &Rows<M>, open: &[&str], hashes: &[u64]) -> bool {
        if rows
            .len
            .load(Acquire)
            .saturating_add(1)
            .saturating_mul(self.cardinality)
            > self.max_series
        {
            return true;
        }
        if let [_] = open {
            // The row lookup missed, so the value is new.
            return rows.labels[0].len.load(Acquire) >= self.max_values[0];
        }
        rows.labels
            .iter()
            .zip(open)
            .zip(hashes)
            .zip(self.max_values.iter())
            .any(|(((label, v), &hash), &max)| {
                label.len.load(Acquire) >= max && label.find(hash, v).is_none()
            })
    }

    /// Counts a lookup past a bound (in total, and for each label whose `max_values` it
    /// passed) and returns the overflow row.
    #[cold]
    fn overflowed<'a>(&'a self, rows: &Rows<M>, open: &[&str], hashes: &[u64]) -> RowRef<'a, M> {
        self.overflows.add(TOTAL);
        let labels = rows.labels.iter().zip(open).zip(self.max_values.iter());
        for (i, ((label, v), &max)) in labels.enumerate() {
            let new = match hashes.get(i) {
                Some(&hash) => label.find(hash, v).is_none(),
                // One open label: the row lookup missed, so the value is new.
                None => true,
            };
            if new && label.len.load(Acquire) >= max {
                self.overflows.add(label_counter(i));
            }
        }
        self.overflow_row()
    }

    #[cold]
    fn row_slow<'a>(&'a self, rows: &'a Rows<M>, hash: u64, open: &[&str]) -> RowRef<'a, M> {
        if !self.exposed {
            // Hidden: one shared sink, nothing kept.
            return RowRef {
                series: self.overflow.as_ref().unwrap_or_else(|| unreachable!()),
                base: 0,
                stride: pad_stride::<M>(),
            };
        }
        if open.iter().all(|v| *v == OVERFLOW_VALUE) {
            return self.overflow_row();
        }
        // Hashes of each value alone, to find them in their label's values.
        let mut hashes = [0u64; 16];
        let mut owned = Vec::new();
        let hashes: &mut [u64] = if open.len() == 1 {
            &mut hashes[..0]
        } else if open.len() <= hashes.len() {
            &mut hashes[..open.len()]
        } else {
            owned.resize(open.len(), 0);
            &mut owned
        };
        for (h, v) in hashes.iter_mut().zip(open) {
            *h = self.hash(&[v]);
        }
        // Past a bound no lock is taken: floods of new values scale with threads.
        if self.is_full(rows, open, hashes) {
            return self.overflowed(rows, open, hashes);
        }
        let _guard = self.insert.lock().unwrap_or_else(PoisonError::into_inner);
        let index = self.row_index(rows);
        if let Some(id) = index.find(hash, |id| self.row_is(rows, id, open)) {
            return self.row_ref(rows, id);
        }
        if self.is_full(rows, open, hashes) {
            return self.overflowed(rows, open, hashes);
        }
        let id = rows.len.load(Relaxed);
        if id >= u32::MAX as usize - 1 {
            self.overflows.add(TOTAL);
            return self.overflow_row();
        }
        // Everything a reader may touch is written before the index publishes the row.
        let (k, _) = rows.series.locate(id);
        rows.series.chunk_or_init(k, |k| {
            let stride = if k < PADDED_CHUNKS {
                pad_stride::<M>()
            } else {
                1
            };
            self.new_series(rows.series.chunk_len(k), stride)
        });
        if let [value] = open {
            let label = &rows.labels[0];
            let value_id = label.push(value);
            debug_assert_eq!(value_id, id);
            label.publish(hash, value_id);
        } else {
            let n = open.len();
            let (k, offset) = rows.ids.locate(id);
            let ids = rows.ids.chunk_or_init(k, |k| {
                (0..rows.ids.chunk_len(k) * n)
                    .map(|_| AtomicU32::new(0))
                    .collect()
            });
            for (i, ((label, v), &h)) in rows.labels.iter().zip(open).zip(hashes.iter()).enumerate()
            {
                let value_id = match label.find(h, v) {
                    Some(value_id) => value_id,
                    None => {
                        let value_id = label.push(v);
                        label.publish(h, value_id);
                        value_id
                    }
                };
                ids[offset * n + i].store(value_id as u32, Relaxed);
            }
            rows.index.insert(hash, id);
        }
        rows.len.store(id + 1, Release);
        self.row_ref(rows, id)
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

    /// [`Inner::pieces`]: every closed combination's label text, cut at open values.
    fn render_pieces(&self) -> Box<[Box<str>]> {
        let mut all = Vec::with_capacity(self.cardinality * (self.open + 1));
        for combo in 0..self.cardinality {
            let closed = decode(&self.closed_lists, combo);
            let labels = self
                .desc
                .labels
                .iter()
                .zip(self.layout.iter())
                .map(|(label, slot)| {
                    let value = match *slot {
                        Slot::Open(_) => None,
                        Slot::Closed(i) => Some(closed.get(i).copied().unwrap_or("")),
                    };
                    (label.name, value)
                });
            let mut pieces = render_label_pieces(labels);
            if M::TYPE != MetricType::Histogram {
                pieces[0].insert_str(0, self.text.sample_name());
                if let Some(last) = pieces.last_mut() {
                    last.push(' ');
                }
            }
            all.extend(pieces.into_iter().map(String::into_boxed_str));
        }
        all.into()
    }

    /// Whether some open value of the family needs escaping (read after the rows' length,
    /// so it covers every row an encoder sees).
    fn escapes(&self) -> bool {
        self.rows
            .as_ref()
            .is_some_and(|rows| rows.labels.iter().any(|l| l.escapes.load(Relaxed)))
    }

    /// The lines of a family of counters, gauges or info with one open label: walks its
    /// value and series chunks side by side (a row's id is its value's id, and both use
    /// chunks of `CHUNK0 << k`), without locating each row, then the overflow row.
    fn encode_one_open_label(
        &self,
        rows: &Rows<M>,
        format: Format,
        out: &mut Vec<u8>,
        scratch: &mut Vec<u64>,
    ) {
        let len = rows.len.load(Acquire);
        // After the length: covers every value below it.
        let escapes = self.escapes();
        let label = &rows.labels[0];
        let mut line = |out: &mut Vec<u8>, value: &str, series: &M, combo: usize| {
            let sample = series.sample(scratch);
            if !FamilyText::has_line(sample) {
                return;
            }
            let (before, after) = match self.pieces.get(combo * 2..combo * 2 + 2) {
                Some([before, after]) => (before.as_bytes(), after.as_bytes()),
                _ => return,
            };
            // One reservation per line: value, `\n` and a number of at most 24 bytes.
            out.reserve(before.len() + value.len() + after.len() + 32);
            out.extend_from_slice(before);
            if escapes {
                write_escaped_label_value(out, value);
            } else {
                write_short(out, value.as_bytes());
            }
            write_short(out, after);
            write_value(out, format, sample);
        };
        let mut first = 0;
        let mut k = 0;
        while first < len {
            let (Some(series), Some(values)) = (rows.series.chunk(k), label.values.chunk(k)) else {
                break;
            };
            let n = (len - first).min(rows.series.chunk_len(k));
            let stride = if k < PADDED_CHUNKS {
                pad_stride::<M>()
            } else {
                1
            };
            let row_len = self.cardinality * stride;
            for (value, row) in values[..n].iter().zip(series.chunks(row_len)) {
                let value = value.get().map_or("", |v| v);
                for combo in 0..self.cardinality {
                    if let Some(series) = row.get(combo * stride) {
                        line(out, value, series, combo);
                    }
                }
            }
            first += n;
            k += 1;
        }
        if let Some(overflow) = &self.overflow
            && self.overflow_used.load(Relaxed)
        {
            let stride = pad_stride::<M>();
            for combo in 0..self.cardinality {
                if let Some(series) = overflow.get(combo * stride) {
                    line(out, OVERFLOW_VALUE, series, combo);
                }
            }
        }
    }

    /// Calls `f` with the open values and series of every row that is exposed, in order:
    /// the fixed row, rows in insertion order, then the overflow row once used.
    fn for_each_row(&self, mut f: impl FnMut(&[&str], RowRef<'_, M>)) {
        let stride = pad_stride::<M>();
        if let Some(fixed) = &self.fixed {
            f(
                &[],
                RowRef {
                    series: fixed,
                    base: 0,
                    stride,
                },
            );
        }
        let Some(rows) = &self.rows else { return };
        let len = rows.len.load(Acquire);
        let mut values: Vec<&str> = Vec::with_capacity(self.open);
        for id in 0..len {
            values.clear();
            if self.open == 1 {
                values.push(rows.labels[0].value(id));
            } else {
                let (k, offset) = rows.ids.locate(id);
                if let Some(ids) = rows.ids.chunk(k) {
                    let ids = &ids[offset * self.open..(offset + 1) * self.open];
                    values.extend(
                        rows.labels
                            .iter()
                            .zip(ids)
                            .map(|(label, v)| label.value(v.load(Relaxed) as usize)),
                    );
                }
            }
            f(&values, self.row_ref(rows, id));
        }
        if let Some(overflow) = &self.overflow
            && self.overflow_used.load(Relaxed)
        {
            let values = vec![OVERFLOW_VALUE; self.open];
            f(
                &values,
                RowRef {
                    series: overflow,
                    base: 0,
                    stride,
                },
            );
        }
    }

    fn series_count(&self) -> usize {
        let mut rows = usize::from(self.fixed.is_some());
        if let Some(r) = &self.rows {
            rows += r.len.load(Acquire);
            rows += usize::from(self.overflow_used.load(Relaxed));
        }
        rows * self.cardinality
    }

    #[cfg(test)]
    /// Heap bytes held by the rows of an open-label family: indexes, interned values,
    /// value ids and series chunks (not the family's fixed parts).
    pub(crate) fn rows_heap_bytes(&self) -> usize {
        let Some(rows) = &self.rows else { return 0 };
        let labels: usize = rows.labels.iter().map(Interner::heap_bytes).sum();
        let ids: usize = rows
            .ids
            .iter_chunks()
            .map(|(_, c)| c.len() * std::mem::size_of::<AtomicU32>())
            .sum();
        let series: usize = rows
            .series
            .iter_chunks()
            .map(|(_, c)| c.len() * std::mem::size_of::<M>())
            .sum();
        labels + rows.index.heap_bytes() + ids + series
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
    /// The chunk holding the row; its series are `series[base + closed * stride]`.
    series: Arc<[M]>,
    base: usize,
    stride: usize,
    _closed: PhantomData<fn(C)>,
}

impl<M: Metric, C: ClosedLabels> Clone for Bound<M, C> {
    fn clone(&self) -> Self {
        Bound {
            series: Arc::clone(&self.series),
            base: self.base,
            stride: self.stride,
            _closed: PhantomData,
        }
    }
}

impl<M: Metric, C: ClosedLabels> std::fmt::Debug for Bound<M, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound")
            .field("series", &C::CARDINALITY)
            .finish()
    }
}

impl<M: Metric, C: ClosedLabels> Bound<M, C> {
    /// The series for closed labels `closed`.
    #[inline(always)]
    pub fn get(&self, closed: C) -> &M {
        &self.series[self.base + closed.dense_index() * self.stride]
    }
}

impl<M: Metric> Deref for Bound<M, ()> {
    type Target = M;

    #[inline(always)]
    fn deref(&self) -> &M {
        &self.series[self.base]
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
        if M::TYPE != MetricType::Histogram
            && self.open == 1
            && let Some(rows) = &self.rows
        {
            self.encode_one_open_label(rows, format, out, scratch);
            return;
        }
        let parts = self.open + 1;
        let mut line = String::new();
        let mut escapes = None;
        self.for_each_row(|values, row| {
            // After `for_each_row` read the length: covers the values it passes.
            let escapes = *escapes.get_or_insert_with(|| self.escapes());
            for combo in 0..self.cardinality {
                let series = &row.series[row.base + combo * row.stride];
                let sample = series.sample(scratch);
                let pieces = &self.pieces[combo * parts..(combo + 1) * parts];
                if values.is_empty() {
                    self.text
                        .write_series(out, format, &pieces[0], sample, scratch);
                } else if M::TYPE == MetricType::Histogram {
                    // Several lines per series: render its labels once.
                    line.clear();
                    for (piece, value) in pieces.iter().zip(values) {
                        line.push_str(piece);
                        push_escaped_label_value(&mut line, value);
                    }
                    line.push_str(&pieces[parts - 1]);
                    self.text.write_series(out, format, &line, sample, scratch);
                } else if FamilyText::has_line(sample) {
                    // One line: straight into the output.
                    for (piece, value) in pieces.iter().zip(values) {
                        out.extend_from_slice(piece.as_bytes());
                        if escapes {
                            write_escaped_label_value(out, value);
                        } else {
                            write_short(out, value.as_bytes());
                        }
                    }
                    write_short(out, pieces[parts - 1].as_bytes());
                    write_value(out, format, sample);
                }
            }
        });
    }

    fn overflow_count(&self) -> u64 {
        self.overflows.sum(TOTAL)
    }

    fn label_overflows(&self) -> Vec<(&'static str, u64)> {
        self.label_overflow_counts()
    }

    fn series_count(&self) -> usize {
        Inner::series_count(self)
    }

    fn snapshot(&self) -> FamilySnapshot {
        let mut series = Vec::new();
        self.for_each_row(|open, row| {
            for combo in 0..self.cardinality {
                let mut buckets = Vec::new();
                let sample = row.series[row.base + combo * row.stride].sample(&mut buckets);
                let labels = self
                    .label_pairs(open, combo)
                    .into_iter()
                    .map(|(k, v)| (k, v.to_owned()))
                    .collect();
                series.push(SeriesSnapshot {
                    labels,
                    sample,
                    buckets,
                });
            }
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Counter, Histogram, LabelDesc};

    fn leak(labels: Vec<LabelDesc>, metric_type: MetricType) -> &'static MetricDesc {
        Box::leak(Box::new(MetricDesc {
            name: "t",
            help: "h",
            unit: None,
            metric_type,
            stage: Stage::Active,
            labels: Box::leak(labels.into_boxed_slice()),
            buckets: crate::Buckets::Static(&[1.0]),
        }))
    }

    fn addr<T>(r: &T) -> usize {
        std::ptr::from_ref(r) as usize
    }

    #[test]
    fn first_rows_are_padded_later_rows_packed() {
        let desc = leak(vec![LabelDesc::open("v", 1000)], MetricType::Counter);
        let family: Family<Counter, (), 1> = Family::new(desc, &Options::new()).unwrap();
        let names: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        for name in &names {
            family.with([name], ()).inc();
        }
        let at = |i: usize| addr(family.with([&names[i]], ()));
        for i in 1..PADDED_ROWS {
            if family.inner.rows.as_ref().unwrap().series.locate(i).1 != 0 {
                assert_eq!(at(i) - at(i - 1), PAD_BYTES, "row {i}");
            }
        }
        // Rows of the first packed chunk are adjacent.
        let first_packed = PADDED_ROWS;
        assert_eq!(
            at(first_packed + 1) - at(first_packed),
            size_of::<Counter>()
        );
        // Bound handles see the same series.
        let bound = family.bind([&names[first_packed]]);
        assert_eq!(addr(&*bound), at(first_packed));
        let bound = family.bind([&names[1]]);
        assert_eq!(addr(&*bound), at(1));
    }

    #[test]
    fn closed_combinations_of_padded_rows_are_apart() {
        let desc = leak(
            vec![
                LabelDesc::open("v", 10),
                LabelDesc::closed("c", &["a", "b"]),
            ],
            MetricType::Counter,
        );
        #[derive(Clone, Copy)]
        struct Ab(usize);
        impl crate::ClosedLabel for Ab {
            const VALUES: &'static [&'static str] = &["a", "b"];
            fn index(self) -> usize {
                self.0
            }
        }
        let family: Family<Counter, Ab, 1> = Family::new(desc, &Options::new()).unwrap();
        let a = addr(family.with(["x"], Ab(0)));
        let b = addr(family.with(["x"], Ab(1)));
        assert_eq!(b - a, PAD_BYTES);
        let bound = family.bind(["x"]);
        assert_eq!(addr(bound.get(Ab(1))), b);
    }

    #[test]
    fn rows_take_little_memory() {
        let desc = leak(vec![LabelDesc::open("v", usize::MAX)], MetricType::Counter);
        let family: Family<Counter, (), 1> = Family::new(desc, &Options::new()).unwrap();
        let n = 20_000;
        let mut chars = 0;
        for i in 0..n {
            let v = format!("value-{i}");
            chars += v.len();
            family.with([&v], ()).inc();
        }
        let bytes = family.inner.rows_heap_bytes() - chars;
        let per_row = bytes as f64 / n as f64;
        // A 16-byte counter, a 24-byte value slot, index slots; chunks allocated ahead.
        assert!(per_row < 100.0, "{per_row} bytes per row besides the value");
    }

    #[test]
    fn histograms_are_not_padded() {
        let desc = leak(vec![LabelDesc::open("v", 10)], MetricType::Histogram);
        let family: Family<Histogram, (), 1> = Family::new(desc, &Options::new()).unwrap();
        let a = addr(family.with(["a"], ()));
        let b = addr(family.with(["b"], ()));
        assert_eq!(b - a, size_of::<Histogram>());
    }
}
