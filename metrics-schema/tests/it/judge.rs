//! One judge: for any catalogue `check` accepts, code generation succeeds and the runtime
//! builds every metric's descriptor with default options (plus run-time buckets where the
//! catalogue asks for them), registers them without a name clash and encodes them.

#![cfg(feature = "codegen")]

use std::collections::BTreeMap;

use metrics_schema::catalogue::{Buckets as CatBuckets, MetricKind};
use metrics_schema::codegen::{Input, expand};
use metrics_schema::descriptor::{Descriptor, Stage as DStage, descriptors};
use metrics_schema::lifecycle::Version;
use metrics_schema::{Options, check, python};
use metrics_schema_runtime as rt;
use proptest::prelude::*;
use proptest::sample::select;

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn leak_opt(s: &Option<String>) -> Option<&'static str> {
    s.as_deref().map(leak)
}

/// The runtime descriptor of `d`, leaked to `'static` as generated code's are.
fn runtime_desc(d: &Descriptor) -> &'static rt::MetricDesc {
    let deprecation = |dep: &metrics_schema::descriptor::Deprecation| rt::Deprecation {
        since: leak(&dep.since),
        replaced_by: leak_opt(&dep.replaced_by),
        note: leak_opt(&dep.note),
    };
    let stage = match &d.stage {
        DStage::Active => rt::Stage::Active,
        DStage::Deprecated(dep) => rt::Stage::Deprecated(deprecation(dep)),
        DStage::Hidden(dep) => rt::Stage::Hidden(dep.as_ref().map(deprecation)),
    };
    let labels: Vec<rt::LabelDesc> = d
        .labels
        .iter()
        .map(|l| match &l.closed {
            Some(values) => {
                let values: Vec<&'static str> = values.iter().map(|v| leak(v)).collect();
                rt::LabelDesc::closed(leak(&l.name), Box::leak(values.into_boxed_slice()))
            }
            None => rt::LabelDesc::open(leak(&l.name), l.max_values),
        })
        .collect();
    let buckets = match &d.buckets {
        None => rt::Buckets::None,
        Some(CatBuckets::Runtime) => rt::Buckets::Runtime,
        Some(CatBuckets::Bounds(b)) => rt::Buckets::Static(Box::leak(b.clone().into_boxed_slice())),
    };
    Box::leak(Box::new(rt::MetricDesc {
        name: leak(&d.name),
        help: leak(&d.help),
        unit: leak_opt(&d.unit),
        metric_type: d.metric_type,
        stage,
        labels: Box::leak(labels.into_boxed_slice()),
        buckets,
    }))
}

/// A family of `desc` as a collector, when its labels are all open (at most two): the
/// family's Rust type is then known without generated enums.
fn family(desc: &'static rt::MetricDesc, options: &rt::Options) -> Option<rt::Collector> {
    if desc.labels.iter().any(|l| !l.is_open()) {
        return None;
    }
    macro_rules! build {
        ($m:ty) => {
            match desc.labels.len() {
                0 => rt::Family::<$m, (), 0>::new(desc, options).map(|f| f.collector()),
                1 => rt::Family::<$m, (), 1>::new(desc, options).map(|f| f.collector()),
                2 => rt::Family::<$m, (), 2>::new(desc, options).map(|f| f.collector()),
                _ => return None,
            }
        };
    }
    let built = match desc.metric_type {
        MetricKind::Counter => build!(rt::Counter),
        MetricKind::Gauge => build!(rt::Gauge),
        MetricKind::Histogram => build!(rt::Histogram),
        MetricKind::Info => build!(rt::Info),
    };
    Some(built.unwrap_or_else(|e| panic!("{}: {e}", desc.name)))
}

