//! Prints an exposition holding every metric type, closed and open labels, a deprecated
//! metric, an overflowed open label and hostile label values.
//!
//! ```sh
//! cargo run -p metrics-schema-runtime --example exposition -- --format text
//! cargo run -p metrics-schema-runtime --example exposition -- --format openmetrics
//! ```

mod demo;

use std::io::Write;
use std::process::ExitCode;

use metrics_schema_runtime::Format;

const USAGE: &str = "usage: exposition [--format text|openmetrics]";

fn parse_args(args: &[String]) -> Result<Format, String> {
    let mut format = Format::Text;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let value = if let Some(v) = arg.strip_prefix("--format=") {
            v
        } else if arg == "--format" {
            i += 1;
            args.get(i)
                .map(String::as_str)
                .ok_or("--format needs a value: text or openmetrics")?
        } else if arg == "--help" || arg == "-h" {
            return Err(String::new());
        } else {
            return Err(format!("unexpected argument {arg:?}"));
        };
        format = value
            .parse()
            .map_err(|e: String| format!("--format: {e}"))?;
        i += 1;
    }
    Ok(format)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let format = match parse_args(&args) {
        Ok(format) => format,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let demo = match demo::build() {
        Ok(demo) => demo,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = Vec::new();
    demo.registry.encode(format, &mut out);
    if std::io::stdout().write_all(&out).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn formats() {
        assert_eq!(parse_args(&args(&[])), Ok(Format::Text));
        assert_eq!(parse_args(&args(&["--format", "text"])), Ok(Format::Text));
        assert_eq!(
            parse_args(&args(&["--format=openmetrics"])),
            Ok(Format::OpenMetrics)
        );
    }

    #[test]
    fn bad_arguments_are_clear_errors() {
        let err = parse_args(&args(&["--format", "json"])).unwrap_err();
        assert!(
            err.contains("\"json\"") && err.contains("openmetrics"),
            "{err}"
        );
        let err = parse_args(&args(&["--format"])).unwrap_err();
        assert!(err.contains("needs a value"), "{err}");
        let err = parse_args(&args(&["--verbose"])).unwrap_err();
        assert!(err.contains("--verbose"), "{err}");
    }

    #[test]
    fn demo_builds() {
        let demo = demo::build().unwrap();
        assert!(demo.registry.collectors().len() >= 10);
        assert_eq!(demo.request_success.overflow_count(), 0);
        assert!(demo.e2e_latency.series_count() >= 2);
    }
}
