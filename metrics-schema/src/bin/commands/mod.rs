//! Subcommands kept out of `schema.rs`: each file parses its own arguments (clap `Args`)
//! and prints; the work is done by the library.

pub mod diff;
pub mod docs;

use std::io::IsTerminal;
use std::path::Path;

use metrics_schema::lifecycle::Version;
use metrics_schema::render::{self, Color};
use metrics_schema::{Checked, Diagnostic, Options, compat};

use crate::{ColorChoice, USAGE};

/// The colour of human output for `choice`.
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

/// Loads the catalogue named by `spec` (a path or `git:REV:PATH`, read from the current
/// directory) at `version`. A catalogue that cannot be read is reported and gives exit
/// code 2.
pub fn load(spec: &str, version: Option<Version>) -> Result<Checked, u8> {
    let mut options = Options::default();
    options.version = version;
    compat::load_spec(spec, Path::new("."), &options).map_err(|error| {
        eprintln!("error: {error}");
        USAGE
    })
}

/// Prints the errors of a catalogue that has some to stderr, with `what` it cannot do.
pub fn report_errors(checked: &Checked, what: &str) {
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    eprint!("{}", render::human(&checked.source, &errors, Color::Never));
    eprintln!(
        "error: {}: the catalogue has errors, so {what}; `schema lint` shows them all",
        checked.source.name()
    );
}
