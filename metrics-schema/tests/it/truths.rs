//! The smaller truths of one judge: "did you mean" hints never propose a metric hidden or
//! removed at the evaluated version and follow `replaced_by` chains to their active end;
//! the deprecation notice names the replacement's queried series; `schema status` shows a
//! metric whose `since` is later than the version as not yet introduced.

use metrics_schema::compat::compare;
use metrics_schema::descriptor::{Descriptor, Stage};
use metrics_schema::lifecycle::{NOT_INTRODUCED, Status, Version, deprecation_notice};
use metrics_schema::migrate::{FileKind, migrate};
use metrics_schema::refs::Resolver;
use metrics_schema::{Checked, Diagnostic, Options, check, render};

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

/// `text` checked at `version`.
fn at(text: &str, version: &str) -> Checked {
    check(text, "m.toml", &Options::at_version(v(version)))
}

/// The one diagnostic of rule `rule`.
fn only<'a>(checked: &'a Checked, rule: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .collect();
    assert_eq!(found.len(), 1, "{}", checked.render_plain());
    found[0]
}

fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

/// Namespace `app`; at 1.0.0, a metric deprecated in 0.1 is removed (alpha window).
const HEAD: &str = "[catalogue]\nnamespace = \"app\"\n";

fn gauge(name: &str, extra: &str) -> String {
    format!("[[metric]]\nname = \"{name}\"\ntype = \"gauge\"\nhelp = \"G.\"\n{extra}")
}

fn counter(name: &str, extra: &str) -> String {
    format!("[[metric]]\nname = \"{name}\"\ntype = \"counter\"\nhelp = \"C.\"\n{extra}")
}

fn alert(expr: &str) -> String {
    format!("[[alert]]\nname = \"A\"\nexpr = \"{expr}\"\nsummary = \"S.\"\n")
}

const RETIRED: &str = "deprecated = \"0.1\"\n";

// ---- "did you mean" -----------------------------------------------------------------

#[test]
fn a_removed_metric_is_never_proposed_for_an_unknown_reference() {
    let text = format!(
        "{HEAD}{}{}{}",
        gauge("gpu_cache_usage", RETIRED),
        gauge("cpu_cache_usage", ""),
        alert("app_gpu_cache_usag > 1"),
    );
    let checked = at(&text, "1.0.0");
    let d = only(&checked, "unknown-metric-reference");
    // The removed metric is the closest spelling; the next one is proposed.
    assert_eq!(help(d), "did you mean `app_cpu_cache_usage`?");
    // Before its removal, it is the closest and is proposed.
    let checked = at(&text, "0.1.0");
    let d = only(&checked, "unknown-metric-reference");
    assert_eq!(help(d), "did you mean `app_gpu_cache_usage`?");
}

#[test]
fn a_replaced_metric_gives_way_to_the_active_end_of_its_chain() {
    // gpu -> mid (deprecated, then hidden) -> kv (active); cpu is merely similar.
    let text = format!(
        "{HEAD}{}{}{}{}{}",
        gauge(
            "gpu_cache_usage",
            "deprecated = \"0.1\"\nreplaced_by = \"mid_cache_usage\"\n"
        ),
        gauge(
            "mid_cache_usage",
            "deprecated = \"0.9\"\nreplaced_by = \"kv_cache_usage\"\n"
        ),
        gauge("kv_cache_usage", ""),
        gauge("cpu_cache_usage", ""),
        alert("app_gpu_cache_usag > 1"),
    );
    let checked = at(&text, "1.0.0");
    let d = only(&checked, "unknown-metric-reference");
    assert_eq!(
        help(d),
        "did you mean `app_kv_cache_usage`? It replaces `app_gpu_cache_usage`, which is removed at 1.0.0"
    );
    // A deprecated metric is still exposed, but its replacement is what to write.
    let checked = at(
        &text.replace("app_gpu_cache_usag", "app_mid_cache_usag"),
        "0.9.0",
    );
    let d = only(&checked, "unknown-metric-reference");
    assert_eq!(
        help(d),
        "did you mean `app_kv_cache_usage`? It replaces `app_mid_cache_usage`, which is deprecated at 0.9.0"
    );
}

