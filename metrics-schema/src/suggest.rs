//! "Did you mean" suggestions.
//!
//! Metric suggestions follow the lifecycle: a metric hidden or removed at the evaluated
//! version is never proposed, and a metric with a `replaced_by` chain stands for the
//! chain's active end ([`standing_in`], [`closest_metric`]).

use crate::catalogue::{Catalogue, Metric};
use crate::lifecycle::{Status, Version};

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean `x`?`, or nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The metric to propose for `m` at `at`: `m` itself while it is active; else the first
/// active metric of its `replaced_by` chain; else the chain's end if it is still exposed
/// (deprecated); `None` when the end is hidden or removed at `at`. Without a version, the
/// chain is followed through deprecated metrics and nothing is refused.
pub(crate) fn standing_in<'a>(
    cat: &'a Catalogue,
    m: &'a Metric,
    at: Option<&Version>,
) -> Option<&'a Metric> {
    let status = |m: &Metric| at.map(|at| m.status_at(at));
    let mut current = m;
    // A chain is at most as long as the catalogue (cycles are lint errors).
    for _ in 0..cat.metrics.len() {
        let retired = match status(current) {
            Some(status) => status != Status::Active,
            None => current.schedule.deprecated.is_some(),
        };
        if !retired {
            return Some(current);
        }
        match current.replaced_by.as_deref().and_then(|n| cat.metric(n)) {
            Some(next) if next.name != m.name && next.name != current.name => current = next,
            _ => break,
        }
    }
    match status(current) {
        Some(Status::Hidden | Status::Removed) => None,
        _ => Some(current),
    }
}

/// A metric proposed for a misspelled or unknown name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MetricProposal<'a> {
    /// The candidate spelling closest to the word.
    pub(crate) spelling: &'a str,
    /// The metric that spelling names (`None`: a name that is no metric, such as a
    /// recorded series).
    pub(crate) matched: Option<&'a Metric>,
    /// The metric to propose: `matched`, or the active end of its `replaced_by` chain.
    pub(crate) proposed: Option<&'a Metric>,
}

impl MetricProposal<'_> {
    /// True when the proposal is the replacement of the metric the word resembles.
    pub(crate) fn is_replacement(&self) -> bool {
        match (self.matched, self.proposed) {
            (Some(a), Some(b)) => a.name != b.name,
            _ => false,
        }
    }
}

/// The proposal for `word` among `candidates` (a spelling each, with the metric it names,
/// if any) at `at`: the closest spelling whose metric [stands in](standing_in) for
/// something, with that stand-in, so that a hidden or removed metric is never proposed and
/// a replaced one gives way to its replacement rather than to another similar spelling.
/// `avoid` is a metric never to propose (the one asking).
pub(crate) fn closest_metric<'a>(
    cat: &'a Catalogue,
    word: &str,
    candidates: impl IntoIterator<Item = (&'a str, Option<&'a Metric>)>,
    at: Option<&Version>,
    avoid: Option<&str>,
) -> Option<MetricProposal<'a>> {
    let mut scored: Vec<(f64, &'a str, Option<&'a Metric>)> = candidates
        .into_iter()
        .map(|(c, m)| (strsim::jaro_winkler(word, c), c, m))
        .filter(|(score, _, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().find_map(|(_, spelling, matched)| {
        let proposed = match matched {
            Some(m) => Some(standing_in(cat, m, at)?),
            None => None,
        };
        if proposed.is_some_and(|p| Some(p.name.as_str()) == avoid) {
            return None;
        }
        Some(MetricProposal {
            spelling,
            matched,
            proposed,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_suggested_and_strangers_are_not() {
        let keys = ["name", "type", "help", "labels", "buckets"];
        assert_eq!(closest("helpp", keys), Some("help"));
        assert_eq!(closest("lables", keys), Some("labels"));
        assert_eq!(closest("metric", ["metric", "labels"]), Some("metric"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(
            did_you_mean("bucket", keys).as_deref(),
            Some("did you mean `buckets`?")
        );
    }
}
