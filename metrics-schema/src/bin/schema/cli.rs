//! What every subcommand shares: exit codes, standard output and its write errors, error
//! messages, colour, the `--deny` and `--format` flags of diagnostics, reading catalogues
//! and other inputs, and writing output files. The subcommands call these and nothing
//! else prints.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use clap::{Args, ValueEnum};
use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{Catalogue, Checked, Diagnostic, Options, Source, compat, io};

/// Exit code: clean, or warnings only.
pub const OK: u8 = 0;
/// Exit code: errors were found (or warnings under `--deny warnings`).
pub const FAILED: u8 = 1;
/// Exit code: a usage or I/O error.
pub const USAGE: u8 = 2;

/// Writes a line to standard error, prefixed with `error: `. A failing standard error is
/// ignored: there is nowhere left to report it.
macro_rules! error {
    ($($arg:tt)*) => {
        $crate::cli::stderr(&format!("error: {}\n", format_args!($($arg)*)))
    };
}

/// Writes a line to standard error (progress and notes); a failure is ignored.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `text` to standard error, ignoring failures.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// What happened to standard output so far.
enum Stdout {
    Open,
    /// The reader went away (EPIPE): the rest of the output is dropped quietly.
    Closed,
    /// Any other write error: the command's exit code becomes [`USAGE`].
    Failed(String),
}

static STDOUT: Mutex<Stdout> = Mutex::new(Stdout::Open);

/// Prints `text` to standard output. A closed pipe (`schema rules | head`) stops the
/// output quietly; any other error (a full disk) is remembered for [`exit`]. The command
/// goes on either way, so its exit code still reflects what it found.
pub fn print(text: &str) {
    let mut state = STDOUT.lock().unwrap_or_else(|e| e.into_inner());
    if !matches!(*state, Stdout::Open) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        *state = if e.kind() == std::io::ErrorKind::BrokenPipe {
            Stdout::Closed
        } else {
            Stdout::Failed(e.to_string())
        };
    }
}

/// Prints `value` as pretty JSON and a newline.
pub fn print_json(value: &serde_json::Value) {
    print(&format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned())
    ));
}

/// The process's exit code for a command that returned `code`: [`USAGE`] with a message
/// when standard output failed other than by a closed pipe.
pub fn exit(code: u8) -> u8 {
    let state = STDOUT.lock().unwrap_or_else(|e| e.into_inner());
    match &*state {
        Stdout::Failed(e) => {
            error!("cannot write to standard output: {e}");
            USAGE
        }
        Stdout::Open | Stdout::Closed => code,
    }
}

/// `--color`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The colour of human output for `choice`: `auto` colours a terminal unless `NO_COLOR`
/// is set.
pub fn color(choice: ColorChoice) -> Color {
    match choice {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                Color::Always
            } else {
                Color::Never
            }
        }
    }
}

/// `--format` of commands that report diagnostics.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

/// `--deny warnings` (`-D warnings`).
#[derive(Args)]
pub struct DenyArg {
    /// Fail (exit 1) on warnings too.
    #[arg(long, short = 'D', value_enum, value_name = "LEVEL")]
    deny: Vec<Deny>,
}

impl DenyArg {
    /// True under `--deny warnings`.
    pub fn warnings(&self) -> bool {
        self.deny.contains(&Deny::Warnings)
    }
}

/// The exit code of a run that found `errors` and `warnings`.
pub fn findings(errors: usize, warnings: usize, deny_warnings: bool) -> u8 {
    if errors > 0 || (deny_warnings && warnings > 0) {
        FAILED
    } else {
        OK
    }
}

/// The errors and warnings among `diagnostics`.
pub fn counts<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> (usize, usize) {
    let (mut errors, mut warnings) = (0, 0);
    for d in diagnostics {
        if d.is_error() {
            errors += 1;
        } else {
            warnings += 1;
        }
    }
    (errors, warnings)
}

