//! `schema check-refs CATALOGUE --prometheus URL`: the rules a Prometheus server has loaded,
//! checked against the catalogue. Argument parsing and printing only.

use std::path::Path;

use metrics_schema::lifecycle::Version;
use metrics_schema::live::{fetch, prometheus};
use metrics_schema::refs::Resolver;
use metrics_schema::refs::loaded::{Loaded, check_loaded};
use metrics_schema::render::{self, Color};

use crate::rules_cmd::{RefsFormat, valid, version_of};
use crate::{FAILED, OK, USAGE, print};

pub(crate) fn run(
    path: &Path,
    version: Option<Version>,
    url: &str,
    format: RefsFormat,
    deny_warnings: bool,
) -> u8 {
    let checked = match valid(path, version) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let (Some(cat), Some(at)) = (&checked.catalogue, version_of(&checked, "check-refs")) else {
        return USAGE;
    };
    let loaded = match prometheus::rules(url, fetch::Limits::default()) {
        Ok(rules) => rules,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let mut resolver = Resolver::new(cat);
    for r in loaded.iter().filter(|r| r.kind == "recording") {
        resolver.add_record(&r.name);
    }
    let rules: Vec<Loaded> = loaded
        .iter()
        .map(|r| Loaded {
            group: r.group.clone(),
            name: r.name.clone(),
            query: r.query.clone(),
        })
        .collect();
    let name = format!("{}/api/v1/rules", url.trim_end_matches('/'));
    let file = check_loaded(&resolver, &name, &rules, at);
    let errors = file.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = file.diagnostics.len() - errors;
    match format {
        RefsFormat::Human => {
            if file.diagnostics.is_empty() {
                print(&format!("{name}: {} rule(s) ok at {at}\n", rules.len()));
            } else {
                let mut out = render::human(&file.source, &file.diagnostics, Color::Never);
                if let Some(summary) = render::summary(&name, &file.diagnostics) {
                    out.push('\n');
                    out.push_str(&summary);
                    out.push('\n');
                }
                print(&out);
            }
        }
        RefsFormat::Github => print(&render::github(&file.source, &file.diagnostics)),
        RefsFormat::Json => print(&format!(
            "{}\n",
            render::json(&file.source, &file.diagnostics)
        )),
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        FAILED
    } else {
        OK
    }
}
