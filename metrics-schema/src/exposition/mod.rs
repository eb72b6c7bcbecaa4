//! Reading a scrape: the Prometheus text format 0.0.4 and OpenMetrics 1.0.0, parsed into
//! families and samples that keep the line they were read from.
//!
//! Parse only: what a scrape means for a catalogue is decided in [`crate::live`]. The
//! parser is written here rather than taken from a crate because every finding of
//! `schema check-live` points at a line of the scrape, and none of the maintained parsers
//! reports positions (see ARCHITECTURE.md).
//!
//! ```
//! use metrics_schema::exposition::{Format, Kind, parse};
//!
//! let text = concat!(
//!     "# HELP app_requests Requests served.\n",
//!     "# TYPE app_requests counter\n",
//!     "app_requests_total{code=\"200\"} 3\n",
//!     "# EOF\n",
//! );
//! let scrape = parse(text, Format::OpenMetrics).unwrap();
//! let family = &scrape.families[0];
//! assert_eq!((family.name.as_str(), family.kind), ("app_requests", Kind::Counter));
//! assert_eq!(family.samples[0].line, 3);
//! assert_eq!(family.samples[0].label("code"), Some("200"));
//! ```

mod lex;

use std::collections::HashMap;
use std::fmt;

use crate::lifecycle::MetricType;
use crate::lifecycle::exposition::{CREATED_SUFFIX, SAMPLE_SUFFIXES};
use crate::source::Span;

/// The sample suffixes of an OpenMetrics gauge histogram, a type only other exporters
/// write.
const GAUGE_HISTOGRAM_SUFFIXES: [&str; 3] = ["_bucket", "_gsum", "_gcount"];

/// An exposition format (the facts shared by every crate, in `lifecycle/`).
pub use crate::lifecycle::Format;

/// A family's type as the scrape declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `counter`.
    Counter,
    /// `gauge`.
    Gauge,
    /// `histogram`.
    Histogram,
    /// `gaugehistogram` (OpenMetrics).
    GaugeHistogram,
    /// `summary`.
    Summary,
    /// `info` (OpenMetrics).
    Info,
    /// `stateset` (OpenMetrics).
    StateSet,
    /// `untyped` (text format, also samples without `# TYPE`) or `unknown` (OpenMetrics).
    Unknown,
}

impl Kind {
    /// The spelling of `format`: `untyped` in the text format, `unknown` in OpenMetrics.
    pub fn as_str(self, format: Format) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
            Kind::GaugeHistogram => "gaugehistogram",
            Kind::Summary => "summary",
            Kind::Info => "info",
            Kind::StateSet => "stateset",
            Kind::Unknown => match format {
                Format::Text => "untyped",
                Format::OpenMetrics => "unknown",
            },
        }
    }

    fn parse(s: &str, format: Format) -> Option<Kind> {
        let kind = match (s, format) {
            ("counter", _) => Kind::Counter,
            ("gauge", _) => Kind::Gauge,
            ("histogram", _) => Kind::Histogram,
            ("summary", _) => Kind::Summary,
            ("untyped", Format::Text) => Kind::Unknown,
            ("unknown", Format::OpenMetrics) => Kind::Unknown,
            ("gaugehistogram", Format::OpenMetrics) => Kind::GaugeHistogram,
            ("info", Format::OpenMetrics) => Kind::Info,
            ("stateset", Format::OpenMetrics) => Kind::StateSet,
            _ => return None,
        };
        Some(kind)
    }

    /// The metric type of the catalogue and runtime this kind is, if it is one.
    pub fn metric_type(self) -> Option<MetricType> {
        match self {
            Kind::Counter => Some(MetricType::Counter),
            Kind::Gauge => Some(MetricType::Gauge),
            Kind::Histogram => Some(MetricType::Histogram),
            Kind::Info => Some(MetricType::Info),
            _ => None,
        }
    }

    /// The suffixes a sample name may add to the family name in `format`: the shared facts
    /// for the four types this project writes, OpenMetrics' own for the others.
    pub fn suffixes(self, format: Format) -> &'static [&'static str] {
        if let Some(t) = self.metric_type() {
            return t.family_sample_suffixes(format);
        }
        match (self, format) {
            (Kind::GaugeHistogram, _) => &GAUGE_HISTOGRAM_SUFFIXES,
            (Kind::Summary, Format::OpenMetrics) => &["", "_sum", "_count", "_created"],
            (Kind::Summary, Format::Text) => &["", "_sum", "_count"],
            _ => &[""],
        }
    }
}

