//! The Prometheus exposition facts: metric types and the names they expose in each format,
//! name validity, reserved labels, unit rules and bucket bounds.
//!
//! The catalogue's lint rules, the generated-code checks and the runtime all ask these
//! functions, so that a catalogue `schema lint` accepts is a catalogue the runtime builds.
//! Nothing else in the workspace spells a sample suffix or a name rule.

use std::fmt;

/// An exposition format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The Prometheus text format, version 0.0.4. Counters are families named
    /// `<name>_total`; info metrics are gauges named `<name>_info`.
    Text,
    /// OpenMetrics 1.0.0. Counters are families `<name>` with samples `<name>_total`, info
    /// metrics are `info` families, units get a `# UNIT` line, and the exposition ends with
    /// `# EOF`.
    OpenMetrics,
}

/// The text format's content type.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
/// OpenMetrics 1.0.0's content type.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

impl Format {
    /// `text` or `openmetrics` (what [`FromStr`](std::str::FromStr) reads).
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::OpenMetrics => "openmetrics",
        }
    }

    /// The format of a scrape whose format is not otherwise known: OpenMetrics when its
    /// last non-empty line is `# EOF`, the text format otherwise.
    pub fn detect(text: &str) -> Format {
        let last = text.trim_end_matches(['\n', '\r', ' ', '\t']);
        let last = last.rsplit('\n').next().unwrap_or("");
        if last == "# EOF" {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }

    /// The format of an HTTP `Content-Type` (`text/plain` or
    /// `application/openmetrics-text`, parameters ignored, case-insensitive); `None` for
    /// any other media type.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let media = content_type.split(';').next().unwrap_or("").trim();
        [Format::Text, Format::OpenMetrics].into_iter().find(|f| {
            f.content_type()
                .split(';')
                .next()
                .is_some_and(|own| own.eq_ignore_ascii_case(media))
        })
    }

    /// The HTTP `Content-Type` of this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => TEXT_CONTENT_TYPE,
            Format::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// `text` or `openmetrics`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "openmetrics" => Ok(Format::OpenMetrics),
            _ => Err(format!(
                "unknown format {s:?}: expected \"text\" or \"openmetrics\""
            )),
        }
    }
}

/// A metric type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// A monotonically increasing count; exposed as `<name>_total`.
    Counter,
    /// A value that goes up and down; exposed as `<name>`.
    Gauge,
    /// Observations counted into buckets; exposed as `<name>_bucket`, `<name>_sum` and
    /// `<name>_count`.
    Histogram,
    /// Constant key/value data; exposed as `<name>_info` with value 1.
    Info,
}

/// Every non-empty suffix a sample name can carry, over all types: what a queried name ends
/// with when it names a sample of a family.
pub const SAMPLE_SUFFIXES: [&str; 5] = ["_total", "_bucket", "_sum", "_count", "_info"];

/// The suffix of the creation-timestamp series of OpenMetrics (`<name>_created`). This
/// runtime never emits them, but a metric named `..._created` would read as one.
pub const CREATED_SUFFIX: &str = "_created";

impl MetricType {
    /// Every type, in catalogue spelling order.
    pub const ALL: [MetricType; 4] = [
        MetricType::Counter,
        MetricType::Gauge,
        MetricType::Histogram,
        MetricType::Info,
    ];

