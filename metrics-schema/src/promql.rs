//! PromQL: the metric names an expression references, found with a real PromQL parser (the
//! `promql-parser` crate), each with its place in the expression text.
//!
//! The parser's syntax tree says *which* names are metric names (a selector's name, or its
//! `__name__="..."` matcher) but keeps no positions; the parser's own lexer gives the
//! positions. A reference is an identifier token (or the string of a `__name__` matcher)
//! whose text the tree lists as a metric name and that is not a function name, a label name
//! inside braces, or a label of a `by`/`without`/`on`/`ignoring`/`group_left`/`group_right`
//! list.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::source::Span;

use lrpar::{Lexeme, Lexer};
use promql_parser::label::{METRIC_NAME, MatchOp};
use promql_parser::parser::token::{
    T_BY, T_GROUP_LEFT, T_GROUP_RIGHT, T_IDENTIFIER, T_IGNORING, T_LEFT_BRACE, T_LEFT_BRACKET,
    T_LEFT_PAREN, T_METRIC_IDENTIFIER, T_ON, T_RIGHT_BRACE, T_RIGHT_BRACKET, T_RIGHT_PAREN,
    T_STRING, T_WITHOUT, TokenType,
};
use promql_parser::parser::{self, Expr, VectorSelector};

/// A metric name referenced by a PromQL expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The name as written: an exposed sample name such as `vllm:request_success_total`.
    pub name: String,
    /// Where the name is written in the expression (byte offsets); for a `__name__`
    /// matcher, the text inside the quotes.
    pub span: Range<usize>,
}

/// An expression that is not valid PromQL, or too large to be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPromql {
    /// The parser's message, or which limit the expression exceeds.
    pub message: String,
    /// True when the expression was refused for its size (see [`MAX_EXPRESSION_BYTES`],
    /// [`MAX_OPERATORS`] and [`MAX_NESTING`]) before being parsed.
    pub too_large: bool,
}

/// The longest PromQL expression read, in bytes (16 KiB). Longer expressions are refused
/// before they are parsed.
pub const MAX_EXPRESSION_BYTES: usize = 16 * 1024;

/// The most operators (binary and unary, outside label matchers) a PromQL expression may
/// hold. The PromQL parser's type checks walk the whole subtree at every operator, so a
/// chain of `n` operators (`- - - ... x`, `x + x + ... + x`) costs `n²` steps and `n` stack
/// frames: 1,000 keeps the worst case in milliseconds, well beyond hand-written rules.
pub const MAX_OPERATORS: usize = 1_000;

/// The deepest nesting of parentheses, brackets and braces in a PromQL expression.
pub const MAX_NESTING: usize = 128;

impl fmt::Display for InvalidPromql {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidPromql {}

/// A PromQL expression read from a file (a catalogue, a rule file, a dashboard), with the
/// metric names it references located in that file.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    /// The expression, as its string value reads (quotes and escapes removed).
    pub text: String,
    /// The string value in the file, quotes included.
    pub span: Span,
    /// The references, with spans in the file; or why the text is not PromQL.
    pub references: Result<Vec<Located>, InvalidPromql>,
}

/// A reference located in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The metric name.
    pub name: String,
    /// Where it is written in the file. When it cannot be found in the raw text (a name
    /// written with escapes), the whole string value.
    pub span: Span,
    /// True when `span` is exactly the name (the name can be rewritten there).
    pub exact: bool,
}

impl Expression {
    /// Reads the string value `text`, written as `raw` at `span` of its file (`raw` is the
    /// file's text at `span`, quotes and escapes included).
    pub fn read(text: String, raw: &str, span: Span) -> Expression {
        Expression::read_substituted(text, raw, span, &Substitution::none())
    }

