//! `schema diff OLD NEW`, the release changelog, and `schema lint NEW --baseline OLD`, the
//! compatibility rules.

use clap::{Args, ValueEnum};
use metrics_schema::diff::{self, Side};
use metrics_schema::lifecycle::Version;
use metrics_schema::render;
use metrics_schema::{Options, compat};

use crate::{ColorChoice, FAILED, Format, OK, USAGE, parse_version, print};

/// Arguments of `schema diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The previous catalogue: a path or `git:REV:PATH`.
    old: String,
    /// The new catalogue: a path or `git:REV:PATH`.
    new: String,
    /// Evaluate the old catalogue at this version (default: its `version` pin).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    old_version: Option<Version>,
    /// Evaluate the new catalogue at this version (default: its `version` pin).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    new_version: Option<Version>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    format: DiffFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Markdown,
    Json,
}

/// Runs `schema diff`.
pub fn run(args: DiffArgs) -> u8 {
    let old = match super::load(&args.old, args.old_version) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let new = match super::load(&args.new, args.new_version) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (Some(old_cat), Some(new_cat)) = (&old.catalogue, &new.catalogue) else {
        for c in [&old, &new] {
            if c.catalogue.is_none() {
                super::report_errors(c, "no changelog can be made");
            }
        }
        return FAILED;
    };
    let log = diff::diff(
        Side::new(old_cat, &args.old, old.version.clone()),
        Side::new(new_cat, &args.new, new.version.clone()),
    );
    match args.format {
        DiffFormat::Markdown => print(&diff::markdown(&log)),
        DiffFormat::Json => print(&diff::json(&log)),
    }
    OK
}

/// `schema lint PATH --baseline OLD`: every lint rule over PATH, plus the compatibility
/// rules against OLD.
pub fn lint_with_baseline(
    paths: &[std::path::PathBuf],
    baseline: &str,
    options: &Options,
    format: Format,
    deny_warnings: bool,
    color: ColorChoice,
) -> u8 {
    let [path] = paths else {
        eprintln!(
            "error: `--baseline` compares one catalogue with the previous release's: give one path"
        );
        return USAGE;
    };
    let options = match super::with_crate_version(options.clone(), path) {
        Ok(options) => options,
        Err(code) => return code,
    };
    let checked = match metrics_schema::load(path, &options) {
        Ok(c) => c,
        Err(error) => {
            eprintln!("error: {error}");
            return USAGE;
        }
    };
    // The baseline is evaluated at its own pin, if any: `--version` is the new release's.
    let old = match super::load(baseline, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if old.catalogue.is_none() {
        super::report_errors(&old, "the baseline cannot be compared");
        return USAGE;
    }
    let found = compat::compare(&old, &checked).unwrap_or_default();
    let mut in_new = checked.diagnostics.clone();
    in_new.extend(found.new.iter().cloned());
    in_new.sort_by_key(|d| d.span.start);
    let all: Vec<_> = found.baseline.iter().chain(&in_new).cloned().collect();
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    match format {
        Format::Human => {
            let mut out = String::new();
            if all.is_empty() {
                let metrics = checked.catalogue.as_ref().map_or(0, |c| c.metrics.len());
                out = format!(
                    "{}: ok ({metrics} metrics, compatible with {baseline})\n",
                    checked.source.name()
                );
            } else {
                let color = super::color(color);
                out.push_str(&render::human(&old.source, &found.baseline, color));
                let rest = render::human(&checked.source, &in_new, color);
                if !out.is_empty() && !rest.is_empty() {
                    out.push('\n');
                }
                out.push_str(&rest);
                if let Some(summary) = render::summary(checked.source.name(), &all) {
                    out.push('\n');
                    out.push_str(&summary);
                    out.push('\n');
                }
                // Once per output, after the summary.
                if let Some(hint) = found.alpha_hint() {
                    out.push_str(&hint);
                    out.push('\n');
                }
                if deny_warnings && warnings > 0 {
                    out.push_str(&format!(
                        "error: {warnings} warning(s) denied by `--deny warnings`\n"
                    ));
                }
            }
            print(&out);
        }
        Format::Github => {
            print(&render::github(&old.source, &found.baseline));
            print(&render::github(&checked.source, &in_new));
        }
        Format::Json => {
            let values: Vec<serde_json::Value> = found
                .baseline
                .iter()
                .map(|d| render::json_value(&old.source, d))
                .chain(
                    in_new
                        .iter()
                        .map(|d| render::json_value(&checked.source, d)),
                )
                .collect();
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_owned())
            ));
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        FAILED
    } else {
        OK
    }
}
