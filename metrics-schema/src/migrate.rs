//! Migration of rule files and dashboards (`schema migrate`): references to metrics that
//! are deprecated, hidden or removed at a version are rewritten to their replacement when
//! the replacement is a rename — same type, same labels, active at the version. The file's
//! text is edited in place, name by name, so everything else stays as written; the result
//! is read back and checked before it is handed out.

use similar::TextDiff;

use crate::lifecycle::{Status, Version};
use crate::promql::Expression;
use crate::refs::dashboard_file::DashboardFile;
use crate::refs::rule_file::RuleFile;
use crate::refs::{CheckedFile, FileError, Resolver, Target, check_file};
use crate::source::{Source, Span};

/// The kind of file to migrate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A Prometheus rule file (YAML).
    Rules,
    /// A Grafana dashboard (JSON).
    Dashboard,
}

impl FileKind {
    /// The file's expressions, and the names its recording rules record.
    pub fn read(self, name: &str, text: &str) -> Result<(Vec<Expression>, Vec<String>), FileError> {
        match self {
            FileKind::Rules => {
                let file = RuleFile::read(name, text)?;
                let recorded = file.recorded().map(str::to_owned).collect();
                Ok((file.expressions(), recorded))
            }
            FileKind::Dashboard => Ok((DashboardFile::read(name, text)?.expressions, Vec::new())),
        }
    }
}

/// One reference rewritten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    /// The old name.
    pub from: String,
    /// The new name.
    pub to: String,
    /// 1-based line of the old name in the original file.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// The result of a migration.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The original text.
    pub original: String,
    /// The rewritten text (the original when nothing was rewritten).
    pub text: String,
    /// The references rewritten, in file order.
    pub rewrites: Vec<Rewrite>,
    /// The problems the rewritten file still has at the version (references that are not
    /// renames, unknown names, ...), with positions in the rewritten text.
    pub remaining: CheckedFile,
}

impl Migration {
    /// The change as a unified diff (`--- <name>`, `+++ <name>`, which `patch -p0`
    /// applies); empty when nothing changed.
    pub fn diff(&self) -> String {
        if self.original == self.text {
            return String::new();
        }
        let name = self.remaining.source.name();
        TextDiff::from_lines(&self.original, &self.text)
            .unified_diff()
            .context_radius(3)
            .header(name, name)
            .to_string()
    }
}

