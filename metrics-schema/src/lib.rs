//! The metrics-schema catalogue library: read a `metrics.toml`, check it with every lint rule
//! in one run, and evaluate each metric's lifecycle at a version.
//!
//! The `schema` CLI and the `catalogue!` macro both call [`load`] (or [`check`]) so that they
//! can never disagree about a catalogue.
//!
//! ```
//! use metrics_schema::{Options, check, lifecycle::{Status, Version}};
//!
//! let toml = r#"
//! [catalogue]
//! namespace = "vllm"
//!
//! [[metric]]
//! name = "gpu_cache_usage_ratio"
//! type = "gauge"
//! help = "GPU KV-cache usage. 1 means 100 percent usage."
//! deprecated = "0.10"
//! replaced_by = "kv_cache_usage_ratio"
//!
//! [[metric]]
//! name = "kv_cache_usage_ratio"
//! type = "gauge"
//! help = "KV-cache usage. 1 means 100 percent usage."
//! "#;
//! let checked = check(toml, "metrics.toml", &Options::default());
//! assert!(checked.diagnostics.is_empty(), "{}", checked.render_plain());
//! let catalogue = checked.catalogue.unwrap();
//! let old = catalogue.metric("gpu_cache_usage_ratio").unwrap();
//! assert_eq!(old.replacement.as_deref(), Some("vllm_kv_cache_usage_ratio"));
//! assert_eq!(old.status_at(&Version::parse("0.11.2").unwrap()), Status::Hidden);
//! ```

#![deny(missing_docs)]

pub mod alerts;
pub mod catalogue;
#[cfg(feature = "codegen")]
pub mod codegen;
pub mod compat;
pub mod dashboard;
pub mod descriptor;
pub mod diagnostic;
pub mod diff;
pub mod docs;
pub mod exposition;
pub mod import;
pub mod io;
pub mod lifecycle;
pub mod lint;
pub mod live;
pub mod manifest;
pub mod migrate;
pub mod promql;
pub mod python;
pub mod refs;
pub mod render;
pub mod sarif;
pub mod source;
mod suggest;

use std::fmt;
use std::path::Path;

pub use catalogue::Catalogue;
pub use diagnostic::{Diagnostic, Severity};
pub use source::{Source, Span};

use lifecycle::Version;

/// The default `high-cardinality` threshold: a metric whose worst-case series count exceeds
/// it is reported.
pub const DEFAULT_HIGH_CARDINALITY_THRESHOLD: u64 = 10_000;

/// Options of one check.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// The version to evaluate the catalogue at; overrides the catalogue's `version` pin.
    /// Rules that compare with a version (`since-after-version`, `replacement-not-active`)
    /// run only when a version is known.
    pub version: Option<Version>,
    /// The `high-cardinality` threshold (default
    /// [`DEFAULT_HIGH_CARDINALITY_THRESHOLD`]).
    pub high_cardinality_threshold: u64,
    /// The largest catalogue [`load`] reads, in bytes (default
    /// [`io::DEFAULT_MAX_INPUT_SIZE`], 64 MiB).
    pub max_input_size: u64,
    /// The version of the package the catalogue belongs to (see [`manifest`]): used when
    /// there is neither [`Options::version`] nor a pin, as the `catalogue!` macro uses the
    /// compiling crate's version.
    pub crate_version: Option<Version>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: None,
            high_cardinality_threshold: DEFAULT_HIGH_CARDINALITY_THRESHOLD,
            max_input_size: io::DEFAULT_MAX_INPUT_SIZE,
            crate_version: None,
        }
    }
}

impl Options {
    /// The default options with evaluation version `version`.
    pub fn at_version(version: Version) -> Self {
        Options {
            version: Some(version),
            ..Options::default()
        }
    }
}

/// The result of checking one catalogue.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The catalogue, when no error was found (warnings allowed).
    pub catalogue: Option<Catalogue>,
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The version the catalogue was evaluated at: [`Options::version`], else the
    /// catalogue's pin, else [`Options::crate_version`], else `None`.
    pub version: Option<Version>,
    /// The source text and file name.
    pub source: Source,
}

impl Checked {
    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The number of errors and of warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        (errors, warnings)
    }

    /// Every diagnostic rendered as rustc does, without colour: what the `catalogue!` macro
    /// puts in `compile_error!`.
    pub fn render_plain(&self) -> String {
        render::human(&self.source, &self.diagnostics, render::Color::Never)
    }
}

