//! The manual's links hold: every relative link in the README, `docs/`, the crates' READMEs
//! and the examples' READMEs names a file of the repository, and every `#anchor` a heading of
//! that file (GitHub's anchors: lower case, punctuation dropped, spaces as `-`).

use crate::support;
use std::path::PathBuf;

fn manual() -> Vec<PathBuf> {
    let root = support::root();
    let mut files: Vec<PathBuf> = [
        "README.md",
        "ARCHITECTURE.md",
        "lifecycle/README.md",
        "metrics-schema/README.md",
        "macros/README.md",
        "runtime/README.md",
        "examples/engine/README.md",
        "examples/vllm/README.md",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files
}

/// GitHub's anchor of a heading.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            out.push(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

/// The targets of inline links `[text](target)` outside code blocks and code spans.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut in_code = false;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Drop code spans, whose brackets are not links.
        let mut plain = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(j) = after.find(')') else { break };
            out.push((n + 1, after[..j].to_owned()));
            rest = &after[j..];
        }
    }
    out
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in manual() {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        for (line, target) in links(&text) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            checked += 1;
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            let shown = format!(
                "{}:{line}: {target}",
                file.strip_prefix(support::root())
                    .unwrap_or(&file)
                    .display()
            );
            if !resolved.exists() {
                broken.push(format!("{shown} (no such file)"));
                continue;
            }
            if let Some(fragment) = fragment {
                let linked = std::fs::read_to_string(&resolved).unwrap_or_default();
                if !anchors(&linked).iter().any(|a| a == fragment) {
                    broken.push(format!("{shown} (no such heading)"));
                }
            }
        }
    }
    assert!(checked > 20, "the manual links its parts ({checked} links)");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_front_page_stays_a_front_page() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    assert!(
        readme.len() <= 10 * 1024,
        "README.md is {} bytes; the manual is docs/",
        readme.len()
    );
    for command in [
        "cargo run -p metrics-schema --bin schema -- lint examples/vllm/metrics.toml",
        "cargo test --workspace --all-features",
    ] {
        assert!(readme.contains(command), "the set-up runs `{command}`");
    }
    let ci = std::fs::read_to_string(support::root().join(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --workspace --all-features --locked"),
        "CI runs the README's test command"
    );
}

#[test]
fn anchors_follow_github() {
    assert_eq!(anchor(" Exit codes"), "exit-codes");
    assert_eq!(anchor(" The catalogue! macro"), "the-catalogue-macro");
    assert_eq!(anchor(" unknown-key"), "unknown-key");
    assert_eq!(
        links("see [a](b.md#c) and `[x](y)`"),
        vec![(1, "b.md#c".to_owned())]
    );
}
