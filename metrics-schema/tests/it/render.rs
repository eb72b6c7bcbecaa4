//! Golden output of the three diagnostic formats.

use metrics_schema::render::{self, Color};
use metrics_schema::{Checked, Options, check};

const CATALOGUE: &str = r#"[catalogue]
namespace = "vllm"
separator = ":"

[labels.model_name]
help = "Name of the served model."
max_values = 16

[[metric]]
name = "request_success"
type = "counter"
help = "Count of successfully processed requests."
labels = ["model_name", "engine"]

[[metric]]
name = "request_success_total"
type = "gauge"
helpp = "Successful requests so far."
"#;

fn checked() -> Checked {
    check(CATALOGUE, "examples/metrics.toml", &Options::default())
}

#[test]
fn human() {
    let c = checked();
    insta::assert_snapshot!(render::human(&c.source, &c.diagnostics, Color::Never));
}

#[test]
fn human_colour_differs_only_by_escapes() {
    let c = checked();
    let styled = render::human(&c.source, &c.diagnostics, Color::Always);
    assert!(styled.contains('\u{1b}'));
    let stripped = strip_ansi(&styled);
    assert_eq!(
        stripped,
        render::human(&c.source, &c.diagnostics, Color::Never)
    );
}

#[test]
fn json() {
    let c = checked();
    insta::assert_snapshot!(render::json(&c.source, &c.diagnostics));
}

#[test]
fn github() {
    let c = checked();
    insta::assert_snapshot!(render::github(&c.source, &c.diagnostics));
}

#[test]
fn syntax_error() {
    let c = check(
        "[[metric]]\nname = \"queue\ntype = \"gauge\"\n",
        "m.toml",
        &Options::default(),
    );
    insta::assert_snapshot!(c.render_plain());
}

#[test]
fn columns_count_characters_like_the_renderer() {
    // Two multi-byte characters before the unknown key on the same line.
    let text = "metric = [{ name = \"q\", help = \"Zähler ü\", type = \"gauge\", lables = [] }]\n";
    let c = check(text, "m.toml", &Options::default());
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-key")
        .expect("unknown key");
    let expected_column = text[..text.find("lables").unwrap()].chars().count() + 1;
    assert_eq!((d.line, d.column), (1, expected_column));
    let rendered = c.render_plain();
    assert!(
        rendered.contains(&format!("--> m.toml:1:{expected_column}")),
        "{rendered}"
    );
    insta::assert_snapshot!(rendered);
}

#[test]
fn summary_line() {
    let c = checked();
    assert_eq!(
        render::summary("m.toml", &c.diagnostics).as_deref(),
        Some("error: m.toml: 3 errors, 1 warning")
    );
    assert_eq!(render::summary("m.toml", &[]), None);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