/// A parsed scrape.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposition {
    /// The format it was read as.
    pub format: Format,
    /// The families, in order of appearance.
    pub families: Vec<Family>,
}

/// A metric family: its metadata lines and its samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// The family name: from `# TYPE`/`# HELP`, or the sample name of an untyped sample.
    /// In the text format a counter's family name is its sample name (`x_total`).
    pub name: String,
    /// The declared type; [`Kind::Unknown`] without `# TYPE`.
    pub kind: Kind,
    /// True when a `# TYPE` line declared the type.
    pub typed: bool,
    /// The HELP text, unescaped.
    pub help: Option<String>,
    /// The UNIT (OpenMetrics).
    pub unit: Option<String>,
    /// 1-based line of the family's first line (metadata or sample).
    pub line: usize,
    /// The family's name on that line.
    pub span: Span,
    /// 1-based line of the `# HELP` line, if any.
    pub help_line: Option<usize>,
    /// The samples, in order.
    pub samples: Vec<Sample>,
}

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The sample name (`x_total`, `x_bucket`, ...).
    pub name: String,
    /// Label pairs in the order written, values unescaped.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
    /// The timestamp as written: milliseconds in the text format, seconds in OpenMetrics.
    pub timestamp: Option<f64>,
    /// The exemplar (OpenMetrics).
    pub exemplar: Option<Exemplar>,
    /// 1-based line number.
    pub line: usize,
    /// The line, without its line break.
    pub span: Span,
}

impl Sample {
    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An OpenMetrics exemplar: `# {labels} value [timestamp]` after a sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemplar {
    /// Label pairs, values unescaped.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
    /// The timestamp in seconds.
    pub timestamp: Option<f64>,
}

/// Why a scrape could not be read: the first problem, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses `text` as `format`. Stops at the first malformed line; never panics.
pub fn parse(text: &str, format: Format) -> Result<Exposition, ParseError> {
    Parser::new(format).run(text)
}

struct Parser {
    format: Format,
    families: Vec<Family>,
    /// Family name -> index, for metadata and for text-format samples that come back to
    /// a family after another one.
    by_name: HashMap<String, usize>,
    current: Option<usize>,
}

/// One line of input.
struct Line<'a> {
    text: &'a str,
    number: usize,
    start: usize,
}

impl Line<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let offset = offset.min(self.text.len());
        let column = self
            .text
            .get(..offset)
            .map_or(offset, |p| p.chars().count())
            + 1;
        ParseError {
            line: self.number,
            column,
            message: message.into(),
        }
    }

    fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }
}

impl Parser {
    fn new(format: Format) -> Self {
        Parser {
            format,
            families: Vec::new(),
            by_name: HashMap::new(),
            current: None,
        }
    }

    fn run(mut self, text: &str) -> Result<Exposition, ParseError> {
        let om = self.format == Format::OpenMetrics;
        let mut eof: Option<usize> = None;
        let mut start = 0;
        let mut number = 0;
        let mut last_line = 0;
        while start < text.len() {
            number += 1;
            let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let mut raw = &text[start..end];
            let line_start = start;
            start = end + 1;
            if !om {
                raw = raw.strip_suffix('\r').unwrap_or(raw);
            }
            let line = Line {
                text: raw,
                number,
                start: line_start,
            };
            last_line = number;
            if let Some(eof_line) = eof {
                return Err(line.error(
                    0,
                    format!("text after `# EOF` (line {eof_line}): OpenMetrics ends there"),
                ));
            }
            if om {
                if raw == "# EOF" {
                    eof = Some(number);
                    continue;
                }
                if raw.is_empty() {
                    return Err(line.error(0, "empty line: OpenMetrics does not allow them"));
                }
                if raw.starts_with('#') {
                    self.metadata(&line, raw, 0)?;
                    continue;
                }
                self.sample(&line, 0)?;
            } else {
                let indent = raw.len() - raw.trim_start_matches([' ', '\t']).len();
                let rest = &raw[indent..];
                if rest.trim_end_matches([' ', '\t']).is_empty() {
                    continue;
                }
                if let Some(comment) = rest.strip_prefix('#') {
                    let body = comment.trim_start_matches([' ', '\t']);
                    if body.starts_with("HELP ")
                        || body.starts_with("HELP\t")
                        || body.starts_with("TYPE ")
                        || body.starts_with("TYPE\t")
                    {
                        self.metadata(&line, raw, indent)?;
                    }
                    continue;
                }
                self.sample(&line, indent)?;
            }
        }
        if om && eof.is_none() {
            return Err(ParseError {
                line: last_line.max(1),
                column: 1,
                message: "missing `# EOF`: an OpenMetrics exposition ends with it (was the scrape cut short?)"
                    .to_owned(),
            });
        }
        Ok(Exposition {
            format: self.format,
            families: self.families,
        })
    }