/// Reads and checks the catalogue text `text`, named `file_name` in diagnostics.
///
/// Never panics, whatever the input. An empty text is an empty catalogue; [`load`] refuses
/// empty files.
pub fn check(text: &str, file_name: &str, options: &Options) -> Checked {
    let source = Source::new(file_name, text);
    let mut diagnostics = Vec::new();
    let read = catalogue::parse::read(text, &mut diagnostics);
    let mut version = options.version.clone();
    if let Some(cat) = &read {
        if version.is_none() {
            version = cat
                .version
                .clone()
                .or_else(|| options.crate_version.clone());
        }
        diagnostics.extend(lint::run(cat, version.as_ref(), options));
    }
    for d in &mut diagnostics {
        d.locate(&source);
    }
    diagnostics.sort_by_key(|d| d.span.start);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        catalogue: if has_errors { None } else { read },
        diagnostics,
        version,
        source,
    }
}

/// Reads the catalogue file at `path` (standard input when it is `-`) and checks it. The
/// file name in diagnostics is `path` as given, or `<stdin>`.
///
/// I/O problems (a missing path, a directory, a FIFO or device, a file larger than
/// [`Options::max_input_size`], a file that is not UTF-8, an empty file) are a
/// [`LoadError`]: they say nothing about the catalogue's content.
pub fn load(path: impl AsRef<Path>, options: &Options) -> Result<Checked, LoadError> {
    let path = path.as_ref();
    let text = read_catalogue_limited(path, options.max_input_size)?;
    Ok(check(&text, &shown_path(path), options))
}

/// How diagnostics name the input at `path`: the path as given, `<stdin>` for `-`.
pub fn shown_path(path: &Path) -> String {
    if path.as_os_str() == io::STDIN {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a catalogue file's text with the default size limit
/// ([`io::DEFAULT_MAX_INPUT_SIZE`]); see [`read_catalogue_limited`].
pub fn read_catalogue(path: &Path) -> Result<String, LoadError> {
    read_catalogue_limited(path, io::DEFAULT_MAX_INPUT_SIZE)
}

/// Reads a catalogue's text through [`io::read_input`] (a regular file, or standard input
/// for `-`, at most `limit` bytes), refusing non-UTF-8 and empty files.
pub fn read_catalogue_limited(path: &Path, limit: u64) -> Result<String, LoadError> {
    let shown = shown_path(path);
    let bytes = io::read_input(path, limit).map_err(|e| LoadError {
        path: shown.clone(),
        kind: match e {
            io::InputError::Directory => LoadErrorKind::Directory,
            io::InputError::NotAFile { what } => LoadErrorKind::NotAFile { what },
            io::InputError::TooLarge { limit } => LoadErrorKind::TooLarge { limit },
            io::InputError::Io(e) => LoadErrorKind::Io(e),
        },
    })?;
    catalogue_text(bytes, &shown)
}

/// A catalogue's bytes as text, refusing non-UTF-8 and empty content; `shown` names it in
/// errors.
pub(crate) fn catalogue_text(bytes: Vec<u8>, shown: &str) -> Result<String, LoadError> {
    let err = |kind| LoadError {
        path: shown.to_owned(),
        kind,
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        err(LoadErrorKind::NotUtf8 { offset })
    })?;
    if text.trim().is_empty() {
        return Err(err(LoadErrorKind::Empty));
    }
    Ok(text)
}

/// A catalogue file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The path, as given.
    pub path: String,
    /// What went wrong.
    pub kind: LoadErrorKind,
}

/// What went wrong reading a catalogue file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The operating system's error (missing file, permissions, ...).
    Io(String),
    /// The path is a directory.
    Directory,
    /// The path is a FIFO, a device or a socket: only regular files and standard input
    /// are read.
    NotAFile {
        /// What the path is, with its article (`a FIFO`).
        what: &'static str,
    },
    /// The file is larger than the input limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not UTF-8; `offset` is the first invalid byte.
    NotUtf8 {
        /// Offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// The file is empty or only white space.
    Empty,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.kind {
            LoadErrorKind::Io(e) => write!(f, "cannot read catalogue `{path}`: {e}"),
            LoadErrorKind::Directory => write!(
                f,
                "cannot read catalogue `{path}`: it is a directory; give the path of a metrics.toml file"
            ),
            LoadErrorKind::NotAFile { what } => write!(
                f,
                "cannot read catalogue `{path}`: {}",
                io::InputError::NotAFile { what }
            ),
            LoadErrorKind::TooLarge { limit } => write!(
                f,
                "cannot read catalogue `{path}`: {}",
                io::InputError::TooLarge { limit: *limit }
            ),
            LoadErrorKind::NotUtf8 { offset } => write!(
                f,
                "cannot read catalogue `{path}`: it is not UTF-8 text (invalid byte at offset {offset})"
            ),
            LoadErrorKind::Empty => write!(
                f,
                "catalogue `{path}` is empty: a catalogue describes at least one metric under `[[metric]]`"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// The crate README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