/// The promise, for one catalogue text at `version`.
fn promise(text: &str, version: &str) -> Result<bool, TestCaseError> {
    let v = Version::parse(version).unwrap();
    let mut options = Options::default();
    options.version = Some(v.clone());
    let checked = check(text, "m.toml", &options);
    let Some(cat) = checked.catalogue.as_ref() else {
        if std::env::var_os("JUDGE_DEBUG").is_some() {
            eprintln!("{}", checked.render_plain());
        }
        return Ok(false); // lint errors: nothing is promised
    };
    let input = Input {
        version: Some(version),
        ..Input::new(text, "m.toml")
    };
    if let Err(e) = expand(&input) {
        return Err(TestCaseError::fail(format!(
            "lint clean but codegen failed: {e}\n{text}"
        )));
    }
    if let Err(e) = python::generate(cat, "m.toml", &v) {
        return Err(TestCaseError::fail(format!(
            "lint clean but Python codegen failed: {e}\n{text}"
        )));
    }
    let descs = descriptors(cat, &v);
    let mut run_options = rt::Options::new();
    for d in &descs {
        if d.buckets == Some(CatBuckets::Runtime) {
            run_options = run_options.buckets(&d.name, &[0.5, 1.0, 2.0]);
        }
    }
    let registry = rt::Registry::new();
    for d in &descs {
        let desc = runtime_desc(d);
        if let Err(e) = rt::check_desc(desc, &run_options) {
            return Err(TestCaseError::fail(format!(
                "lint clean but the runtime refuses {}: {e}\n{text}",
                d.name
            )));
        }
        if let Some(collector) = family(desc, &run_options)
            && let Err(e) = registry.register(&collector)
        {
            return Err(TestCaseError::fail(format!(
                "lint clean but the registry refuses: {e}\n{text}"
            )));
        }
    }
    for format in [rt::Format::Text, rt::Format::OpenMetrics] {
        let out = registry.encode_to_string(format);
        prop_assert!(format == rt::Format::Text || out.ends_with("# EOF\n"));
    }
    Ok(true)
}

fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// Ordinary names, Rust keywords and names close to generated items.
const NAMES: &[&str] = &[
    "queue",
    "requests",
    "jobs",
    "latency_seconds",
    "build",
    "tokens",
    "cache",
    "engine_load",
    "type",
    "self",
    "Self",
    "le",
    "r",
    "r_bind",
    "news",
    "Version",
    "build_info",
    "class",
    "class_",
    "labels",
    "timer",
    "counter",
];

/// Names that generated code, the runtime or Prometheus treat specially (mostly refused).
const EDGE_NAMES: &[&str] = &[
    "new",
    "options",
    "_",
    "None",
    "VERSION",
    "SHOW_HIDDEN_VALUE",
    "jobs_name",
    "quantile",
    "r_family",
    "R_NAME",
    "__metrics_schema_new_0",
    "overflow_count",
    "shows_hidden",
    "_m_0",
    "_Labels",
    "__init__",
    "property",
];

fn name() -> impl Strategy<Value = &'static str> {
    prop_oneof![12 => select(NAMES), 1 => select(EDGE_NAMES)]
}

fn metric() -> impl Strategy<Value = String> {
    let kinds = select(&["counter", "gauge", "histogram", "info"][..]);
    let version = || select(&["0.9", "0.10", "0.11", "1.0"][..]).prop_map(quote);
    let pair = prop_oneof![
        select(
            &[
                "[\"le\"]",
                "[\"model\", \"engine\"]",
                "[\"reason\"]",
                "[\"c0\", \"c1\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\"]",
                "[\"model\", \"reason\", \"c0\"]",
                "[\"type\", \"self\"]",
                "[\"self\", \"self_\"]",
                "[\"counter\", \"class\", \"model\"]",
            ][..]
        )
        .prop_map(|v| ("labels", v.to_owned())),
        select(
            &[
                "\"runtime\"",
                "[5e-324, 1e-300, 1.7976931348623157e308]",
                "[-1, 0, 1]",
                "{ exponential = { start = 1e-300, factor = 1e100, count = 4 } }",
                "{ linear = { start = -5, width = 2.5, count = 4 } }",
                "\"set\"",
            ][..]
        )
        .prop_map(|v| ("buckets", v.to_owned())),
        version().prop_map(|v| ("since", v)),
        version().prop_map(|v| ("deprecated", v)),
        version().prop_map(|v| ("removed", v)),
        name().prop_map(|v| ("replaced_by", quote(v))),
        select(&["alpha", "beta", "stable"][..]).prop_map(|v| ("stability", quote(v))),
        select(&["seconds", "info", "name"][..]).prop_map(|v| ("unit", quote(v))),
    ];
    let optional = prop::collection::vec(pair, 0..5)
        .prop_map(|pairs| pairs.into_iter().collect::<BTreeMap<_, _>>());
    (name(), kinds, optional).prop_map(|(name, kind, mut optional)| {
        // Mostly well-typed: buckets on histograms only, units matching the name (lint's
        // refusals of the rest are tested rule by rule).
        if kind == "histogram" {
            optional
                .entry("buckets")
                .or_insert_with(|| "\"set\"".to_owned());
        } else {
            optional.remove("buckets");
        }
        if let Some(unit) = optional.get("unit")
            && !name.ends_with(&format!("_{}", unit.trim_matches('"')))
        {
            optional.remove("unit");
        }
        let mut out = format!(
            "[[metric]]\nname = {}\ntype = \"{kind}\"\nhelp = \"Help \\\"{name}\\\".\"\n",
            quote(name)
        );
        for (k, v) in optional {
            out.push_str(&format!("{k} = {v}\n"));
        }
        out
    })
}

