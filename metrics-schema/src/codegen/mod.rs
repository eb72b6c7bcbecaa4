//! Code generation for the `catalogue!` macro: a checked catalogue, at a version, to the
//! Rust items that record into `metrics-schema-runtime` (cargo feature `codegen`).
//!
//! The macro crate only parses its arguments, reads the file and turns an [`Error`] into
//! `compile_error!`; everything else happens here, on the same [`crate::check`] the
//! `schema` CLI runs, so that the compiler and `schema lint` never disagree about a
//! catalogue.
//!
//! ```
//! use metrics_schema::codegen::{Input, expand};
//!
//! let toml = r#"
//! [catalogue]
//! namespace = "engine"
//!
//! [labels.model_name]
//! max_values = 8
//!
//! [[metric]]
//! name = "requests"
//! type = "counter"
//! help = "Requests served."
//! labels = ["model_name"]
//! "#;
//! let input = Input { version: Some("1.2.0"), ..Input::new(toml, "metrics.toml") };
//! let code = expand(&input).unwrap().to_string();
//! assert!(code.contains("pub fn requests"));
//! assert!(code.contains("\"engine_requests\""));
//!
//! // An invalid catalogue is the rendered diagnostics of `schema lint`.
//! let bad = Input { version: Some("1.2.0"), ..Input::new("[[metric]]\nname = \"x\"\n", "m.toml") };
//! let err = expand(&bad).unwrap_err();
//! assert!(err.message.contains("error[parse]: missing required key `type`"), "{}", err.message);
//! assert!(err.message.contains("m.toml:1:1"), "{}", err.message);
//! ```
//!
//! # The generated items
//!
//! For a catalogue at version `V` (the macro's `version` argument, else the catalogue's
//! `version` pin, else the compiling crate's version), in the scope of the macro call:
//!
//! - `pub const VERSION: &str` (`V`) and `pub const SHOW_HIDDEN_VALUE: Option<&str>`, the
//!   one show-hidden value valid at `V`;
//! - one `pub enum` per closed label (CamelCase of the label name, variants from
//!   [`value_identifier`](crate::catalogue::value_identifier)) implementing
//!   `ClosedLabel`, with `ALL` and `as_str()`;
//! - `pub struct Metrics`, one private `Family` field per metric that is not removed at `V`,
//!   implementing `MetricSet`, with `new(&Options)`, `options(show_hidden)`, per metric
//!   `foo(labels..)`, `foo_bind(open labels..)` (when the metric has open labels) and
//!   `foo_family()`, and the associated consts `FOO` (the `&'static MetricDesc`),
//!   `FOO_NAME`, `FOO_HELP` (the HELP exposed at `V`) and `FOO_STATUS`;
//! - on the items of a metric deprecated or hidden at `V` (accessor, `_bind`, `_family` and
//!   the four consts), `#[deprecated(since, note)]` whose note names the replacement, the
//!   hide and removal versions and the catalogue's note: every use in the engine warns;
//! - for each metric removed at `V`, methods `foo`, `foo_bind` and `foo_family` whose
//!   `where` clause can never hold, on a marker trait whose
//!   `#[diagnostic::on_unimplemented]` message names the metric, the removal version and
//!   the replacement: using a removed metric is a compile error that says what to do. The
//!   marker's supertrait is sealed in the runtime, so no `impl` can satisfy it, and the
//!   bodies have no run-time branch. The metric's consts are deprecated items whose value
//!   is a compile-time panic with the same explanation;
//! - `impl MetricCatalogue for Metrics` (version, show-hidden value, metrics and their open
//!   labels), which the runtime's operator options and `clap` integration check names
//!   against; and in `MetricSet::collectors`, after the families, the
//!   `<namespace>_label_overflows` counter when the catalogue has open labels;
//! - `include_bytes!` of the catalogue's absolute path, so that editing the TOML rebuilds
//!   the crate.
//!
//! Beyond the generated-API contract the engine was written against: the enums also have
//! `LABEL` and `Display`; `Metrics` derives `Clone` and `Debug`; the per-metric consts are
//! associated consts of `Metrics` (`Metrics::REQUEST_SUCCESS`), not module items; an
//! unbounded open label gets `max_values = usize::MAX`; and `new` builds the families 32
//! at a time in private `__metrics_schema_new_N` functions, which keeps compile time
//! linear in the number of metrics. Names that would generate the same item twice, or
//! read as `VERSION`/`SHOW_HIDDEN_VALUE` in a pattern, are an [`ErrorKind::Generate`].

mod docs;
mod idents;
mod items;

use proc_macro2::TokenStream;

use crate::lifecycle::Version;
use crate::{Options, check, render};

