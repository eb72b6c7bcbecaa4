//! The pieces of an exposition line: names, label sets, escaped strings, numbers.

use super::Exemplar;

/// A position in one line. Errors carry the byte offset in the line.
pub(super) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

type LexError = (usize, String);

impl<'a> Cursor<'a> {
    pub(super) fn new(text: &'a str, pos: usize) -> Self {
        Cursor { text, pos }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    pub(super) fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    pub(super) fn expect_char(&mut self, c: char) -> Result<(), usize> {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(self.pos)
        }
    }

    /// Skips spaces and tabs; true when there were some.
    pub(super) fn skip_blanks(&mut self) -> bool {
        let start = self.pos;
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t']).len();
        self.pos > start
    }

    /// ASCII letters up to the next non-letter.
    pub(super) fn word(&mut self) -> &'a str {
        self.take_while(|c, _| c.is_ascii_alphabetic())
    }

    /// Everything up to the next space or tab.
    pub(super) fn token(&mut self) -> &'a str {
        self.take_while(|c, _| c != ' ' && c != '\t')
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, possibly empty.
    pub(super) fn metric_name(&mut self) -> &'a str {
        self.take_while(|c, first| {
            c.is_ascii_alphabetic() || c == '_' || c == ':' || (!first && c.is_ascii_digit())
        })
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, possibly empty.
    fn label_name(&mut self) -> &'a str {
        self.take_while(|c, first| {
            c.is_ascii_alphabetic() || c == '_' || (!first && c.is_ascii_digit())
        })
    }

    fn take_while(&mut self, accept: impl Fn(char, bool) -> bool) -> &'a str {
        let start = self.pos;
        let len: usize = self.text[start..]
            .chars()
            .enumerate()
            .take_while(|&(i, c)| accept(c, i == 0))
            .map(|(_, c)| c.len_utf8())
            .sum();
        self.pos += len;
        &self.text[start..self.pos]
    }

    /// `{name="value",...}`, the cursor on `{`. Blanks around names, `=` and commas are
    /// accepted in the text format; OpenMetrics has none.
    pub(super) fn labels(&mut self, om: bool) -> Result<Vec<(String, String)>, LexError> {
        let open = self.pos;
        self.pos += 1;
        let mut labels: Vec<(String, String)> = Vec::new();
        let blanks = |cur: &mut Self| {
            if !om {
                cur.skip_blanks();
            }
        };
        loop {
            blanks(self);
            if self.peek() == Some('}') {
                self.pos += 1;
                return Ok(labels);
            }
            if self.at_end() {
                return Err((open, "unclosed `{`".to_owned()));
            }
            let name_at = self.pos;
            let name = self.label_name();
            if name.is_empty() {
                return Err((self.pos, "expected a label name or `}`".to_owned()));
            }
            if labels.iter().any(|(k, _)| k == name) {
                return Err((name_at, format!("label `{name}` appears twice")));
            }
            blanks(self);
            self.expect_char('=')
                .map_err(|at| (at, format!("expected `=` after label `{name}`")))?;
            blanks(self);
            let value = self.quoted(om)?;
            labels.push((name.to_owned(), value));
            blanks(self);
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                _ => {
                    return Err((
                        self.pos,
                        "expected `,` or `}` after a label value".to_owned(),
                    ));
                }
            }
        }
    }

    /// A double-quoted label value, unescaped.
    fn quoted(&mut self, om: bool) -> Result<String, LexError> {
        let open = self.pos;
        self.expect_char('"')
            .map_err(|at| (at, "expected `\"` starting a label value".to_owned()))?;
        let rest = self.rest();
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices() {
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
        let Some(end) = end else {
            return Err((open, "unterminated label value".to_owned()));
        };
        let value = unescape(&rest[..end], om, true).map_err(|(i, m)| (self.pos + i, m))?;
        self.pos += end + 1;
        Ok(value)
    }

    /// ` # {labels} value [timestamp]` after a sample, the cursor on `#`.
    pub(super) fn exemplar(&mut self) -> Result<Exemplar, LexError> {
        self.pos += 2; // "# "
        let labels = self.labels(true)?;
        if !self.skip_blanks() {
            return Err((
                self.pos,
                "expected a space and the exemplar's value".to_owned(),
            ));
        }
        let at = self.pos;
        let text = self.token();
        let value = number(text).ok_or_else(|| (at, format!("invalid exemplar value `{text}`")))?;
        let mut timestamp = None;
        if self.skip_blanks() && !self.at_end() {
            let at = self.pos;
            let text = self.token();
            timestamp = Some(
                self::timestamp(text, true)
                    .ok_or_else(|| (at, format!("invalid exemplar timestamp `{text}`")))?,
            );
        }
        if !self.at_end() {
            return Err((
                self.pos,
                format!("unexpected `{}` after the exemplar", self.rest()),
            ));
        }
        let runes: usize = labels
            .iter()
            .map(|(k, v)| k.chars().count() + v.chars().count())
            .sum();
        if runes > 128 {
            return Err((
                at,
                format!("exemplar labels have {runes} characters: at most 128"),
            ));
        }
        Ok(Exemplar {
            labels,
            value,
            timestamp,
        })
    }
}

/// Unescapes a HELP text or label value: `\\`, `\n`, and `\"` (in label values, and in
/// OpenMetrics HELP). Another escape is an error in OpenMetrics and in label values, and
/// kept as written in text-format HELP (as Prometheus does).
pub(super) fn unescape(s: &str, om: bool, label: bool) -> Result<String, LexError> {
    if !s.contains('\\') {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, '"')) if om || label => out.push('"'),
            Some((_, other)) if !om && !label => {
                out.push('\\');
                out.push(other);
            }
            Some((_, other)) => {
                return Err((
                    i,
                    format!("invalid escape `\\{other}`: expected `\\\\`, `\\\"` or `\\n`"),
                ));
            }
            None if !om && !label => out.push('\\'),
            None => return Err((i, "a lone `\\` at the end".to_owned())),
        }
    }
    Ok(out)
}

/// A sample value: a decimal float, `NaN`, `+Inf`, `-Inf` (case-insensitive, as Go's
/// `ParseFloat` reads them).
pub(super) fn number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = digits.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return s.parse().ok();
    }
    // Only decimal notation: no hex, no underscores, no other words Rust might accept.
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    s.parse().ok()
}

/// A timestamp: integer milliseconds in the text format, float seconds in OpenMetrics.
pub(super) fn timestamp(s: &str, om: bool) -> Option<f64> {
    if om {
        number(s).filter(|v| v.is_finite())
    } else {
        s.parse::<i64>().ok().map(|v| v as f64)
    }
}
