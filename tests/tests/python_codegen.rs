//! `schema codegen python` end to end: the Python modules generated for the vLLM example at
//! several versions, run by a real Python with `prometheus_client` — recorded into, exposed,
//! checked by promtool and prometheus_client's parser, compared with the Rust runtime's
//! exposition of the same values, across processes (`PROMETHEUS_MULTIPROC_DIR`), and
//! type-checked by mypy.

// The comparison records into every metric of the catalogue, deprecated and hidden ones
// included, on purpose: their exposition must match Python's too.
#![allow(deprecated)]

use crate::catalogue_vllm::{record_everything, v0_11, with_bounds};
use crate::runtime_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use metrics_schema::lifecycle::{Status, Version, check_show_hidden};
use metrics_schema::{Options, load, python};
use metrics_schema_runtime::{Format, MetricSet, Registry};
use metrics_schema_tests::{python_with, tool, workspace_root};
use runtime_support::{ParsedFamily, compare, python_parse};

/// Names the Python module must keep apart from its own (the fixture says which).
mod edges {
    metrics_schema_runtime::catalogue!(
        "../metrics-schema/tests/python/edges.toml",
        version = "1.0.0"
    );
}

/// The catalogue of [`edges`].
const EDGES: &str = "metrics-schema/tests/python/edges.toml";

/// A fresh scratch directory for `test`.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("metrics-schema-python-{}", std::process::id()))
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Generates the module of `catalogue` (relative to the repository root) at `version`
/// into `dir/<module>.py`.
fn generate(catalogue: &str, version: &str, dir: &Path, module: &str) {
    let checked = load(workspace_root().join(catalogue), &Options::default()).unwrap();
    let catalogue_model = checked.catalogue.expect("the catalogue is valid");
    let text = python::generate(
        &catalogue_model,
        catalogue,
        &Version::parse(version).unwrap(),
    )
    .expect("the module generates");
    std::fs::write(dir.join(format!("{module}.py")), text).unwrap();
}