#[test]
fn a_chain_ending_hidden_or_removed_proposes_nothing_of_it() {
    // gpu -> old (removed at 1.0, no replacement); nothing else is close.
    let text = format!(
        "{HEAD}{}{}{}{}",
        gauge(
            "gpu_cache_usage",
            "deprecated = \"0.1\"\nreplaced_by = \"old_gpu_usage\"\n"
        ),
        gauge("old_gpu_usage", RETIRED),
        gauge("requests_running", ""),
        alert("app_gpu_cache_usag > 1 or app_gpu_cache_usage > 1"),
    );
    let checked = at(&text, "1.0.0");
    let d = only(&checked, "unknown-metric-reference");
    assert_eq!(
        help(d),
        "`schema status` lists the catalogue's metrics and their exposed names"
    );
    // The reference to the removed metric does not send readers to a removed one either.
    let d = only(&checked, "removed-metric-reference");
    assert_eq!(
        help(d),
        "`app_gpu_cache_usage` has no replacement exposed at 1.0.0: remove the reference."
    );
    assert!(!d.message.contains("old_gpu_usage"), "{}", d.message);
}

#[test]
fn a_family_name_of_a_replaced_metric_proposes_the_replacements_series() {
    let text = format!(
        "{HEAD}{}{}{}{}",
        counter(
            "old_requests",
            "deprecated = \"0.1\"\nreplaced_by = \"requests\"\n"
        ),
        counter("requests", ""),
        counter("gone", RETIRED),
        alert(
            "rate(app_old_requests[5m]) > 1 or rate(app_gone[5m]) > 1 or rate(app_requests[5m]) > 1"
        ),
    );
    let checked = at(&text, "1.0.0");
    let helps: Vec<&str> = checked
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-metric-reference")
        .map(help)
        .collect();
    assert_eq!(
        helps,
        [
            "write `app_requests_total`: `app_requests` replaces `app_old_requests`",
            "`app_gone` is removed at 1.0.0: remove the reference",
            "write `app_requests_total`",
        ],
        "{}",
        checked.render_plain()
    );
}

#[test]
fn unknown_replacement_proposes_neither_removed_nor_replaced_metrics() {
    let text = format!(
        "{HEAD}{}{}{}{}",
        gauge(
            "gpu_cache_usage",
            "deprecated = \"0.1\"\nreplaced_by = \"kv_cache_usage\"\n"
        ),
        gauge("kv_cache_usage", ""),
        gauge("cpu_cache_usage", ""),
        gauge(
            "legacy",
            "deprecated = \"0.5\"\nreplaced_by = \"gpu_cache_usag\"\n"
        ),
    );
    let checked = at(&text, "1.0.0");
    let d = only(&checked, "unknown-replacement");
    assert_eq!(
        help(d),
        "did you mean `kv_cache_usage`? It replaces `gpu_cache_usage`, which is removed at 1.0.0"
    );
    // Without a replacement, a removed metric gives way to the next closest name.
    let text = format!(
        "{HEAD}{}{}{}",
        gauge("gpu_cache_usage", RETIRED),
        gauge("cpu_cache_usage", ""),
        gauge(
            "legacy",
            "deprecated = \"0.5\"\nreplaced_by = \"gpu_cache_usag\"\n"
        ),
    );
    let checked = at(&text, "1.0.0");
    assert_eq!(
        help(only(&checked, "unknown-replacement")),
        "did you mean `cpu_cache_usage`?"
    );
}

#[test]
fn rename_suggestions_skip_removed_metrics_and_follow_chains() {
    let old = format!(
        "{HEAD}{}",
        gauge("gpu_cache_usage", "stability = \"stable\"\n")
    );
    let baseline = at(&old, "0.9.0");
    // The new catalogue dropped the metric; the closest added name is itself replaced.
    let new = format!(
        "{HEAD}{}{}",
        gauge(
            "gpu_cache_usages",
            "deprecated = \"0.1\"\nreplaced_by = \"kv_cache_usage\"\n"
        ),
        gauge("kv_cache_usage", ""),
    );
    let found = compare(&baseline, &at(&new, "1.0.0")).unwrap();
    let d = found
        .all()
        .find(|d| d.rule == "removed-without-deprecation")
        .expect("the deleted metric is reported");
    assert!(
        help(d).starts_with("if it was renamed to `kv_cache_usage`,"),
        "{}",
        help(d)
    );
    // Removed without a replacement, and nothing else close: not proposed at all.
    let new = format!(
        "{HEAD}{}{}",
        gauge("gpu_cache_usages", RETIRED),
        gauge("requests_running", ""),
    );
    let found = compare(&baseline, &at(&new, "1.0.0")).unwrap();
    let d = found
        .all()
        .find(|d| d.rule == "removed-without-deprecation")
        .unwrap();
    assert!(
        help(d).starts_with("keep its `[[metric]]` table"),
        "{}",
        help(d)
    );
}

