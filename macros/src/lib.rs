//! The `catalogue!` proc-macro: compiles a metrics-schema catalogue (`metrics.toml`) into
//! typed registry code, with the lifecycle at the crate's version built in.
//!
//! Use it through the runtime, which re-exports it with its cargo feature `macros`:
//! `metrics_schema_runtime::catalogue!`. This crate is thin: it parses the arguments,
//! reads the file and reports errors; checking and code generation are
//! `metrics_schema::codegen`, the same code `schema lint` runs.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

use metrics_schema::codegen::{ErrorKind, Input, expand};
use metrics_schema::manifest;

/// The environment variable that, when set, replaces `CARGO_MANIFEST_DIR` as the directory
/// catalogue paths are relative to. For test harnesses such as trybuild, which compile
/// test files from a generated crate in another directory.
const MANIFEST_DIR_OVERRIDE: &str = "METRICS_SCHEMA_MANIFEST_DIR";

/// Compiles a metrics catalogue into typed registry code, in place.
///
/// ```ignore
/// mod vllm {
///     // Path relative to the crate's Cargo.toml; evaluated at the crate's version.
///     metrics_schema_runtime::catalogue!("metrics.toml");
/// }
/// mod vllm_0_11 {
///     // The version argument overrides the catalogue's pin and the crate's version.
///     metrics_schema_runtime::catalogue!("metrics.toml", version = "0.11.0");
/// }
/// ```
///
/// The version the lifecycle is evaluated at is the `version` argument, else the
/// catalogue's `[catalogue] version` pin, else the compiling crate's `CARGO_PKG_VERSION`.
/// See the runtime's documentation of `catalogue!` for the generated items.
///
/// `crate = "name"` makes the generated code use `::name` instead of
/// `::metrics_schema_runtime`, for a crate that renames the runtime dependency (as serde's
/// `#[serde(crate = "...")]`):
///
/// ```ignore
/// // Cargo.toml: rt = { package = "metrics-schema-runtime", version = "0.1", features = ["macros"] }
/// rt::catalogue!("metrics.toml", crate = "rt");
/// ```
///
/// An invalid catalogue is a compile error showing what `schema lint` shows (rule id,
/// `file:line:col`, the line and the fix), with the catalogue's path relative to the
/// workspace root (where cargo runs, so that an editor opens it as it opens rustc's own
/// paths); a missing file or bad argument is an error at that argument. Editing the TOML
/// rebuilds the crate.
#[proc_macro]
pub fn catalogue(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    match run(&args) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// `"path"` then optionally `, version = "X.Y.Z"`, `, crate = "name"` and a trailing
/// comma.
struct Args {
    path: LitStr,
    version: Option<LitStr>,
    runtime_crate: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "expected the catalogue's path, relative to Cargo.toml: \
                 `catalogue!(\"metrics.toml\")`",
            ));
        }
        let path: LitStr = input.parse()?;
        let mut version = None;
        let mut runtime_crate = None;
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            // `crate` is a keyword: parse any identifier.
            let key = Ident::parse_any(input)?;
            let twice = || syn::Error::new(key.span(), format!("`{key}` is given twice"));
            if key == "version" {
                if version.is_some() {
                    return Err(twice());
                }
                input.parse::<Token![=]>()?;
                version = Some(input.parse::<LitStr>()?);
            } else if key == "crate" {
                if runtime_crate.is_some() {
                    return Err(twice());
                }
                input.parse::<Token![=]>()?;
                let name: LitStr = input.parse()?;
                let ident = name.parse::<Ident>().map_err(|_| {
                    syn::Error::new(
                        name.span(),
                        format!(
                            "`crate = {:?}`: expected the name the runtime crate is imported \
                             under, an identifier such as \"rt\"",
                            name.value()
                        ),
                    )
                })?;
                runtime_crate = Some(ident);
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown argument `{key}`: the arguments after the path are \
                         `version = \"X.Y.Z\"` and `crate = \"name\"`"
                    ),
                ));
            }
        }
        Ok(Args {
            path,
            version,
            runtime_crate,
        })
    }
}

fn manifest_dir() -> Option<PathBuf> {
    std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .filter(|d| !d.is_empty())
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
}

fn run(args: &Args) -> syn::Result<proc_macro2::TokenStream> {
    let written = args.path.value();
    let at_path = |message: String| syn::Error::new(args.path.span(), message);
    let dir = manifest_dir();
    let absolute = if Path::new(&written).is_absolute() {
        PathBuf::from(&written)
    } else {
        let dir = dir.as_deref().ok_or_else(|| {
            at_path(
                "CARGO_MANIFEST_DIR is not set: compile with cargo, or give an absolute path"
                    .into(),
            )
        })?;
        dir.join(&written)
    };
    let absolute = manifest::normalize(&absolute);
    // Shown relative to the workspace root, where cargo runs and rustc's own paths start.
    let shown = dir
        .as_deref()
        .and_then(|d| manifest::relative_to(&absolute, &manifest::workspace_root(d)))
        .unwrap_or_else(|| absolute.display().to_string());
    let text = metrics_schema::read_catalogue(&absolute).map_err(|mut e| {
        e.path = shown.clone();
        at_path(format!(
            "{e} (the macro's path {written:?} is relative to the directory of the crate's \
             Cargo.toml)"
        ))
    })?;
    let track = absolute.to_str().ok_or_else(|| {
        at_path(format!(
            "the catalogue's path {absolute:?} is not UTF-8, so it cannot be tracked for rebuilds"
        ))
    })?;
    let version = args.version.as_ref().map(LitStr::value);
    let crate_version = std::env::var("CARGO_PKG_VERSION").ok();
    let runtime_crate = args.runtime_crate.as_ref().map(Ident::to_string);
    let input = Input {
        version: version.as_deref(),
        crate_version: crate_version.as_deref(),
        track: Some(track),
        runtime_crate: runtime_crate.as_deref(),
        ..Input::new(&text, &shown)
    };
    expand(&input).map_err(|e| {
        let span = match (e.kind, &args.version) {
            (ErrorKind::VersionArgument, Some(v)) => v.span(),
            _ => args.path.span(),
        };
        syn::Error::new(span, e.message)
    })
}

/// The crate README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