/// The human report of one file's diagnostics (not empty): rustc-like text and a
/// summary line.
pub fn human_report(source: &Source, diagnostics: &[Diagnostic], color: Color) -> String {
    let mut out = render::human(source, diagnostics, color);
    if let Some(summary) = render::summary(source.name(), diagnostics) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

/// Prints every diagnostic of every file as one JSON array.
pub fn print_json_diagnostics<'a>(files: impl IntoIterator<Item = (&'a Source, &'a [Diagnostic])>) {
    let values = files
        .into_iter()
        .flat_map(|(source, ds)| ds.iter().map(|d| render::json_value(source, d)))
        .collect();
    print_json(&serde_json::Value::Array(values));
}

/// Prints every diagnostic of every file as one SARIF 2.1.0 log, each file by its URI
/// relative to the repository root.
pub fn print_sarif<'a>(files: impl IntoIterator<Item = (&'a Source, &'a [Diagnostic])>) {
    print(&metrics_schema::sarif::render(files.into_iter().map(
        |(source, ds)| {
            let uri = metrics_schema::sarif::artifact_uri(source.name());
            (source, ds, uri)
        },
    )));
}

/// The line printed under `--deny warnings` when there are warnings.
pub fn denied(warnings: usize) -> String {
    format!("error: {warnings} warning(s) denied by `--deny warnings`\n")
}

/// Parses `--version`.
pub fn parse_version(s: &str) -> Result<Version, String> {
    Version::parse(s).map_err(|e| e.to_string())
}

/// The input size limit (`--max-input-size`).
static MAX_INPUT_SIZE: AtomicU64 = AtomicU64::new(io::DEFAULT_MAX_INPUT_SIZE);

/// Sets the limit of every input read from now on.
pub fn set_max_input_size(bytes: u64) {
    MAX_INPUT_SIZE.store(bytes, Ordering::Relaxed);
}

/// Parses `--max-input-size`: bytes, or a number with `K`, `M` or `G` (powers of 1024,
/// `KiB`, `MiB`, `GiB` too).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size: expected bytes, e.g. 65536 or 64M"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}`: use K, M or G")),
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("`{s}` is too large"))
}

/// The options of a check at `version`, with the input limit.
pub fn options(version: Option<Version>) -> Options {
    let mut options = Options::default();
    options.version = version;
    options.max_input_size = MAX_INPUT_SIZE.load(Ordering::Relaxed);
    options
}

/// `--manifest-path`, set once by `main`: the Cargo.toml whose version catalogues are
/// evaluated at when neither `--version` nor a pin gives one.
pub static MANIFEST_PATH: OnceLock<PathBuf> = OnceLock::new();

/// `options`, with the version of the package the catalogue at `spec` belongs to (or of
/// `--manifest-path`) as its crate version, when no version is given: the version the
/// `catalogue!` macro compiles it at. A Cargo.toml that cannot be used is reported and
/// gives [`USAGE`].
pub fn with_crate_version(mut options: Options, spec: &Path) -> Result<Options, u8> {
    if options.version.is_some() || spec.to_string_lossy().starts_with("git:") {
        return Ok(options);
    }
    let manifest_path = MANIFEST_PATH.get().map(PathBuf::as_path);
    match metrics_schema::manifest::discover(spec, manifest_path) {
        Ok(found) => {
            options.crate_version = found.map(|p| p.version);
            Ok(options)
        }
        Err(error) => {
            error!("{error}");
            Err(USAGE)
        }
    }
}

/// Loads the catalogue file at `path` (`-` for standard input), falling back to the
/// version of the crate it is in ([`with_crate_version`]). One that cannot be read is
/// reported and gives [`USAGE`].
pub fn load(path: &Path, options: &Options) -> Result<Checked, u8> {
    let options = with_crate_version(options.clone(), path)?;
    metrics_schema::load(path, &options).map_err(|error| {
        error!("{error}");
        USAGE
    })
}

