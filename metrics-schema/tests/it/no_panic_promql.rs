//! Nothing panics on bad PromQL, rule files or dashboards: arbitrary text and token soups
//! go through the PromQL reference finder, Grafana variable substitution, the rule file
//! and dashboard readers, the catalogue's `[[alert]]` and `[[record]]` tables, the
//! reference checks and the migration; every span stays inside its text.

use metrics_schema::lifecycle::Version;
use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::promql::{Expression, Substitution, references};
use metrics_schema::refs::dashboard_file::DashboardFile;
use metrics_schema::refs::rule_file::RuleFile;
use metrics_schema::refs::{Resolver, check_file};
use metrics_schema::{Options, check};
use proptest::prelude::*;
use proptest::sample::select;

const TOKENS: &[&str] = &[
    "vllm:a_total",
    "vllm:b_bucket",
    "vllm:gpu",
    "up",
    "x",
    "le",
    "__name__",
    "rate",
    "histogram_quantile",
    "sum",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "offset",
    "@",
    "bool",
    "and",
    "or",
    "unless",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    "=",
    "!=",
    "=~",
    "!~",
    ">",
    "<",
    "+",
    "/",
    "^",
    "5m",
    "1h30m",
    ":",
    "0.9",
    "1e3",
    "-",
    "\"v\"",
    "'v'",
    "`v`",
    "\"$model\"",
    "$__rate_interval",
    "${ds}",
    "[[v]]",
    "#c\n",
    "\n",
    " ",
    "\\",
    "\"",
    "Inf",
    "NaN",
    "é",
    "\u{0}",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TOKENS), 0..24).prop_map(|t| t.join(" "))
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => soup(), 1 => ".{0,80}"]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn catalogue() -> metrics_schema::Catalogue {
    let toml = "[catalogue]\nnamespace = \"vllm\"\nseparator = \":\"\nallow = [\"name-colon\"]\nstability = \"stable\"\n[[metric]]\nname = \"gpu\"\ntype = \"gauge\"\nhelp = \"G.\"\ndeprecated = \"0.10\"\nreplaced_by = \"usage\"\n[[metric]]\nname = \"usage\"\ntype = \"gauge\"\nhelp = \"U.\"\n[[metric]]\nname = \"a\"\ntype = \"counter\"\nhelp = \"A.\"\n[[metric]]\nname = \"b\"\ntype = \"histogram\"\nhelp = \"B.\"\nbuckets = [1]\n";
    check(toml, "m.toml", &Options::default())
        .catalogue
        .unwrap()
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn check_expressions(text: &str, exprs: &[Expression]) {
    for e in exprs {
        assert!(e.span.end <= text.len(), "{e:?}");
        if let Ok(refs) = &e.references {
            for r in refs {
                assert!(r.span.end <= text.len());
                if r.exact {
                    assert_eq!(&text[r.span.range()], r.name);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn references_point_at_their_names(expr in text()) {
        if let Ok(refs) = references(&expr) {
            for r in refs {
                prop_assert_eq!(&expr[r.span.clone()], r.name.as_str());
            }
        }
    }

    #[test]
    fn grafana_substitution_maps_back_inside_the_text(expr in text()) {
        let sub = Substitution::grafana(&expr);
        for offset in 0..=sub.text.len() {
            prop_assert!(sub.original(offset) <= expr.len());
        }
        let raw = json_string(&expr);
        let e = Expression::read_substituted(expr.clone(), &raw, metrics_schema::Span::new(0, raw.len()), &sub);
        check_expressions(&raw, &[e]);
    }

    #[test]
    fn rule_files_and_dashboards(exprs in prop::collection::vec(text(), 0..4), junk in ".{0,40}", at in 8u64..14) {
        let cat = catalogue();
        let resolver = Resolver::new(&cat);
        let at = Version::new(0, at, 0);
        let mut yaml = String::from("groups:\n  - name: g\n    rules:\n");
        let mut json = String::from("{\"panels\": [{\"targets\": [");
        for (i, e) in exprs.iter().enumerate() {
            yaml.push_str(&format!("      - alert: A{i}\n        expr: {}\n", json_string(e)));
            if i > 0 {
                json.push(',');
            }
            json.push_str(&format!("{{\"expr\": {}}}", json_string(e)));
        }
        json.push_str("]}]}");
        for (text, kind) in [(yaml.clone(), FileKind::Rules), (json, FileKind::Dashboard), (format!("{yaml}{junk}"), FileKind::Rules), (junk.clone(), FileKind::Dashboard)] {
            let read = match kind {
                FileKind::Rules => RuleFile::read("r.yml", &text).map(|f| f.expressions()),
                FileKind::Dashboard => DashboardFile::read("d.json", &text).map(|f| f.expressions),
            };
            if let Ok(exprs) = read {
                check_expressions(&text, &exprs);
                let checked = check_file(&resolver, metrics_schema::Source::new("f", text.as_str()), &exprs, &at);
                for d in &checked.diagnostics {
                    prop_assert!(d.span.end <= text.len() && d.line >= 1);
                }
            }
            if let Ok(m) = migrate(&resolver, kind, "f", &text, &at) {
                let _ = m.diff();
            }
        }
    }

    #[test]
    fn alert_and_record_tables(expr in text(), name in ".{0,10}", for_ in ".{0,6}", v in 8u64..14) {
        let toml = format!(
            "[catalogue]\nnamespace = \"vllm\"\nseparator = \":\"\nallow = [\"name-colon\"]\n[[metric]]\nname = \"a\"\ntype = \"counter\"\nhelp = \"A.\"\n[[alert]]\nname = {n}\nexpr = {e}\nfor = {f}\nsummary = \"S.\"\nlabels = {{ {n} = \"x\" }}\n[[record]]\nname = {n}\nexpr = '''\n{raw}'''\n",
            n = json_string(&name),
            e = json_string(&expr),
            f = json_string(&for_),
            raw = expr.replace("'''", "")
        );
        let mut options = Options::default();
        options.version = Some(Version::new(0, v, 0));
        let checked = check(&toml, "m.toml", &options);
        for d in &checked.diagnostics {
            prop_assert!(d.span.end <= toml.len() && d.line >= 1, "{:?}", d);
        }
        if let Some(cat) = &checked.catalogue {
            let _ = metrics_schema::alerts::rule_file(cat, "m.toml");
            let _ = metrics_schema::dashboard::dashboard(cat, &Version::new(0, v, 0), None);
        }
    }
}
