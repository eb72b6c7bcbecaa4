//! `schema docs`: the metric reference of a catalogue at a version.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;

use crate::cli::{self, FAILED, OK, parse_version};

/// Arguments of `schema docs`.
#[derive(Args)]
pub struct DocsArgs {
    /// Catalogue file (or `git:REV:PATH`).
    path: String,
    /// Document the catalogue at this version (default: the catalogue's `version` pin, else
    /// the version of the crate it is in).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    version: Option<Version>,
    /// Output format (default: from the extension of `-o`, else markdown).
    #[arg(long, value_enum)]
    format: Option<DocsFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write nothing; exit 1 when FILE (`-o`) differs from what would be generated.
    #[arg(long, requires = "output")]
    check: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DocsFormat {
    Markdown,
    Html,
    Json,
}

/// Runs `schema docs`.
pub fn run(args: DocsArgs) -> u8 {
    let checked = match cli::load_spec_in_crate(&args.path, args.version.clone()) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let catalogue = match cli::valid(&checked, Some("no reference can be generated")) {
        Ok(catalogue) => catalogue,
        Err(code) => return code,
    };
    let at = match cli::version_of(
        &checked,
        "`schema docs` documents the catalogue at a version",
    ) {
        Ok(at) => at,
        Err(code) => return code,
    };
    let format = match (args.format, &args.output) {
        (Some(DocsFormat::Markdown), _) => Format::Markdown,
        (Some(DocsFormat::Html), _) => Format::Html,
        (Some(DocsFormat::Json), _) => Format::Json,
        (None, Some(path)) => Format::from_path(path).unwrap_or(Format::Markdown),
        (None, None) => Format::Markdown,
    };
    let text = docs::generate(catalogue, at, format);
    match &args.output {
        Some(output) if args.check => check(&args, output, format, at, &text),
        output => cli::emit(&text, output.as_deref()),
    }
}

/// `--check`: compares the file with what would be generated.
fn check(
    args: &DocsArgs,
    output: &std::path::Path,
    format: Format,
    at: &Version,
    text: &str,
) -> u8 {
    let shown = output.display();
    let regenerate = format!(
        "schema docs {} --version {at} --format {} -o {shown}",
        args.path,
        match format {
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
        }
    );
    match cli::read_bytes(output) {
        Ok(on_disk) if on_disk == text.as_bytes() => {
            note!("{shown}: up to date");
            OK
        }
        Ok(on_disk) => {
            let on_disk = String::from_utf8_lossy(&on_disk);
            let line = on_disk
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| on_disk.lines().count().min(text.lines().count()))
                + 1;
            error!(
                "{shown} is stale (first difference at line {line}); regenerate it with `{regenerate}`"
            );
            FAILED
        }
        Err(e) => {
            error!("{shown} cannot be read ({e}); generate it with `{regenerate}`");
            FAILED
        }
    }
}