/// What to expand: the catalogue text and what the macro call knows.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// The catalogue's text.
    pub text: &'a str,
    /// The file name shown in diagnostics and docs: the path as written in the macro call
    /// (relative to the manifest directory), so that messages do not depend on the machine.
    pub file: &'a str,
    /// The macro's `version = ".."` argument, if given. It wins over the catalogue's pin.
    pub version: Option<&'a str>,
    /// The compiling crate's version (`CARGO_PKG_VERSION`): used when there is neither a
    /// version argument nor a pin.
    pub crate_version: Option<&'a str>,
    /// The catalogue's absolute path: the generated code `include_bytes!`s it so that
    /// cargo rebuilds the crate when it changes. `None` generates no tracking (benchmarks,
    /// tests of the generator).
    pub track: Option<&'a str>,
    /// The name the runtime crate is imported under (the macro's `crate = "name"`
    /// argument, for a renamed dependency): generated code uses `::name` instead of
    /// `::metrics_schema_runtime`. Must be a Rust identifier.
    pub runtime_crate: Option<&'a str>,
}

impl<'a> Input<'a> {
    /// An input with no version, no crate version and no tracking.
    pub fn new(text: &'a str, file: &'a str) -> Self {
        Input {
            text,
            file,
            version: None,
            crate_version: None,
            track: None,
            runtime_crate: None,
        }
    }
}

/// Why the catalogue could not be expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What the message is about, so that the macro can point at the right argument.
    pub kind: ErrorKind,
    /// The whole message; for an invalid catalogue, every diagnostic as `schema lint`
    /// renders them (rule id, `file:line:col`, the line, a caret, the fix) and a summary.
    pub message: String,
}

/// What an [`Error`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The `version` argument is not a version.
    VersionArgument,
    /// The `crate` argument is not an identifier.
    CrateArgument,
    /// There is no version, or the crate's version is not one.
    Version,
    /// The catalogue has errors (the diagnostics of `schema lint`).
    Catalogue,
    /// The catalogue is valid but some names cannot become distinct Rust items (two
    /// metrics generating the same method, a metric with more closed labels than the
    /// runtime combines).
    Generate,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Checks the catalogue and generates its items at the version `input` resolves to.
///
/// Never panics, whatever the input: every problem is an [`Error`].
pub fn expand(input: &Input<'_>) -> Result<TokenStream, Error> {
    let argument = match input.version {
        Some(v) => Some(Version::parse(v).map_err(|e| Error {
            kind: ErrorKind::VersionArgument,
            message: format!("`version` argument: {e}"),
        })?),
        None => None,
    };
    let options = Options {
        version: argument,
        ..Options::default()
    };
    let checked = check(input.text, input.file, &options);
    let Some(catalogue) = checked.catalogue.as_ref().filter(|_| !checked.has_errors()) else {
        let mut message = checked.render_plain();
        if let Some(summary) = render::summary(input.file, &checked.diagnostics) {
            message.push('\n');
            message.push_str(&summary);
        }
        return Err(Error {
            kind: ErrorKind::Catalogue,
            message: format!(
                "invalid metrics catalogue `{}` (`schema lint` reports the same):\n\n{}",
                input.file,
                message.trim_end()
            ),
        });
    };
    let version = match (checked.version.clone(), input.crate_version) {
        (Some(v), _) => v,
        (None, Some(crate_version)) => Version::parse(crate_version).map_err(|e| Error {
            kind: ErrorKind::Version,
            message: format!(
                "the crate's version (CARGO_PKG_VERSION) cannot be used to evaluate the catalogue: \
                 {e}; give one with `version = \"X.Y.Z\"`"
            ),
        })?,
        (None, None) => {
            return Err(Error {
                kind: ErrorKind::Version,
                message: format!(
                    "no version to evaluate catalogue `{}` at: give `version = \"X.Y.Z\"`, \
                     pin one under [catalogue], or compile it with cargo (CARGO_PKG_VERSION)",
                    input.file
                ),
            });
        }
    };
    let rt = items::runtime_path(input.runtime_crate).ok_or_else(|| Error {
        kind: ErrorKind::CrateArgument,
        message: format!(
            "`crate = {:?}`: expected the name the runtime crate is imported under, an \
             identifier such as \"rt\"",
            input.runtime_crate.unwrap_or_default()
        ),
    })?;
    items::generate(catalogue, &checked.source, &version, input.track, &rt).map_err(|problems| {
        Error {
            kind: ErrorKind::Generate,
            message: format!(
                "metrics catalogue `{}` cannot be compiled into Rust items:\n{}",
                input.file,
                problems.join("\n")
            ),
        }
    })
}