/// Loads the catalogue named by `spec` (a path, `-`, or `git:REV:PATH` read from the
/// current directory) at `version`. One that cannot be read is reported and gives
/// [`USAGE`].
pub fn load_spec(spec: &str, version: Option<Version>) -> Result<Checked, u8> {
    compat::load_spec(spec, Path::new("."), &options(version)).map_err(|error| {
        error!("{error}");
        USAGE
    })
}

/// [`load_spec`] falling back to the version of the crate the catalogue is in.
pub fn load_spec_in_crate(spec: &str, version: Option<Version>) -> Result<Checked, u8> {
    let options = with_crate_version(options(version), Path::new(spec))?;
    compat::load_spec(spec, Path::new("."), &options).map_err(|error| {
        error!("{error}");
        USAGE
    })
}

/// The catalogue of `checked`, or its errors printed to standard error (saying that
/// `consequence`, if given) and [`FAILED`].
pub fn valid<'c>(checked: &'c Checked, consequence: Option<&str>) -> Result<&'c Catalogue, u8> {
    if let Some(catalogue) = &checked.catalogue {
        return Ok(catalogue);
    }
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    stderr(&render::human(&checked.source, &errors, Color::Never));
    let so = consequence
        .map(|what| format!(", so {what}"))
        .unwrap_or_default();
    error!(
        "{}: the catalogue has errors{so}; `schema lint` shows them all",
        checked.source.name()
    );
    Err(FAILED)
}

/// The version `checked` was evaluated at, or an error saying that `needs` (e.g.
/// "`schema status` needs a version") and [`USAGE`].
pub fn version_of<'c>(checked: &'c Checked, needs: &str) -> Result<&'c Version, u8> {
    checked.version.as_ref().ok_or_else(|| {
        error!(
            "{needs}: pass `--version X.Y.Z`, pin one with `version = \"X.Y.Z\"` in [catalogue], \
             or keep the catalogue in a crate whose Cargo.toml has a version \
             (`--manifest-path` chooses it)"
        );
        USAGE
    })
}

/// A valid catalogue and the version it is evaluated at.
pub struct Valid {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// The version: `--version`, else the catalogue's pin.
    pub version: Version,
    /// Its text and file name.
    pub source: Source,
}

/// Loads the catalogue at `path` for `schema {command}`, which needs it valid and at a
/// version; reports why not and gives the exit code otherwise.
pub fn load_at(path: &Path, version: Option<Version>, command: &str) -> Result<Valid, u8> {
    let checked = load(path, &options(version))?;
    valid(&checked, None)?;
    version_of(&checked, &format!("`schema {command}` needs a version"))?;
    let Checked {
        catalogue: Some(catalogue),
        version: Some(version),
        source,
        ..
    } = checked
    else {
        return Err(USAGE);
    };
    Ok(Valid {
        catalogue,
        version,
        source,
    })
}

/// Reads the file at `path` (`-` for standard input) within `--max-input-size`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, io::InputError> {
    io::read_input(path, MAX_INPUT_SIZE.load(Ordering::Relaxed))
}

/// Reads a rule file or dashboard (`-` for standard input) as text; one that cannot be
/// read is reported and gives [`USAGE`].
pub fn read_text(path: &Path) -> Result<String, u8> {
    let fail = |why: String| {
        error!("cannot read `{}`: {why}", path.display());
        USAGE
    };
    let bytes = read_bytes(path).map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Prints `text`, or replaces the file `output` with it atomically.
pub fn emit(text: &str, output: Option<&Path>) -> u8 {
    match output {
        None => {
            print(text);
            OK
        }
        Some(path) => match io::write_atomic(path, text.as_bytes()) {
            Ok(()) => OK,
            Err(e) => {
                error!("cannot write `{}`: {e}", path.display());
                USAGE
            }
        },
    }
}