#[test]
fn migrate_never_rewrites_to_a_hidden_metric() {
    // a (removed at 1.0) -> b (hidden at 1.0) -> c.
    let chain = |c: &str| {
        format!(
            "{HEAD}{}{}{}",
            gauge(
                "a_usage",
                "deprecated = \"0.1\"\nreplaced_by = \"b_usage\"\n"
            ),
            gauge(
                "b_usage",
                "deprecated = \"0.9\"\nreplaced_by = \"c_usage\"\n"
            ),
            gauge("c_usage", c),
        )
    };
    let rules = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: app_a_usage > 1\n";
    let at_v = v("1.0.0");
    // c active: the chain's end is the replacement, and a rename.
    let checked = at(&chain(""), "1.0.0");
    let cat = checked.catalogue.as_ref().unwrap();
    let resolver = Resolver::new(cat);
    let a = cat.metric("a_usage").unwrap();
    assert_eq!(
        resolver.replacement(a, Some(&at_v)).unwrap().name,
        "c_usage"
    );
    let done = migrate(&resolver, FileKind::Rules, "r.yml", rules, &at_v).unwrap();
    assert!(done.text.contains("expr: app_c_usage > 1"), "{}", done.text);
    // c hidden too: no replacement, no rewrite, and no hint naming b or c.
    let checked = at(&chain("deprecated = \"0.9\"\n"), "1.0.0");
    let cat = checked.catalogue.as_ref().unwrap();
    let resolver = Resolver::new(cat);
    let a = cat.metric("a_usage").unwrap();
    assert!(resolver.replacement(a, Some(&at_v)).is_none());
    let done = migrate(&resolver, FileKind::Rules, "r.yml", rules, &at_v).unwrap();
    assert_eq!(done.text, rules);
    let d = &done.remaining.diagnostics[0];
    assert_eq!(d.rule, "removed-metric-reference");
    assert_eq!(
        help(d),
        "`app_a_usage` has no replacement exposed at 1.0.0: remove the reference."
    );
}

// ---- the deprecation notice ---------------------------------------------------------

#[test]
fn the_notice_names_the_replacements_queried_series() {
    let replaced = |to: &str| format!("deprecated = \"1.0\"\nreplaced_by = \"{to}\"\n");
    let text = format!(
        "{HEAD}{}{}{}{}{}{}{}{}\
         [[metric]]\nname = \"latency_seconds\"\ntype = \"histogram\"\nhelp = \"H.\"\nbuckets = [1]\n\
         [[metric]]\nname = \"build\"\ntype = \"info\"\nhelp = \"I.\"\n",
        counter("requests", ""),
        gauge("usage", ""),
        gauge("old_requests", &replaced("requests")),
        gauge("old_usage", &replaced("usage")),
        gauge("old_latency", &replaced("latency_seconds")),
        gauge("old_build", &replaced("build")),
        counter("old_counter", &replaced("requests")),
        gauge("old_none", "deprecated = \"1.0\"\n"),
    );
    let checked = at(&text, "1.0.0");
    let cat = checked.catalogue.as_ref().unwrap();
    let at_v = v("1.0.0");
    let cases = [
        ("old_requests", Some("app_requests_total")),
        ("old_counter", Some("app_requests_total")),
        ("old_usage", Some("app_usage")),
        ("old_latency", Some("app_latency_seconds")),
        ("old_build", Some("app_build_info")),
        ("old_none", None),
    ];
    for (name, series) in cases {
        let m = cat.metric(name).unwrap();
        let notice = match series {
            Some(s) => format!("DEPRECATED since 1.0.0: use {s} instead."),
            None => "DEPRECATED since 1.0.0.".to_owned(),
        };
        // The catalogue side: docs, Rust codegen's HELP constants and Python's HELP.
        assert_eq!(m.help_at(&at_v), format!("{} {notice}", m.help), "{name}");
        assert_eq!(m.deprecation_notice().as_deref(), Some(notice.as_str()));
        // The runtime side builds the notice from the descriptor codegen quotes.
        let d = Descriptor::of(m, &at_v).unwrap();
        let Stage::Deprecated(dep) = &d.stage else {
            panic!("{name} is deprecated at 1.0.0")
        };
        assert_eq!(dep.replaced_by.as_deref(), series, "{name}");
        let runtime_notice = deprecation_notice(
            &Version::parse_release(&dep.since).unwrap(),
            dep.replaced_by.as_deref(),
            dep.note.as_deref(),
        );
        assert_eq!(runtime_notice, notice);
    }
    // The replacement's full name stays what docs link to.
    assert_eq!(
        cat.metric("old_requests").unwrap().replacement.as_deref(),
        Some("app_requests")
    );
}

