//! "Did you mean" suggestions.

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
