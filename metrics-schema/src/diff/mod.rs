//! A release changelog between two catalogues: metrics added, deprecated, hidden and
//! removed, and metrics whose type, labels, buckets, help, unit or stability changed.
//!
//! Metrics are matched by full name. When both sides have a version (given, or pinned in
//! the catalogue), each metric's state is compared at those versions: a metric is *added*
//! when it is absent or not yet released (`since`) on the old side and exists on the new
//! one, and is *deprecated*, *hidden* or *removed* when its status moved there. So one
//! catalogue compared with itself at two versions gives that release's changelog. Without
//! both versions only what is written is compared: newly written deprecations, and metrics
//! deleted from the catalogue.
//!
//! ```
//! use metrics_schema::{Options, check, diff, lifecycle::Version};
//!
//! let text = r#"
//! [[metric]]
//! name = "old_usage"
//! type = "gauge"
//! help = "Usage."
//! deprecated = "0.10"
//! replaced_by = "usage"
//!
//! [[metric]]
//! name = "usage"
//! type = "gauge"
//! help = "Usage."
//! since = "0.10"
//! "#;
//! let cat = check(text, "metrics.toml", &Options::default()).catalogue.unwrap();
//! let v = |s| Some(Version::parse(s).unwrap());
//! let log = diff::diff(
//!     diff::Side::new(&cat, "metrics.toml", v("0.9.0")),
//!     diff::Side::new(&cat, "metrics.toml", v("0.10.0")),
//! );
//! assert_eq!(log.added[0].full_name, "usage");
//! assert_eq!(log.deprecated[0].full_name, "old_usage");
//! ```

mod json;
mod markdown;

use std::collections::HashMap;

use crate::catalogue::{Buckets, Catalogue, Metric, MetricKind};
use crate::lifecycle::{Stability, Status, Version};

pub use json::{SCHEMA_VERSION, json, json_value};
pub use markdown::markdown;

/// One side of a comparison.
#[derive(Clone, Debug)]
pub struct Side<'a> {
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// How it was named (a path or `git:REV:PATH`).
    pub name: &'a str,
    /// The version it is evaluated at, if known.
    pub version: Option<Version>,
}

impl<'a> Side<'a> {
    /// A side evaluated at `version`, else at the catalogue's pin.
    pub fn new(catalogue: &'a Catalogue, name: &'a str, version: Option<Version>) -> Self {
        Side {
            catalogue,
            name,
            version: version.or_else(|| catalogue.version.clone()),
        }
    }
}

/// The changelog from one catalogue to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Changelog {
    /// The old side's name and version.
    pub old: SideInfo,
    /// The new side's name and version.
    pub new: SideInfo,
    /// True when both versions are known and statuses were compared at them.
    pub by_version: bool,
    /// The show-hidden value that re-enables hidden metrics at the new version.
    pub show_hidden: Option<Version>,
    /// Metrics that appeared.
    pub added: Vec<MetricChange>,
    /// Metrics that became deprecated.
    pub deprecated: Vec<MetricChange>,
    /// Metrics that became hidden.
    pub hidden: Vec<MetricChange>,
    /// Metrics that became removed, or were deleted from the catalogue.
    pub removed: Vec<MetricChange>,
    /// Metrics whose definition changed.
    pub changed: Vec<Changed>,
}

/// A side of the comparison, as the changelog names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideInfo {
    /// The catalogue's name.
    pub name: String,
    /// Its version, if known.
    pub version: Option<Version>,
}

/// A metric in one of the lifecycle sections of a changelog.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricChange {
    /// The full name.
    pub full_name: String,
    /// The type.
    pub kind: MetricKind,
    /// The stability.
    pub stability: Stability,
    /// The help text as written.
    pub help: String,
    /// Its `since`.
    pub since: Option<Version>,
    /// The status at the new version (`None` without versions, or when deleted).
    pub status: Option<Status>,
    /// Effective deprecation date.
    pub deprecated: Option<Version>,
    /// Effective hiding date.
    pub hidden: Option<Version>,
    /// Effective removal date.
    pub removed: Option<Version>,
    /// The replacement's full name.
    pub replacement: Option<String>,
    /// The migration note.
    pub note: Option<String>,
    /// True when the metric was deleted from the catalogue rather than kept as history
    /// (a `removed-without-deprecation` problem for `schema lint --baseline`).
    pub deleted: bool,
}

impl MetricChange {
    fn of(m: &Metric, status: Option<Status>, deleted: bool) -> Self {
        MetricChange {
            full_name: m.full_name.clone(),
            kind: m.kind,
            stability: m.stability,
            help: m.help.clone(),
            since: m.since.clone(),
            status,
            deprecated: m.schedule.deprecated.clone(),
            hidden: m.schedule.hidden.clone(),
            removed: m.schedule.removed.clone(),
            replacement: m.replacement.clone(),
            note: m.note.clone(),
            deleted,
        }
    }
}

/// A metric whose definition changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    /// The full name.
    pub full_name: String,
    /// What changed, in the order type, labels, buckets, unit, help, stability.
    pub changes: Vec<Change>,
}

/// One changed property.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// The type.
    Type {
        /// Before.
        before: MetricKind,
        /// After.
        after: MetricKind,
    },
    /// The label names, in the metric's order.
    Labels {
        /// Before.
        before: Vec<String>,
        /// After.
        after: Vec<String>,
    },
    /// The buckets.
    Buckets {
        /// Before.
        before: Option<Buckets>,
        /// After.
        after: Option<Buckets>,
    },
    /// The unit.
    Unit {
        /// Before.
        before: Option<String>,
        /// After.
        after: Option<String>,
    },
    /// The help text.
    Help {
        /// Before.
        before: String,
        /// After.
        after: String,
    },
    /// The stability level.
    Stability {
        /// Before.
        before: Stability,
        /// After.
        after: Stability,
    },
}

