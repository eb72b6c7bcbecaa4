//! `schema completions SHELL` and `schema man`: the bash script completes subcommands and
//! options in a real bash; every shell's script is generated; the manual pages render
//! with `man` and document every subcommand's options. Also `schema --version`.
//!
//! Needs bash and man: ignored when absent, run (and failing) when `CI` is set.

use crate::support;

use std::process::Command;

use support::{code, schema, scratch, stdout};

#[test]
fn version_names_the_package_version() {
    let out = schema(&["--version"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        format!("schema {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn every_shell_gets_a_script() {
    for (shell, marker) in [
        ("bash", "complete -F _schema"),
        ("zsh", "#compdef schema"),
        ("fish", "complete -c schema"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "set edit:completion:arg-completer[schema]"),
    ] {
        let out = schema(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {script:.200}");
        for sub in ["lint", "check-refs", "json-schema", "completions"] {
            assert!(script.contains(sub), "{shell} completes `{sub}`");
        }
    }
    let out = schema(&["completions", "tcsh"]);
    assert_eq!(code(&out), 2, "an unknown shell is a usage error");
}

/// What bash completes after `words` (the last one being completed).
fn bash_complete(script: &str, words: &[&str]) -> Vec<String> {
    let dir = scratch("completions");
    let path = dir.join("schema.bash");
    std::fs::write(&path, script).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _schema schema '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["-c", &program])
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out).lines().map(str::to_owned).collect()
}

#[test]
#[cfg_attr(not(has_bash), ignore = "bash not installed")]
fn bash_completes_subcommands_and_options() {
    let script = stdout(&schema(&["completions", "bash"]));
    let subcommands = bash_complete(&script, &["schema", "l"]);
    assert_eq!(subcommands, ["lint"], "{subcommands:?}");
    let options = bash_complete(&script, &["schema", "lint", "--fo"]);
    assert_eq!(options, ["--format"], "{options:?}");
    let values = bash_complete(&script, &["schema", "lint", "--format", ""]);
    for format in ["human", "json", "github", "sarif"] {
        assert!(values.iter().any(|v| v == format), "{format} in {values:?}");
    }
}

#[test]
fn manual_pages_render_for_every_subcommand() {
    let out = schema(&["man"]);
    assert_eq!(code(&out), 0);
    let page = stdout(&out);
    assert!(page.contains(".TH schema 1"), "{page:.300}");
}

#[test]
#[cfg_attr(not(has_man), ignore = "man not installed")]
fn manual_pages_render_with_man() {
    let dir = scratch("man");
    let out = schema(&["man", "--dir", &dir.display().to_string()]);
    assert_eq!(code(&out), 0);
    let render = |page: &str| {
        let out = Command::new("man")
            .args(["-l", &dir.join(page).display().to_string()])
            .env("MANWIDTH", "100")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .expect("man");
        assert!(
            out.status.success(),
            "{page}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = stdout(&out);
        // man's bold and underline are overstrikes; read the plain letters.
        let mut plain = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if chars.peek() == Some(&'\u{8}') {
                chars.next();
                continue;
            }
            plain.push(c);
        }
        // Justified lines stretch the spaces between words.
        plain.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let main = render("schema.1");
    assert!(main.contains("schema-lint(1)"), "{main}");
    let lint = render("schema-lint.1");
    for option in ["--baseline", "--format", "--deny", "--max-series"] {
        assert!(
            lint.contains(option),
            "schema-lint(1) documents {option}:\n{lint}"
        );
    }
    assert!(lint.contains("schema lint"), "{lint}");
    let listed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for page in [
        "schema-check-refs.1",
        "schema-codegen-python.1",
        "schema-json-schema.1",
    ] {
        assert!(listed.iter().any(|p| p == page), "{page} in {listed:?}");
    }
}