    /// Like [`Expression::read`], for a text whose parsed form is `substitution.text`
    /// (Grafana's template variables replaced, see [`Substitution::grafana`]).
    pub fn read_substituted(
        text: String,
        raw: &str,
        span: Span,
        substitution: &Substitution,
    ) -> Expression {
        let parsed = if substitution.edits.is_empty() && substitution.base == 0 {
            &text
        } else {
            &substitution.text
        };
        let references = references(parsed).map(|refs| {
            let mut occurrences = Occurrences::default();
            refs.into_iter()
                .map(|r| {
                    let at = substitution.original(r.span.start);
                    match occurrences.raw_offset(&text, raw, at, &r.name) {
                        Some(offset) => Located {
                            span: Span::new(
                                span.start + offset,
                                span.start + offset + r.name.len(),
                            ),
                            name: r.name,
                            exact: true,
                        },
                        None => Located {
                            name: r.name,
                            span,
                            exact: false,
                        },
                    }
                })
                .collect()
        });
        Expression {
            text,
            span,
            references,
        }
    }
}

/// Maps the start of an occurrence of a name in a decoded string value to the start of the
/// same occurrence in `raw`, the text it was read from: metric names contain no character
/// that quoting or escaping changes, so the k-th occurrence in one is the k-th in the other.
///
/// References come in the order they are written, so each name's search resumes where its
/// previous one stopped: the work is linear in the text for each distinct name, instead of
/// for each reference.
#[derive(Default)]
struct Occurrences {
    /// Per name: where the next search starts in the decoded text and in `raw`, and how many
    /// occurrences were passed in each.
    cursors: HashMap<String, Cursor>,
}

#[derive(Default)]
struct Cursor {
    decoded_at: usize,
    decoded_seen: usize,
    raw_at: usize,
    raw_seen: usize,
    /// The start of the last occurrence found in `raw` (the `raw_seen`-th).
    raw_last: Option<usize>,
}

impl Occurrences {
    /// The offset in `raw` of the occurrence of `needle` starting at `offset` in `decoded`
    /// (offsets of one name must come in increasing order).
    fn raw_offset(
        &mut self,
        decoded: &str,
        raw: &str,
        offset: usize,
        needle: &str,
    ) -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        if !self.cursors.contains_key(needle) {
            self.cursors.insert(needle.to_owned(), Cursor::default());
        }
        let cursor = self.cursors.get_mut(needle)?;
        if offset < cursor.decoded_at {
            *cursor = Cursor::default(); // out of order: start again
        }
        // Count the occurrences in `decoded` that start before `offset`, as
        // `match_indices` from the start would (a match is resumed after its end).
        while let Some(i) = decoded.get(cursor.decoded_at..)?.find(needle) {
            let start = cursor.decoded_at + i;
            if start >= offset {
                break;
            }
            cursor.decoded_seen += 1;
            cursor.decoded_at = start + needle.len();
        }
        let k = cursor.decoded_seen; // the occurrence at `offset` is the k-th (from 0)
        if cursor.raw_seen > k + 1 {
            *cursor = Cursor {
                decoded_at: cursor.decoded_at,
                decoded_seen: cursor.decoded_seen,
                ..Cursor::default()
            };
        }
        while cursor.raw_seen < k + 1 {
            let i = raw.get(cursor.raw_at..)?.find(needle)?;
            let start = cursor.raw_at + i;
            cursor.raw_seen += 1;
            cursor.raw_at = start + needle.len();
            cursor.raw_last = Some(start);
        }
        cursor.raw_last
    }
}

/// An expression with template variables replaced so that it parses as PromQL, and the
/// way back to the original offsets.
#[derive(Clone, Debug, Default)]
pub struct Substitution {
    /// The text to parse.
    pub text: String,
    /// `(start in text, end in text, start in original, end in original)` of each
    /// replacement, in order.
    edits: Vec<(usize, usize, usize, usize)>,
    /// Where the substituted text starts in the original (for a part of a larger text).
    base: usize,
}

impl Substitution {
    /// No replacement.
    pub fn none() -> Substitution {
        Substitution::default()
    }

