//! Names: validity, exposed family and sample names, identifiers for label values.

use super::Metric;

/// The collision key of a closed label value: its alphanumeric characters, lower-cased.
/// Two values of one label with the same key are an `invalid-label-values` error
/// (`"GPU-to-CPU"` and `"gpu_to_cpu"` both give `"gputocpu"`).
pub fn value_key(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The Rust identifier generated for a closed label value: its ASCII alphanumeric runs in
/// UpperCamelCase (`"gpu_to_cpu"` -> `GpuToCpu`, `"stop"` -> `Stop`), prefixed with `N` when
/// it would start with a digit (`"0"` -> `N0`). `None` when the value has no ASCII letter or
/// digit, or has other non-ASCII alphanumeric characters, since no identifier can be made.
pub fn value_identifier(value: &str) -> Option<String> {
    if value
        .chars()
        .any(|c| c.is_alphanumeric() && !c.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut ident = String::with_capacity(value.len() + 1);
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            ident.push(first.to_ascii_uppercase());
            ident.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if ident.is_empty() {
        return None;
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'N');
    }
    if ident == "Self" {
        ident.push('_');
    }
    Some(ident)
}

/// The names one metric produces when exposed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExposedNames {
    /// The family name (`# TYPE` in OpenMetrics): the full name.
    pub family: String,
    /// The sample names.
    pub samples: Vec<String>,
}

impl ExposedNames {
    /// The family name and every sample name, without repetition. Two metrics of one
    /// catalogue must not share any of these (`duplicate-metric`).
    pub fn all(&self) -> impl Iterator<Item = &str> {
        let family = std::iter::once(self.family.as_str());
        let samples = self
            .samples
            .iter()
            .map(String::as_str)
            .filter(move |s| *s != self.family);
        family.chain(samples)
    }
}

impl Metric {
    /// The family and sample names of this metric (see
    /// [`MetricType::sample_suffixes`](crate::lifecycle::MetricType::sample_suffixes)):
    ///
    /// - counter: family `full`, sample `full_total`;
    /// - gauge: family and sample `full`;
    /// - histogram: family `full`, samples `full_bucket`, `full_sum`, `full_count`;
    /// - info: family `full`, sample `full_info` (value 1).
    ///
    /// `_created` series are not emitted.
    pub fn exposed_names(&self) -> ExposedNames {
        let full = &self.full_name;
        let samples = self
            .kind
            .sample_suffixes()
            .iter()
            .map(|s| format!("{full}{s}"))
            .collect();
        ExposedNames {
            family: full.clone(),
            samples,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_keys_and_identifiers() {
        assert_eq!(value_key("GPU-to-CPU"), value_key("gpu_to_cpu"));
        assert_eq!(value_identifier("GPU-to-CPU").as_deref(), Some("GpuToCpu"));
        assert_eq!(value_identifier("gpu_to_cpu").as_deref(), Some("GpuToCpu"));
        assert_eq!(value_identifier("stop").as_deref(), Some("Stop"));
        assert_eq!(value_identifier("0").as_deref(), Some("N0"));
        assert_eq!(value_identifier("12-b").as_deref(), Some("N12B"));
        assert_eq!(value_identifier("self").as_deref(), Some("Self_"));
        assert_eq!(value_identifier("-"), None);
        assert_eq!(value_identifier("ü"), None);
        assert_eq!(value_identifier(""), None);
    }
}
