//! The `schema` binary's input and output under faults: a full or closed standard output
//! for every subcommand, inputs that are not regular files or are too large, and `-o`
//! files replaced atomically when writing fails.

use crate::support;

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::{
    code, command, entries, example, repo, schema_stdin, scratch, stderr, stdout, write,
};

const ERRORS: &str = "[[metric]]\nname = \"queue\"\ntype = \"gauge\"\nhelpp = \"x\"\n";
const WARNINGS_ONLY: &str =
    "[[metric]]\nname = \"queueDepth\"\ntype = \"gauge\"\nhelp = \"Requests waiting.\"\n";
const MANUAL_RULES: &str = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: vllm:no_such_metric > 1 or vllm:gpu_cache_usage_perc > 0.9\n";

/// One invocation of every subcommand that prints to standard output, with the exit code
/// of its findings.
fn every_subcommand(dir: &Path) -> Vec<(Vec<String>, i32)> {
    let bad = write(dir, "bad.toml", ERRORS.as_bytes());
    let manual = write(dir, "manual.yml", MANUAL_RULES.as_bytes());
    let ex = example();
    let legacy_rules = repo("tests/fixtures/legacy-rules.yml");
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["lint", &bad], 1),
        (vec!["lint", &ex], 0),
        (vec!["lint", &ex, "--baseline", &ex, "--format", "json"], 0),
        (vec!["rules"], 0),
        (vec!["explain", "unknown-key"], 0),
        (vec!["status", &ex, "--version", "0.12.0"], 0),
        (vec!["docs", &ex, "--version", "0.12.0"], 0),
        (
            vec![
                "diff",
                &ex,
                &ex,
                "--old-version",
                "0.10.0",
                "--new-version",
                "0.12.0",
            ],
            0,
        ),
        (vec!["alerts", &ex], 0),
        (vec!["dashboard", &ex, "--version", "0.12.0"], 0),
        (
            vec![
                "check-refs",
                &ex,
                "--version",
                "0.12.0",
                "--rules",
                &legacy_rules,
            ],
            1,
        ),
        (
            vec!["migrate", &ex, "--version", "0.12.0", "--rules", &manual],
            1,
        ),
    ];
    cases
        .into_iter()
        .map(|(args, code)| (args.into_iter().map(str::to_owned).collect(), code))
        .collect()
}

fn run(args: &[String], out: Stdio) -> Output {
    command()
        .args(args)
        .stdout(out)
        .output()
        .expect("run schema")
}

#[test]
fn the_cases_exit_with_the_code_of_their_findings() {
    let dir = scratch("io-baseline");
    for (args, expected) in every_subcommand(&dir) {
        let out = run(&args, Stdio::piped());
        assert_eq!(code(&out), expected, "{args:?}: {}", stderr(&out));
        assert!(!stdout(&out).is_empty(), "{args:?} prints nothing");
    }
}