    /// Replaces Grafana's template variables (`$name`, `${name}`, `${name:format}`,
    /// `[[name]]`) outside string literals: by `5m` in a range or subquery (`[...]`) and
    /// after `offset`, by `1` elsewhere. Variables inside strings (`{model_name=~"$model"}`)
    /// are label values and stay as they are.
    pub fn grafana(expr: &str) -> Substitution {
        let bytes = expr.as_bytes();
        let mut out = Substitution {
            text: String::with_capacity(expr.len()),
            edits: Vec::new(),
            base: 0,
        };
        let mut i = 0;
        let mut copied = 0;
        let mut quote: Option<u8> = None;
        let mut bracket_depth = 0usize;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = quote {
                if b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            let variable_len = match b {
                b'"' | b'\'' | b'`' => {
                    quote = Some(b);
                    0
                }
                b'[' if bytes.get(i + 1) == Some(&b'[') => bracketed_variable(&expr[i..]),
                b'[' => {
                    bracket_depth += 1;
                    0
                }
                b']' => {
                    bracket_depth = bracket_depth.saturating_sub(1);
                    0
                }
                b'$' => dollar_variable(&expr[i..]),
                _ => 0,
            };
            if variable_len == 0 {
                i += 1;
                continue;
            }
            let before = expr[..i].trim_end();
            let duration = bracket_depth > 0
                || before.ends_with("offset")
                    && !before[..before.len() - "offset".len()]
                        .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':');
            let replacement = if duration { "5m" } else { "1" };
            out.text.push_str(&expr[copied..i]);
            let start = out.text.len();
            out.text.push_str(replacement);
            out.edits.push((start, out.text.len(), i, i + variable_len));
            i += variable_len;
            copied = i;
        }
        out.text.push_str(&expr[copied..]);
        out
    }

    /// The same substitution for a text that is the part of a larger text starting at
    /// `base`: offsets map back into the larger text.
    pub fn offset_by(mut self, base: usize) -> Substitution {
        self.base += base;
        self
    }

    /// The offset in the original text of `offset` in [`Substitution::text`].
    pub fn original(&self, offset: usize) -> usize {
        // The last replacement starting at or before `offset` (edits are in order).
        let before = self.edits.partition_point(|&(start, ..)| start <= offset);
        let Some(&(_, end, orig_start, orig_end)) = before.checked_sub(1).map(|i| &self.edits[i])
        else {
            return self.base + offset;
        };
        if offset < end {
            return self.base + orig_start;
        }
        self.base + offset.saturating_add_signed(orig_end as isize - end as isize)
    }
}

fn is_variable_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The length of `$name`, `${name}` or `${name:format}` at the start of `s`, or 0.
fn dollar_variable(s: &str) -> usize {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'{') {
        let name = b[2..].iter().take_while(|c| is_variable_char(**c)).count();
        if name == 0 {
            return 0;
        }
        return s[2..].find('}').map_or(0, |end| end + 3);
    }
    let name = b[1..].iter().take_while(|c| is_variable_char(**c)).count();
    if name == 0 { 0 } else { name + 1 }
}

/// The length of `[[name]]` or `[[name:format]]` at the start of `s`, or 0.
fn bracketed_variable(s: &str) -> usize {
    let b = s.as_bytes();
    let name = b[2..].iter().take_while(|c| is_variable_char(**c)).count();
    if name == 0 {
        return 0;
    }
    s[2..].find("]]").map_or(0, |end| end + 4)
}

