//! The JSON Schema of `metrics.toml` (`schema json-schema`), for editors: Taplo and Even
//! Better TOML complete keys, show their descriptions and flag unknown keys with it.
//!
//! Generated from the reader's own key declarations (`parse.rs`'s `keys!` enums): every
//! table lists exactly `Key::ALL`, and each key's schema comes from an exhaustive `match`
//! over its enum, so a key added to the reader without a schema does not compile, and a
//! schema for a key the reader does not know cannot be written. Enumerations (metric
//! types, stabilities, separators, multiprocess modes, rule ids) come from the same
//! constants the reader checks against.

use serde_json::{Map, Value, json};

use super::parse::{
    AlertKey, CatalogueKey, ExponentialKey, GeneratorKey, Key, LabelKey, LinearKey, MetricKey,
    PolicyKey, RecordKey, TopLevel, WindowKey,
};
use super::{MULTIPROCESS_MODES, MetricKind};
use crate::diagnostic::Severity;
use crate::lifecycle::Stability;
use crate::lint;

/// The `$id` of the schema: where the committed copy is published.
pub const SCHEMA_ID: &str =
    "https://github.com/metrics-schema/metrics-schema/raw/main/docs/metrics.schema.json";

/// The JSON Schema (draft-07) of a catalogue.
pub fn json_schema() -> Value {
    let mut root = object::<TopLevel>(top_level);
    let root_map = root.as_object_mut().expect("an object schema");
    root_map.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    root_map.insert("$id".into(), json!(SCHEMA_ID));
    root_map.insert(
        "title".into(),
        json!("metrics-schema catalogue (metrics.toml), format version 1"),
    );
    root_map.insert(
        "description".into(),
        json!(
            "A TOML catalogue of a program's Prometheus metrics: the single source of truth \
             for their names, types, help, labels, buckets and lifecycle."
        ),
    );
    root_map.insert("definitions".into(), definitions());
    root
}

/// `json_schema()` as pretty-printed text with a final newline.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// A closed object whose properties are every key of `K`, described by `describe`.
fn object<K: Key>(describe: fn(K) -> Value) -> Value {
    let mut properties = Map::new();
    for (key, name) in K::ALL.iter().zip(K::NAMES) {
        properties.insert((*name).to_owned(), describe(*key));
    }
    json!({ "type": "object", "additionalProperties": false, "properties": properties })
}

fn with_required(mut schema: Value, required: &[&str]) -> Value {
    schema["required"] = json!(required);
    schema
}

fn described(description: &str, mut schema: Value) -> Value {
    schema["description"] = json!(description);
    schema
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/definitions/{name}") })
}

fn string(description: &str) -> Value {
    described(description, json!({ "type": "string" }))
}

fn strings(description: &str) -> Value {
    described(
        description,
        json!({ "type": "array", "items": { "type": "string" } }),
    )
}

fn version(description: &str) -> Value {
    described(description, reference("version"))
}

fn top_level(key: TopLevel) -> Value {
    match key {
        TopLevel::Catalogue => described(
            "Settings of the whole catalogue.",
            object::<CatalogueKey>(catalogue_key),
        ),
        TopLevel::Policy => described(
            "Deprecation windows, counted in minor releases, with optional per-stability \
             overrides.",
            object::<PolicyKey>(policy_key),
        ),
        TopLevel::Labels => described(
            "Label definitions, shared by the metrics that list them: `[labels.NAME]`.",
            json!({
                "type": "object",
                "additionalProperties": with_required(object::<LabelKey>(label_key), &[]),
            }),
        ),
        TopLevel::Buckets => described(
            "Named histogram bucket sets: `NAME = [bounds]` or a generator table.",
            json!({ "type": "object", "additionalProperties": reference("bucketSet") }),
        ),
        TopLevel::Metric => described(
            "The metrics: one `[[metric]]` table each.",
            json!({
                "type": "array",
                "items": with_required(object::<MetricKey>(metric_key), &["name", "type", "help"]),
            }),
        ),
        TopLevel::Alert => described(
            "Alerting rules written into the generated Prometheus rule file.",
            json!({
                "type": "array",
                "items": with_required(object::<AlertKey>(alert_key), &["name", "expr", "summary"]),
            }),
        ),
        TopLevel::Record => described(
            "Recording rules written into the generated Prometheus rule file.",
            json!({
                "type": "array",
                "items": with_required(object::<RecordKey>(record_key), &["name", "expr"]),
            }),
        ),
    }
}

