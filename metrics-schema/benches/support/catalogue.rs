//! The generated catalogue the benchmarks read (each includes this file with `#[path]`).

use std::fmt::Write as _;

/// A catalogue of `n` metrics in the shape of vLLM's: counters with a closed label,
/// gauges and histograms over shared labels and bucket sets; one in ten deprecated in 0.10
/// with a replacement (hidden at 0.11, removed at 0.12); in 12 groups.
#[allow(dead_code)]
pub fn catalogue(n: usize) -> String {
    catalogue_with(n, 12, 0)
}

/// [`catalogue`] with metric `i` in group `i % groups`, and, when `kind_values` is not 0, a
/// counter `kinds` over a closed label `kind` of that many values.
pub fn catalogue_with(n: usize, groups: usize, kind_values: usize) -> String {
    let mut out = String::from(
        r#"[catalogue]
namespace = "engine"
stability = "stable"

[labels.model_name]
help = "Name of the served model."
max_values = 8
[labels.engine]
help = "Index of the engine core."
max_values = 16
[labels.finished_reason]
help = "Why the request finished."
values = ["stop", "length", "abort", "error", "repetition"]

[buckets]
latency = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0]
tokens = { exponential = { start = 1.0, factor = 2.0, count = 15 } }
"#,
    );
    if kind_values > 0 {
        let list: Vec<String> = (0..kind_values).map(|i| format!("\"kind_{i}\"")).collect();
        let _ = write!(
            out,
            "\n[labels.kind]\nhelp = \"A closed label with many values.\"\nvalues = [{}]\n\n\
             [[metric]]\nname = \"kinds\"\ntype = \"counter\"\nhelp = \"Events by kind.\"\n\
             labels = [\"kind\"]\n",
            list.join(", ")
        );
    }
    for i in 0..n {
        let (kind, suffix, extra) = match i % 4 {
            0 => (
                "counter",
                "",
                "labels = [\"model_name\", \"engine\", \"finished_reason\"]\n",
            ),
            1 => ("gauge", "", "labels = [\"model_name\", \"engine\"]\n"),
            2 => (
                "histogram",
                "_seconds",
                "unit = \"seconds\"\nlabels = [\"model_name\", \"engine\"]\nbuckets = \"latency\"\n",
            ),
            _ => (
                "histogram",
                "",
                "labels = [\"model_name\"]\nbuckets = \"tokens\"\n",
            ),
        };
        let _ = write!(
            out,
            "\n[[metric]]\nname = \"metric_{i}{suffix}\"\ntype = \"{kind}\"\nhelp = \"Generated metric number {i}.\"\n{extra}group = \"Group {}\"\nsince = \"0.{}.0\"\n",
            i % groups,
            i % 10,
        );
        if i % 10 == 9 {
            let _ = write!(
                out,
                "deprecated = \"0.10\"\nreplaced_by = \"metric_{}\"\nnote = \"Renamed.\"\n",
                i - 8
            );
        }
    }
    out
}
