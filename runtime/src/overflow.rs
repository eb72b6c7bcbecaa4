//! The label-overflow counter: how often each bounded open label of a set of families sent
//! a value to [`OVERFLOW_VALUE`], exposed as a metric of its own.

use std::sync::Arc;

use crate::encoding::{FamilyText, Format, render_labels};
use crate::family::{Collect, Collector, FamilySnapshot, SeriesSnapshot};
use crate::metric::Sample;
use crate::{Buckets, LabelDesc, MetricDesc, MetricType, Stage};

#[cfg(doc)]
use crate::OVERFLOW_VALUE;

/// The local name of the overflow counter: a catalogue with namespace `vllm` and
/// separator `:` exposes `vllm:label_overflows_total`. The `reserved-metric-name` lint
/// rule keeps catalogue metrics off it.
pub use crate::lifecycle::LABEL_OVERFLOWS_NAME;

/// The HELP of the overflow counter.
pub use crate::lifecycle::LABEL_OVERFLOWS_HELP;

/// The labels of the overflow counter: `metric` and `label`.
pub const LABEL_OVERFLOWS_LABELS: &[LabelDesc] = &[
    LabelDesc::open("metric", usize::MAX),
    LabelDesc::open("label", usize::MAX),
];

/// The descriptor of an overflow counter named `name` (full name, without `_total`).
pub const fn label_overflows_desc(name: &'static str) -> MetricDesc {
    MetricDesc {
        name,
        help: LABEL_OVERFLOWS_HELP,
        unit: None,
        metric_type: MetricType::Counter,
        stage: Stage::Active,
        labels: LABEL_OVERFLOWS_LABELS,
        buckets: Buckets::None,
    }
}

/// A counter family `<name>_total{metric, label}` whose values are read, at each
/// exposition, from the label-overflow counts of `families`: one series per bounded open
/// label of every exposed family, 0 until its first overflow. Generated code registers one
/// per catalogue with open labels, next to its families.
///
/// ```
/// use metrics_schema_runtime::*;
///
/// static REQUESTS: MetricDesc = MetricDesc {
///     name: "engine_requests",
///     help: "Requests.",
///     unit: None,
///     metric_type: MetricType::Counter,
///     stage: Stage::Active,
///     labels: &[LabelDesc::open("model", 1)],
///     buckets: Buckets::None,
/// };
/// static OVERFLOWS: MetricDesc = label_overflows_desc("engine_label_overflows");
///
/// let requests: Family<Counter, (), 1> = Family::new(&REQUESTS, &Options::new()).unwrap();
/// let registry = Registry::new();
/// registry.register(&requests).unwrap();
/// registry.register(&LabelOverflows::new(&OVERFLOWS, requests.collectors())).unwrap();
/// requests.with(["a"], ()).inc();
/// requests.with(["b"], ()).inc(); // past max_values = 1
/// let text = registry.encode_to_string(Format::Text);
/// assert!(text.contains(
///     "engine_label_overflows_total{metric=\"engine_requests\",label=\"model\"} 1\n"
/// ));
/// ```
#[derive(Clone, Debug)]
pub struct LabelOverflows {
    collector: Collector,
}

struct Inner {
    desc: &'static MetricDesc,
    text: FamilyText,
    families: Vec<Collector>,
}

impl LabelOverflows {
    /// The overflow counter `desc` (see [`label_overflows_desc`]) over `families`.
    pub fn new(desc: &'static MetricDesc, families: Vec<Collector>) -> Self {
        let inner = Inner {
            desc,
            text: FamilyText::new(desc, desc.help, &[]),
            families,
        };
        LabelOverflows {
            collector: Collector(Arc::new(inner)),
        }
    }

    /// The type-erased view the [`Registry`](crate::Registry) keeps.
    pub fn collector(&self) -> Collector {
        self.collector.clone()
    }
}

impl crate::MetricSet for LabelOverflows {
    fn collectors(&self) -> Vec<Collector> {
        vec![self.collector()]
    }
}

impl Inner {
    /// `(metric, label, count)` of every series, in family order.
    fn series(&self) -> Vec<(&'static str, &'static str, u64)> {
        self.families
            .iter()
            .filter(|f| f.is_exposed())
            .flat_map(|f| {
                let metric = f.desc().name;
                f.label_overflows()
                    .into_iter()
                    .map(move |(label, n)| (metric, label, n))
            })
            .collect()
    }
}

impl Collect for Inner {
    fn desc(&self) -> &'static MetricDesc {
        self.desc
    }

    fn exposed(&self) -> bool {
        true
    }

    fn encode(&self, format: Format, out: &mut Vec<u8>, scratch: &mut Vec<u64>) {
        self.text.write_header(out, format);
        for (metric, label, n) in self.series() {
            let labels = render_labels([("metric", metric), ("label", label)]);
            let line = format!("{}{labels} ", self.text.sample_name());
            let sample = Sample::Counter { int: n, float: 0.0 };
            self.text.write_series(out, format, &line, sample, scratch);
        }
    }

    fn overflow_count(&self) -> u64 {
        0
    }

    fn label_overflows(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }

    fn series_count(&self) -> usize {
        self.series().len()
    }

    fn snapshot(&self) -> FamilySnapshot {
        FamilySnapshot {
            desc: self.desc,
            exposed: true,
            help: self.desc.help.to_owned(),
            bounds: Arc::from([]),
            series: self
                .series()
                .into_iter()
                .map(|(metric, label, n)| SeriesSnapshot {
                    labels: vec![("metric", metric.to_owned()), ("label", label.to_owned())],
                    sample: Sample::Counter { int: n, float: 0.0 },
                    buckets: Vec::new(),
                })
                .collect(),
        }
    }
}