fn catalogue_key(key: CatalogueKey) -> Value {
    match key {
        CatalogueKey::Namespace => described(
            "Prefix of every exposed name: full name = namespace + separator + name.",
            reference("name"),
        ),
        CatalogueKey::Separator => described(
            "Between the namespace and the name: \"_\" (default) or \":\" (vLLM's style; \
             warns `name-colon`).",
            json!({ "enum": ["_", ":"] }),
        ),
        CatalogueKey::Stability => described(
            "Default stability of the metrics (default \"alpha\").",
            reference("stability"),
        ),
        CatalogueKey::Version => version(
            "Pins the version the lifecycle is evaluated at; otherwise the crate's version \
             or --version.",
        ),
        CatalogueKey::Allow => described(
            "Warning rules silenced for the whole catalogue.",
            reference("allow"),
        ),
        CatalogueKey::External => described(
            "Metrics other code in the process exposes (names, or prefixes ending in `*`): \
             live checks accept them unchecked.",
            json!({ "type": "array", "items": { "type": "string", "minLength": 1 } }),
        ),
    }
}

fn window(description: &str) -> Value {
    described(description, object::<WindowKey>(window_key))
}

fn policy_key(key: PolicyKey) -> Value {
    match key {
        PolicyKey::HideAfter => hide_after(),
        PolicyKey::RemoveAfter => remove_after(),
        PolicyKey::Alpha => window("Windows of alpha metrics; missing keys fall back to [policy]."),
        PolicyKey::Beta => window("Windows of beta metrics; missing keys fall back to [policy]."),
        PolicyKey::Stable => {
            window("Windows of stable metrics; missing keys fall back to [policy].")
        }
    }
}

fn window_key(key: WindowKey) -> Value {
    match key {
        WindowKey::HideAfter => hide_after(),
        WindowKey::RemoveAfter => remove_after(),
    }
}

fn hide_after() -> Value {
    described(
        "Minor releases from deprecation to hiding: deprecated in X.Y, hidden from \
         X.(Y+hide_after).0 (default 1).",
        json!({ "type": "integer", "minimum": 0 }),
    )
}

fn remove_after() -> Value {
    described(
        "Minor releases from deprecation to removal, more than hide_after (default 2).",
        json!({ "type": "integer", "minimum": 1 }),
    )
}

