//! The documents of a rule file or a dashboard as one tree type with spans, whether they
//! were written in YAML (`saphyr-parser`) or JSON (`jsonc-parser`), and the way back from a
//! string value's decoded text to its raw text in the file ([`Embedded`]), for JSON written
//! inside a YAML string (a dashboard in a Kubernetes `ConfigMap`).

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use saphyr_parser::{Event, Parser, SpannedEventReceiver};

use super::FileError;
use crate::source::{Source, Span};

/// A YAML or JSON node with the span of its text (byte offsets).
#[derive(Clone, Debug)]
pub(crate) enum Node {
    /// A scalar (string, number, boolean, null), decoded; the span covers its raw text
    /// (quotes, escapes and block indicators included).
    Scalar(String, Span),
    /// A sequence or array.
    Seq(Vec<Node>, Span),
    /// A mapping or object, in written order.
    Map(Vec<(Node, Node)>, Span),
    /// A YAML alias (`*anchor`): not followed.
    Alias(Span),
}

impl Node {
    pub(crate) fn span(&self) -> Span {
        match self {
            Node::Scalar(_, s) | Node::Seq(_, s) | Node::Map(_, s) | Node::Alias(s) => *s,
        }
    }

    /// The value of key `key` of a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entries().find_map(|(k, v)| (k == key).then_some(v))
    }

    /// The scalar value of key `key` of a mapping.
    pub(crate) fn get_str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Node::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping whose key is a scalar (none for other nodes).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Node)> {
        let entries: &[(Node, Node)] = match self {
            Node::Map(entries, _) => entries,
            _ => &[],
        };
        entries.iter().filter_map(|(k, v)| match k {
            Node::Scalar(k, _) => Some((k.as_str(), v)),
            _ => None,
        })
    }

    /// The items of a sequence (none for other nodes).
    pub(crate) fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items, _) => items,
            _ => &[],
        }
    }

    /// The Kubernetes resource kind (`kind:` of a mapping that also has `apiVersion`).
    pub(crate) fn kubernetes_kind(&self) -> Option<&str> {
        self.get("apiVersion")?;
        self.get_str("kind")
    }
}

/// Reads every YAML document of `source` (`---` separated), in order; empty documents are
/// left out.
pub(crate) fn yaml_documents(source: &Source) -> Result<Vec<Node>, FileError> {
    let text = source.text();
    let mut builder = Builder {
        byte_of_char: text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect(),
        stack: Vec::new(),
        documents: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, true).map_err(|e| {
        let offset = builder.byte(e.marker().index());
        FileError::at(source, offset, format!("invalid YAML: {}", e.info()))
    })?;
    Ok(builder
        .documents
        .into_iter()
        .filter(|d| !matches!(d, Node::Scalar(s, _) if s.is_empty() || s == "~" || s == "null"))
        .collect())
}

enum Open {
    Seq(Vec<Node>, usize),
    Map(Vec<Node>, usize),
}

struct Builder {
    byte_of_char: Vec<usize>,
    stack: Vec<Open>,
    documents: Vec<Node>,
}

impl Builder {
    fn byte(&self, char_index: usize) -> usize {
        self.byte_of_char
            .get(char_index)
            .or(self.byte_of_char.last())
            .copied()
            .unwrap_or(0)
    }

    fn add(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Open::Seq(items, _) | Open::Map(items, _)) => items.push(node),
            None => self.documents.push(node),
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, event: Event<'input>, span: saphyr_parser::Span) {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        match event {
            Event::Scalar(value, ..) => {
                self.add(Node::Scalar(value.into_owned(), Span::new(start, end)))
            }
            Event::Alias(_) => self.add(Node::Alias(Span::new(start, end))),
            Event::SequenceStart(..) => self.stack.push(Open::Seq(Vec::new(), start)),
            Event::MappingStart(..) => self.stack.push(Open::Map(Vec::new(), start)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Seq(items, s)) => Node::Seq(items, Span::new(s, end)),
                    Some(Open::Map(items, s)) => {
                        let mut pairs = Vec::with_capacity(items.len() / 2);
                        let mut it = items.into_iter();
                        while let (Some(k), Some(v)) = (it.next(), it.next()) {
                            pairs.push((k, v));
                        }
                        Node::Map(pairs, Span::new(s, end))
                    }
                    None => return,
                };
                self.add(node);
            }
            _ => {}
        }
    }
}

