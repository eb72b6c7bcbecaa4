//! Table-driven rule tests: each case is a small catalogue, the rule it must trigger and the
//! line and column it must report; each near miss is a similar catalogue where the rule must
//! stay silent. Every catalogue rule of the registry has at least one of each.

use std::collections::BTreeSet;

use metrics_schema::lifecycle::Version;
use metrics_schema::lint::rules;
use metrics_schema::{Checked, Options, check};

struct Fires {
    rule: &'static str,
    toml: &'static str,
    at: (usize, usize),
    version: Option<&'static str>,
}

struct Quiet {
    rule: &'static str,
    toml: &'static str,
    version: Option<&'static str>,
}

const fn fires(rule: &'static str, at: (usize, usize), toml: &'static str) -> Fires {
    Fires {
        rule,
        toml,
        at,
        version: None,
    }
}

const fn quiet(rule: &'static str, toml: &'static str) -> Quiet {
    Quiet {
        rule,
        toml,
        version: None,
    }
}

fn run(toml: &str, version: Option<&str>) -> Checked {
    let mut options = Options::default();
    options.version = version.map(|v| Version::parse(v).unwrap());
    check(toml, "metrics.toml", &options)
}

/// A metric whose `engine` label was added in 0.8.3 (label table at 7:30), matched by an
/// alert at 11:29.
const LABELS: &str = "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"running\"\ntype = \"gauge\"\nhelp = \"R.\"\nlabels = [{ name = \"engine\", since = \"0.8.3\" }]\n[[alert]]\nname = \"Busy\"\nsummary = \"B.\"\nexpr = 'running{engine=\"0\"} > 1 or running{engine=~\".*\"} > 2'\n";

/// A deprecated stable metric (hidden in 0.11, removed in 0.12) that an alert references
/// at 16:9.
const REFERENCES: &str = "[catalogue]\nnamespace = \"app\"\nstability = \"stable\"\n[[metric]]\nname = \"old_usage\"\ntype = \"gauge\"\nhelp = \"U.\"\ndeprecated = \"0.10\"\nreplaced_by = \"usage\"\n[[metric]]\nname = \"usage\"\ntype = \"gauge\"\nhelp = \"U.\"\n[[alert]]\nname = \"Full\"\nexpr = \"app_old_usage > 0.9\"\nsummary = \"Full.\"\n";