#[test]
fn a_full_standard_output_is_exit_2_with_a_message_for_every_subcommand() {
    let dir = scratch("io-full");
    for (args, _) in every_subcommand(&dir) {
        let full = File::options().write(true).open("/dev/full").unwrap();
        let out = run(&args, Stdio::from(full));
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error: cannot write to standard output: No space left"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_closed_pipe_is_quiet_and_keeps_the_code_of_the_findings_for_every_subcommand() {
    let dir = scratch("io-epipe");
    for (args, expected) in every_subcommand(&dir) {
        // The reader is closed before the process starts: its first write gets EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = run(&args, Stdio::from(writer));
        assert_eq!(code(&out), expected, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            !err.contains("standard output") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

/// Runs `schema` with `args` and checks that it refuses input `what` with exit 2 and a
/// message containing `message`.
fn refused(args: &[&str], message: &str) {
    let out = command().args(args).output().expect("run schema");
    assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
}

#[test]
fn special_files_and_directories_are_refused_by_every_reader() {
    let dir = scratch("io-special");
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.to_str().unwrap();
    let folder = dir.to_str().unwrap();
    let ex = example();
    let rules = repo("tests/fixtures/legacy-rules.yml");
    for (bad, message) in [
        ("/dev/zero", "it is a character device, not a regular file"),
        (fifo, "it is a FIFO, not a regular file"),
        (folder, "it is a directory"),
    ] {
        // Catalogues, through every command that reads one.
        for args in [
            vec!["lint", bad],
            vec!["status", bad, "--version", "1.0.0"],
            vec!["docs", bad, "--version", "1.0.0"],
            vec!["diff", bad, &ex],
            vec!["lint", &ex, "--baseline", bad],
            vec!["alerts", bad],
            vec!["dashboard", bad, "--version", "1.0.0"],
            vec!["check-refs", bad, "--version", "1.0.0", "--rules", &rules],
            vec!["migrate", bad, "--version", "1.0.0", "--rules", &rules],
        ] {
            refused(&args, message);
        }
        // Rule files and dashboards.
        for flag in ["--rules", "--dashboard"] {
            refused(
                &["check-refs", &ex, "--version", "0.12.0", flag, bad],
                message,
            );
            refused(&["migrate", &ex, "--version", "0.12.0", flag, bad], message);
        }
    }
}

#[test]
fn inputs_larger_than_the_limit_are_refused() {
    let ex = example();
    let rules = repo("tests/fixtures/legacy-rules.yml");
    let limit = "larger than the input limit of 100 bytes (`--max-input-size` raises it)";
    refused(&["--max-input-size", "100", "lint", &ex], limit);
    refused(&["lint", &ex, "--max-input-size", "100"], limit);
    refused(&["docs", &ex, "--max-input-size", "100"], limit);
    refused(
        &[
            "check-refs",
            &ex,
            "--version",
            "0.12.0",
            "--rules",
            &rules,
            "--max-input-size",
            "1K",
        ],
        "larger than the input limit of 1 KiB",
    );
    refused(&["--max-input-size", "lots", "lint", &ex], "not a size");
    refused(
        &["--max-input-size", "9T", "lint", &ex],
        "unknown size unit",
    );
    // Standard input fed forever stops at the limit.
    let out = command()
        .args(["--max-input-size", "64K", "lint", "-"])
        .stdin(File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("`<stdin>`: it is larger than the input limit of 64 KiB"),
        "{}",
        stderr(&out)
    );
    // The limit is inclusive: a file of exactly the limit is read.
    let size = fs::metadata(&ex).unwrap().len().to_string();
    let out = command()
        .args(["--max-input-size", &size, "lint", &ex])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_dash_reads_standard_input() {
    let out = schema_stdin(&["lint", "-"], WARNINGS_ONLY);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(" --> <stdin>:2:1"),
        "{}",
        stdout(&out)
    );
    let rules = fs::read_to_string(repo("tests/fixtures/legacy-rules.yml")).unwrap();
    let out = schema_stdin(
        &[
            "check-refs",
            &example(),
            "--version",
            "0.12.0",
            "--rules",
            "-",
        ],
        &rules,
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("error[removed-metric-reference]"),
        "{}",
        stdout(&out)
    );
}

/// Runs `schema` with `args` limited to files of 512 bytes (`ulimit -f 1`, with SIGXFSZ
/// ignored so that a larger write fails with EFBIG): a disk that fills up mid-write.
fn with_small_disk(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_schema"))
        .args(args)
        .output()
        .expect("run sh")
}

#[test]
fn a_failed_write_leaves_every_output_file_as_it_was() {
    let dir = scratch("io-atomic");
    let ex = example();
    let rules = write(
        &dir,
        "rules.yml",
        &fs::read(repo("tests/fixtures/legacy-rules.yml")).unwrap(),
    );
    let original = fs::read(&rules).unwrap();
    // Migrating a file onto itself, where a truncating write used to lose it.
    let out = with_small_disk(&[
        "migrate",
        &ex,
        "--version",
        "0.12.0",
        "--rules",
        &rules,
        "-o",
        &rules,
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: cannot write"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&rules).unwrap(), original);
    // The other writers, over an existing file.
    let old = b"previous content\n".as_slice();
    for args in [
        vec!["docs", &ex, "--version", "0.12.0", "-o"],
        vec!["alerts", &ex, "-o"],
        vec!["dashboard", &ex, "--version", "0.12.0", "-o"],
    ] {
        let target = write(&dir, "out.md", old);
        let mut args = args.clone();
        args.push(&target);
        let out = with_small_disk(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
        assert_eq!(fs::read(&target).unwrap(), old, "{args:?}");
    }
    // No temporary file is left behind.
    assert_eq!(entries(&dir), ["out.md", "rules.yml"]);
    // Without the limit, the same migration succeeds in place.
    let out = command()
        .args([
            "migrate",
            &ex,
            "--version",
            "0.12.0",
            "--rules",
            &rules,
            "-o",
            &rules,
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_ne!(fs::read(&rules).unwrap(), original);
    assert_eq!(entries(&dir), ["out.md", "rules.yml"]);
}

#[cfg(unix)]
#[test]
fn an_output_behind_a_symlink_is_written_through_it_with_its_permissions() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = scratch("io-symlink");
    let real = write(&dir, "board.real.json", b"{}\n");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.join("board.json");
    symlink("board.real.json", &link).unwrap();
    let out = command()
        .args(["dashboard", &example(), "--version", "0.12.0", "-o"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&real).unwrap()).unwrap();
    assert!(written["panels"].is_array(), "{written}");
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(entries(&dir), ["board.json", "board.real.json"]);
}
