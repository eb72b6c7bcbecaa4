//! The deprecation notice carried by the HELP text of deprecated and re-enabled hidden
//! metrics. One implementation, so that exposition, generated docs and rustdoc agree.

use crate::Version;

/// The notice for a metric deprecated in `deprecated`, e.g.
/// `DEPRECATED since 0.10.0: use vllm:kv_cache_usage_perc instead. Same value, new name.`
///
/// `replacement` is the name users query the replacement by,
/// [`MetricType::queried_name`](crate::exposition::MetricType::queried_name) (a counter's
/// `_total` name); `note` a free-form migration hint.
pub fn deprecation_notice(
    deprecated: &Version,
    replacement: Option<&str>,
    note: Option<&str>,
) -> String {
    let mut notice = format!("DEPRECATED since {deprecated}");
    match replacement {
        Some(name) => {
            notice.push_str(": use ");
            notice.push_str(name);
            notice.push_str(" instead.");
        }
        None => notice.push('.'),
    }
    if let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) {
        notice.push(' ');
        notice.push_str(note);
    }
    notice
}

/// `help` followed by the deprecation notice, separated by one space.
pub fn help_with_notice(help: &str, notice: &str) -> String {
    let help = help.trim_end();
    if help.is_empty() {
        notice.to_owned()
    } else {
        format!("{help} {notice}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_with_replacement_and_note() {
        let d = Version::new(0, 10, 0);
        let notice = deprecation_notice(
            &d,
            Some("vllm:kv_cache_usage_perc"),
            Some(" Same value, new name. "),
        );
        assert_eq!(
            notice,
            "DEPRECATED since 0.10.0: use vllm:kv_cache_usage_perc instead. Same value, new name."
        );
        assert_eq!(
            help_with_notice("GPU KV-cache usage. ", &notice),
            format!("GPU KV-cache usage. {notice}")
        );
    }

    #[test]
    fn notice_without_replacement() {
        let notice = deprecation_notice(&Version::new(1, 2, 3), None, Some(""));
        assert_eq!(notice, "DEPRECATED since 1.2.3.");
    }
}
