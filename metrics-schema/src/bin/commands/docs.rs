//! `schema docs`: the metric reference of a catalogue at a version.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use metrics_schema::docs::{self, Format};
use metrics_schema::lifecycle::Version;

use crate::{FAILED, OK, USAGE, parse_version, print};

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
    let checked = match super::load_in_crate(&args.path, args.version) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let Some(catalogue) = &checked.catalogue else {
        super::report_errors(&checked, "no reference can be generated");
        return FAILED;
    };
    let Some(at) = &checked.version else {
        eprintln!(
            "error: `schema docs` documents the catalogue at a version: pass `--version X.Y.Z`, pin one with `version = \"X.Y.Z\"` in [catalogue], or keep the catalogue in a crate whose Cargo.toml has a version (`--manifest-path` chooses it)"
        );
        return USAGE;
    };
    let format = match (args.format, &args.output) {
        (Some(DocsFormat::Markdown), _) => Format::Markdown,
        (Some(DocsFormat::Html), _) => Format::Html,
        (Some(DocsFormat::Json), _) => Format::Json,
        (None, Some(path)) => Format::from_path(path).unwrap_or(Format::Markdown),
        (None, None) => Format::Markdown,
    };
    let text = docs::generate(catalogue, at, format);
    let Some(output) = &args.output else {
        print(&text);
        return OK;
    };
    let shown = output.display();
    if args.check {
        let regenerate = format!(
            "schema docs {} --version {at} --format {} -o {shown}",
            args.path,
            match format {
                Format::Markdown => "markdown",
                Format::Html => "html",
                Format::Json => "json",
            }
        );
        return match std::fs::read(output) {
            Ok(on_disk) if on_disk == text.as_bytes() => {
                eprintln!("{shown}: up to date");
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
                eprintln!(
                    "error: {shown} is stale (first difference at line {line}); regenerate it with `{regenerate}`"
                );
                FAILED
            }
            Err(error) => {
                eprintln!(
                    "error: {shown} cannot be read ({error}); generate it with `{regenerate}`"
                );
                FAILED
            }
        };
    }
    match std::fs::write(output, text) {
        Ok(()) => OK,
        Err(error) => {
            eprintln!("error: cannot write {shown}: {error}");
            USAGE
        }
    }
}