const FIRES: &[Fires] = &[
    // parse: missing required key at the header, wrong type and unknown type at the key,
    // syntax error where TOML says.
    fires(
        "parse",
        (2, 1),
        "\n[[metric]]\nname = \"queue\"\ntype = \"gauge\"\n",
    ),
    fires(
        "parse",
        (4, 1),
        "[[metric]]\nname = \"queue\"\ntype = \"gauge\"\nhelp = 5\n",
    ),
    fires(
        "parse",
        (3, 3),
        "[[metric]]\nname = \"queue\"\n  type = \"summary\"\nhelp = \"Q.\"\n",
    ),
    fires("parse", (2, 14), "[[metric]]\nname = \"queue\n"),
    fires("parse", (2, 1), "[catalogue]\nseparator = \".\"\n"),
    fires("parse", (1, 1), "metric = 3\n"),
    // unknown-key: a key, and an allow-list id.
    fires(
        "unknown-key",
        (5, 3),
        "[[metric]]\nname = \"queue\"\ntype = \"gauge\"\nhelp = \"Q.\"\n  helpp = \"x\"\n",
    ),
    fires(
        "unknown-key",
        (2, 1),
        "[catalogue]\nallow = [\"name-colonn\"]\n",
    ),
    fires("unknown-key", (1, 1), "metrics = []\n"),
    fires(
        "unknown-key",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nallow = [\"empty-help\"]\n",
    ),
    // invalid-name: metric at `name`, label at its header, namespace at its key.
    fires(
        "invalid-name",
        (2, 1),
        "[[metric]]\nname = \"e2e-latency\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    fires(
        "invalid-name",
        (1, 1),
        "[labels.model-name]\nmax_values = 2\n",
    ),
    fires(
        "invalid-name",
        (2, 1),
        "[catalogue]\nnamespace = \"9vllm\"\n",
    ),
    // reserved-label at the header.
    fires(
        "reserved-label",
        (2, 1),
        "\n[labels.quantile]\nmax_values = 3\n",
    ),
    fires(
        "reserved-label",
        (1, 1),
        "[labels.__tenant]\nmax_values = 3\n",
    ),
    // `le` is reserved on histograms only: reported where a histogram lists it.
    fires(
        "reserved-label",
        (9, 11),
        "[labels.le]\nvalues = [\"1\"]\n[[metric]]\nname = \"wait_seconds\"\ntype = \"histogram\"\nunit = \"seconds\"\nhelp = \"W.\"\nbuckets = [1.0]\nlabels = [\"le\"]\n",
    ),
    // duplicate-metric at the `name` of the later metric.
    fires(
        "duplicate-metric",
        (7, 1),
        "[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n\n[[metric]]\nname = \"requests_total\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    fires(
        "duplicate-metric",
        (7, 1),
        "[[metric]]\nname = \"latency\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = \"runtime\"\n[[metric]]\nname = \"latency_count\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    fires(
        "duplicate-metric",
        (8, 3),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nremoved = \"0.2\"\n\n[[metric]]\n  name = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\n",
    ),
    fires(
        "duplicate-metric",
        (6, 1),
        "[[metric]]\nname = \"build\"\ntype = \"info\"\nhelp = \"B.\"\n[[metric]]\nname = \"build_info\"\ntype = \"gauge\"\nhelp = \"B.\"\n",
    ),
    // reserved-metric-name at the metric's `name` key: `<namespace>_label_overflows` is
    // the runtime's counter once the catalogue has an open label (gauge or counter).
    fires(
        "reserved-metric-name",
        (8, 1),
        "[catalogue]\nnamespace = \"app\"\n[labels.model]\nmax_values = 2\n\n[[metric]]\nlabels = [\"model\"]\nname = \"label_overflows\"\ntype = \"counter\"\nhelp = \"L.\"\n",
    ),
    fires(
        "reserved-metric-name",
        (6, 1),
        "[labels.model]\nmax_values = 2\n\n[[metric]]\nlabels = [\"model\"]\nname = \"label_overflows_total\"\ntype = \"gauge\"\nhelp = \"L.\"\nallow = [\"non-counter-total-suffix\"]\n",
    ),
    // undefined-label and duplicate-label at the metric's `labels` key.
    fires(
        "undefined-label",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"model\"]\n",
    ),
    fires(
        "duplicate-label",
        (8, 1),
        "[labels.engine]\nmax_values = 2\n\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"engine\", \"engine\"]\n",
    ),
    // invalid-label-values at the `values` key (or `max_values`).
    fires(
        "invalid-label-values",
        (3, 1),
        "[labels.direction]\nhelp = \"D.\"\nvalues = [\"GPU-to-CPU\", \"gpu_to_cpu\"]\n",
    ),
    fires(
        "invalid-label-values",
        (2, 1),
        "[labels.direction]\nvalues = []\n",
    ),
    fires(
        "invalid-label-values",
        (2, 1),
        "[labels.direction]\nvalues = [\"up\", \"\"]\n",
    ),
    fires(
        "invalid-label-values",
        (2, 1),
        "[labels.direction]\nvalues = [\"stop\", \"stop\"]\n",
    ),
    fires(
        "invalid-label-values",
        (2, 1),
        "[labels.direction]\nvalues = [\"0\", \"n0\"]\n",
    ),
    fires(
        "invalid-label-values",
        (3, 1),
        "[labels.direction]\nvalues = [\"up\"]\nmax_values = 3\n",
    ),
    fires(
        "invalid-label-values",
        (2, 1),
        "[labels.model]\nmax_values = 0\n",
    ),
    // undefined-buckets at `buckets`.
    fires(
        "undefined-buckets",
        (5, 1),
        "[[metric]]\nname = \"lat_seconds\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = \"latency\"\n",
    ),
    // invalid-buckets: a named set at its key under [buckets]; inline at `buckets`.
    fires(
        "invalid-buckets",
        (2, 1),
        "[buckets]\nlatency = [1.0, 0.5]\n",
    ),
    fires(
        "invalid-buckets",
        (3, 1),
        "[buckets]\nok = [1]\nlatency = [nan]\n",
    ),
    fires(
        "invalid-buckets",
        (2, 1),
        "[buckets]\nsteps = { linear = { start = 0, width = 1, count = 0 } }\n",
    ),
    fires(
        "invalid-buckets",
        (2, 1),
        "[buckets]\ngrow = { exponential = { start = 1, factor = 1, count = 3 } }\n",
    ),
    fires(
        "invalid-buckets",
        (2, 1),
        "[buckets]\nlatency = [1, inf, 2]\n",
    ),
    fires("invalid-buckets", (2, 1), "[buckets]\nruntime = [1, 2]\n"),
    fires(
        "invalid-buckets",
        (5, 1),
        "[[metric]]\nname = \"lat_seconds\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = []\n",
    ),
    // buckets-not-histogram at `buckets`; missing-buckets at the header.
    fires(
        "buckets-not-histogram",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nbuckets = [1, 2]\n",
    ),
    fires(
        "missing-buckets",
        (3, 1),
        "[catalogue]\nnamespace = \"x\"\n[[metric]]\nname = \"lat\"\ntype = \"histogram\"\nhelp = \"L.\"\n",
    ),
    // invalid-version at the key.
    fires(
        "invalid-version",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nsince = \"0.9.0-rc.1\"\n",
    ),
    fires(
        "invalid-version",
        (2, 1),
        "[catalogue]\nversion = \"v1.0\"\n",
    ),
    fires(
        "invalid-version",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.10.0.1\"\nreplaced_by = \"q\"\n",
    ),
    // lifecycle-order at the later key in lifecycle order, even when written first.
    fires(
        "lifecycle-order",
        (6, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nsince = \"0.7\"\ndeprecated = \"0.6\"\n",
    ),
    fires(
        "lifecycle-order",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.6\"\nsince = \"0.7\"\n",
    ),
    fires(
        "lifecycle-order",
        (7, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.6\"\nhidden = \"0.9\"\nremoved = \"0.8\"\n",
    ),
    fires(
        "lifecycle-order",
        (6, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nstability = \"beta\"\nremoved = \"0.8\"\n",
    ),
    // policy-violation at the explicit key.
    fires(
        "policy-violation",
        (7, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.11\"\nallow = [\"deprecated-without-replacement\"]\nremoved = \"0.12\"\n",
    ),
    fires(
        "policy-violation",
        (10, 1),
        "[policy.stable]\nhide_after = 2\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nstability = \"stable\"\ndeprecated = \"0.4\"\nallow = [\"deprecated-without-replacement\"]\nhidden = \"0.5\"\n",
    ),
    // unknown-replacement and replacement-cycle at `replaced_by`.
    fires(
        "unknown-replacement",
        (6, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.2\"\nreplaced_by = \"nothing\"\n",
    ),
    fires(
        "unknown-replacement",
        (6, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.2\"\nreplaced_by = \"q\"\n",
    ),
    fires(
        "replacement-cycle",
        (11, 1),
        "[[metric]]\nname = \"c\"\ntype = \"gauge\"\nhelp = \"C.\"\n\n[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\ndeprecated = \"0.2\"\nreplaced_by = \"b\"\n\n[[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\ndeprecated = \"0.2\"\nreplaced_by = \"a\"\n",
    ),
    // unit-mismatch at `unit`; empty-help at `help`.
    fires(
        "unit-mismatch",
        (4, 1),
        "[[metric]]\nname = \"latency\"\ntype = \"gauge\"\nunit = \"seconds\"\nhelp = \"L.\"\n",
    ),
    fires(
        "empty-help",
        (4, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \" \\t \"\n",
    ),
    fires(
        "empty-help",
        (2, 1),
        "[labels.engine]\nhelp = \"\"\nmax_values = 2\n",
    ),
    // invalid-policy at the offending key.
    fires(
        "invalid-policy",
        (3, 1),
        "[policy]\nhide_after = 2\nremove_after = 2\n",
    ),
    fires("invalid-policy", (2, 1), "[policy]\nhide_after = -1\n"),
    fires(
        "invalid-policy",
        (4, 1),
        "[policy]\nremove_after = 5\n[policy.beta]\nhide_after = 5\n",
    ),
    // Warnings.
    fires(
        "counter-total-suffix",
        (2, 1),
        "[[metric]]\nname = \"requests_total\"\ntype = \"counter\"\nhelp = \"R.\"\n",
    ),
    fires(
        "non-counter-total-suffix",
        (2, 1),
        "[[metric]]\nname = \"tokens_total\"\ntype = \"histogram\"\nhelp = \"T.\"\nbuckets = \"runtime\"\n",
    ),
    fires(
        "reserved-suffix",
        (2, 1),
        "[[metric]]\nname = \"requests_count\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    fires(
        "non-base-unit",
        (2, 1),
        "[[metric]]\nname = \"latency_milliseconds\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    fires(
        "non-base-unit",
        (3, 1),
        "[[metric]]\nname = \"size\"\nunit = \"kilobytes\"\ntype = \"gauge\"\nhelp = \"S.\"\nallow = [\"unit-mismatch\"]\n",
    ),
    fires(
        "abbreviated-unit",
        (2, 1),
        "[[metric]]\nname = \"latency_ms\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    fires(
        "unit-suffix",
        (2, 1),
        "[[metric]]\nname = \"usage_perc\"\ntype = \"gauge\"\nhelp = \"U.\"\n",
    ),
    fires(
        "type-in-name",
        (2, 1),
        "[[metric]]\nname = \"request_counter\"\ntype = \"counter\"\nhelp = \"R.\"\n",
    ),
    fires(
        "camel-case",
        (2, 1),
        "[[metric]]\nname = \"queueDepth\"\ntype = \"gauge\"\nhelp = \"Q.\"\n",
    ),
    fires("camel-case", (1, 1), "[labels.modelName]\nmax_values = 2\n"),
    fires(
        "name-colon",
        (3, 1),
        "[catalogue]\nnamespace = \"vllm\"\nseparator = \":\"\n",
    ),
    fires("unbounded-label", (1, 1), "[labels.model]\nhelp = \"M.\"\n"),
    fires(
        "high-cardinality",
        (9, 1),
        "[labels.a]\nmax_values = 100\n[labels.b]\nmax_values = 101\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"a\", \"b\"]\n",
    ),
    fires(
        "high-cardinality",
        (7, 1),
        "[labels.a]\nmax_values = 2000\n[[metric]]\nname = \"lat\"\ntype = \"histogram\"\nhelp = \"L.\"\nlabels = [\"a\"]\nbuckets = [1, 2, 3]\n",
    ),
    fires(
        "deprecated-without-replacement",
        (5, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.3\"\n",
    ),
    Fires {
        rule: "replacement-not-active",
        at: (6, 1),
        version: Some("0.12.0"),
        toml: "[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\ndeprecated = \"0.10\"\nreplaced_by = \"b\"\n[[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\ndeprecated = \"0.12\"\nallow = [\"deprecated-without-replacement\"]\n",
    },
    fires(
        "help-mentions-deprecation",
        (4, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Queue depth. DEPRECATED: use x.\"\n",
    ),
    fires(
        "unused-label",
        (3, 1),
        "[labels.a]\nmax_values = 2\n[labels.b]\nmax_values = 2\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"a\"]\n",
    ),
    fires(
        "unused-buckets",
        (3, 1),
        "[buckets]\nused = [1]\nspare = [1, 2]\n[[metric]]\nname = \"lat\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = \"used\"\n",
    ),
    Fires {
        rule: "since-after-version",
        at: (5, 1),
        version: Some("0.11.9"),
        toml: "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nsince = \"0.12\"\n",
    },
    fires(
        "since-after-version",
        (6, 1),
        "[catalogue]\nversion = \"0.10.0\"\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nsince = \"0.10.1\"\nhelp = \"Q.\"\n",
    ),
    // The alerting and recording rules extension: unknown keys and missing keys in the new
    // tables, then the new rules.
    fires(
        "unknown-key",
        (4, 1),
        "[[alert]]\nname = \"A\"\nexpr = \"up == 0\"\nsumary = \"S.\"\nsummary = \"S.\"\n",
    ),
    fires(
        "parse",
        (2, 1),
        "\n[[alert]]\nname = \"A\"\nexpr = \"up == 0\"\n",
    ),
    fires("parse", (1, 1), "record = 3\n"),
    fires(
        "invalid-promql",
        (7, 8),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\n[[alert]]\nname = \"A\"\nexpr = \"max(q > 1\"\nsummary = \"S.\"\n",
    ),
    fires(
        "invalid-rule",
        (6, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\n[[record]]\nname = \"q-max\"\nexpr = \"max(q)\"\n",
    ),
    fires(
        "invalid-rule",
        (8, 1),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\n[[alert]]\nname = \"A\"\nexpr = \"q > 1\"\nfor = \"5 min\"\nsummary = \"S.\"\n",
    ),
    fires(
        "invalid-rule",
        (8, 12),
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\n[[alert]]\nname = \"A\"\nexpr = \"q > 1\"\nlabels = { \"bad-name\" = \"x\" }\nsummary = \"S.\"\n",
    ),
    // A recorded name that is a metric's exposed name.
    fires(
        "invalid-rule",
        (6, 1),
        "[[metric]]\nname = \"q\"\ntype = \"counter\"\nhelp = \"Q.\"\n[[record]]\nname = \"q_total\"\nexpr = \"sum(q_total)\"\n",
    ),
    // A counter's family name: at the name inside the string.
    fires(
        "unknown-metric-reference",
        (9, 14),
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[alert]]\nname = \"A\"\nexpr = \"rate(app_requests[5m]) > 1\"\nsummary = \"S.\"\n",
    ),
    // A typo inside a multi-line literal string.
    fires(
        "unknown-metric-reference",
        (11, 3),
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[alert]]\nname = \"A\"\nexpr = '''\nsum(\n  app_reqests_total\n) > 1'''\nsummary = \"S.\"\n",
    ),
    Fires {
        rule: "removed-metric-reference",
        at: (16, 9),
        version: Some("0.12.0"),
        toml: REFERENCES,
    },
    // An external name a metric exposes (a counter's sample), at the external's name.
    fires(
        "external-collision",
        (8, 8),
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[external]]\nname = \"app_requests_total\"\n",
    ),
    // With a type, the external's samples collide too: gauge `app_x_total` of the catalogue.
    fires(
        "external-collision",
        (8, 8),
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"x_total\"\ntype = \"gauge\"\nhelp = \"X.\"\n[[external]]\nname = \"app_x\"\ntype = \"counter\"\n",
    ),
    // Label history: out of order, at the later key.
    fires(
        "label-lifecycle-order",
        (5, 45),
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nlabels = [{ name = \"engine\", since = \"0.9\", removed = \"0.8\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    // A label added before its metric, at the label's `since`.
    fires(
        "label-lifecycle-order",
        (6, 30),
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nsince = \"0.9\"\nlabels = [{ name = \"engine\", since = \"0.8\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    // A stable metric's label removed without deprecation, at `removed`.
    fires(
        "label-policy-violation",
        (6, 30),
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nstability = \"stable\"\nlabels = [{ name = \"engine\", removed = \"0.9\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    // ... or removed one minor release after its deprecation (the window is 2).
    fires(
        "label-policy-violation",
        (6, 50),
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nstability = \"beta\"\nlabels = [{ name = \"engine\", deprecated = \"0.8\", removed = \"0.9\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    // A selector requiring a label not yet added, at the label's name.
    Fires {
        rule: "missing-label-reference",
        at: (11, 17),
        version: Some("0.8.0"),
        toml: LABELS,
    },
    // Hidden counts as removed.
    Fires {
        rule: "removed-metric-reference",
        at: (16, 9),
        version: Some("0.11.0"),
        toml: REFERENCES,
    },
    Fires {
        rule: "deprecated-metric-reference",
        at: (16, 9),
        version: Some("0.10.1"),
        toml: REFERENCES,
    },
    Fires {
        rule: "future-metric-reference",
        at: (10, 13),
        version: Some("0.12.0"),
        toml: "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"usage\"\ntype = \"gauge\"\nhelp = \"U.\"\nsince = \"0.13\"\n[[alert]]\nname = \"A\"\nexpr = \"max(app_usage) > 1\"\nsummary = \"S.\"\n",
    },
    // generated-name at the `name` value of the later metric.
    fires(
        "generated-name",
        (2, 8),
        "[[metric]]\nname = \"new\"\ntype = \"gauge\"\nhelp = \"N.\"\n",
    ),
    fires(
        "generated-name",
        (6, 8),
        "[[metric]]\nname = \"jobs\"\ntype = \"gauge\"\nhelp = \"J.\"\n[[metric]]\nname = \"jobs_name\"\ntype = \"gauge\"\nhelp = \"J.\"\n",
    ),
    fires(
        "generated-name",
        (2, 8),
        "[[metric]]\nname = \"None\"\ntype = \"gauge\"\nhelp = \"N.\"\nallow = [\"camel-case\"]\n",
    ),
    fires(
        "generated-name",
        (1, 1),
        "[labels.VERSION]\nmax_values = 2\n[[metric]]\nname = \"v\"\ntype = \"gauge\"\nhelp = \"V.\"\nlabels = [\"VERSION\"]\n",
    ),
    // unit-not-allowed at `unit`.
    fires(
        "unit-not-allowed",
        (4, 1),
        "[[metric]]\nname = \"build_seconds\"\ntype = \"info\"\nunit = \"seconds\"\nhelp = \"B.\"\n",
    ),
];

const QUIET: &[Quiet] = &[
    quiet(
        "parse",
        "[[metric]]\nname = \"queue\"\ntype = \"gauge\"\nhelp = \"Q.\"\n",
    ),
    quiet(
        "parse",
        "[[metric]]\nname = \"build\"\ntype = \"info\"\nhelp = \"B.\"\n",
    ),
    quiet(
        "unknown-key",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ngroup = \"G\"\nnote = \"N.\"\n",
    ),
    quiet(
        "unknown-key",
        "[catalogue]\nallow = [\"name-colon\", \"buckets-changed\"]\n",
    ),
    quiet(
        "invalid-name",
        "[[metric]]\nname = \"e2e_latency\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    quiet(
        "invalid-name",
        "[labels.type]\nmax_values = 2\n[catalogue]\nnamespace = \"_vllm\"\n",
    ),
    quiet(
        "reserved-label",
        "[labels.level]\nmax_values = 3\n[labels.quantile_rank]\nmax_values = 3\n[labels._x]\nmax_values = 3\n",
    ),
    // reserved-metric-name: without open labels the runtime adds no counter; another
    // namespace's name is free.
    quiet(
        "reserved-metric-name",
        "[[metric]]\nname = \"label_overflows\"\ntype = \"counter\"\nhelp = \"L.\"\n",
    ),
    quiet(
        "reserved-metric-name",
        "[catalogue]\nnamespace = \"app\"\n[labels.model]\nmax_values = 2\n[[metric]]\nname = \"model_overflows\"\ntype = \"counter\"\nhelp = \"L.\"\nlabels = [\"model\"]\n",
    ),
    quiet(
        "duplicate-metric",
        "[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[metric]]\nname = \"requests_in_flight\"\ntype = \"gauge\"\nhelp = \"R.\"\n[[metric]]\nname = \"requests_created\"\ntype = \"gauge\"\nhelp = \"R.\"\nallow = [\"reserved-suffix\"]\n",
    ),
    quiet(
        "undefined-label",
        "[labels.model]\nmax_values = 2\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"model\"]\n",
    ),
    quiet(
        "duplicate-label",
        "[labels.a]\nmax_values = 2\n[labels.b]\nmax_values = 2\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"a\", \"b\"]\n",
    ),
    quiet(
        "invalid-label-values",
        "[labels.direction]\nvalues = [\"gpu_to_cpu\", \"cpu_to_gpu\", \"0\", \"1\"]\n",
    ),
    quiet("invalid-label-values", "[labels.model]\nmax_values = 1\n"),
    quiet(
        "undefined-buckets",
        "[[metric]]\nname = \"lat\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = \"runtime\"\n",
    ),
    quiet(
        "invalid-buckets",
        "[buckets]\nlatency = [0.5, 1, 2.5, +inf]\nsteps = { linear = { start = -1, width = 0.5, count = 1 } }\ngrow = { exponential = { start = 0.001, factor = 1.5, count = 30 } }\n",
    ),
    quiet(
        "buckets-not-histogram",
        "[[metric]]\nname = \"lat\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = [1, 2]\n",
    ),
    quiet(
        "missing-buckets",
        "[[metric]]\nname = \"lat\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    quiet(
        "invalid-version",
        "[catalogue]\nversion = \"1.0\"\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nsince = \"0.9.12\"\n",
    ),
    quiet(
        "lifecycle-order",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nsince = \"0.7\"\ndeprecated = \"0.7\"\nhidden = \"0.8\"\nremoved = \"0.8\"\n",
    ),
    quiet(
        "lifecycle-order",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nstability = \"alpha\"\nremoved = \"0.8\"\n",
    ),
    quiet(
        "policy-violation",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.11\"\nremoved = \"0.15\"\nhidden = \"0.12\"\n",
    ),
    quiet(
        "policy-violation",
        "[policy.alpha]\nhide_after = 0\nremove_after = 1\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.4\"\nhidden = \"0.4\"\nremoved = \"0.5\"\n",
    ),
    quiet(
        "unknown-replacement",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.2\"\nreplaced_by = \"r\"\n[[metric]]\nname = \"r\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    quiet(
        "replacement-cycle",
        "[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\ndeprecated = \"0.2\"\nreplaced_by = \"b\"\n[[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\ndeprecated = \"0.3\"\nreplaced_by = \"c\"\n[[metric]]\nname = \"c\"\ntype = \"gauge\"\nhelp = \"C.\"\n",
    ),
    quiet(
        "unit-mismatch",
        "[[metric]]\nname = \"latency_seconds\"\ntype = \"gauge\"\nunit = \"seconds\"\nhelp = \"L.\"\n[[metric]]\nname = \"tx_bytes\"\ntype = \"counter\"\nunit = \"bytes\"\nhelp = \"T.\"\n",
    ),
    quiet(
        "empty-help",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \".\"\n[labels.a]\nmax_values = 1\n",
    ),
    quiet(
        "invalid-policy",
        "[policy]\nhide_after = 0\nremove_after = 1\n[policy.stable]\nhide_after = 3\nremove_after = 6\n",
    ),
    quiet(
        "counter-total-suffix",
        "[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[metric]]\nname = \"total_requests\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    quiet(
        "non-counter-total-suffix",
        "[[metric]]\nname = \"requests_total_x\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    quiet(
        "reserved-suffix",
        "[[metric]]\nname = \"requests_counted\"\ntype = \"gauge\"\nhelp = \"R.\"\n[[metric]]\nname = \"sum_of_tokens\"\ntype = \"gauge\"\nhelp = \"S.\"\n",
    ),
    quiet(
        "non-base-unit",
        "[[metric]]\nname = \"latency_seconds\"\nunit = \"seconds\"\ntype = \"gauge\"\nhelp = \"L.\"\n",
    ),
    quiet(
        "abbreviated-unit",
        "[[metric]]\nname = \"min_tokens\"\ntype = \"gauge\"\nhelp = \"M.\"\n[[metric]]\nname = \"msg_bytes\"\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    quiet(
        "unit-suffix",
        "[[metric]]\nname = \"usage_ratio\"\ntype = \"gauge\"\nhelp = \"U.\"\n[[metric]]\nname = \"percentile_requests\"\ntype = \"gauge\"\nhelp = \"P.\"\n",
    ),
    quiet(
        "type-in-name",
        "[[metric]]\nname = \"encounters\"\ntype = \"counter\"\nhelp = \"E.\"\n",
    ),
    quiet(
        "camel-case",
        "[[metric]]\nname = \"queue_depth\"\ntype = \"gauge\"\nhelp = \"Q.\"\n[labels.model_name]\nmax_values = 1\n",
    ),
    quiet(
        "name-colon",
        "[catalogue]\nnamespace = \"vllm\"\nseparator = \"_\"\n",
    ),
    quiet(
        "name-colon",
        "[catalogue]\nnamespace = \"vllm\"\nseparator = \":\"\nallow = [\"name-colon\"]\n",
    ),
    quiet(
        "unbounded-label",
        "[labels.model]\nhelp = \"M.\"\nmax_values = 16\n[labels.reason]\nvalues = [\"stop\"]\n",
    ),
    // Exactly at the threshold (100 x 100 = 10,000) is not above it.
    quiet(
        "high-cardinality",
        "[labels.a]\nmax_values = 100\n[labels.b]\nmax_values = 100\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"a\", \"b\"]\n",
    ),
    quiet(
        "high-cardinality",
        "[labels.a]\nmax_values = 1000\n[labels.b]\nmax_values = 1000\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"a\", \"b\"]\nallow = [\"high-cardinality\"]\n",
    ),
    quiet(
        "deprecated-without-replacement",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\ndeprecated = \"0.3\"\nreplaced_by = \"r\"\n[[metric]]\nname = \"r\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    Quiet {
        rule: "replacement-not-active",
        version: Some("0.11.5"),
        toml: "[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\ndeprecated = \"0.10\"\nreplaced_by = \"b\"\n[[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\ndeprecated = \"0.12\"\nallow = [\"deprecated-without-replacement\"]\n",
    },
    // Without a version the rule cannot run.
    quiet(
        "replacement-not-active",
        "[[metric]]\nname = \"a\"\ntype = \"gauge\"\nhelp = \"A.\"\ndeprecated = \"0.10\"\nreplaced_by = \"b\"\n[[metric]]\nname = \"b\"\ntype = \"gauge\"\nhelp = \"B.\"\ndeprecated = \"0.12\"\nallow = [\"deprecated-without-replacement\"]\n",
    ),
    quiet(
        "help-mentions-deprecation",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Queue depth.\"\ndeprecated = \"0.3\"\nreplaced_by = \"r\"\n[[metric]]\nname = \"r\"\ntype = \"gauge\"\nhelp = \"R.\"\n",
    ),
    // A label used only by a removed metric is used: history keeps its labels.
    quiet(
        "unused-label",
        "[labels.a]\nmax_values = 2\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"a\"]\nstability = \"alpha\"\nremoved = \"0.2\"\n",
    ),
    quiet(
        "unused-buckets",
        "[buckets]\nused = [1]\n[[metric]]\nname = \"lat\"\ntype = \"histogram\"\nhelp = \"L.\"\nbuckets = \"used\"\n",
    ),
    // A pre-release counts as its release.
    Quiet {
        rule: "since-after-version",
        version: Some("0.12.0-rc.1"),
        toml: "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nsince = \"0.12\"\n",
    },
    // The alerting and recording rules extension.
    quiet(
        "invalid-promql",
        "[[metric]]\nname = \"x\"\ntype = \"histogram\"\nhelp = \"X.\"\nbuckets = [1]\n[[alert]]\nname = \"A\"\nexpr = '''\nhistogram_quantile(0.9, sum by (le) (rate(x_bucket[5m]))) > 0\n  unless on () absent(up) # a comment\n'''\nsummary = \"S.\"\n",
    ),
    quiet(
        "invalid-rule",
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\n[[record]]\nname = \"job:q:max5m\"\nexpr = \"max(q)\"\nlabels = { team = \"a\" }\n[[alert]]\nname = \"A\"\nexpr = \"job:q:max5m > 1\"\nfor = \"1h30m\"\nseverity = \"page\"\nsummary = \"S.\"\nannotations = { runbook_url = \"u\" }\n",
    ),
    // Other programs' metrics, recorded series, regular expressions and label names.
    quiet(
        "unknown-metric-reference",
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[record]]\nname = \"app:requests:rate5m\"\nexpr = \"sum(rate(app_requests_total[5m]))\"\n[[alert]]\nname = \"A\"\nexpr = \"app:requests:rate5m > on () group_left (app_zzz) up{app_zzz=\\\"1\\\"} or count({__name__=~\\\"app_.*\\\"}) or node_load1\"\nsummary = \"S.\"\n",
    ),
    // Without a namespace, Prometheus' own series are not the catalogue's.
    quiet(
        "unknown-metric-reference",
        "[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[alert]]\nname = \"A\"\nexpr = \"up == 0 or rate(requests_total[5m]) == 0\"\nsummary = \"S.\"\n",
    ),
    // A name declared external is known to the catalogue's own rules.
    quiet(
        "unknown-metric-reference",
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[external]]\nname = \"app_router_qps\"\n[[alert]]\nname = \"A\"\nexpr = \"app_router_qps > 100\"\nsummary = \"S.\"\n",
    ),
    // An external name no metric exposes.
    quiet(
        "external-collision",
        "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\n[[external]]\nname = \"app_router_requests\"\ntype = \"counter\"\n",
    ),
    // Label history in order, a label of an alpha metric removed at any time.
    quiet(
        "label-lifecycle-order",
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nsince = \"0.8\"\nlabels = [{ name = \"engine\", since = \"0.8\", deprecated = \"0.9\", removed = \"0.9\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    quiet(
        "label-policy-violation",
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nlabels = [{ name = \"engine\", removed = \"0.9\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    quiet(
        "label-policy-violation",
        "[labels.engine]\nmax_values = 8\n[[metric]]\nname = \"m\"\nstability = \"stable\"\nlabels = [{ name = \"engine\", deprecated = \"0.8\", removed = \"0.10\" }]\ntype = \"gauge\"\nhelp = \"M.\"\n",
    ),
    // From 0.8.3 the label is there; without a version nothing is checked.
    Quiet {
        rule: "missing-label-reference",
        version: Some("0.8.3"),
        toml: LABELS,
    },
    Quiet {
        rule: "missing-label-reference",
        version: None,
        toml: LABELS,
    },
    // Only deprecated at 0.10.1; without a version, lifecycle is not checked.
    Quiet {
        rule: "removed-metric-reference",
        version: Some("0.10.1"),
        toml: REFERENCES,
    },
    Quiet {
        rule: "removed-metric-reference",
        version: None,
        toml: REFERENCES,
    },
    Quiet {
        rule: "deprecated-metric-reference",
        version: Some("0.9.0"),
        toml: REFERENCES,
    },
    // A pre-release counts as its release.
    Quiet {
        rule: "future-metric-reference",
        version: Some("0.13.0-rc.1"),
        toml: "[catalogue]\nnamespace = \"app\"\n[[metric]]\nname = \"usage\"\ntype = \"gauge\"\nhelp = \"U.\"\nsince = \"0.13\"\n[[alert]]\nname = \"A\"\nexpr = \"max(app_usage) > 1\"\nsummary = \"S.\"\n",
    },
    quiet(
        "reserved-label",
        "[labels.le]\nmax_values = 3\n[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"Q.\"\nlabels = [\"le\"]\n",
    ),
    quiet(
        "generated-name",
        "[labels.Version]\nmax_values = 2\n[labels.VERSION]\nmax_values = 2\n[[metric]]\nname = \"news\"\ntype = \"gauge\"\nhelp = \"N.\"\nlabels = [\"Version\"]\n[[metric]]\nname = \"job_queue\"\ntype = \"gauge\"\nhelp = \"J.\"\n[[metric]]\nname = \"jobs\"\ntype = \"gauge\"\nhelp = \"J.\"\n",
    ),
    quiet(
        "unit-not-allowed",
        "[[metric]]\nname = \"build\"\ntype = \"info\"\nhelp = \"B.\"\n[[metric]]\nname = \"up_seconds\"\ntype = \"gauge\"\nunit = \"seconds\"\nhelp = \"U.\"\n",
    ),
];

#[test]
fn each_case_reports_its_rule_at_its_position() {
    let mut failures = Vec::new();
    for case in FIRES {
        let checked = run(case.toml, case.version);
        let found: Vec<(usize, usize)> = checked
            .diagnostics
            .iter()
            .filter(|d| d.rule == case.rule)
            .map(|d| (d.line, d.column))
            .collect();
        if !found.contains(&case.at) {
            failures.push(format!(
                "`{}` expected at {:?}, found at {found:?} in\n{}\n{}",
                case.rule,
                case.at,
                case.toml,
                checked.render_plain()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n-----\n"));
}

#[test]
fn near_misses_stay_silent() {
    let mut failures = Vec::new();
    for case in QUIET {
        let checked = run(case.toml, case.version);
        if checked.diagnostics.iter().any(|d| d.rule == case.rule) {
            failures.push(format!(
                "`{}` fired on a near miss:\n{}\n{}",
                case.rule,
                case.toml,
                checked.render_plain()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n-----\n"));
}

#[test]
fn every_catalogue_rule_has_cases_and_near_misses() {
    let fired: BTreeSet<&str> = FIRES.iter().map(|c| c.rule).collect();
    let quiet: BTreeSet<&str> = QUIET.iter().map(|c| c.rule).collect();
    // Live rules need a scrape: their cases are in `live.rs`.
    for r in rules()
        .iter()
        .filter(|r| !r.needs_baseline() && !r.needs_scrape())
    {
        assert!(fired.contains(r.id), "no firing case for `{}`", r.id);
        assert!(quiet.contains(r.id), "no near miss for `{}`", r.id);
    }
}

#[test]
fn allow_silences_warnings_not_errors() {
    let toml = "[catalogue]\nallow = [\"camel-case\"]\n[[metric]]\nname = \"queueDepth\"\ntype = \"gauge\"\nhelp = \"Q.\"\n";
    assert!(run(toml, None).diagnostics.is_empty());
    let toml = "[[metric]]\nname = \"queueDepth\"\ntype = \"gauge\"\nhelp = \"Q.\"\nallow = [\"camel-case\"]\n";
    assert!(run(toml, None).diagnostics.is_empty());
    // An error rule in `allow` is refused, and the error is still reported.
    let toml =
        "[[metric]]\nname = \"q\"\ntype = \"gauge\"\nhelp = \"\"\nallow = [\"empty-help\"]\n";
    let rules: Vec<&str> = run(toml, None).diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["empty-help", "unknown-key"]);
}