fn label_key(key: LabelKey) -> Value {
    match key {
        LabelKey::Help => string("What the label means."),
        LabelKey::Values => described(
            "The values of a closed label (an enum in generated code).",
            json!({ "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 }),
        ),
        LabelKey::MaxValues => described(
            "The most distinct values an open label takes per metric; more go to the \
             overflow series.",
            json!({ "type": "integer", "minimum": 1 }),
        ),
    }
}

fn metric_key(key: MetricKey) -> Value {
    match key {
        MetricKey::Name => described(
            "The local name, without namespace; counters without `_total`.",
            reference("name"),
        ),
        MetricKey::Type => described(
            "The metric type.",
            json!({ "enum": MetricKind::ALL.map(MetricKind::as_str) }),
        ),
        MetricKey::Help => described(
            "The HELP text (the tool adds deprecation notices itself).",
            json!({ "type": "string", "pattern": "\\S" }),
        ),
        MetricKey::Unit => described(
            "The unit (OpenMetrics); must be the name's suffix, e.g. \"seconds\".",
            reference("name"),
        ),
        MetricKey::Labels => strings("Labels, in order, each defined under [labels]."),
        MetricKey::Buckets => described(
            "Histogram buckets: a named set, \"runtime\" (given when the registry is built), \
             an array of bounds or a generator table.",
            json!({ "anyOf": [{ "type": "string" }, reference("bucketSet")] }),
        ),
        MetricKey::Group => string("Section of the generated docs and dashboard."),
        MetricKey::Since => version("The release that introduced the metric."),
        MetricKey::Stability => described(
            "Overrides the catalogue's default stability.",
            reference("stability"),
        ),
        MetricKey::Deprecated => version("The release that deprecated the metric."),
        MetricKey::Hidden => {
            version("Explicit hiding release; never earlier than the policy allows.")
        }
        MetricKey::Removed => {
            version("Explicit removal release; never earlier than the policy allows.")
        }
        MetricKey::ReplacedBy => described(
            "The metric (of this catalogue) that replaces this one.",
            reference("name"),
        ),
        MetricKey::Note => string("A migration hint shown with the deprecation."),
        MetricKey::MultiprocessMode => described(
            "prometheus_client's multiprocess mode of a gauge in generated Python code.",
            json!({ "enum": MULTIPROCESS_MODES }),
        ),
        MetricKey::Allow => described(
            "Warning rules silenced for this metric.",
            reference("allow"),
        ),
    }
}

fn alert_key(key: AlertKey) -> Value {
    match key {
        AlertKey::Name => string("The alert's name."),
        AlertKey::Expr => string("The PromQL condition."),
        AlertKey::For => string("How long the condition holds before firing, e.g. \"5m\"."),
        AlertKey::Severity => string("The `severity` label, e.g. \"warning\"."),
        AlertKey::Summary => string("The `summary` annotation."),
        AlertKey::Description => string("The `description` annotation."),
        AlertKey::Labels => string_table("Extra labels of the alert."),
        AlertKey::Annotations => string_table("Extra annotations of the alert."),
        AlertKey::Group => string("The rule group (default: the catalogue's namespace)."),
    }
}

fn record_key(key: RecordKey) -> Value {
    match key {
        RecordKey::Name => string("The recorded series' name, e.g. \"vllm:hit_ratio:rate5m\"."),
        RecordKey::Expr => string("The PromQL expression recorded."),
        RecordKey::Labels => string_table("Extra labels of the recorded series."),
        RecordKey::Group => string("The rule group (default: the catalogue's namespace)."),
    }
}

fn string_table(description: &str) -> Value {
    described(
        description,
        json!({ "type": "object", "additionalProperties": { "type": "string" } }),
    )
}

fn generator_key(key: GeneratorKey) -> Value {
    match key {
        GeneratorKey::Exponential => described(
            "`count` bounds: start, start*factor, start*factor^2, …",
            with_required(
                object::<ExponentialKey>(exponential_key),
                &["start", "factor", "count"],
            ),
        ),
        GeneratorKey::Linear => described(
            "`count` bounds: start, start+width, start+2*width, …",
            with_required(
                object::<LinearKey>(linear_key),
                &["start", "width", "count"],
            ),
        ),
    }
}

fn exponential_key(key: ExponentialKey) -> Value {
    match key {
        ExponentialKey::Start => described(
            "The first bound (> 0).",
            json!({ "type": "number", "exclusiveMinimum": 0 }),
        ),
        ExponentialKey::Factor => described(
            "The ratio of two bounds (> 1).",
            json!({ "type": "number", "exclusiveMinimum": 1 }),
        ),
        ExponentialKey::Count => count(),
    }
}

fn linear_key(key: LinearKey) -> Value {
    match key {
        LinearKey::Start => described("The first bound.", json!({ "type": "number" })),
        LinearKey::Width => described(
            "The distance of two bounds (> 0).",
            json!({ "type": "number", "exclusiveMinimum": 0 }),
        ),
        LinearKey::Count => count(),
    }
}

fn count() -> Value {
    described(
        "How many bounds (>= 1).",
        json!({ "type": "integer", "minimum": 1 }),
    )
}

fn definitions() -> Value {
    let warning_rules: Vec<&str> = lint::rules()
        .iter()
        .filter(|r| r.severity == Severity::Warning && r.kind == lint::RuleKind::Catalogue)
        .map(|r| r.id)
        .collect();
    let mut generator = object::<GeneratorKey>(generator_key);
    generator["minProperties"] = json!(1);
    generator["maxProperties"] = json!(1);
    json!({
        "name": {
            "type": "string",
            "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*$",
        },
        "version": {
            "type": "string",
            "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))?$",
        },
        "stability": { "enum": Stability::ALL.map(Stability::as_str) },
        "allow": {
            "type": "array",
            "items": { "enum": warning_rules },
        },
        "bucketSet": {
            "anyOf": [
                {
                    "description": "Strictly increasing bounds; +inf is implied.",
                    "type": "array",
                    "items": { "type": "number" },
                    "minItems": 1,
                },
                generator,
            ]
        },
    })
}