/// Reads the JSON text `text` (strict JSON: no comments, no trailing commas). On error,
/// the byte offset in `text` and the message.
pub(crate) fn json_tree(text: &str) -> Result<Option<Node>, (usize, String)> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options)
        .map_err(|e| (e.range().start, format!("invalid JSON: {}", e.kind())))?;
    Ok(parsed.value.as_ref().map(json_node))
}

fn json_node(value: &Value<'_>) -> Node {
    let span = |r: &jsonc_parser::common::Range| Span::new(r.start, r.end);
    match value {
        Value::StringLit(s) => Node::Scalar(s.value.to_string(), span(&s.range)),
        Value::NumberLit(n) => Node::Scalar(n.value.to_owned(), span(&n.range)),
        Value::BooleanLit(b) => Node::Scalar(b.value.to_string(), span(&b.range)),
        Value::NullKeyword(n) => Node::Scalar("null".to_owned(), span(&n.range)),
        Value::Array(a) => Node::Seq(a.elements.iter().map(json_node).collect(), span(&a.range)),
        Value::Object(o) => Node::Map(
            o.properties
                .iter()
                .map(|p| {
                    let key = match &p.name {
                        ObjectPropName::String(s) => {
                            Node::Scalar(s.value.to_string(), span(&s.range))
                        }
                        ObjectPropName::Word(w) => Node::Scalar(w.value.to_owned(), span(&w.range)),
                    };
                    (key, json_node(&p.value))
                })
                .collect(),
            span(&o.range),
        ),
    }
}

/// A string value of a file whose decoded text is itself a document (JSON inside a YAML
/// string): maps offsets in the decoded text back to the file.
#[derive(Clone, Debug)]
pub(crate) struct Embedded<'a> {
    /// The decoded text.
    pub decoded: &'a str,
    /// The raw text of the value in the file.
    pub raw: &'a str,
    /// Where the raw text is in the file.
    pub span: Span,
    /// For every byte offset of `decoded` (and its end), the offset in `raw` of the
    /// character it was decoded from; `None` when the scalar's style is one this module
    /// does not decode (plain and folded scalars), or decoding it again did not give the
    /// parser's value.
    map: Option<Vec<usize>>,
}

impl<'a> Embedded<'a> {
    /// The YAML scalar `decoded`, written at `span` of the file's `text`.
    pub(crate) fn yaml(decoded: &'a str, text: &'a str, span: Span) -> Embedded<'a> {
        let raw = text.get(span.range()).unwrap_or_default();
        let map = match raw.as_bytes().first() {
            Some(b'"') => double_quoted(raw),
            Some(b'\'') => single_quoted(raw),
            _ => literal_block(text, span),
        }
        .filter(|(text, map)| text == decoded && map.len() == decoded.len() + 1)
        .map(|(_, map)| map);
        Embedded {
            decoded,
            raw,
            span,
            map,
        }
    }

    /// The span in the file of `span`, a span of the decoded text; `None` when the
    /// scalar's style is not mapped.
    pub(crate) fn span_of(&self, span: Span) -> Option<Span> {
        let map = self.map.as_ref()?;
        let start = *map.get(span.start)?;
        let end = if span.end > span.start {
            // One past the raw position of the last decoded byte's character.
            let last = *map.get(span.end - 1)?;
            last + self.raw[last..].chars().next().map_or(0, char::len_utf8)
        } else {
            start
        };
        Some(Span::new(self.span.start + start, self.span.start + end))
    }

    /// The span in the file of the name at `span` of the decoded text, when it is written
    /// there as is: through the decoding map, or else as the k-th occurrence of the name
    /// (names hold no character that quoting, escaping or folding changes) when both texts
    /// hold the name equally often.
    pub(crate) fn name_span(&self, span: Span) -> Option<Span> {
        let name = self.decoded.get(span.range())?;
        if let Some(mapped) = self.span_of(span)
            && self
                .raw
                .get(mapped.start - self.span.start..mapped.end - self.span.start)
                == Some(name)
        {
            return Some(mapped);
        }
        if name.is_empty() || self.decoded.matches(name).count() != self.raw.matches(name).count() {
            return None;
        }
        let k = self
            .decoded
            .match_indices(name)
            .take_while(|(i, _)| *i < span.start)
            .count();
        let at = self.raw.match_indices(name).nth(k)?.0;
        Some(Span::new(
            self.span.start + at,
            self.span.start + at + name.len(),
        ))
    }
}

/// Pushes `c`, decoded from raw offset `at`, with one map entry per byte.
fn push(out: &mut (String, Vec<usize>), c: char, at: usize) {
    out.0.push(c);
    out.1.extend(std::iter::repeat_n(at, c.len_utf8()));
}