    /// The catalogue spelling, and the OpenMetrics `# TYPE`: `counter`, `gauge`,
    /// `histogram` or `info`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Info => "info",
        }
    }

    /// Parses the catalogue spelling.
    pub fn parse(s: &str) -> Option<MetricType> {
        MetricType::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What follows the metric's name in its sample names, in exposition order (the same
    /// in both formats): `_total`; the name itself; `_bucket`, `_sum`, `_count`; `_info`.
    /// The first is the sample that carries the value (a histogram's buckets).
    pub const fn sample_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total"],
            MetricType::Gauge => &[""],
            MetricType::Histogram => &["_bucket", "_sum", "_count"],
            MetricType::Info => &["_info"],
        }
    }

    /// The sample a query of the metric's activity reads: a counter's `_total`, a
    /// histogram's `_count`, the others' only sample.
    pub const fn count_suffix(self) -> &'static str {
        match self {
            MetricType::Histogram => "_count",
            _ => self.sample_suffixes()[0],
        }
    }

    /// What follows the metric's name in its family name (`# HELP`/`# TYPE`) in `format`:
    /// the text format names counters `<name>_total` and info metrics `<name>_info`;
    /// OpenMetrics uses the name itself.
    pub const fn family_suffix(self, format: Format) -> &'static str {
        match (format, self) {
            (Format::Text, MetricType::Counter) => "_total",
            (Format::Text, MetricType::Info) => "_info",
            _ => "",
        }
    }

    /// The name that stands for a metric of this type named `full_name` where prose tells
    /// users what to query (the deprecation notice): its family name in the text format —
    /// `<name>_total` for a counter and `<name>_info` for an info metric, which are the
    /// series queries select, and the name itself for a gauge or a histogram (whose
    /// `_bucket`, `_sum` and `_count` series are known by it).
    pub fn queried_name(self, full_name: &str) -> String {
        format!("{full_name}{}", self.family_suffix(Format::Text))
    }

    /// The `# TYPE` word in `format`: the text format has no `info` type and exposes info
    /// metrics as gauges.
    pub const fn type_word(self, format: Format) -> &'static str {
        match (format, self) {
            (Format::Text, MetricType::Info) => "gauge",
            _ => self.as_str(),
        }
    }

    /// Every suffix of a name the metric occupies in either format: its family names and
    /// sample names. Two metrics must not share any of these names.
    pub const fn occupied_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["", "_total"],
            MetricType::Gauge => &[""],
            MetricType::Histogram => &["", "_bucket", "_sum", "_count"],
            MetricType::Info => &["", "_info"],
        }
    }

    /// What follows the family name (`# TYPE`) in the names of the family's samples in
    /// `format`, as any exporter writes them: the text format's counter family is already
    /// `<name>_total`; OpenMetrics adds creation-timestamp samples (`_created`) to counters
    /// and histograms, which this runtime never writes but other exporters do.
    pub const fn family_sample_suffixes(self, format: Format) -> &'static [&'static str] {
        match (format, self) {
            (Format::OpenMetrics, MetricType::Counter) => &["_total", "_created"],
            (Format::OpenMetrics, MetricType::Histogram) => {
                &["_bucket", "_sum", "_count", "_created"]
            }
            (Format::OpenMetrics, MetricType::Info) => &["_info"],
            (Format::Text, MetricType::Histogram) => &["_bucket", "_sum", "_count"],
            _ => &[""],
        }
    }

    /// Whether a metric of this type may have a unit: every type but info, whose value is
    /// always 1.
    pub const fn takes_unit(self) -> bool {
        !matches!(self, MetricType::Info)
    }

    /// Why label `label` is reserved on a metric of this type, if it is (see
    /// [`ReservedLabel`]).
    pub fn reserved_label(self, label: &str) -> Option<ReservedLabel> {
        if label.starts_with("__") {
            Some(ReservedLabel::Internal)
        } else if label == "quantile" {
            Some(ReservedLabel::Quantile)
        } else if label == "le" && self == MetricType::Histogram {
            Some(ReservedLabel::Le)
        } else {
            None
        }
    }

    /// Checks `unit` for a metric of this type named `name` (see [`UnitError`]).
    pub fn check_unit(self, name: &str, unit: &str) -> Result<(), UnitError> {
        if !self.takes_unit() {
            return Err(UnitError::NotTaken(self));
        }
        if !is_valid_name(unit) {
            return Err(UnitError::Invalid);
        }
        if !is_unit_suffix(name, unit) {
            return Err(UnitError::NotSuffix);
        }
        Ok(())
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True when `name` matches `[a-zA-Z_][a-zA-Z0-9_]*`: a label name, a namespace, a
/// metric's local name, a unit.
pub fn is_valid_name(name: &str) -> bool {
    valid(name, false)
}

/// True when `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`: an exposed metric name (colons
/// are allowed, by convention for recording rules and namespaces such as `vllm:`).
pub fn is_valid_metric_name(name: &str) -> bool {
    valid(name, true)
}

fn valid(name: &str, colons: bool) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':');
    let mut chars = name.chars();
    chars.next().is_some_and(|c| ok(c) && !c.is_ascii_digit()) && chars.all(ok)
}

/// True when `name` ends with `_<unit>` (and `unit` is not empty).
pub fn is_unit_suffix(name: &str, unit: &str) -> bool {
    !unit.is_empty()
        && name
            .strip_suffix(unit)
            .is_some_and(|rest| rest.ends_with('_'))
}

