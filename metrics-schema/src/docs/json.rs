//! The reference as JSON: a stable machine format, described in `docs/json-formats.md`.
//!
//! Additive changes (a new key) keep [`SCHEMA_VERSION`]; renaming or removing a key, or
//! changing a value's meaning, increments it.

use serde_json::{Value, json};

use super::{Reference, STATUSES};
use crate::catalogue::{Buckets, LabelKind};
use crate::lifecycle::{Stability, Version};

/// The version of the JSON reference format.
pub const SCHEMA_VERSION: u64 = 1;

/// The reference as a JSON value (see `docs/json-formats.md`).
pub fn json_value(r: &Reference<'_>) -> Value {
    let v = |v: &Option<Version>| v.as_ref().map(ToString::to_string);
    let cat = r.catalogue;
    let policy: serde_json::Map<String, Value> = Stability::ALL
        .iter()
        .map(|s| {
            let w = cat.policy.window(*s);
            (
                s.as_str().to_owned(),
                json!({ "hide_after": w.hide_after, "remove_after": w.remove_after }),
            )
        })
        .collect();
    let mut counts = serde_json::Map::new();
    counts.insert("metrics".to_owned(), json!(r.entries.len()));
    for s in STATUSES {
        counts.insert(s.as_str().to_owned(), json!(r.count(s)));
    }
    let groups: Vec<Value> = r
        .groups
        .iter()
        .map(|g| {
            let names: Vec<&str> = g
                .entries
                .iter()
                .map(|&i| r.entries[i].metric.full_name.as_str())
                .collect();
            json!({ "name": g.name, "metrics": names })
        })
        .collect();
    let metrics: Vec<Value> = r
        .entries
        .iter()
        .map(|e| {
            let m = e.metric;
            let exposed = m.exposed_names();
            let buckets = match &m.buckets {
                None => Value::Null,
                Some(Buckets::Runtime) => json!("runtime"),
                Some(Buckets::Bounds(bounds)) => json!(bounds),
            };
            let labels: Vec<&str> = m.labels.iter().map(|l| l.name.as_str()).collect();
            let mut entry = json!({
                "name": m.name,
                "full_name": m.full_name,
                "group": m.group,
                "type": m.kind.as_str(),
                "unit": m.unit,
                "help": m.help,
                "exposed_help": m.help_at(&r.version),
                "family": exposed.family,
                "samples": exposed.samples,
                "labels": labels,
                "buckets": buckets,
                "stability": m.stability.as_str(),
                "since": v(&m.since),
                "status": e.status.as_str(),
                "deprecated": v(&m.schedule.deprecated),
                "hidden": v(&m.schedule.hidden),
                "removed": v(&m.schedule.removed),
                "replaced_by": m.replaced_by,
                "replacement": m.replacement,
                "note": m.note,
            });
            // Only for metrics with label history, so that other references stay as they were.
            if !m.label_history.is_empty() {
                let history: serde_json::Map<String, Value> = m
                    .label_history
                    .iter()
                    .map(|(name, h)| {
                        (
                            name.clone(),
                            json!({
                                "since": v(&h.since),
                                "deprecated": v(&h.deprecated),
                                "removed": v(&h.removed),
                                "present": h.present_at(&r.version),
                            }),
                        )
                    })
                    .collect();
                entry["label_history"] = Value::Object(history);
            }
            entry
        })
        .collect();
    let labels: Vec<Value> = cat
        .labels
        .iter()
        .map(|l| {
            let (values, max_values) = match &l.kind {
                LabelKind::Closed { values } => (json!(values), Value::Null),
                LabelKind::Open { max_values } => (Value::Null, json!(max_values)),
            };
            json!({
                "name": l.name,
                "help": l.help,
                "closed": matches!(l.kind, LabelKind::Closed { .. }),
                "values": values,
                "max_values": max_values,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "metrics-reference",
        "title": r.title(),
        "version": r.version.to_string(),
        "namespace": cat.namespace,
        "separator": cat.separator.as_str(),
        "show_hidden": r.show_hidden.as_ref().map(Version::minor_line),
        "policy": policy,
        "counts": counts,
        "groups": groups,
        "metrics": metrics,
        "labels": labels,
    })
}

/// The reference as pretty-printed JSON, ending with a newline.
pub fn json(r: &Reference<'_>) -> String {
    let mut out = serde_json::to_string_pretty(&json_value(r)).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}