/// Rewrites the file `text` of kind `kind`, named `name`, for the catalogue of `resolver`
/// at `at`. A rule file's own recording rules are known names.
pub fn migrate(
    resolver: &Resolver<'_>,
    kind: FileKind,
    name: &str,
    text: &str,
    at: &Version,
) -> Result<Migration, FileError> {
    let (exprs, recorded) = kind.read(name, text)?;
    let mut resolver = resolver.clone();
    for r in &recorded {
        resolver.add_record(r);
    }
    let original = Source::new(name, text);
    let mut edits: Vec<(Span, String)> = Vec::new();
    for expr in &exprs {
        let Ok(refs) = &expr.references else {
            continue;
        };
        for r in refs.iter().filter(|r| r.exact) {
            let Target::Sample { metric, .. } = resolver.resolve(&r.name) else {
                continue;
            };
            if metric.status_at(at) == Status::Active {
                continue;
            }
            if let Some(new) = resolver.renamed(metric, &r.name, at) {
                edits.push((r.span, new));
            }
        }
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut copied = 0;
    let mut rewrites = Vec::with_capacity(edits.len());
    for (span, new) in &edits {
        out.push_str(&text[copied..span.start]);
        out.push_str(new);
        copied = span.end;
        let position = original.position(span.start);
        rewrites.push(Rewrite {
            from: text[span.range()].to_owned(),
            to: new.clone(),
            line: position.line,
            column: position.column,
        });
    }
    out.push_str(&text[copied..]);

    // Read the result back: the same expressions, with exactly the renamed names changed.
    let (new_exprs, _) = kind.read(name, &out).map_err(|e| FileError {
        location: e.location,
        message: format!(
            "the rewritten file does not read back ({}); nothing written",
            e.message
        ),
    })?;
    let renamed = |name: &str| {
        rewrites
            .iter()
            .find(|r| r.from == name)
            .map_or_else(|| name.to_owned(), |r| r.to.clone())
    };
    let names = |e: &Expression| -> Option<Vec<String>> {
        e.references
            .as_ref()
            .ok()
            .map(|refs| refs.iter().map(|r| r.name.clone()).collect())
    };
    let consistent = exprs.len() == new_exprs.len()
        && exprs.iter().zip(&new_exprs).all(|(old, new)| {
            names(old).map(|v| v.iter().map(|n| renamed(n)).collect::<Vec<_>>()) == names(new)
        });
    if !consistent {
        return Err(FileError {
            location: name.to_owned(),
            message:
                "rewriting the names would change the expressions in another way; nothing written"
                    .to_owned(),
        });
    }
    let remaining = check_file(&resolver, Source::new(name, out.as_str()), &new_exprs, at);
    Ok(Migration {
        original: text.to_owned(),
        text: out,
        rewrites,
        remaining,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, check};

    const CATALOGUE: &str = r#"
[catalogue]
namespace = "app"
separator = ":"
allow = ["name-colon"]
stability = "stable"

[labels.engine]
max_values = 4

[[metric]]
name = "gpu_usage"
type = "gauge"
help = "Old."
labels = ["engine"]
deprecated = "0.10"
replaced_by = "usage"

[[metric]]
name = "usage"
type = "gauge"
help = "New."
labels = ["engine"]

[[metric]]
name = "old_latency_seconds"
type = "histogram"
unit = "seconds"
help = "Old."
labels = ["engine"]
buckets = [1]
deprecated = "0.10"
replaced_by = "latency_seconds"

[[metric]]
name = "latency_seconds"
type = "histogram"
unit = "seconds"
help = "New."
labels = ["engine"]
buckets = [1]

[[metric]]
name = "old_requests"
type = "counter"
help = "Old."
deprecated = "0.10"
replaced_by = "requests"

[[metric]]
name = "requests"
type = "counter"
help = "New, with a label."
labels = ["engine"]
"#;

    #[test]
    fn renames_are_rewritten_and_the_rest_is_reported() {
        let checked = check(CATALOGUE, "m.toml", &Options::default());
        assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
        let cat = checked.catalogue.unwrap();
        let resolver = Resolver::new(&cat);
        let at = Version::parse("0.12.0").unwrap();
        let text = "groups:\n  - name: g\n    rules:\n      - alert: A  # kept comment\n        expr: app:gpu_usage > 0.9 or histogram_quantile(0.9, rate(app:old_latency_seconds_bucket[5m])) > 1\n      - record: app:x\n        expr: 'sum(rate(app:old_requests_total[5m])) + app:x'\n";
        let m = migrate(&resolver, FileKind::Rules, "r.yml", text, &at).unwrap();
        assert_eq!(
            m.text,
            text.replace("app:gpu_usage", "app:usage").replace(
                "app:old_latency_seconds_bucket",
                "app:latency_seconds_bucket"
            )
        );
        assert_eq!(
            m.rewrites
                .iter()
                .map(|r| (r.from.as_str(), r.to.as_str(), r.line, r.column))
                .collect::<Vec<_>>(),
            [
                ("app:gpu_usage", "app:usage", 5, 15),
                (
                    "app:old_latency_seconds_bucket",
                    "app:latency_seconds_bucket",
                    5,
                    67
                ),
            ]
        );
        // The counter's replacement has another label: not a rename, still reported.
        let left: Vec<&str> = m.remaining.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(left, ["removed-metric-reference"]);
        assert!(
            m.remaining.diagnostics[0]
                .help
                .as_deref()
                .unwrap()
                .contains("not a plain rename"),
            "{:?}",
            m.remaining.diagnostics[0].help
        );
        let diff = m.diff();
        assert!(diff.starts_with("--- r.yml\n+++ r.yml\n"), "{diff}");
        assert!(
            diff.contains("\n-        expr: app:gpu_usage > 0.9"),
            "{diff}"
        );
        assert!(diff.contains("\n+        expr: app:usage > 0.9"), "{diff}");
    }

    #[test]
    fn active_metrics_and_foreign_names_are_left_alone() {
        let cat = check(CATALOGUE, "m.toml", &Options::default())
            .catalogue
            .unwrap();
        let resolver = Resolver::new(&cat);
        // At 0.9 nothing is deprecated yet.
        let at = Version::parse("0.9.0").unwrap();
        let text = r#"{"panels": [{"targets": [{"expr": "app:gpu_usage{engine=~\"$engine\"} + other:gpu_usage"}]}]}"#;
        let m = migrate(&resolver, FileKind::Dashboard, "d.json", text, &at).unwrap();
        assert!(m.rewrites.is_empty());
        assert_eq!(m.text, text);
        assert_eq!(m.diff(), "");
        // At 0.10 the dashboard's reference is rewritten, inside the JSON string.
        let at = Version::parse("0.10.0").unwrap();
        let m = migrate(&resolver, FileKind::Dashboard, "d.json", text, &at).unwrap();
        assert_eq!(m.text, text.replace("app:gpu_usage{", "app:usage{"));
        assert!(m.remaining.diagnostics.is_empty());
    }
}