/// Runs `script` with `dir` on the import path; returns the output.
fn run_python(python: &Path, dir: &Path, script: &str, env: &[(&str, &str)]) -> Output {
    let path = dir.join(format!("script_{}.py", fxhash(script)));
    std::fs::write(&path, script).unwrap();
    let mut command = Command::new(python);
    command
        .arg(&path)
        .current_dir(dir)
        .env("PYTHONPATH", dir)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run python3")
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn stdout_ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Records into every attribute of a generated module's `Metrics` (found by
/// introspection), then prints the registry's exposition.
const RECORD_ALL: &str = r#"
import sys, warnings
import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
import vllm_metrics as m

warnings.simplefilter("ignore", DeprecationWarning)
registry = CollectorRegistry()
show = m.SHOW_HIDDEN_VALUE if len(sys.argv) < 2 else None
# The token-count histograms take vLLM's start-up bounds (`buckets = "runtime"`).
bounds = {name: [1, 2, 5, 10, 20, 50] for name in m._RUNTIME_BUCKETS}
metrics = m.Metrics(registry=registry, show_hidden=show, buckets=bounds)
for name, labels in metrics._labels.items():
    metric = getattr(metrics, name)
    values = []
    for label, kind in zip(labels.names, labels._closed):
        values.append(list(kind)[0] if kind is not None else {"model_name": "llama", "engine": "0"}.get(label, "1"))
    series = metric.labels(*values) if values else metric
    if isinstance(metric, Counter):
        series.inc(3)
    elif isinstance(metric, Gauge):
        series.set(0.25)
    elif isinstance(metric, Histogram):
        series.observe(0.7)
    elif isinstance(metric, Info):
        series.info({})
sys.stdout.write(prometheus_client.generate_latest(registry).decode())
"#;

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
#[cfg_attr(not(has_promtool), ignore = "promtool not installed")]
fn vllm_modules_record_and_expose_at_several_versions() {
    let python = python_with("prometheus_client");
    let promtool = tool(
        "promtool",
        "install Prometheus (apt-get install prometheus)",
    );
    let dir = scratch("versions");
    let mut docs = Vec::new();
    let vllm = load(
        workspace_root().join("examples/vllm/metrics.toml"),
        &Options::default(),
    )
    .unwrap()
    .catalogue
    .unwrap();
    for version in ["0.10.1", "0.11.2", "0.12.0", "0.15.0", "1.0.0"] {
        // Every metric introduced and not removed is exposed: hidden ones with
        // SHOW_HIDDEN_VALUE.
        let at = Version::parse(version).unwrap();
        let live = vllm
            .metrics
            .iter()
            .filter(|m| m.is_generated_at(&at))
            .count();
        let sub = dir.join(version);
        std::fs::create_dir_all(&sub).unwrap();
        generate("examples/vllm/metrics.toml", version, &sub, "vllm_metrics");
        let text = stdout_ok(
            &run_python(&python, &sub, RECORD_ALL, &[]),
            &format!("recording at {version}"),
        );
        let families = text.matches("# TYPE vllm:").count();
        // ... plus the label-overflow counter, as the catalogue has open labels.
        assert!(
            text.contains("# TYPE vllm:label_overflows_total counter"),
            "{text}"
        );
        assert_eq!(families, live + 1, "families exposed at {version}:\n{text}");
        assert!(!text.contains("_created"), "{text}");
        // Without the show-hidden value, the hidden metrics are stand-ins.
        let hidden = vllm
            .metrics
            .iter()
            .filter(|m| m.is_generated_at(&at) && m.status_at(&at) == Status::Hidden)
            .count();
        let script = RECORD_ALL.replace("len(sys.argv) < 2", "False");
        let without = stdout_ok(&run_python(&python, &sub, &script, &[]), "without");
        assert_eq!(without.matches("# TYPE vllm:").count(), live - hidden + 1);
        let file = sub.join("exposition.prom");
        std::fs::write(&file, &text).unwrap();
        let check = Command::new(&promtool)
            .args(["check", "metrics"])
            .stdin(std::fs::File::open(&file).unwrap())
            .output()
            .unwrap();
        let lint = String::from_utf8_lossy(&check.stderr).into_owned()
            + &String::from_utf8_lossy(&check.stdout);
        // promtool's only complaint is vLLM's historical names (colons, `_perc`, a
        // histogram ending in `_total`): nothing about the format.
        for line in lint.lines() {
            assert!(
                line.contains("vllm:") || line.trim().is_empty(),
                "promtool at {version}: {lint}"
            );
        }
        assert!(
            !lint.contains("error"),
            "promtool rejected the exposition at {version}: {lint}"
        );
        docs.push((text, false));
    }
    for (parsed, version) in python_parse(&python, &docs)
        .into_iter()
        .zip(["0.10.1", "0.11.2", "0.12.0", "0.15.0", "1.0.0"])
    {
        let families = parsed.unwrap_or_else(|e| panic!("parser refused {version}: {e}"));
        assert!(families.iter().any(|f| f.name == "vllm:request_success"));
    }
}

/// The same values, recorded through the Rust runtime and through the Python module.
/// The values `catalogue_vllm::record_everything` records, recorded from Python.
const RECORD_EVERYTHING: &str = r#"
import sys, warnings
import prometheus_client
import vllm_metrics as m

warnings.simplefilter("ignore", DeprecationWarning)
registry = prometheus_client.CollectorRegistry()
bounds = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0]
x = m.Metrics(registry=registry, show_hidden="0.10", buckets={name: bounds for name in m._RUNTIME_BUCKETS})
model, engine = "llama", "0"
for reason in m.FinishedReason:
    x.request_success.labels(model, engine, reason).inc()