/// Parses `expr` and returns the metric names it references, in the order they are written.
///
/// ```
/// use metrics_schema::promql::references;
///
/// let refs = references(
///     r#"sum by (engine) (rate(vllm:prompt_tokens_total{engine="0"}[5m])) / on (engine) up"#,
/// )
/// .unwrap();
/// let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
/// assert_eq!(names, ["vllm:prompt_tokens_total", "up"]);
/// assert_eq!(refs[0].span, 22..46);
/// assert!(references("rate(x[5m]").is_err());
/// ```
pub fn references(expr: &str) -> Result<Vec<Reference>, InvalidPromql> {
    let tree = parse(expr)?;
    let mut wanted: HashMap<String, usize> = HashMap::new();
    collect_names(&tree, &mut wanted);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let lexer = parser::lexer(expr).map_err(|message| InvalidPromql {
        message,
        too_large: false,
    })?;
    let tokens: Vec<(u16, Range<usize>)> = lexer
        .iter()
        .filter_map(Result::ok)
        .map(|l| {
            let span = l.span();
            (l.tok_id(), span.start()..span.end())
        })
        .collect();
    let mut found = Vec::new();
    let mut brace_depth = 0usize;
    // Inside the parenthesised label list of a grouping modifier.
    let mut in_label_list = false;
    for (i, (id, span)) in tokens.iter().enumerate() {
        let id = *id;
        let next = tokens.get(i + 1).map(|t| t.0);
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p)).map(|t| t.0);
        if in_label_list {
            if id == T_RIGHT_PAREN {
                in_label_list = false;
            }
            continue;
        }
        if id == T_LEFT_PAREN && prev.is_some_and(is_grouping_keyword) {
            in_label_list = true;
            continue;
        }
        if id == T_LEFT_BRACE {
            brace_depth += 1;
            continue;
        }
        if id == T_RIGHT_BRACE {
            brace_depth = brace_depth.saturating_sub(1);
            continue;
        }
        let Some(text) = expr.get(span.clone()) else {
            continue;
        };
        if (id == T_IDENTIFIER || id == T_METRIC_IDENTIFIER)
            && brace_depth == 0
            && next != Some(T_LEFT_PAREN)
            && wanted.contains_key(text)
        {
            found.push(Reference {
                name: text.to_owned(),
                span: span.clone(),
            });
        } else if id == T_STRING && brace_depth > 0 && is_name_matcher(expr, &tokens, i) {
            let inner = span.start + 1..span.end.saturating_sub(1);
            if let Some(content) = expr.get(inner.clone())
                && wanted.contains_key(content)
            {
                found.push(Reference {
                    name: content.to_owned(),
                    span: inner,
                });
            }
        }
    }
    Ok(found)
}

/// Parses `expr` with the PromQL parser.
///
/// An expression larger than the limits ([`MAX_EXPRESSION_BYTES`], [`MAX_OPERATORS`],
/// [`MAX_NESTING`]) is refused before it is parsed (`too_large`), since the parser's time
/// grows with the square of the operators and its stack with their number.
///
/// The parser panics on a few inputs instead of returning an error (an `@` timestamp or a
/// duration too large for `std::time::Duration`, for instance); such a panic is caught here
/// and reported as an invalid expression, so no PromQL text can panic a caller.
///
/// ```
/// use metrics_schema::promql::parse;
///
/// assert!(parse("sum(rate(x[5m])) > 1").is_ok());
/// let error = parse(&format!("{}1", "-".repeat(5_000))).unwrap_err();
/// assert!(error.too_large);
/// assert!(error.message.contains("5,000 operators"));
/// ```
pub fn parse(expr: &str) -> Result<Expr, InvalidPromql> {
    check_size(expr)?;
    match std::panic::catch_unwind(|| parser::parse(expr)) {
        Ok(parsed) => parsed.map_err(|message| InvalidPromql {
            message: message.trim().to_owned(),
            too_large: false,
        }),
        Err(_) => Err(InvalidPromql {
            message: "a number in this expression is out of range (too large, negative or NaN \
                      where a time or duration is expected)"
                .to_owned(),
            too_large: false,
        }),
    }
}