fn catalogue() -> impl Strategy<Value = String> {
    let namespace = select(
        &[
            "",
            "namespace = \"vllm\"\nseparator = \":\"\n",
            "namespace = \"app\"\n",
        ][..],
    );
    (namespace, prop::collection::vec(metric(), 1..5)).prop_map(|(ns, metrics)| {
        let mut text = format!("[catalogue]\n{ns}\n");
        for label in ["le", "model", "engine", "type", "self_", "class"] {
            text.push_str(&format!("[labels.{label}]\nmax_values = 4\n"));
        }
        text.push_str("[labels.self]\nvalues = [\"0\", \"self\"]\n");
        text.push_str("[labels.reason]\nvalues = [\"stop\", \"length\"]\n");
        text.push_str("[labels.counter]\nvalues = [\"a\", \"b\"]\n");
        for i in 0..7 {
            text.push_str(&format!("[labels.c{i}]\nvalues = [\"a\", \"b\"]\n"));
        }
        text.push_str("[buckets]\nset = [0.1, 1]\n\n");
        // Whatever the catalogue, its definitions are not the point: allow the warnings
        // about unused ones.
        text = text.replacen(
            "[catalogue]\n",
            "[catalogue]\nallow = [\"unused-label\", \"unused-buckets\", \"camel-case\", \"high-cardinality\"]\n",
            1,
        );
        text.push_str(&metrics.join("\n"));
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn lint_clean_catalogues_generate_and_build(
        text in catalogue(),
        version in select(&["0.9.0", "0.10.0", "0.11.3", "1.0.0"][..]),
    ) {
        promise(&text, version)?;
    }
}

/// The generator is worth its cases: many of its catalogues are lint clean, and the
/// edge cases the issue names are among them or refused by lint.
#[test]
fn edge_catalogues() {
    let clean = |text: &str| promise(text, "1.0.0").unwrap();
    let ns = "[catalogue]\nnamespace = \"app\"\n";
    // `le` on a gauge is fine everywhere, on a histogram refused by lint.
    assert!(clean(&format!(
        "{ns}[labels.le]\nmax_values = 2\n[[metric]]\nname = \"g\"\ntype = \"gauge\"\nhelp = \"G.\"\nlabels = [\"le\"]\n"
    )));
    assert!(!clean(&format!(
        "{ns}[labels.le]\nmax_values = 2\n[[metric]]\nname = \"h\"\ntype = \"histogram\"\nhelp = \"H.\"\nbuckets = [1]\nlabels = [\"le\"]\n"
    )));
    // An info metric with a unit: refused by lint, as the runtime would.
    assert!(!clean(&format!(
        "{ns}[[metric]]\nname = \"build_seconds\"\ntype = \"info\"\nunit = \"seconds\"\nhelp = \"B.\"\n"
    )));
    // Float-edge buckets build.
    assert!(clean(&format!(
        "{ns}[[metric]]\nname = \"h\"\ntype = \"histogram\"\nhelp = \"H.\"\nbuckets = [5e-324, 1e-300, 1.7976931348623157e308]\n"
    )));
    // Seven closed labels: generated and built.
    let mut text = ns.to_owned();
    for i in 0..7 {
        text.push_str(&format!("[labels.c{i}]\nvalues = [\"a\", \"b\"]\n"));
    }
    text.push_str("[[metric]]\nname = \"wide\"\ntype = \"counter\"\nhelp = \"W.\"\nlabels = [\"c0\", \"c1\", \"c2\", \"c3\", \"c4\", \"c5\", \"c6\"]\n");
    assert!(clean(&text));
}

/// The catalogues the macro's trybuild pass case `edge_names.rs` and the Python end-to-end
/// test (`tests/tests/python_codegen.rs`) generate, build and record into are lint clean
/// and keep the promise here too, so that those cases test the promise.
#[test]
fn the_edge_catalogues_are_clean() {
    for path in [
        "../macros/tests/ui/catalogues/edges.toml",
        "tests/python/edges.toml",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            promise(&text, "1.0.0").unwrap(),
            "{} has lint errors",
            path.display()
        );
    }
}

/// The property is not vacuous: a good share of generated catalogues pass lint.
#[test]
fn many_generated_catalogues_are_clean() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = catalogue();
    let clean = (0..200)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            promise(&text, "0.10.0").unwrap()
        })
        .count();
    assert!(
        clean >= 20,
        "only {clean} of 200 generated catalogues are lint clean"
    );
}

