//! The integration tests of `metrics-schema`, one test binary (fewer link steps): each
//! module is one subject; `support` is what the tests of the `schema` binary share.

// The `schema` binary is built with the `cli` feature.
#[cfg(feature = "cli")]
mod support;

#[cfg(feature = "cli")]
mod baseline_git;
#[cfg(feature = "cli")]
mod ci_integrations;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
mod cli_docs;
#[cfg(feature = "cli")]
mod cli_io;
#[cfg(feature = "cli")]
mod cli_live;
#[cfg(feature = "cli")]
mod cli_monitoring;
#[cfg(feature = "cli")]
mod cli_versions;
mod codegen;
mod codegen_deprecation;
mod compat;
#[cfg(feature = "cli")]
mod completions;
#[cfg(feature = "cli")]
mod deployment_files;
mod diff;
mod docs;
#[cfg(feature = "cli")]
mod docs_committed;
#[cfg(feature = "cli")]
mod docs_links;
mod golden_monitoring;
#[cfg(feature = "cli")]
mod json_schema;
mod judge;
#[cfg(feature = "cli")]
mod label_history;
mod lifecycle;
mod linear;
mod live;
mod model;
#[cfg(feature = "cli")]
mod namespace_names;
mod no_panic;
mod no_panic_deployments;
mod no_panic_exposition;
mod no_panic_promql;
mod python_codegen;
mod readme;
mod render;
mod rule_examples;
mod rules;
#[cfg(feature = "cli")]
mod sarif;
mod ten_mistakes;
mod truths;
#[cfg(feature = "cli")]
mod vllm_example;
mod vllm_history;