x.corrupted_requests.labels(model, engine).inc()
x.prompt_tokens.labels(model, engine).inc(512)
x.generation_tokens.labels(model_name=model, engine=engine).inc(128)
x.request_prompt_tokens.labels(model, engine).observe(512.0)
x.request_generation_tokens.labels(model, engine).observe(128.0)
x.request_max_num_generation_tokens.labels(model, engine).observe(256.0)
x.request_params_max_tokens.labels(model, engine).observe(256.0)
x.request_params_n.labels(model, engine).observe(2.0)
x.e2e_request_latency_seconds.labels(model, engine).observe(0.9)
x.time_to_first_token_seconds.labels(model, engine).observe(0.03)
x.inter_token_latency_seconds.labels(model, engine).observe(0.02)
x.request_prefill_time_seconds.labels(model, engine).observe(0.2)
x.request_decode_time_seconds.labels(model, engine).observe(0.7)
x.request_inference_time_seconds.labels(model, engine).observe(0.9)
x.request_queue_time_seconds.labels(model, engine).observe(0.01)
x.request_time_per_output_token_seconds.labels(model, engine).observe(0.02)
x.time_per_output_token_seconds.labels(model, engine).observe(0.02)
x.num_requests_running.labels(model, engine).set(3.0)
x.num_requests_waiting.labels(model, engine).set(1.0)
x.num_preemptions.labels(model, engine).inc()
x.iteration_tokens_total.labels(model, engine).observe(640.0)
x.kv_cache_usage_perc.labels(model, engine).set(0.25)
x.prefix_cache_hits.labels(model, engine).inc(64)
x.prefix_cache_queries.labels(model, engine).inc(100)
x.external_prefix_cache_hits.labels(model, engine).inc(16)
x.external_prefix_cache_queries.labels(model, engine).inc(32)
x.mm_cache_hits.labels(model, engine).inc()
x.mm_cache_queries.labels(model, engine).inc(2)
x.gpu_cache_usage_perc.labels(model, engine).set(0.25)
x.gpu_prefix_cache_hits.labels(model, engine).inc(64)
x.gpu_prefix_cache_queries.labels(model, engine).inc(100)
x.spec_decode_num_drafts.labels(model, engine).inc()
x.spec_decode_num_draft_tokens.labels(model, engine).inc(4)
x.spec_decode_num_accepted_tokens.labels(model, engine).inc(3)
for position in ["0", "1", "2"]:
    x.spec_decode_num_accepted_tokens_per_pos.labels(model, engine, position).inc()
x.nixl_num_failed_transfers.labels(model, engine).inc()
x.nixl_num_failed_notifications.labels(model, engine).inc()
x.nixl_xfer_time_seconds.labels(model, engine).observe(0.05)
x.nixl_post_time_seconds.labels(model, engine).observe(0.002)
x.nixl_bytes_transferred.labels(model, engine).observe(1048576.0)
x.nixl_num_descriptors.labels(model, engine).observe(64.0)
x.engine_sleep_state.labels(model, engine, "awake").set(1.0)
x.cache_config_info.set(1.0)
x.lora_requests_info.labels("4", "", "").set(1.0)
sys.stdout.write(prometheus_client.generate_latest(registry).decode())
"#;

/// What `script` (which prints a generated module's exposition) exposes, and what the
/// Rust runtime exposes for `metrics`, both read by Python's parser and sorted.
fn python_and_rust(
    python: &Path,
    dir: &Path,
    script: &str,
    metrics: &impl MetricSet,
) -> (Vec<ParsedFamily>, Vec<ParsedFamily>) {
    let python_text = stdout_ok(&run_python(python, dir, script, &[]), "python");
    let registry = Registry::new();
    registry.register(metrics).unwrap();
    let rust_text = registry.encode_to_string(Format::Text);
    let mut parsed = python_parse(python, &[(python_text, false), (rust_text, false)]).into_iter();
    let from_python = sorted(parsed.next().unwrap().expect("python's exposition parses"));
    let from_rust = sorted(parsed.next().unwrap().expect("rust's exposition parses"));
    (from_python, from_rust)
}

/// Families sorted by name, samples by name and labels (`le` as a number).
fn sorted(mut families: Vec<ParsedFamily>) -> Vec<ParsedFamily> {
    families.sort_by(|a, b| a.name.cmp(&b.name));
    for f in &mut families {
        f.samples.sort_by(|a, b| {
            let key = |s: &runtime_support::Sample_| {
                let mut labels = s.labels.clone();
                let le = labels
                    .remove("le")
                    .map(|v| v.parse::<f64>().unwrap_or(f64::NAN));
                (s.name.clone(), labels, le)
            };
            let (ka, kb) = (key(a), key(b));
            (&ka.0, &ka.1)
                .cmp(&(&kb.0, &kb.1))
                .then(ka.2.partial_cmp(&kb.2).unwrap_or(std::cmp::Ordering::Equal))
        });
    }
    families
}

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn python_exposition_equals_the_rust_runtimes() {
    let python = python_with("prometheus_client");
    let dir = scratch("equal");
    generate("examples/vllm/metrics.toml", "0.11.2", &dir, "vllm_metrics");
    let options = with_bounds(v0_11::Metrics::options(Some("0.10")).unwrap());
    let metrics = v0_11::Metrics::new(&options).unwrap();
    record_everything(&metrics);
    let (from_python, from_rust) = python_and_rust(&python, &dir, RECORD_EVERYTHING, &metrics);
    let vllm = load(
        workspace_root().join("examples/vllm/metrics.toml"),
        &Options::default(),
    )
    .unwrap()
    .catalogue
    .unwrap();
    let at = Version::parse("0.11.2").unwrap();
    let live = vllm
        .metrics
        .iter()
        .filter(|m| m.is_generated_at(&at))
        .count();
    assert_eq!(live, 45, "vLLM 0.11.2 declares 45 metrics");
    assert_eq!(
        from_rust.len(),
        live + 1,
        "every metric live at 0.11.2, with show-hidden, and the label-overflow counter"
    );
    assert!(
        from_python.iter().any(|f| f.name == "vllm:label_overflows"),
        "both expose the label-overflow counter"
    );
    compare(&from_python, &from_rust, "python vs rust at 0.11.2");
    // The deprecation notice is in both HELPs, from one implementation.
    let gpu = from_python
        .iter()
        .find(|f| f.name == "vllm:gpu_cache_usage_perc")
        .unwrap();
    assert!(
        gpu.help
            .contains("DEPRECATED since 0.9.2: use vllm:kv_cache_usage_perc instead."),
        "{}",
        gpu.help
    );
}