/// Records into every attribute of each generated module named on the command line (with
/// the show-hidden value, so hidden metrics are real too) and exposes its registry.
const IMPORT_AND_RECORD: &str = r#"
import importlib, keyword, sys, warnings
import prometheus_client
warnings.simplefilter("ignore", DeprecationWarning)
for module in sys.argv[1:]:
    m = importlib.import_module(module)
    registry = prometheus_client.CollectorRegistry()
    bounds = {name: [0.5, 1.0, 2.0] for name in m._RUNTIME_BUCKETS}
    x = m.Metrics(registry=registry, show_hidden=m.SHOW_HIDDEN_VALUE, buckets=bounds)
    for name, labels in x._labels.items():
        attribute = name + "_" if keyword.iskeyword(name) or name == "self" else name
        metric = getattr(x, attribute)
        values = [list(kind)[0] if kind is not None else "v" for kind in labels._closed]
        series = metric.labels(*values) if values else metric
        if isinstance(metric, prometheus_client.Counter):
            series.inc()
        elif isinstance(metric, prometheus_client.Gauge):
            series.set(1)
        elif isinstance(metric, prometheus_client.Histogram):
            series.observe(0.7)
        else:
            series.info({})
    prometheus_client.generate_latest(registry)
    print("ok", module)
"#;

/// The promise for Python, run: the modules generated from lint-clean generated catalogues
/// import, build with the show-hidden value, record into every metric and expose, in a
/// real Python with prometheus_client.
#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn lint_clean_catalogues_give_python_modules_that_run() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let dir = crate::support::scratch("judge-python");
    let mut runner = TestRunner::deterministic();
    let strategy = catalogue();
    let at = Version::parse("0.10.0").unwrap();
    let mut modules = Vec::new();
    for i in 0..200 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        let checked = check(&text, "m.toml", &Options::at_version(at.clone()));
        let Some(cat) = checked.catalogue.as_ref() else {
            continue;
        };
        let module = python::generate(cat, "m.toml", &at).expect("lint clean: generates");
        let name = format!("judged_{i}");
        std::fs::write(dir.join(format!("{name}.py")), module).unwrap();
        modules.push(name);
    }
    assert!(
        modules.len() >= 20,
        "only {} clean catalogues",
        modules.len()
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(IMPORT_AND_RECORD)
        .args(&modules)
        .env("PYTHONPATH", &dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "a generated module failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.lines().count(), modules.len(), "{stdout}");
}
