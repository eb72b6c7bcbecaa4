//! Shared by the `catalogue_*` tests: an OpenMetrics exposition parser that keeps label
//! order, and the facts about vLLM's metrics read from the shared facts file.

#![allow(dead_code)]

use std::collections::BTreeMap;

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub name: String,
    /// Label pairs in exposition order.
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

/// One family of an exposition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Family {
    pub kind: String,
    pub help: String,
    pub unit: String,
    pub samples: Vec<Line>,
}

impl Family {
    /// Label names of the samples named `sample`, without `le`; panics if samples disagree.
    pub fn label_names(&self, sample: &str) -> Vec<String> {
        let mut names: Option<Vec<String>> = None;
        for s in self.samples.iter().filter(|s| s.name == sample) {
            let these: Vec<String> = s
                .labels
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| k != "le")
                .collect();
            if let Some(previous) = &names {
                assert_eq!(previous, &these, "label names differ within {sample}");
            }
            names = Some(these);
        }
        names.unwrap_or_default()
    }

    /// The finite `le` bounds of the first series' `_bucket` samples, in order.
    pub fn bucket_bounds(&self, family: &str) -> Vec<f64> {
        let bucket = format!("{family}_bucket");
        let mut bounds = Vec::new();
        let mut first_labels: Option<Vec<(String, String)>> = None;
        for s in self.samples.iter().filter(|s| s.name == bucket) {
            let others: Vec<(String, String)> = s
                .labels
                .iter()
                .filter(|(k, _)| k != "le")
                .cloned()
                .collect();
            match &first_labels {
                None => first_labels = Some(others),
                Some(first) if *first != others => continue,
                Some(_) => {}
            }
            let le = s
                .labels
                .iter()
                .find(|(k, _)| k == "le")
                .map(|(_, v)| v.clone())
                .expect("bucket without le");
            if le != "+Inf" {
                bounds.push(le.parse().expect("le is a number"));
            }
        }
        bounds
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_labels(text: &str) -> Vec<(String, String)> {
    let mut labels = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let eq = rest.find("=\"").expect("label name then =\"");
        let name = rest[..eq].to_owned();
        let body = &rest[eq + 2..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.expect("closing quote");
        labels.push((name, unescape(&body[..end])));
        rest = body[end + 1..].trim_start_matches(',');
    }
    labels
}

/// Parses an OpenMetrics exposition into families keyed by family name. Samples are
/// attached to the family declared by the last `# TYPE` line.
pub fn parse_openmetrics(text: &str) -> BTreeMap<String, Family> {
    assert!(text.ends_with("# EOF\n"), "no # EOF at the end");
    assert_eq!(text.matches("# EOF").count(), 1, "one # EOF");
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    let mut current = String::new();
    for line in text.lines() {
        if line == "# EOF" {
            break;
        }
        if let Some(meta) = line.strip_prefix("# ") {
            let mut parts = meta.splitn(3, ' ');
            let (what, name, rest) = (
                parts.next().unwrap_or(""),
                parts.next().unwrap_or("").to_owned(),
                parts.next().unwrap_or("").to_owned(),
            );
            let family = families.entry(name.clone()).or_default();
            match what {
                "TYPE" => {
                    family.kind = rest;
                    current = name;
                }
                "HELP" => family.help = unescape(&rest),
                "UNIT" => family.unit = rest,
                other => panic!("unknown metadata line {other}: {line}"),
            }
            continue;
        }
        let (head, value) = line.rsplit_once(' ').expect("sample value");
        let (name, labels) = match head.split_once('{') {
            Some((name, labels)) => (
                name.to_owned(),
                parse_labels(labels.strip_suffix('}').expect("closing brace")),
            ),
            None => (head.to_owned(), Vec::new()),
        };
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().expect("numeric sample value"),
        };
        families
            .get_mut(&current)
            .expect("sample before any # TYPE")
            .samples
            .push(Line {
                name,
                labels,
                value,
            });
    }
    families
}

/// One row of the facts file's tables.
#[derive(Clone, Debug)]
pub struct Fact {
    pub name: String,
    pub kind: String,
    pub labels: Vec<String>,
    pub help: String,
    pub buckets: Vec<f64>,
    pub lifecycle: String,
}

impl Fact {
    /// The release the facts say removed the metric, if any.
    pub fn removed(&self) -> Option<String> {
        self.lifecycle
            .split(';')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("removed "))
            .map(str::to_owned)
    }

    /// The release the facts say deprecated the metric, written `X.Y.Z`, if any.
    pub fn deprecated(&self) -> Option<String> {
        self.lifecycle
            .split(';')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("deprecated "))
            .map(|v| match v.matches('.').count() {
                1 => format!("{v}.0"),
                _ => v.to_owned(),
            })
    }

    /// The release the facts say introduced the metric, if they say (none: 0.4.0 or earlier).
    pub fn since(&self) -> Option<String> {
        self.lifecycle
            .split(';')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("since "))
            .map(str::to_owned)
    }

    /// True when the metric exists at `version` by the facts: introduced, not removed.
    pub fn exists_at(&self, version: &str) -> bool {
        let at = version_key(version);
        self.since().is_none_or(|s| version_key(&s) <= at)
            && self.removed().is_none_or(|r| version_key(&r) > at)
    }

    /// The replacement the facts name, if any.
    pub fn replaced_by(&self) -> Option<String> {
        self.lifecycle
            .split(';')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("replaced by "))
            .map(str::to_owned)
    }
}

/// The metrics of `tests/fixtures/vllm-metrics-facts.md`, the project's record of vLLM's real
/// metrics (kept in the repository so that a clean clone can run the test).
pub fn vllm_facts() -> Option<Vec<Fact>> {
    let path = metrics_schema_tests::workspace_root().join("tests/fixtures/vllm-metrics-facts.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let facts: Vec<Fact> = text
        .lines()
        .filter(|l| l.starts_with("| vllm:"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 6, "six columns: {line}");
            let list = |s: &str| -> Vec<String> {
                s.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            Fact {
                name: cells[0].to_owned(),
                kind: cells[1].to_owned(),
                labels: list(cells[2]),
                help: cells[3].to_owned(),
                buckets: list(cells[4])
                    .iter()
                    .map(|b| b.parse().expect("bucket bound"))
                    .collect(),
                lifecycle: cells[5].to_owned(),
            }
        })
        .collect();
    assert!(facts.len() >= 25, "the facts file lists vLLM's metrics");
    Some(facts)
}

/// Compares release versions written `X.Y` or `X.Y.Z`.
pub fn version_key(v: &str) -> (u64, u64, u64) {
    let mut parts = v
        .split('.')
        .map(|p| p.parse::<u64>().expect("numeric version"));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}