/// Refuses an expression beyond the limits, in one pass of the PromQL lexer (linear). A text
/// the lexer refuses is left to the parser, which reports it.
fn check_size(expr: &str) -> Result<(), InvalidPromql> {
    let refuse = |message: String| {
        Err(InvalidPromql {
            message,
            too_large: true,
        })
    };
    if expr.len() > MAX_EXPRESSION_BYTES {
        return refuse(format!(
            "the expression is {} bytes long; at most {} bytes are read",
            thousands(expr.len()),
            thousands(MAX_EXPRESSION_BYTES)
        ));
    }
    let Ok(lexer) = parser::lexer(expr) else {
        return Ok(());
    };
    let (mut operators, mut depth, mut deepest, mut in_braces) = (0usize, 0usize, 0usize, 0usize);
    for lexeme in lexer.iter().filter_map(Result::ok) {
        let id = lexeme.tok_id();
        match id {
            T_LEFT_PAREN | T_LEFT_BRACKET | T_LEFT_BRACE => {
                depth += 1;
                deepest = deepest.max(depth);
                in_braces += usize::from(id == T_LEFT_BRACE);
            }
            T_RIGHT_PAREN | T_RIGHT_BRACKET | T_RIGHT_BRACE => {
                depth = depth.saturating_sub(1);
                if id == T_RIGHT_BRACE {
                    in_braces = in_braces.saturating_sub(1);
                }
            }
            // `=`, `!=`, `=~` and `!~` of label matchers are operator tokens too.
            _ if in_braces == 0 && TokenType::new(id).is_operator() => operators += 1,
            _ => {}
        }
    }
    if operators > MAX_OPERATORS {
        return refuse(format!(
            "the expression has {} operators; at most {} are read",
            thousands(operators),
            thousands(MAX_OPERATORS)
        ));
    }
    if deepest > MAX_NESTING {
        return refuse(format!(
            "the expression nests parentheses, brackets or braces {} deep; at most {} levels \
             are read",
            thousands(deepest),
            thousands(MAX_NESTING)
        ));
    }
    Ok(())
}

/// `12345` as `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// True when `name` is a valid Prometheus metric name, colons included:
/// `[a-zA-Z_:][a-zA-Z0-9_:]*` (what a recording rule's `record` must be).
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// True when `text` is a duration as Prometheus reads it in rule files (`for`): `0`, or
/// one or more of `<n>y`, `<n>w`, `<n>d`, `<n>h`, `<n>m`, `<n>s`, `<n>ms` in that order,
/// each at most once (`30s`, `5m`, `1h30m`, `0s`).
pub fn is_duration(text: &str) -> bool {
    if text == "0" {
        return true;
    }
    if text.is_empty() {
        return false;
    }
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        // From the last unit back, so that `ms` is not read as `m`.
        let Some(unit) = (next_unit..UNITS.len())
            .rev()
            .find(|&u| rest.starts_with(UNITS[u]))
        else {
            return false;
        };
        rest = &rest[UNITS[unit].len()..];
        next_unit = unit + 1;
    }
    true
}

fn is_grouping_keyword(id: u16) -> bool {
    [
        T_BY,
        T_WITHOUT,
        T_ON,
        T_IGNORING,
        T_GROUP_LEFT,
        T_GROUP_RIGHT,
    ]
    .contains(&id)
}

/// True when the string token `i` is the value of a `__name__ = "..."` matcher.
fn is_name_matcher(expr: &str, tokens: &[(u16, Range<usize>)], i: usize) -> bool {
    let (Some(op), Some(label)) = (
        i.checked_sub(1).and_then(|p| tokens.get(p)),
        i.checked_sub(2).and_then(|p| tokens.get(p)),
    ) else {
        return false;
    };
    expr.get(op.1.clone()) == Some("=") && expr.get(label.1.clone()) == Some(METRIC_NAME)
}