/// Folds the line break at `raw[i]` of a flow scalar (YAML 1.2, 7.3.1): trailing white
/// space before it is dropped, one break becomes a space, `n + 1` breaks become `n`
/// newlines; leading white space of the next line is dropped. Returns where the next line's
/// content starts.
fn fold(raw: &str, mut i: usize, out: &mut (String, Vec<usize>), trailing_from: usize) -> usize {
    out.0.truncate(trailing_from);
    out.1.truncate(trailing_from);
    let at = i;
    let bytes = raw.as_bytes();
    let mut breaks = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                breaks += 1;
                i += 1;
            }
            b'\r' | b' ' | b'\t' => i += 1,
            _ => break,
        }
    }
    if breaks == 1 {
        push(out, ' ', at);
    } else {
        for _ in 1..breaks {
            push(out, '\n', at);
        }
    }
    i
}

/// Decodes a double-quoted YAML scalar (quotes included), with the offset map.
fn double_quoted(raw: &str) -> Option<(String, Vec<usize>)> {
    let inner_end = raw
        .len()
        .checked_sub(1)
        .filter(|&e| e > 0 && raw.ends_with('"'))?;
    let mut out = (
        String::with_capacity(raw.len()),
        Vec::with_capacity(raw.len()),
    );
    // Where the current run of unescaped white space started in the output.
    let mut trailing_from = 0;
    let mut i = 1;
    while i < inner_end {
        let c = raw[i..].chars().next()?;
        match c {
            '\\' => {
                let e = raw[i + 1..].chars().next()?;
                let decoded = match e {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    'x' | 'u' | 'U' => {
                        let digits = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex = raw.get(i + 2..i + 2 + digits)?;
                        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                        push(&mut out, c, i);
                        i += 2 + digits;
                        trailing_from = out.0.len();
                        continue;
                    }
                    '\n' | '\r' => {
                        // An escaped line break: nothing, and the next line's indentation
                        // is dropped.
                        i += 1;
                        while i < inner_end && matches!(raw.as_bytes()[i], b'\r' | b'\n') {
                            i += 1;
                            if raw.as_bytes()[i - 1] == b'\n' {
                                break;
                            }
                        }
                        while i < inner_end && matches!(raw.as_bytes()[i], b' ' | b'\t') {
                            i += 1;
                        }
                        trailing_from = out.0.len();
                        continue;
                    }
                    _ => return None,
                };
                push(&mut out, decoded, i);
                i += 1 + e.len_utf8();
                trailing_from = out.0.len();
            }
            '\n' | '\r' => i = fold(&raw[..inner_end], i, &mut out, trailing_from),
            ' ' | '\t' => {
                push(&mut out, c, i);
                i += 1;
            }
            _ => {
                push(&mut out, c, i);
                i += c.len_utf8();
                trailing_from = out.0.len();
            }
        }
        if !matches!(c, ' ' | '\t') {
            trailing_from = out.0.len();
        }
    }
    out.1.push(inner_end);
    Some(out)
}

/// Decodes a single-quoted YAML scalar (quotes included), with the offset map.
fn single_quoted(raw: &str) -> Option<(String, Vec<usize>)> {
    let inner_end = raw
        .len()
        .checked_sub(1)
        .filter(|&e| e > 0 && raw.ends_with('\''))?;
    let mut out = (
        String::with_capacity(raw.len()),
        Vec::with_capacity(raw.len()),
    );
    let mut trailing_from = 0;
    let mut i = 1;
    while i < inner_end {
        let c = raw[i..].chars().next()?;
        match c {
            '\'' if raw.as_bytes().get(i + 1) == Some(&b'\'') => {
                push(&mut out, '\'', i);
                i += 2;
            }
            '\n' | '\r' => i = fold(&raw[..inner_end], i, &mut out, trailing_from),
            _ => {
                push(&mut out, c, i);
                i += c.len_utf8();
            }
        }
        if !matches!(c, ' ' | '\t') {
            trailing_from = out.0.len();
        }
    }
    out.1.push(inner_end);
    Some(out)
}