impl Change {
    /// The property's name: `type`, `labels`, `buckets`, `unit`, `help` or `stability`.
    pub fn field(&self) -> &'static str {
        match self {
            Change::Type { .. } => "type",
            Change::Labels { .. } => "labels",
            Change::Buckets { .. } => "buckets",
            Change::Unit { .. } => "unit",
            Change::Help { .. } => "help",
            Change::Stability { .. } => "stability",
        }
    }
}

impl Changelog {
    /// The number of entries in every section: added, deprecated, hidden, removed, changed.
    pub fn counts(&self) -> [(&'static str, usize); 5] {
        [
            ("added", self.added.len()),
            ("deprecated", self.deprecated.len()),
            ("hidden", self.hidden.len()),
            ("removed", self.removed.len()),
            ("changed", self.changed.len()),
        ]
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.counts().iter().all(|(_, n)| *n == 0)
    }
}

/// Where a metric stands on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not in the catalogue.
    Absent,
    /// In the catalogue, but its `since` is after the side's version.
    Unreleased,
    /// Released, with this status.
    At(Status),
}

fn state(m: Option<&Metric>, at: &Version) -> State {
    match m {
        None => State::Absent,
        Some(m) if m.since.as_ref().is_some_and(|s| *s > at.release()) => State::Unreleased,
        Some(m) => State::At(m.status_at(at)),
    }
}

/// The changelog from `old` to `new`.
pub fn diff(old: Side<'_>, new: Side<'_>) -> Changelog {
    let index = |c: &Catalogue| -> HashMap<String, usize> {
        c.metrics
            .iter()
            .enumerate()
            .map(|(i, m)| (m.full_name.clone(), i))
            .collect()
    };
    let old_index = index(old.catalogue);
    let new_index = index(new.catalogue);
    let versions = old.version.as_ref().zip(new.version.as_ref());
    let mut log = Changelog {
        old: SideInfo {
            name: old.name.to_owned(),
            version: old.version.clone(),
        },
        new: SideInfo {
            name: new.name.to_owned(),
            version: new.version.clone(),
        },
        by_version: versions.is_some(),
        show_hidden: new
            .version
            .as_ref()
            .and_then(|v| new.catalogue.show_hidden_value(v)),
        added: Vec::new(),
        deprecated: Vec::new(),
        hidden: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };

    // New metrics, in the new catalogue's order.
    for n in &new.catalogue.metrics {
        let o = old_index
            .get(&n.full_name)
            .map(|&i| &old.catalogue.metrics[i]);
        match versions {
            Some((ov, nv)) => {
                let before = state(o, ov);
                let after = state(Some(n), nv);
                let status = match after {
                    State::At(s) => s,
                    _ => continue,
                };
                let entry = MetricChange::of(n, Some(status), false);
                match before {
                    State::Absent | State::Unreleased => log.added.push(entry),
                    State::At(was) if status > was => match status {
                        Status::Deprecated => log.deprecated.push(entry),
                        Status::Hidden => log.hidden.push(entry),
                        Status::Removed => log.removed.push(entry),
                        Status::Active => {}
                    },
                    State::At(_) => {}
                }
            }
            None => match o {
                None => log.added.push(MetricChange::of(n, None, false)),
                Some(o) if o.schedule.deprecated.is_none() && n.schedule.deprecated.is_some() => {
                    log.deprecated.push(MetricChange::of(n, None, false));
                }
                Some(_) => {}
            },
        }
        if let Some(o) = o {
            let changes = changes(o, n, versions);
            if !changes.is_empty() {
                log.changed.push(Changed {
                    full_name: n.full_name.clone(),
                    changes,
                });
            }
        }
    }

    // Metrics deleted from the catalogue, in the old catalogue's order. A metric that was
    // already removed at the old version changes nothing for users.
    for o in &old.catalogue.metrics {
        if new_index.contains_key(&o.full_name) {
            continue;
        }
        if let Some((ov, _)) = versions
            && matches!(
                state(Some(o), ov),
                State::At(Status::Removed) | State::Unreleased
            )
        {
            continue;
        }
        log.removed.push(MetricChange::of(o, None, true));
    }
    log
}

/// What changed between `o` and `n`; with both versions, labels are compared as the series
/// carry them at each version (a label's history counts).
fn changes(o: &Metric, n: &Metric, versions: Option<(&Version, &Version)>) -> Vec<Change> {
    let mut out = Vec::new();
    if o.kind != n.kind {
        out.push(Change::Type {
            before: o.kind,
            after: n.kind,
        });
    }
    let names = |m: &Metric, at: Option<&Version>| -> Vec<String> {
        match at {
            Some(at) => m.labels_at(at).iter().map(|l| l.name.clone()).collect(),
            None => m.labels.iter().map(|l| l.name.clone()).collect(),
        }
    };
    let (before, after) = (
        names(o, versions.map(|v| v.0)),
        names(n, versions.map(|v| v.1)),
    );
    if before != after {
        out.push(Change::Labels { before, after });
    }
    if o.buckets != n.buckets {
        out.push(Change::Buckets {
            before: o.buckets.clone(),
            after: n.buckets.clone(),
        });
    }
    if o.unit != n.unit {
        out.push(Change::Unit {
            before: o.unit.clone(),
            after: n.unit.clone(),
        });
    }
    if o.help != n.help {
        out.push(Change::Help {
            before: o.help.clone(),
            after: n.help.clone(),
        });
    }
    if o.stability != n.stability {
        out.push(Change::Stability {
            before: o.stability,
            after: n.stability,
        });
    }
    out
}
