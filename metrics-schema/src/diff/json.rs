//! The changelog as JSON: a stable machine format, described in `docs/json-formats.md`.

use serde_json::{Value, json};

use super::{Change, Changelog, MetricChange, SideInfo};
use crate::catalogue::Buckets;
use crate::lifecycle::Version;

/// The version of the JSON changelog format.
pub const SCHEMA_VERSION: u64 = 1;

fn v(v: &Option<Version>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

fn side(s: &SideInfo) -> Value {
    json!({ "name": s.name, "version": v(&s.version) })
}

fn metric(m: &MetricChange) -> Value {
    json!({
        "full_name": m.full_name,
        "type": m.kind.as_str(),
        "stability": m.stability.as_str(),
        "help": m.help,
        "since": v(&m.since),
        "status": m.status.map(|s| s.as_str()),
        "deprecated": v(&m.deprecated),
        "hidden": v(&m.hidden),
        "removed": v(&m.removed),
        "replacement": m.replacement,
        "note": m.note,
        "deleted": m.deleted,
    })
}

fn buckets(b: &Option<Buckets>) -> Value {
    match b {
        None => Value::Null,
        Some(Buckets::Runtime) => json!("runtime"),
        Some(Buckets::Bounds(bounds)) => json!(bounds),
    }
}

fn change(c: &Change) -> Value {
    let (before, after) = match c {
        Change::Type { before, after } => (json!(before.as_str()), json!(after.as_str())),
        Change::Labels { before, after } => (json!(before), json!(after)),
        Change::Buckets { before, after } => (buckets(before), buckets(after)),
        Change::Unit { before, after } => (json!(before), json!(after)),
        Change::Help { before, after } => (json!(before), json!(after)),
        Change::Stability { before, after } => (json!(before.as_str()), json!(after.as_str())),
    };
    json!({ "field": c.field(), "before": before, "after": after })
}

/// The changelog as a JSON value (see `docs/json-formats.md`).
pub fn json_value(log: &Changelog) -> Value {
    let list = |rows: &[MetricChange]| -> Vec<Value> { rows.iter().map(metric).collect() };
    let changed: Vec<Value> = log
        .changed
        .iter()
        .map(|c| {
            let changes: Vec<Value> = c.changes.iter().map(change).collect();
            json!({ "full_name": c.full_name, "changes": changes })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "metrics-changelog",
        "old": side(&log.old),
        "new": side(&log.new),
        "by_version": log.by_version,
        "show_hidden": log.show_hidden.as_ref().map(Version::minor_line),
        "added": list(&log.added),
        "deprecated": list(&log.deprecated),
        "hidden": list(&log.hidden),
        "removed": list(&log.removed),
        "changed": changed,
    })
}

/// The changelog as pretty-printed JSON, ending with a newline.
pub fn json(log: &Changelog) -> String {
    let mut out =
        serde_json::to_string_pretty(&json_value(log)).unwrap_or_else(|_| "{}".to_owned());
    out.push('\n');
    out
}
