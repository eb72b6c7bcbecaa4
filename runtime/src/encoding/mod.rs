//! The Prometheus text format 0.0.4 and OpenMetrics 1.0.0.
//!
//! Metric types know nothing about text: a family pre-renders its header lines, sample
//! names, `le` labels and (per series, once) its label text here, and encoding a scrape
//! only copies those bytes and formats numbers (see [`number`]).

pub(crate) mod negotiate;
pub(crate) mod number;

use crate::metric::Sample;
use crate::{MetricDesc, MetricType};
use number::{write_f64, write_u64};

pub use crate::lifecycle::Format;

/// Everything about a family that is rendered once, at construction.
#[derive(Debug)]
pub(crate) struct FamilyText {
    metric_type: MetricType,
    header_text: Box<[u8]>,
    header_om: Box<[u8]>,
    /// `<name>_total`, `<name>`, `<name>_bucket` or `<name>_info`.
    sample: Box<[u8]>,
    /// Histograms: `<name>_sum`, `<name>_count`.
    sum: Box<[u8]>,
    count: Box<[u8]>,
    /// Histograms: `le="0.5"} ` per bound, then `le="+Inf"} `, per format.
    le_text: Box<[Box<[u8]>]>,
    le_om: Box<[Box<[u8]>]>,
    /// OpenMetrics forbids `_sum` when a bucket bound is negative.
    negative_bounds: bool,
}

impl FamilyText {
    /// Renders a family's fixed text. `help` already carries any deprecation notice.
    pub(crate) fn new(desc: &MetricDesc, help: &str, bounds: &[f64]) -> Self {
        let name = desc.name;
        let ty = desc.metric_type;
        let text_family = format!("{name}{}", ty.family_suffix(Format::Text));
        let text_type = ty.type_word(Format::Text);
        let om_family = format!("{name}{}", ty.family_suffix(Format::OpenMetrics));
        let om_type = ty.type_word(Format::OpenMetrics);
        let mut header_text = Vec::new();
        header_text.extend_from_slice(b"# HELP ");
        header_text.extend_from_slice(text_family.as_bytes());
        header_text.push(b' ');
        escape_help(&mut header_text, help, false);
        header_text.extend_from_slice(format!("\n# TYPE {text_family} {text_type}\n").as_bytes());

        let mut header_om = Vec::new();
        header_om.extend_from_slice(format!("# HELP {om_family} ").as_bytes());
        escape_help(&mut header_om, help, true);
        header_om.extend_from_slice(format!("\n# TYPE {om_family} {om_type}\n").as_bytes());
        if let Some(unit) = desc.unit {
            header_om.extend_from_slice(format!("# UNIT {om_family} {unit}\n").as_bytes());
        }

        // `<name>_total`, `<name>`, `<name>_bucket` or `<name>_info`; histograms then
        // `_sum` and `_count`.
        let samples: Vec<String> = ty
            .sample_suffixes()
            .iter()
            .map(|s| format!("{name}{s}"))
            .collect();
        let sample_at = |i: usize| samples.get(i).cloned().unwrap_or_default();
        let le = |om: bool| -> Box<[Box<[u8]>]> {
            bounds
                .iter()
                .copied()
                .chain(std::iter::once(f64::INFINITY))
                .map(|b| {
                    let mut v = b"le=\"".to_vec();
                    write_f64(&mut v, b, om);
                    v.extend_from_slice(b"\"} ");
                    v.into_boxed_slice()
                })
                .collect()
        };
        let histogram = ty == MetricType::Histogram;
        FamilyText {
            metric_type: ty,
            header_text: header_text.into(),
            header_om: header_om.into(),
            sample: sample_at(0).into_bytes().into(),
            sum: sample_at(1).into_bytes().into(),
            count: sample_at(2).into_bytes().into(),
            le_text: if histogram { le(false) } else { Box::new([]) },
            le_om: if histogram { le(true) } else { Box::new([]) },
            negative_bounds: bounds.iter().any(|&b| b < 0.0),
        }
    }

    /// Writes the `# HELP` / `# TYPE` (/ `# UNIT`) lines.
    pub(crate) fn write_header(&self, out: &mut Vec<u8>, format: Format) {
        out.extend_from_slice(match format {
            Format::Text => &self.header_text,
            Format::OpenMetrics => &self.header_om,
        });
    }

    /// The sample name of counters (`<name>_total`), gauges and info (`<name>_info`).
    pub(crate) fn sample_name(&self) -> &str {
        // Built from `&str` pieces in `new`.
        std::str::from_utf8(&self.sample).unwrap_or_default()
    }

    /// Writes the sample lines of one series. For counters, gauges and info `text` is the
    /// pre-rendered line start, `<sample name>{labels} `; for histograms it is the label
    /// set (see [`render_labels`]) and `buckets` holds the non-cumulative counts.
    #[inline]
    pub(crate) fn write_series(
        &self,
        out: &mut Vec<u8>,
        format: Format,
        text: &str,
        sample: Sample,
        buckets: &[u64],
    ) {
        let om = format == Format::OpenMetrics;
        let labels = text;
        match sample {
            Sample::Counter { .. } | Sample::Gauge(_) | Sample::Info(true) => {
                out.extend_from_slice(text.as_bytes());
                write_value(out, format, sample);
            }
            Sample::Info(false) => {}
            Sample::Histogram { sum, count } => {
                let les = if om { &self.le_om } else { &self.le_text };
                // `{a="x",` or `{`: the series' labels, opened for `le`.
                let open = labels.strip_suffix('}').unwrap_or("{");
                let mut cumulative = 0u64;
                for (le, n) in les.iter().zip(buckets) {
                    cumulative += n;
                    out.extend_from_slice(&self.sample);
                    out.extend_from_slice(open.as_bytes());
                    if open.len() > 1 {
                        out.push(b',');
                    }
                    out.extend_from_slice(le);
                    write_u64(out, cumulative);
                    out.push(b'\n');
                }
                // OpenMetrics forbids a negative or NaN _sum, _sum with negative buckets,
                // and _count without _sum: leave both out there.
                if om && (self.negative_bounds || sum.is_nan() || sum < 0.0) {
                    return;
                }
                out.extend_from_slice(&self.sum);
                out.extend_from_slice(labels.as_bytes());
                out.push(b' ');
                write_f64(out, sum, om);
                out.push(b'\n');
                out.extend_from_slice(&self.count);
                out.extend_from_slice(labels.as_bytes());
                out.push(b' ');
                write_u64(out, count);
                out.push(b'\n');
            }
        }
    }

