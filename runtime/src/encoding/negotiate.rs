//! Content negotiation: which exposition format an HTTP `Accept` header asks for.

use super::Format;

/// The format chosen for an `Accept` header, with the `Content-Type` to answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// The format to encode.
    pub format: Format,
    /// The response's `Content-Type`.
    pub content_type: &'static str,
}

pub use crate::lifecycle::exposition::{OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE};
const OPENMETRICS_0_0_1_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=0.0.1; charset=utf-8";

const TEXT: Negotiated = Negotiated {
    format: Format::Text,
    content_type: TEXT_CONTENT_TYPE,
};

/// Picks the format for an HTTP `Accept` header, as Prometheus' own clients do.
///
/// Media ranges are ranked by `q` (default 1; `q=0` means "not acceptable"), then by
/// specificity, then by order. `application/openmetrics-text` with `version=1.0.0`,
/// `0.0.1` or no version selects OpenMetrics; `text/plain` with `version=0.0.4` or no
/// version, and the wildcards `*/*` and `text/*`, select the text format. Other
/// parameters (`charset`, `escaping`) are ignored: every name this runtime writes is a
/// legacy Prometheus name, valid under any escaping scheme. When nothing matches — or the
/// header is absent or malformed — the answer is the text format, which every scraper
/// reads.
///
/// ```
/// use metrics_schema_runtime::{negotiate, Format};
///
/// // What Prometheus 2.x sends.
/// let accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
///               version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(negotiate(Some(accept)).format, Format::OpenMetrics);
/// assert_eq!(negotiate(Some("text/plain")).format, Format::Text);
/// assert_eq!(negotiate(None).format, Format::Text);
/// ```
pub fn negotiate(accept: Option<&str>) -> Negotiated {
    let Some(accept) = accept else {
        return TEXT;
    };
    let mut best: Option<(u32, u8, Negotiated)> = None;
    for range in accept.split(',') {
        let Some((q, specificity, choice)) = parse_range(range) else {
            continue;
        };
        if q == 0 {
            continue;
        }
        if best.is_none_or(|(bq, bs, _)| (q, specificity) > (bq, bs)) {
            best = Some((q, specificity, choice));
        }
    }
    best.map_or(TEXT, |(_, _, choice)| choice)
}

/// One media range: its q-value in thousandths, its specificity and the format it
/// selects; `None` when it selects nothing this runtime writes.
fn parse_range(range: &str) -> Option<(u32, u8, Negotiated)> {
    let mut parts = range.split(';');
    let media = parts.next()?.trim();
    let (ty, sub) = media.split_once('/')?;
    let (ty, sub) = (ty.trim(), sub.trim());
    let mut q = 1000;
    let mut version = None;
    for param in parts {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "q" => q = parse_q(value)?,
            "version" => version = Some(value),
            _ => {}
        }
    }
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let choice = if eq(ty, "application") && eq(sub, "openmetrics-text") {
        let content_type = match version {
            None | Some("1.0.0") => OPENMETRICS_CONTENT_TYPE,
            Some("0.0.1") => OPENMETRICS_0_0_1_CONTENT_TYPE,
            Some(_) => return None,
        };
        (
            3,
            Negotiated {
                format: Format::OpenMetrics,
                content_type,
            },
        )
    } else if eq(ty, "text") && eq(sub, "plain") {
        match version {
            None | Some("0.0.4") => (3, TEXT),
            Some(_) => return None,
        }
    } else if eq(ty, "text") && sub == "*" {
        (2, TEXT)
    } else if ty == "*" && sub == "*" {
        (1, TEXT)
    } else {
        return None;
    };
    Some((q, choice.0, choice.1))
}

/// A q-value (`0` to `1`, up to three decimals) in thousandths.
fn parse_q(value: &str) -> Option<u32> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    let mut thousandths = 0;
    for (i, b) in frac.bytes().enumerate() {
        thousandths += u32::from(b - b'0') * [100, 10, 1][i];
    }
    let q = whole + thousandths;
    (q <= 1000).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Negotiated {
        negotiate(Some(accept))
    }

    #[test]
    fn prometheus_accept_headers() {
        // Prometheus 2.x (Debian's 2.42) with OpenMetrics negotiation.
        let p2 = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                  version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(pick(p2).content_type, OPENMETRICS_CONTENT_TYPE);
        // Prometheus 2.x scraping with the text format preferred.
        let p2_text = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
        assert_eq!(pick(p2_text), TEXT);
        // Prometheus 3.x default scrape protocols.
        let p3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,\
                  application/openmetrics-text;version=0.0.1;q=0.4,\
                  text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,\
                  text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
        assert_eq!(pick(p3).format, Format::OpenMetrics);
        assert_eq!(pick(p3).content_type, OPENMETRICS_CONTENT_TYPE);
        // Prometheus 3.x asking for the text format first: its version 1.0.0 is not
        // ours, so the 0.0.4 entry wins.
        let p3_text = "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.9,\
                       text/plain;version=0.0.4;q=0.8,*/*;q=0.1";
        assert_eq!(pick(p3_text), TEXT);
    }

    #[test]
    fn q_values_rank() {
        let accept = "text/plain;q=0.9, application/openmetrics-text;q=0.95";
        assert_eq!(pick(accept).format, Format::OpenMetrics);
        let accept = "text/plain, application/openmetrics-text;q=0.5";
        assert_eq!(pick(accept).format, Format::Text);
        let accept = "application/openmetrics-text;version=0.0.1";
        assert_eq!(pick(accept).content_type, OPENMETRICS_0_0_1_CONTENT_TYPE);
        // Equal q: the more specific range wins over a wildcard listed first.
        let accept = "*/*, application/openmetrics-text";
        assert_eq!(pick(accept).format, Format::OpenMetrics);
        // Equal q and specificity: the first listed wins.
        let accept = "application/openmetrics-text, text/plain";
        assert_eq!(pick(accept).format, Format::OpenMetrics);
        let accept = "text/plain, application/openmetrics-text";
        assert_eq!(pick(accept).format, Format::Text);
        // q=0 refuses.
        let accept = "application/openmetrics-text;q=0, text/plain;q=0.1";
        assert_eq!(pick(accept).format, Format::Text);
        let accept = "APPLICATION/OpenMetrics-Text; Version=\"1.0.0\"; Q=0.5";
        assert_eq!(pick(accept).format, Format::OpenMetrics);
    }

    #[test]
    fn unusable_headers_fall_back_to_text() {
        for accept in [
            "",
            "application/json",
            "application/openmetrics-text;version=2.0.0",
            "application/openmetrics-text;q=2",
            "application/openmetrics-text;q=abc",
            "application/openmetrics-text;q=0.0001",
            ";;;,,,",
            "garbage",
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
        ] {
            assert_eq!(pick(accept), TEXT, "{accept:?}");
        }
    }

    #[test]
    fn q_parsing() {
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("1.001"), None);
        assert_eq!(parse_q("0.5"), Some(500));
        assert_eq!(parse_q("0.75"), Some(750));
        assert_eq!(parse_q("0"), Some(0));
        assert_eq!(parse_q("0."), Some(0));
        assert_eq!(parse_q("-0.5"), None);
    }
}
