//! `schema check-refs CATALOGUE --prometheus URL`: the rules a Prometheus server has loaded,
//! checked against the catalogue. Argument parsing and printing only.

use metrics_schema::lifecycle::Version;
use metrics_schema::live::{fetch, prometheus};
use metrics_schema::refs::Resolver;
use metrics_schema::refs::loaded::{Loaded, check_loaded};
use metrics_schema::{Catalogue, render};

use crate::cli::{self, ColorChoice, Format, USAGE, print};

/// Checks the rules loaded into the Prometheus server at `url`.
pub fn run(
    catalogue: &Catalogue,
    at: &Version,
    url: &str,
    format: Format,
    deny_warnings: bool,
) -> u8 {
    let loaded = match prometheus::rules(url, fetch::Limits::default()) {
        Ok(rules) => rules,
        Err(e) => {
            error!("{e}");
            return USAGE;
        }
    };
    let mut resolver = Resolver::new(catalogue);
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
    let files = [(&file.source, file.diagnostics.as_slice())];
    match format {
        Format::Human => {
            if file.diagnostics.is_empty() {
                print(&format!("{name}: {} rule(s) ok at {at}\n", rules.len()));
            } else {
                let color = cli::color(ColorChoice::Auto);
                print(&cli::human_report(&file.source, &file.diagnostics, color));
            }
        }
        Format::Github => print(&render::github(&file.source, &file.diagnostics)),
        Format::Json => cli::print_json_diagnostics(files),
        Format::Sarif => cli::print_sarif(files),
    }
    let (errors, warnings) = cli::counts(&file.diagnostics);
    cli::findings(errors, warnings, deny_warnings)
}