    /// Whether a series with `sample` has a line: info series only once set.
    pub(crate) fn has_line(sample: Sample) -> bool {
        !matches!(sample, Sample::Info(false))
    }

    /// The metric type.
    pub(crate) fn metric_type(&self) -> MetricType {
        self.metric_type
    }
}

/// Writes the value and end of the line of a counter, gauge or (set) info series, whose
/// line start (`name{labels} `) the caller wrote.
#[inline]
pub(crate) fn write_value(out: &mut Vec<u8>, format: Format, sample: Sample) {
    let om = format == Format::OpenMetrics;
    match sample {
        Sample::Counter { int, float } => {
            if float == 0.0 {
                write_u64(out, int);
            } else {
                write_f64(out, int as f64 + float, om);
            }
        }
        Sample::Gauge(v) => write_f64(out, v, om),
        Sample::Info(_) => out.push(b'1'),
        Sample::Histogram { .. } => debug_assert!(false, "histograms have several lines"),
    }
    out.push(b'\n');
}

/// Whether a label value changes when escaped.
pub(crate) fn needs_escape(value: &str) -> bool {
    value.bytes().any(|b| matches!(b, b'\\' | b'"' | b'\n'))
}

/// Appends an open label value, escaped, to an exposition.
#[inline]
pub(crate) fn write_escaped_label_value(out: &mut Vec<u8>, value: &str) {
    if needs_escape(value) {
        let mut escaped = String::with_capacity(value.len() + 2);
        escape_label_value(&mut escaped, value);
        out.extend_from_slice(escaped.as_bytes());
    } else {
        write_short(out, value.as_bytes());
    }
}

/// Appends `bytes`, inline when short: label values and the ends of label sets are a few
/// bytes, and a call to `memcpy` for each costs more than the copy.
#[inline(always)]
pub(crate) fn write_short(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() <= 16 {
        out.extend(bytes.iter().copied());
    } else {
        out.extend_from_slice(bytes);
    }
}

/// The label set `{name="value",…}` cut where open values go: for labels whose value is
/// `None` (open), the text before and after the value become separate pieces, so there
/// is one more piece than open labels. Closed values are escaped; without labels the one
/// piece is empty.
pub(crate) fn render_label_pieces<'a>(
    labels: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut out = String::new();
    let mut any = false;
    for (name, value) in labels {
        out.push(if any { ',' } else { '{' });
        any = true;
        out.push_str(name);
        out.push_str("=\"");
        match value {
            Some(value) => escape_label_value(&mut out, value),
            None => pieces.push(std::mem::take(&mut out)),
        }
        out.push('"');
    }
    if any {
        out.push('}');
    }
    pieces.push(out);
    pieces
}

/// Appends an open label value, escaped: a copy when there is nothing to escape.
#[inline]
pub(crate) fn push_escaped_label_value(out: &mut String, value: &str) {
    if needs_escape(value) {
        escape_label_value(out, value);
    } else {
        out.push_str(value);
    }
}

/// Label values escape backslash, double quote and newline (both formats).
pub(crate) fn escape_label_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// HELP escapes backslash and newline; OpenMetrics also escapes double quotes.
fn escape_help(out: &mut Vec<u8>, help: &str, om: bool) {
    for &b in help.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' if om => out.extend_from_slice(b"\\\""),
            b => out.push(b),
        }
    }
}

/// Ends an exposition (`# EOF` for OpenMetrics).
pub(crate) fn write_end(out: &mut Vec<u8>, format: Format) {
    if format == Format::OpenMetrics {
        out.extend_from_slice(b"# EOF\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let labels = render_label_pieces([
            ("a", Some("x\"y\\z\nw")),
            ("b", Some("")),
            ("c", Some("é☃")),
        ]);
        assert_eq!(labels, [r#"{a="x\"y\\z\nw",b="",c="é☃"}"#]);
        assert_eq!(render_label_pieces([]), [""]);
        let pieces = render_label_pieces([("a", None), ("b", Some("\"")), ("c", None)]);
        assert_eq!(pieces, [r#"{a=""#, r#"",b="\"",c=""#, r#""}"#]);
        let mut open = String::new();
        push_escaped_label_value(&mut open, "plain");
        push_escaped_label_value(&mut open, "q\"\\\n");
        assert_eq!(open, r#"plainq\"\\\n"#);
        let mut text = Vec::new();
        escape_help(&mut text, "a\\b\n\"c\"", false);
        assert_eq!(text, br#"a\\b\n"c""#);
        let mut om = Vec::new();
        escape_help(&mut om, "a\\b\n\"c\"", true);
        assert_eq!(om, br#"a\\b\n\"c\""#);
    }
}