/// Why a label name is reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReservedLabel {
    /// `le` on a histogram: it holds the bucket bounds.
    Le,
    /// `quantile`: it holds summary quantiles. Reserved on every type, so that no series
    /// reads as a summary's quantile.
    Quantile,
    /// Names starting with `__` are reserved for Prometheus' internal use.
    Internal,
}

impl ReservedLabel {
    /// Why, in a few words.
    pub fn reason(self) -> &'static str {
        match self {
            ReservedLabel::Le => "`le` holds histogram bucket bounds",
            ReservedLabel::Quantile => "`quantile` holds summary quantiles",
            ReservedLabel::Internal => "names starting with `__` are reserved for Prometheus",
        }
    }

    /// True when the reservation holds on every metric type.
    pub fn on_every_type(self) -> bool {
        !matches!(self, ReservedLabel::Le)
    }
}

/// Why a unit is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitError {
    /// The type takes no unit (info).
    NotTaken(MetricType),
    /// The unit is not of the form `[a-zA-Z_][a-zA-Z0-9_]*`.
    Invalid,
    /// The name does not end with `_<unit>`.
    NotSuffix,
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::NotTaken(ty) => write!(f, "{ty} metrics take no unit"),
            UnitError::Invalid => f.write_str("the unit is not a valid name part"),
            UnitError::NotSuffix => f.write_str("the name does not end in `_<unit>`"),
        }
    }
}

/// The most bounds a catalogue's bucket generator may produce. Classic Prometheus
/// histograms with more buckets than this are not useful, and the limit keeps a typo
/// (`count = 1e9`) from exhausting memory.
pub const MAX_BUCKETS: i64 = 10_000;

/// Why histogram bucket bounds are unusable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BoundsError {
    /// A bound is NaN.
    NaN {
        /// Its index (0-based).
        index: usize,
    },
    /// `-Inf`, or `+Inf` before the last position.
    Infinite {
        /// Its index (0-based).
        index: usize,
    },
    /// A bound is not greater than the one before it.
    NotIncreasing {
        /// Its index (0-based).
        index: usize,
        /// The bound before it.
        previous: f64,
        /// The bound.
        bound: f64,
    },
}

impl fmt::Display for BoundsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoundsError::NaN { index } => write!(f, "bound #{} is NaN", index + 1),
            BoundsError::Infinite { index } => write!(
                f,
                "bound #{} is infinite; `+inf` may only be the last bound",
                index + 1
            ),
            BoundsError::NotIncreasing {
                index,
                previous,
                bound,
            } => write!(
                f,
                "bounds must be strictly increasing, but bound #{} ({bound}) follows {previous}",
                index + 1
            ),
        }
    }
}

impl std::error::Error for BoundsError {}