// ---- schema status ------------------------------------------------------------------

const STATUS: &str = r#"[catalogue]
namespace = "app"

[labels.model]
max_values = 4

[[metric]]
name = "requests"
type = "counter"
help = "Requests."
labels = ["model"]
since = "0.9"

[[metric]]
name = "tokens"
type = "counter"
help = "Tokens, from 2.0 on."
labels = ["model"]
since = "2.0"
allow = ["since-after-version"]

[[metric]]
name = "old"
type = "gauge"
help = "Old."
deprecated = "0.1"
"#;

#[test]
fn status_shows_metrics_not_yet_introduced() {
    let checked = at(STATUS, "1.0.0");
    let cat = checked.catalogue.as_ref().unwrap();
    let report = cat.status_report(&v("1.0.0"));
    let tokens = &report.metrics[1];
    assert!(!tokens.introduced);
    assert_eq!(tokens.status, Status::Active);
    assert_eq!(tokens.shown(), NOT_INTRODUCED);
    assert_eq!(tokens.since, Some(v("2.0.0")));
    assert_eq!(tokens.labels, ["model"]);
    assert!(report.metrics[0].introduced);
    assert_eq!(report.count(Status::Active), 1);
    assert_eq!(report.not_introduced(), 1);

    let human = render::status_human("m.toml", &report, false);
    let line = |start: &str| {
        human
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting `{start}` in\n{human}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("not yet introduced"),
        "not yet introduced counter app_tokens - (since 2.0.0)"
    );
    assert_eq!(
        line("active"),
        "active counter app_requests app_requests_total"
    );
    assert_eq!(line("STATUS"), "STATUS TYPE METRIC EXPOSED AS");
    assert!(
        human.contains(
            "3 metrics: 1 active, 0 deprecated, 0 hidden, 1 removed, 1 not yet introduced\n"
        ),
        "{human}"
    );
    // Columns stay aligned with the wider status.
    let at_metric = |l: &str| l.find("app_").unwrap();
    let rows: Vec<usize> = human
        .lines()
        .filter(|l| l.contains("app_"))
        .map(at_metric)
        .collect();
    assert!(rows.windows(2).all(|w| w[0] == w[1]), "{human}");

    let json: serde_json::Value =
        serde_json::from_str(&render::status_json("m.toml", &report)).unwrap();
    let tokens = &json["metrics"][1];
    assert_eq!(tokens["status"], "not-yet-introduced");
    assert_eq!(tokens["since"], "2.0.0");
    assert_eq!(tokens["labels"], serde_json::json!(["model"]));
    assert_eq!(tokens["family"], "app_tokens");
    assert_eq!(tokens["samples"], serde_json::json!(["app_tokens_total"]));
    let requests = &json["metrics"][0];
    assert_eq!(requests["status"], "active");
    assert_eq!(requests["since"], "0.9.0");
    let old = &json["metrics"][2];
    assert_eq!(old["status"], "removed");
    assert_eq!(old["since"], serde_json::Value::Null);
    assert_eq!(old["labels"], serde_json::json!([]));
}

#[test]
fn status_without_future_metrics_keeps_its_columns() {
    let text = STATUS.replace("since = \"2.0\"", "since = \"1.0\"");
    let checked = at(&text, "1.0.0");
    let report = checked
        .catalogue
        .as_ref()
        .unwrap()
        .status_report(&v("1.0.0"));
    let human = render::status_human("m.toml", &report, false);
    assert!(
        human.contains("\nSTATUS     TYPE      METRIC        EXPOSED AS\n"),
        "{human}"
    );
    assert!(
        human.contains("3 metrics: 2 active, 0 deprecated, 0 hidden, 1 removed\n"),
        "{human}"
    );
}