    /// A `# HELP`, `# TYPE` or `# UNIT` line (OpenMetrics: any other comment is an error).
    fn metadata(&mut self, line: &Line<'_>, raw: &str, indent: usize) -> Result<(), ParseError> {
        let om = self.format == Format::OpenMetrics;
        let mut cur = lex::Cursor::new(raw, indent);
        cur.expect_char('#')
            .map_err(|at| line.error(at, "expected `#`"))?;
        if om {
            cur.expect_char(' ')
                .map_err(|at| line.error(at, "expected a space after `#`"))?;
        } else {
            cur.skip_blanks();
        }
        let keyword_at = cur.pos();
        let keyword = cur.word();
        let known = matches!(keyword, "HELP" | "TYPE") || (om && keyword == "UNIT");
        if !known {
            let what = if om {
                "expected `# HELP`, `# TYPE`, `# UNIT` or `# EOF`: OpenMetrics has no other comments"
            } else {
                "expected `HELP` or `TYPE`"
            };
            return Err(line.error(keyword_at, what));
        }
        if om {
            cur.expect_char(' ')
                .map_err(|at| line.error(at, format!("expected a space after `{keyword}`")))?;
        } else if !cur.skip_blanks() {
            return Err(line.error(
                cur.pos(),
                format!("expected a metric name after `{keyword}`"),
            ));
        }
        let name_at = cur.pos();
        let name = cur.metric_name();
        if name.is_empty() {
            return Err(line.error(name_at, format!("expected a metric name after `{keyword}`")));
        }
        let name = name.to_owned();
        // What follows the name: one space, then the text (HELP may be empty).
        let rest_at = cur.pos();
        let rest = if cur.at_end() {
            ""
        } else {
            if om {
                cur.expect_char(' ')
                    .map_err(|at| line.error(at, "expected a space after the metric name"))?;
            } else if !cur.skip_blanks() {
                return Err(line.error(rest_at, "expected a space after the metric name"));
            }
            cur.rest()
        };
        let name_span = Span::new(line.start + name_at, line.start + name_at + name.len());
        let index = self.family_for_metadata(line, &name, keyword, name_span)?;
        let family = &mut self.families[index];
        match keyword {
            "HELP" => {
                if family.help.is_some() {
                    return Err(line.error(name_at, format!("second `# HELP` for `{name}`")));
                }
                family.help = Some(
                    lex::unescape(rest, om, false)
                        .map_err(|(i, m)| line.error(raw.len() - rest.len() + i, m))?,
                );
                family.help_line = Some(line.number);
            }
            "TYPE" => {
                let word = rest.trim_end_matches([' ', '\t']);
                let Some(kind) = Kind::parse(word, self.format) else {
                    let known = match self.format {
                        Format::Text => "counter, gauge, histogram, summary or untyped",
                        Format::OpenMetrics => {
                            "counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown"
                        }
                    };
                    return Err(line.error(
                        raw.len() - rest.len(),
                        format!("unknown type `{word}`: expected {known}"),
                    ));
                };
                if family.typed {
                    return Err(line.error(name_at, format!("second `# TYPE` for `{name}`")));
                }
                family.kind = kind;
                family.typed = true;
            }
            _ => {
                if family.unit.is_some() {
                    return Err(line.error(name_at, format!("second `# UNIT` for `{name}`")));
                }
                family.unit = Some(rest.to_owned());
            }
        }
        Ok(())
    }

    /// The family a metadata line about `name` belongs to: the current one when it has
    /// that name and no samples yet, else a new one.
    fn family_for_metadata(
        &mut self,
        line: &Line<'_>,
        name: &str,
        keyword: &str,
        name_span: Span,
    ) -> Result<usize, ParseError> {
        if let Some(i) = self.current
            && self.families[i].name == name
            && self.families[i].samples.is_empty()
        {
            return Ok(i);
        }
        if let Some(&i) = self.by_name.get(name) {
            let first = self.families[i].line;
            return Err(line.error(
                0,
                format!("`# {keyword}` for `{name}` after its samples or in a second block (the family starts at line {first})"),
            ));
        }
        Ok(self.new_family(name, line, name_span))
    }