/// Records into every metric of `edges.toml` from Python, typed (mypy checks it).
const RECORD_EDGES: &str = r#"
import sys
import prometheus_client
from edge_metrics import Any, Counter, Info, Labels, Metrics, Optional, Type

registry = prometheus_client.CollectorRegistry()
m = Metrics(registry=registry)
m.labels.labels(Counter.A, "c", Labels.L).inc()
m.labels.labels(counter="b", class_="c", labels="l").inc(2)
m.timer_seconds.labels(Optional.X).observe(0.7)
m.timer.labels(type=Type.GPU_TO_CPU, self_="s").set(2)
m.timer.labels(Type.T, "s").set(5)
m.counter.labels(Type.T).set(1)
m.counter.labels("gpu-to-cpu").set(4)
m.stand_in.labels(Info.I).info({})
m.class_.set(3)
m.histogram.labels(Any.N0).inc()
m.typing.set(1)
m.enum.inc()
sys.stdout.write(prometheus_client.generate_latest(registry).decode())
"#;

/// A catalogue whose label enums are named like the module's imports (`Counter`,
/// `Optional`), whose metrics' classes are named like the support code's (`_Labels`,
/// `_Timer`) and whose names are Python keywords: the module imports, records, exposes
/// what the Rust runtime exposes for the same values, and passes mypy --strict.
#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
#[cfg_attr(not(has_mypy), ignore = "mypy not installed")]
fn edge_names_work_in_python_as_in_rust() {
    let python = python_with("prometheus_client");
    let dir = scratch("edges");
    generate(EDGES, "1.0.0", &dir, "edge_metrics");
    let m = edges::Metrics::new(&edges::Metrics::options(None).unwrap()).unwrap();
    m.labels(edges::Counter::A, "c", edges::Labels::L).inc();
    // An open value's series has every combination of the closed labels in Rust: both.
    m.labels(edges::Counter::B, "c", edges::Labels::L).inc_by(2);
    m.timer_seconds(edges::Optional::X).observe(0.7);
    m.timer(edges::Type::GpuToCpu, "s").set(2.0);
    m.timer(edges::Type::T, "s").set(5.0);
    // Every combination of closed labels is exposed from the start in Rust: both set.
    m.counter(edges::Type::T).set(1.0);
    m.counter(edges::Type::GpuToCpu).set(4.0);
    m.stand_in(edges::Info::I).set();
    m.class().set(3.0);
    m.histogram(edges::Any::N0).inc();
    m.typing().set(1.0);
    m.r#enum().inc();
    let (from_python, from_rust) = python_and_rust(&python, &dir, RECORD_EDGES, &m);
    assert_eq!(
        from_rust.len(),
        10,
        "nine metrics and the label-overflow counter"
    );
    compare(&from_python, &from_rust, "python vs rust, edge names");

    let script = dir.join("record_edges.py");
    std::fs::write(&script, RECORD_EDGES).unwrap();
    let out = mypy(&dir, "record_edges.py");
    assert!(
        out.status.success(),
        "mypy --strict refused the edge module or its use:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `mypy --strict` on `file` in `dir`, with `dir` on its path.
fn mypy(dir: &Path, file: &str) -> Output {
    Command::new(tool("mypy", "pip install mypy"))
        .args([
            "--strict",
            "--no-incremental",
            "--cache-dir",
            "/dev/null",
            file,
        ])
        .current_dir(dir)
        .env("MYPYPATH", dir)
        .output()
        .unwrap()
}

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn show_hidden_is_accepted_and_refused_as_on_the_rust_side() {
    let python = python_with("prometheus_client");
    let dir = scratch("show_hidden");
    let values = [
        "0.10",
        "0.10.0",
        "0.9",
        "0.11",
        "banana",
        "0.10.1",
        "v0.10",
        " 0.10",
        "",
        "0.10.0-rc.1",
        "010.10",
        "0.10\n",
        "\"0.10\"",
        "0.1é",
    ];
    let script = r#"
import json, sys
import vllm_metrics as m
out = []
for value in json.load(sys.stdin):
    try:
        m.Metrics(registry=None, show_hidden=value, buckets={n: [1.0] for n in m._RUNTIME_BUCKETS})
        out.append(None)
    except ValueError as e:
        out.append(str(e))
json.dump(out, sys.stdout)
"#;
    for version in ["0.11.2", "0.12.0-rc.1", "1.0.0", "0.10.1"] {
        let sub = dir.join(version);
        std::fs::create_dir_all(&sub).unwrap();
        generate("examples/vllm/metrics.toml", version, &sub, "vllm_metrics");
        let path = sub.join("check.py");
        std::fs::write(&path, script).unwrap();
        let out = metrics_schema_tests::output_with_stdin(
            Command::new(&python).arg(&path).env("PYTHONPATH", &sub),
            serde_json::to_string(&values).unwrap().as_bytes(),
        );
        let answers: Vec<Option<String>> =
            serde_json::from_str(&stdout_ok(&out, "show-hidden script")).unwrap();
        let at = Version::parse(version).unwrap();
        for (value, answer) in values.iter().zip(answers) {
            let rust = check_show_hidden(&at, value).err().map(|e| e.to_string());
            assert_eq!(answer, rust, "show_hidden={value:?} at {version}");
        }
    }
}

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn lifecycle_labels_and_options_in_python() {
    let python = python_with("prometheus_client");
    let dir = scratch("lifecycle");
    generate(
        "metrics-schema/tests/python/lifecycle.toml",
        "0.11.2",
        &dir,
        "engine_metrics",
    );
    let script = r#"
import warnings
import prometheus_client
from prometheus_client import CollectorRegistry
import engine_metrics as m

def raises(kind, f):
    try:
        f()
    except kind as e:
        return str(e)
    raise AssertionError("no %s" % kind.__name__)

assert m.VERSION == "0.11.2" and m.SHOW_HIDDEN_VALUE == "0.10"
assert set(m.__all__) == {"VERSION", "SHOW_HIDDEN_VALUE", "OVERFLOW_VALUE", "Reason", "Metrics"}

# Runtime buckets are required, and used.
print("missing:", raises(ValueError, lambda: m.Metrics(registry=None)))
registry = CollectorRegistry()
x = m.Metrics(registry=registry, buckets={"engine_batch_size": [1, 8, 64]})
x.batch_size.observe(5)

# Removed: an AttributeError naming the version and the replacement.
print("removed:", raises(AttributeError, lambda: x.legacy_queue))

# Deprecated: one DeprecationWarning per process, naming the replacement.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    x.old_cache_usage_ratio.labels("a").set(1)
    x.old_cache_usage_ratio.labels("a").set(2)
    x.gpu_requests.labels("a", m.Reason.STOP).inc()
print("warnings:", len(caught), [w.category.__name__ for w in caught])
for w in caught:
    print("warning:", w.message)

# Hidden without show_hidden: a stand-in, not exposed.
text = prometheus_client.generate_latest(registry).decode()
assert "engine_gpu_requests" not in text, text
assert "engine_old_cache_usage_ratio" in text and "DEPRECATED since 0.11.0" in text, text

# Closed labels: the enum or its value; anything else raises, hidden or not.
x.requests.labels("a", m.Reason.TOOL_CALL).inc()
x.requests.labels(model_name="a", reason="length").inc()
print("closed:", raises(ValueError, lambda: x.requests.labels("a", "timeout")))
print("hidden closed:", raises(ValueError, lambda: x.gpu_requests.labels("a", "timeout")))
print("count:", raises(TypeError, lambda: x.gpu_requests.labels("a")))

# Open labels: past max_values (2), the overflow series, counted. (Gauges in vLLM's
# "mostrecent" mode take set() only: prometheus_client refuses inc() there.)
print("mostrecent:", raises(RuntimeError, lambda: x.cache_usage_ratio.labels("a").inc()))
for model in ["a", "b", "c", "d", "a"]:
    x.cache_usage_ratio.labels(model).set(len(model))
print("overflows:", x.overflow_count("cache_usage_ratio"))
text = prometheus_client.generate_latest(registry).decode()
for line in text.splitlines():
    if line.startswith("engine_cache_usage_ratio{"):
        print("series:", line)
# ... and exposed as the Rust runtime does: per metric and label, 0 for the others.
assert 'engine_label_overflows_total{label="model_name",metric="engine_cache_usage_ratio"} 2.0' in text, text
assert 'engine_label_overflows_total{label="model_name",metric="engine_requests"} 0.0' in text, text

# show_hidden registers the hidden metrics; a max_values override applies.
r2 = CollectorRegistry()
y = m.Metrics(registry=r2, show_hidden="0.10.0", max_values={"model_name": 1}, buckets={"engine_batch_size": [1]})
y.gpu_requests.labels("a", "stop").inc()
y.latency_seconds.labels("a").observe(0.2)
y.latency_seconds.labels("b").observe(0.2)
text = prometheus_client.generate_latest(r2).decode()
assert 'engine_gpu_requests_total{model_name="a",reason="stop"} 1.0' in text, text
assert 'engine_latency_seconds_bucket{le="0.5",model_name="__overflow__"} 1.0' in text, text
print("options:", raises(ValueError, lambda: m.Metrics(registry=None, max_values={"reason": 3})))
print("disabled:", raises(ValueError, lambda: m.Metrics(registry=None, disabled=["nope"])))
z = m.Metrics(registry=CollectorRegistry(), disabled=["engine_requests", "batch_size"])
z.requests.labels("a", "stop").inc()
"#;
    let out = stdout_ok(&run_python(&python, &dir, script, &[]), "lifecycle script");
    let expect = [
        "missing: metric \"engine_batch_size\" takes its buckets at run time: supply them with Metrics(buckets={'engine_batch_size': [...]})",
        "removed: metric `engine_legacy_queue` was removed in 0.11.0: use `engine_queue_length` instead (`Metrics.queue_length`)",
        "warnings: 2 ['DeprecationWarning', 'DeprecationWarning']",
        "warning: metric `engine_old_cache_usage_ratio` is deprecated at 0.11.2 (deprecated since 0.11.0, hidden from 0.12.0, removed from 0.13.0): use `engine_cache_usage_ratio` instead (`Metrics.cache_usage_ratio`).",
        "warning: metric `engine_gpu_requests` is hidden at 0.11.2",
        "closed: engine_requests: 'timeout' is not a value of the closed label 'reason'; expected Reason.<member> or one of 'stop', 'length', 'tool-call'",
        "hidden closed: engine_gpu_requests: 'timeout' is not a value of the closed label 'reason'",
        "count: engine_gpu_requests: takes 2 label value(s) (model_name, reason), got 1",
        "overflows: 2",
        "series: engine_cache_usage_ratio{model_name=\"__overflow__\"} 1.0",
        "mostrecent: inc must not be used with the mostrecent mode",
        "options: max_values: 'reason' is not an open label of the catalogue (open labels: model_name)",
        "disabled: disabled: 'nope' is not a metric of the catalogue",
    ];
    for line in expect {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    let series = out.lines().filter(|l| l.starts_with("series:")).count();
    assert_eq!(series, 3, "a, b and the overflow series:\n{out}");
}

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn multiprocess_mode_across_two_processes() {
    let python = python_with("prometheus_client");
    let dir = scratch("multiprocess");
    generate("examples/vllm/metrics.toml", "0.11.2", &dir, "vllm_metrics");
    let shared = dir.join("prometheus_multiproc");
    std::fs::create_dir_all(&shared).unwrap();
    let shared_env = shared.to_str().unwrap();
    let worker = r#"
import sys
import vllm_metrics as m
x = m.Metrics(registry=None, buckets={n: [1.0, 10.0] for n in m._RUNTIME_BUCKETS})
x.request_success.labels("llama", sys.argv[1], m.FinishedReason.STOP).inc(2)
x.request_success.labels("llama", "0", "length").inc()
x.num_requests_running.labels("llama", "0").set(float(sys.argv[1]) + 1)
x.e2e_request_latency_seconds.labels("llama", "0").observe(0.9)
"#;
    let worker_path = dir.join("worker.py");
    std::fs::write(&worker_path, worker).unwrap();
    for engine in ["0", "1"] {
        let out = Command::new(&python)
            .arg(&worker_path)
            .arg(engine)
            .env("PYTHONPATH", &dir)
            .env("PROMETHEUS_MULTIPROC_DIR", shared_env)
            .output()
            .unwrap();
        stdout_ok(&out, &format!("worker {engine}"));
    }
    let collect = r#"
import sys
import prometheus_client
from prometheus_client import CollectorRegistry, multiprocess
registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
sys.stdout.write(prometheus_client.generate_latest(registry).decode())
"#;
    let text = stdout_ok(
        &run_python(
            &python,
            &dir,
            collect,
            &[("PROMETHEUS_MULTIPROC_DIR", shared_env)],
        ),
        "collector",
    );
    let samples: BTreeMap<String, f64> = runtime_support::parse_samples(&text)
        .into_iter()
        .map(|s| {
            let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (format!("{}{{{}}}", s.name, labels.join(",")), s.value)
        })
        .collect();
    let get = |key: &str| {
        *samples
            .get(key)
            .unwrap_or_else(|| panic!("no {key} in:\n{text}"))
    };
    // Counters and histograms sum over the processes; the gauge is the most recent value
    // (vLLM's mode), with no `pid` label.
    assert_eq!(
        get("vllm:request_success_total{engine=0,finished_reason=length,model_name=llama}"),
        2.0
    );
    assert_eq!(
        get("vllm:request_success_total{engine=1,finished_reason=stop,model_name=llama}"),
        2.0
    );
    assert_eq!(
        get("vllm:e2e_request_latency_seconds_count{engine=0,model_name=llama}"),
        2.0
    );
    assert_eq!(
        get("vllm:num_requests_running{engine=0,model_name=llama}"),
        2.0
    );
    assert!(!text.contains("pid="), "{text}");
    assert!(
        text.contains(
            "# HELP vllm:request_success_total Count of successfully processed requests."
        ),
        "{text}"
    );
}

#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
#[cfg_attr(not(has_mypy), ignore = "mypy not installed")]
fn mypy_checks_engine_code_against_the_module() {
    let _python = python_with("prometheus_client");
    let dir = scratch("mypy");
    generate("examples/vllm/metrics.toml", "0.12.0", &dir, "vllm_metrics");
    let good = r#"
from vllm_metrics import FinishedReason, Metrics

def record(metrics: Metrics, model: str, engine: str) -> None:
    metrics.request_success.labels(model, engine, FinishedReason.STOP).inc()
    metrics.request_success.labels(model_name=model, engine=engine, finished_reason="length").inc()
    metrics.kv_cache_usage_perc.labels(model, engine).set(0.5)
    metrics.e2e_request_latency_seconds.labels(model, engine).observe(1.5)
    with metrics.request_queue_time_seconds.labels(model, engine).time():
        pass

record(Metrics(show_hidden="0.11"), "llama", "0")
"#;
    let bad = r#"
from vllm_metrics import Metrics

def record(metrics: Metrics, model: str, engine: str) -> None:
    metrics.gpu_cache_usage_perc.labels(model, engine).set(0.5)
    metrics.request_success.labels(model, engine).inc()
"#;
    std::fs::write(dir.join("good_engine.py"), good).unwrap();
    std::fs::write(dir.join("bad_engine.py"), bad).unwrap();
    let run = |file: &str| mypy(&dir, file);
    let out = run("good_engine.py");
    assert!(
        out.status.success(),
        "mypy --strict refused the module or a correct engine:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run("bad_engine.py");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "mypy accepted a removed metric:\n{report}"
    );
    assert!(
        report.contains("\"Metrics\" has no attribute \"gpu_cache_usage_perc\""),
        "{report}"
    );
    assert!(
        report.contains("Missing positional argument \"finished_reason\""),
        "{report}"
    );
    assert_eq!(report.matches("error:").count(), 2, "{report}");
}