/// Decodes a literal block scalar (`|`) at `span` of `text`, with the offset map. The
/// parser's span starts at the first line's content: the header (`|`, `|-`, `|+`, `|2`) is
/// the end of the line before. `None` for any other scalar (folded `>`, plain).
fn literal_block(text: &str, span: Span) -> Option<(String, Vec<usize>)> {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..span.start].bytes().all(|b| b == b' ') || line_start == 0 {
        return None;
    }
    let header_line_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    let header_line = &text[header_line_start..line_start - 1];
    let header_line = header_line.split(" #").next()?.trim_end();
    let header = &header_line[header_line.rfind('|')?..];
    let mut explicit = None;
    let mut chomp = ' ';
    for c in header[1..].chars() {
        match c {
            '-' | '+' => chomp = c,
            '1'..='9' => explicit = c.to_digit(10).map(|d| d as usize),
            _ => return None,
        }
    }
    let indent = explicit.unwrap_or(span.start - line_start);
    let end = span.end.min(text.len());
    let mut out = (String::with_capacity(end - line_start), Vec::new());
    let mut at = line_start;
    for line in text[line_start..end].split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let leading = content.len() - content.trim_start_matches(' ').len();
        if leading < indent && !content.trim_start_matches(' ').is_empty() {
            // Less indented: the block ended (the span should not reach here).
            break;
        }
        let skip = indent.min(content.len());
        for (j, c) in content[skip..].char_indices() {
            push(&mut out, c, (start + skip + j).checked_sub(span.start)?);
        }
        if content.len() < line.len() {
            push(
                &mut out,
                '\n',
                (start + content.len()).checked_sub(span.start)?,
            );
        }
    }
    // Chomping: trailing line breaks.
    let text_end = out.0.trim_end_matches('\n').len();
    let keep = match chomp {
        '-' => text_end,
        '+' => out.0.len(),
        _ => (text_end + 1).min(out.0.len()),
    };
    out.0.truncate(keep);
    out.1.truncate(keep);
    out.1.push(end - span.start);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the first scalar value `key` of the YAML `text` and checks that every decoded
    /// character maps back to itself in the raw text.
    fn mapped(text: &str, key: &str) -> bool {
        let source = Source::new("t.yml", text);
        let docs = yaml_documents(&source).unwrap();
        let Some(Node::Scalar(value, span)) = docs[0].get(key) else {
            panic!("no {key}")
        };
        let embedded = Embedded::yaml(value, text, *span);
        let Some(map) = &embedded.map else {
            return false;
        };
        for (i, c) in value.char_indices() {
            let raw = &text[span.start + map[i]..];
            // A character maps to itself, or to the escape it was written as.
            if c.is_alphanumeric() {
                assert!(
                    raw.starts_with(c) || raw.starts_with('\\'),
                    "{c:?} at {i} maps to {raw:?}"
                );
            }
        }
        true
    }

    #[test]
    fn quoted_and_literal_scalars_map_back_exactly() {
        assert!(mapped(
            "a: \"{\\\"expr\\\": \\\"vllm:x\\\",\\n \\u00e9\\\n   \\ y  \n\n  z\"\n",
            "a"
        ));
        assert!(mapped("a: 'it''s\n  vllm:x  \n\n  z'\n", "a"));
        assert!(mapped(
            "a: |\n  {\n    \"expr\": \"é vllm:x\"\n  }\n\nb: 1\n",
            "a"
        ));
        assert!(mapped("a: |-\n  x\n\n  y\n", "a"));
        assert!(mapped("a: |2+\n    x\n  y\n\n", "a"));
        // Folded and plain scalars fall back to occurrences of names.
        assert!(!mapped("a: >\n  x\n  y\n", "a"));
        assert!(!mapped("a: x y\n", "a"));
    }

    #[test]
    fn names_map_back_through_occurrences_when_styles_are_not_decoded() {
        let text = "a: >\n  {\"x\": \"vllm:x + vllm:y\",\n  \"y\": \"vllm:x\"}\n";
        let source = Source::new("t.yml", text);
        let docs = yaml_documents(&source).unwrap();
        let Some(Node::Scalar(value, span)) = docs[0].get("a") else {
            panic!()
        };
        let e = Embedded::yaml(value, text, *span);
        let second = value.rfind("vllm:x").unwrap();
        let at = e
            .name_span(Span::new(second, second + "vllm:x".len()))
            .unwrap();
        assert_eq!(at.start, text.rfind("vllm:x").unwrap());
        assert_eq!(e.span_of(Span::new(0, 1)), None);
    }

    #[test]
    fn documents_are_read_in_order_and_empty_ones_dropped() {
        let source = Source::new("t.yml", "---\na: 1\n---\n---\nb: 2\n...\n");
        let docs = yaml_documents(&source).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].get_str("b"), Some("2"));
    }
}