    fn new_family(&mut self, name: &str, line: &Line<'_>, span: Span) -> usize {
        let index = self.families.len();
        self.families.push(Family {
            name: name.to_owned(),
            kind: Kind::Unknown,
            typed: false,
            help: None,
            unit: None,
            line: line.number,
            span,
            help_line: None,
            samples: Vec::new(),
        });
        self.by_name.insert(name.to_owned(), index);
        self.current = Some(index);
        index
    }

    fn sample(&mut self, line: &Line<'_>, indent: usize) -> Result<(), ParseError> {
        let om = self.format == Format::OpenMetrics;
        let raw = line.text;
        let mut cur = lex::Cursor::new(raw, indent);
        let name_at = cur.pos();
        let name = cur.metric_name();
        if name.is_empty() {
            return Err(line.error(name_at, "expected a metric name"));
        }
        let name = name.to_owned();
        let labels = if cur.peek() == Some('{') {
            cur.labels(om).map_err(|(at, m)| line.error(at, m))?
        } else {
            Vec::new()
        };
        let value_at = cur.pos();
        if !cur.skip_blanks() {
            return Err(line.error(
                value_at,
                "expected a space and the value after the name and labels",
            ));
        }
        let value_at = cur.pos();
        let value_text = cur.token();
        let value = lex::number(value_text)
            .ok_or_else(|| line.error(value_at, format!("invalid value `{value_text}`")))?;
        let mut timestamp = None;
        let mut exemplar = None;
        if cur.skip_blanks() && !cur.at_end() && cur.peek() != Some('#') {
            let ts_at = cur.pos();
            let ts = cur.token();
            timestamp = Some(lex::timestamp(ts, om).ok_or_else(|| {
                let want = if om {
                    "a number of seconds"
                } else {
                    "an integer number of milliseconds"
                };
                line.error(ts_at, format!("invalid timestamp `{ts}`: expected {want}"))
            })?);
            cur.skip_blanks();
        }
        if !cur.at_end() {
            let at = cur.pos();
            if om && cur.rest().starts_with("# {") {
                exemplar = Some(cur.exemplar().map_err(|(at, m)| line.error(at, m))?);
            } else if !om && cur.peek() == Some('#') {
                return Err(line.error(
                    at,
                    "unexpected text after the value: exemplars need OpenMetrics",
                ));
            } else {
                return Err(line.error(at, format!("unexpected `{}`", cur.rest())));
            }
        }
        let name_span = Span::new(line.start + name_at, line.start + name_at + name.len());
        let index = self.family_for_sample(line, &name, name_span)?;
        self.families[index].samples.push(Sample {
            name,
            labels,
            value,
            timestamp,
            exemplar,
            line: line.number,
            span: line.span(),
        });
        Ok(())
    }

    /// The family sample `name` belongs to.
    fn family_for_sample(
        &mut self,
        line: &Line<'_>,
        name: &str,
        name_span: Span,
    ) -> Result<usize, ParseError> {
        let format = self.format;
        let belongs = |f: &Family| {
            f.kind.suffixes(format).iter().any(|s| {
                name.strip_suffix(s)
                    .is_some_and(|base| base == f.name && (!s.is_empty() || name == f.name))
            })
        };
        if let Some(i) = self.current
            && belongs(&self.families[i])
        {
            return Ok(i);
        }
        // A sample of a family seen earlier.
        let earlier = std::iter::once(name)
            .chain(
                SAMPLE_SUFFIXES
                    .iter()
                    .chain([&CREATED_SUFFIX])
                    .chain(&GAUGE_HISTOGRAM_SUFFIXES)
                    .filter_map(|s| name.strip_suffix(s)),
            )
            .find_map(|base| {
                self.by_name
                    .get(base)
                    .copied()
                    .filter(|&i| belongs(&self.families[i]))
            });
        match (earlier, format) {
            (Some(i), Format::Text) => Ok(i),
            (Some(i), Format::OpenMetrics) => Err(line.error(
                0,
                format!(
                    "sample `{name}` of family `{}` (line {}) after another family: OpenMetrics does not interleave families",
                    self.families[i].name, self.families[i].line
                ),
            )),
            (None, _) => {
                if let Some(&i) = self.by_name.get(name) {
                    let f = &self.families[i];
                    return Err(line.error(
                        0,
                        format!(
                            "sample `{name}` does not fit family `{}` of type {} (line {})",
                            f.name,
                            f.kind.as_str(format),
                            f.line
                        ),
                    ));
                }
                Ok(self.new_family(name, line, name_span))
            }
        }
    }
}

#[cfg(test)]
mod tests;
