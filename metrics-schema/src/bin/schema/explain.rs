//! `schema explain RULE`: a rule's explanation with a bad and a good example.

use clap::Args;
use metrics_schema::{lint, render};

use crate::cli::{OK, USAGE, print};

/// Arguments of `schema explain`.
#[derive(Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `unknown-key`.
    rule: String,
}

/// Runs `schema explain`.
pub fn run(args: ExplainArgs) -> u8 {
    let rule = args.rule;
    match lint::rule(&rule) {
        Some(r) => {
            print(&render::explain(r));
            OK
        }
        None => {
            let hint = lint::suggest_rule(&rule)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; `schema rules` lists them".to_owned());
            error!("unknown rule `{rule}`{hint}");
            USAGE
        }
    }
}
