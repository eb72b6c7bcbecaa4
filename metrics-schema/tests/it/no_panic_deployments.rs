//! Dashboards inside YAML strings (a `ConfigMap`'s `data.<name>.json`) in every scalar
//! style, with escapes, escaped line breaks and indentation: reading never panics, and every
//! reference is located exactly on its name in the YAML text as written, so `migrate` can
//! rewrite it there.

use metrics_schema::lifecycle::Version;
use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::refs::Resolver;
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::{Options, check};
use proptest::prelude::*;
use proptest::sample::select;

const EXPRS: &[&str] = &[
    "app:gpu_usage",
    "sum(rate(app:requests_total{engine=\"0\"}[5m]))",
    "max by (engine) (app:gpu_usage{model=~\"é.*\"}) / 2",
    "app:usage > app:gpu_usage",
    "{__name__=\"app:gpu_usage\"}",
];

const CATALOGUE: &str = "[catalogue]\nnamespace = \"app\"\nseparator = \":\"\nallow = [\"name-colon\"]\n[labels.engine]\nmax_values = 4\n[[metric]]\nname = \"gpu_usage\"\ntype = \"gauge\"\nhelp = \"Old.\"\nlabels = [\"engine\"]\ndeprecated = \"0.10\"\nreplaced_by = \"usage\"\n[[metric]]\nname = \"usage\"\ntype = \"gauge\"\nhelp = \"New.\"\nlabels = [\"engine\"]\n[[metric]]\nname = \"requests\"\ntype = \"counter\"\nhelp = \"R.\"\nlabels = [\"engine\"]\n";

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// `json` as a YAML double-quoted scalar; `escapes` picks characters (never letters, digits,
/// `_` or `:`) to write as `\xNN`/`\uNNNN`, `breaks` where to put escaped line breaks.
fn double_quoted(json: &str, escapes: &[bool], breaks: &[bool]) -> String {
    let mut out = String::from("\"");
    for (i, c) in json.chars().enumerate() {
        let name_char = c.is_alphanumeric() || c == '_' || c == ':';
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if !name_char && escapes.get(i % escapes.len().max(1)) == Some(&true) => {
                if (c as u32) < 0x100 {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                } else {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                }
            }
            c => out.push(c),
        }
        if !name_char && breaks.get(i % breaks.len().max(1)) == Some(&true) {
            out.push_str("\\\n      ");
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn embedded_dashboards_are_located_exactly(
        exprs in prop::collection::vec(select(EXPRS), 1..4),
        style in 0usize..3,
        indent in 3usize..8,
        escapes in prop::collection::vec(any::<bool>(), 1..7),
        breaks in prop::collection::vec(prop::bool::weighted(0.1), 1..9),
    ) {
        let targets: Vec<String> = exprs
            .iter()
            .map(|e| format!("{{\"expr\": {}}}", json_string(e)))
            .collect();
        let json = format!(
            "{{\n  \"title\": \"t\",\n  \"panels\": [{{\"targets\": [{}]}}]\n}}\n",
            targets.join(", ")
        );
        let scalar = match style {
            0 => double_quoted(&json, &escapes, &breaks),
            1 => format!("'{}'", json.replace('\n', " ").replace('\'', "''")),
            _ => {
                let pad = " ".repeat(indent);
                let body: String = json.lines().map(|l| format!("{pad}{l}\n")).collect();
                format!("|\n{body}")
            }
        };
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  d.json: {scalar}\n"
        );
        let file = DashboardFile::read("cm.yml", &text).unwrap();
        prop_assert_eq!(file.expressions.len(), exprs.len());
        for e in &file.expressions {
            for r in e.references.as_ref().unwrap() {
                prop_assert!(r.exact, "{:?} in {}", r, text);
                prop_assert_eq!(&text[r.span.range()], r.name.as_str());
                for l in &r.required_labels {
                    prop_assert!(l.exact);
                    prop_assert_eq!(&text[l.span.range()], l.name.as_str());
                }
            }
        }
        let cat = check(CATALOGUE, "m.toml", &Options::default()).catalogue.unwrap();
        let m = migrate(&Resolver::new(&cat), FileKind::Dashboard, "cm.yml", &text, &Version::new(0, 12, 0)).unwrap();
        prop_assert_eq!(m.text.matches("app:gpu_usage").count(), 0, "{}", m.text);
        prop_assert!(m.remaining.diagnostics.is_empty(), "{:?}", m.remaining.diagnostics);
    }

    #[test]
    fn arbitrary_yaml_strings_never_panic(json in ".{0,60}", style in 0usize..4) {
        let scalar = match style {
            0 => format!("\"{json}\""),
            1 => format!("'{json}'"),
            2 => format!("|\n  {json}\n"),
            _ => format!(">\n  {json}\n"),
        };
        let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  d.json: {scalar}\n");
        if let Ok(file) = DashboardFile::read("cm.yml", &text) {
            for e in &file.expressions {
                prop_assert!(e.span.end <= text.len());
            }
        }
    }
}