/// Counts every fixed metric name of the tree.
fn collect_names(expr: &Expr, names: &mut HashMap<String, usize>) {
    match expr {
        Expr::VectorSelector(vs) => selector_name(vs, names),
        Expr::MatrixSelector(ms) => selector_name(&ms.vs, names),
        Expr::Aggregate(a) => {
            if let Some(param) = &a.param {
                collect_names(param, names);
            }
            collect_names(&a.expr, names);
        }
        Expr::Unary(u) => collect_names(&u.expr, names),
        Expr::Binary(b) => {
            collect_names(&b.lhs, names);
            collect_names(&b.rhs, names);
        }
        Expr::Paren(p) => collect_names(&p.expr, names),
        Expr::Subquery(s) => collect_names(&s.expr, names),
        Expr::Call(call) => {
            for arg in &call.args.args {
                collect_names(arg, names);
            }
        }
        Expr::Extension(ext) => {
            for child in ext.expr.children() {
                collect_names(child, names);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => {}
    }
}

fn selector_name(vs: &VectorSelector, names: &mut HashMap<String, usize>) {
    let from_matcher = || {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.clone())
    };
    if let Some(name) = vs.name.clone().or_else(from_matcher) {
        *names.entry(name).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_out_of_range_are_errors_not_panics() {
        for expr in ["x[1e400]", "x offset 1e400", "x[NaN]", "x @ 1e400"] {
            // Either result is fine; a panic fails the test.
            let _ = parse(expr);
        }
        assert!(parse("x[1e400]").is_err());
        assert!(parse("x offset 1e400").is_err());
    }

    fn names(expr: &str) -> Vec<(String, String)> {
        references(expr)
            .unwrap()
            .into_iter()
            .map(|r| (r.name.clone(), expr[r.span].to_owned()))
            .collect()
    }

    #[test]
    fn finds_selector_names_and_skips_everything_else() {
        let expr = r#"histogram_quantile(0.9, sum by (le, model_name) (rate(vllm:e2e_request_latency_seconds_bucket{model_name=~"$m", le!="vllm:x"}[5m])))
  > on (model_name) group_left (engine) max without (engine) (up{job="vllm"})
  # rate(commented_out[5m])
  or {__name__="vllm:num_requests_waiting", engine="0"} offset 5m
  or sum(rate(rate[1m])) by (rate)"#;
        let found = names(expr);
        let got: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            got,
            [
                "vllm:e2e_request_latency_seconds_bucket",
                "up",
                "vllm:num_requests_waiting",
                "rate"
            ]
        );
        for (name, at) in &found {
            assert_eq!(name, at, "span points at the name");
        }
    }

    #[test]
    fn a_name_used_as_a_label_is_not_a_reference() {
        // `engine` is both a label and (here) a metric.
        let refs = references("engine{engine=\"0\"} + on (engine) engine").unwrap();
        let spans: Vec<_> = refs.iter().map(|r| r.span.clone()).collect();
        assert_eq!(spans, [0..6, 33..39]);
    }

    #[test]
    fn invalid_expressions_are_errors() {
        for bad in [
            "rate(x[5m]",
            "sum(",
            "x{a=}",
            "",
            "histogram_quantile(0.9, x) >",
        ] {
            assert!(references(bad).is_err(), "{bad:?}");
        }
        assert!(references("1 + 2").unwrap().is_empty());
    }

    #[test]
    fn grafana_variables_are_replaced_outside_strings() {
        let expr = r#"sum by ($group) (rate(x{m=~"$model", n="${a:csv}"}[$__rate_interval])) offset ${off} * [[scale]]"#;
        let sub = Substitution::grafana(expr);
        assert_eq!(
            sub.text,
            r#"sum by (1) (rate(x{m=~"$model", n="${a:csv}"}[5m])) offset 5m * 1"#
        );
        // Offsets map back, before, inside and after the replacements.
        assert_eq!(sub.original(0), 0);
        let x = sub.text.find("x{").unwrap();
        assert_eq!(sub.original(x), expr.find("x{").unwrap());
        let star = sub.text.find('*').unwrap();
        assert_eq!(sub.original(star), expr.find('*').unwrap());
        assert_eq!(
            sub.original(sub.text.len() - 1),
            expr.find("[[scale]]").unwrap()
        );
        // The replaced text parses, and references map back to the original.
        let raw = format!("{expr:?}");
        let e = Expression::read_substituted(
            expr.to_owned(),
            &raw,
            Span::new(10, 10 + raw.len()),
            &sub,
        );
        let refs = e.references.unwrap_err();
        assert!(!refs.message.is_empty(), "`by (1)` is not PromQL");
        let expr = r#"rate(vllm:x_total{m=~"$model"}[$__rate_interval]) / $__interval_ms"#;
        let sub = Substitution::grafana(expr);
        let raw = format!("{expr:?}");
        let e = Expression::read_substituted(
            expr.to_owned(),
            &raw,
            Span::new(10, 10 + raw.len()),
            &sub,
        );
        let refs = e.references.unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(
            refs[0].span,
            Span::new(10 + 6, 10 + 6 + "vllm:x_total".len())
        );
        assert!(refs[0].exact);
    }

    #[test]
    fn references_map_through_quotes_and_escapes() {
        // A JSON string with escapes before the name: the name is found in the raw text.
        let text = "sum(\n  up)\n\tor vllm:a{l=\"vllm:a\"}".to_owned();
        let raw = serde_json::to_string(&text).unwrap();
        let file = format!("{{\"expr\": {raw}}}");
        let start = file.find(&raw).unwrap();
        let e = Expression::read(text.clone(), &raw, Span::new(start, start + raw.len()));
        let refs = e.references.unwrap();
        let at: Vec<&str> = refs.iter().map(|r| &file[r.span.range()]).collect();
        assert_eq!(at, ["up", "vllm:a"]);
        assert!(refs.iter().all(|r| r.exact));
        // `vllm:a` is the first occurrence; the label value is the second.
        assert_eq!(refs[1].span.start, start + raw.find("vllm:a").unwrap());
    }

    /// The mapping by definition: count the occurrences before `offset` from the start.
    fn raw_offset_from_start(
        decoded: &str,
        raw: &str,
        offset: usize,
        needle: &str,
    ) -> Option<usize> {
        let k = decoded
            .match_indices(needle)
            .take_while(|(i, _)| *i < offset)
            .count();
        raw.match_indices(needle).nth(k).map(|(i, _)| i)
    }

    #[test]
    fn resumed_searches_find_the_same_occurrences() {
        for (text, raw) in [
            ("aaa + aa + aaa", "\"aaa + aa + aaa\""),
            ("x + \"x\" + x + x", "\"x + \\\"x\\\" + x + x\""),
            ("a\tb + a + b + a", "'a\\tb + a + b + a'"),
        ] {
            for needle in ["a", "aa", "aaa", "x", "b"] {
                let starts: Vec<usize> = text.match_indices(needle).map(|(i, _)| i).collect();
                let mut occurrences = Occurrences::default();
                for &at in &starts {
                    assert_eq!(
                        occurrences.raw_offset(text, raw, at, needle),
                        raw_offset_from_start(text, raw, at, needle),
                        "{needle:?} at {at} in {text:?}"
                    );
                }
                // Out of order too (the cursor starts again).
                let mut occurrences = Occurrences::default();
                for &at in starts.iter().rev() {
                    assert_eq!(
                        occurrences.raw_offset(text, raw, at, needle),
                        raw_offset_from_start(text, raw, at, needle),
                        "{needle:?} at {at} in {text:?}, backwards"
                    );
                }
            }
        }
    }

    #[test]
    fn metric_names_and_durations() {
        assert!(is_metric_name("vllm:queue:p90"));
        assert!(is_metric_name(":a"));
        assert!(!is_metric_name("9a"));
        assert!(!is_metric_name("a-b"));
        assert!(!is_metric_name(""));
        for good in ["5m", "1h30m", "0s", "30s", "1d", "0", "1m500ms", "2w1d"] {
            assert!(is_duration(good), "{good}");
        }
        for bad in [
            "", "5", "5 m", "m5", "-5m", "5min", "5m1h", "1m1m", "1.5m", "ms",
        ] {
            assert!(!is_duration(bad), "{bad}");
        }
    }
}