/// Checks histogram upper bounds: no NaN, no `-Inf`, strictly increasing; a trailing
/// `+Inf` is dropped (the `+Inf` bucket always exists). Returns the finite bounds, which
/// may be empty (a histogram with the `+Inf` bucket only).
pub fn check_bounds(bounds: &[f64]) -> Result<&[f64], BoundsError> {
    let finite = match bounds.split_last() {
        Some((last, rest)) if *last == f64::INFINITY => rest,
        _ => bounds,
    };
    for (index, &bound) in finite.iter().enumerate() {
        if bound.is_nan() {
            return Err(BoundsError::NaN { index });
        }
        if bound.is_infinite() {
            return Err(BoundsError::Infinite { index });
        }
        if index > 0 && bound <= finite[index - 1] {
            return Err(BoundsError::NotIncreasing {
                index,
                previous: finite[index - 1],
                bound,
            });
        }
    }
    Ok(finite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for good in ["a", "_", "A_b9", "request_success", "fooBar", "type"] {
            assert!(is_valid_name(good), "{good}");
            assert!(is_valid_metric_name(good), "{good}");
        }
        for bad in ["", "9a", "a-b", "a:b", "é", "a b"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
        for good in ["vllm:x", ":x", "a:b:c_1"] {
            assert!(is_valid_metric_name(good), "{good}");
        }
        for bad in ["", "9a", "a-b", "é", "x y"] {
            assert!(!is_valid_metric_name(bad), "{bad}");
        }
    }

    #[test]
    fn samples_and_families() {
        for ty in MetricType::ALL {
            assert_eq!(MetricType::parse(ty.as_str()), Some(ty));
            // The occupied names are the family names of both formats plus the samples.
            for format in [Format::Text, Format::OpenMetrics] {
                assert!(ty.occupied_suffixes().contains(&ty.family_suffix(format)));
            }
            for s in ty.sample_suffixes() {
                assert!(ty.occupied_suffixes().contains(s), "{ty} {s}");
                assert!(s.is_empty() || SAMPLE_SUFFIXES.contains(s), "{ty} {s}");
            }
            assert!(ty.sample_suffixes().contains(&ty.count_suffix()));
        }
        // Every listed suffix is some type's sample suffix.
        for s in SAMPLE_SUFFIXES {
            assert!(
                MetricType::ALL
                    .iter()
                    .any(|t| t.sample_suffixes().contains(&s))
            );
        }
        assert_eq!(MetricType::Counter.family_suffix(Format::Text), "_total");
        // The family's sample names are the metric's sample names (plus OpenMetrics' `_created`).
        for t in MetricType::ALL {
            for format in [Format::Text, Format::OpenMetrics] {
                let family = format!("m{}", t.family_suffix(format));
                let mut samples: Vec<String> = t
                    .family_sample_suffixes(format)
                    .iter()
                    .filter(|s| **s != CREATED_SUFFIX)
                    .map(|s| format!("{family}{s}"))
                    .collect();
                samples.sort();
                let mut expected: Vec<String> = t
                    .sample_suffixes()
                    .iter()
                    .map(|s| format!("m{s}"))
                    .collect();
                expected.sort();
                assert_eq!(samples, expected, "{t:?} in {format:?}");
            }
        }
        assert_eq!(MetricType::Counter.family_suffix(Format::OpenMetrics), "");
        assert_eq!(MetricType::Info.type_word(Format::Text), "gauge");
        assert_eq!(MetricType::Info.type_word(Format::OpenMetrics), "info");
    }

    #[test]
    fn reserved_labels_depend_on_the_type() {
        assert_eq!(
            MetricType::Histogram.reserved_label("le"),
            Some(ReservedLabel::Le)
        );
        assert_eq!(MetricType::Gauge.reserved_label("le"), None);
        for ty in MetricType::ALL {
            assert_eq!(ty.reserved_label("quantile"), Some(ReservedLabel::Quantile));
            assert_eq!(ty.reserved_label("__x"), Some(ReservedLabel::Internal));
            assert_eq!(ty.reserved_label("model"), None);
        }
    }

    #[test]
    fn units() {
        let h = MetricType::Histogram;
        assert_eq!(h.check_unit("latency_seconds", "seconds"), Ok(()));
        assert_eq!(h.check_unit("vllm:latency_seconds", "seconds"), Ok(()));
        assert_eq!(
            h.check_unit("latency", "seconds"),
            Err(UnitError::NotSuffix)
        );
        assert_eq!(
            h.check_unit("seconds", "seconds"),
            Err(UnitError::NotSuffix)
        );
        assert_eq!(h.check_unit("x_", ""), Err(UnitError::Invalid));
        assert_eq!(
            MetricType::Info.check_unit("build_seconds", "seconds"),
            Err(UnitError::NotTaken(MetricType::Info))
        );
    }

    #[test]
    fn bounds() {
        assert_eq!(
            check_bounds(&[1.0, 2.0, f64::INFINITY]),
            Ok(&[1.0, 2.0][..])
        );
        assert_eq!(check_bounds(&[]), Ok(&[][..]));
        assert_eq!(check_bounds(&[f64::INFINITY]), Ok(&[][..]));
        assert_eq!(
            check_bounds(&[1.0, f64::NAN]),
            Err(BoundsError::NaN { index: 1 })
        );
        assert_eq!(
            check_bounds(&[f64::NEG_INFINITY, 1.0]),
            Err(BoundsError::Infinite { index: 0 })
        );
        assert_eq!(
            check_bounds(&[f64::INFINITY, f64::INFINITY]),
            Err(BoundsError::Infinite { index: 0 })
        );
        let err = check_bounds(&[1.0, 1.0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "bounds must be strictly increasing, but bound #2 (1) follows 1"
        );
        assert_eq!(
            check_bounds(&[5e-324, 1e-300, 1.7976931348623157e308]),
            Ok(&[5e-324, 1e-300, 1.7976931348623157e308][..])
        );
    }
}
