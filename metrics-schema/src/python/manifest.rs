//! The version of a Python project: `[project] version` of the nearest `pyproject.toml`.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::lifecycle::Version;

/// A version read from a `pyproject.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyprojectVersion {
    /// The manifest it was read from.
    pub path: PathBuf,
    /// The version, converted from PEP 440 (`0.11.0rc1` -> `0.11.0-rc.1`).
    pub version: Version,
}

/// Why the nearest `pyproject.toml` gave no version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// The manifest.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ManifestError {}

/// The version of the Python project `start` (a file or directory) belongs to: walking up
/// from `start`, the first directory with a manifest decides. A `pyproject.toml` there
/// gives its `[project] version`; a `Cargo.toml` (and no `pyproject.toml`) means a Rust
/// project, `Ok(None)`, as does reaching the root.
///
/// A `pyproject.toml` without a static `[project] version` (none, or `dynamic`), or with
/// one that is not a release version, is an error naming the file: silently evaluating the
/// catalogue without a version would be worse.
pub fn pyproject_version(start: &Path) -> Result<Option<PyprojectVersion>, ManifestError> {
    let start = if start.is_file() || !start.exists() {
        start.parent().unwrap_or(start)
    } else {
        start
    };
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in absolute.ancestors() {
        let path = dir.join("pyproject.toml");
        if path.is_file() {
            return read(&path).map(Some);
        }
        if dir.join("Cargo.toml").is_file() {
            return Ok(None);
        }
    }
    Ok(None)
}

fn read(path: &Path) -> Result<PyprojectVersion, ManifestError> {
    let err = |message: String| ManifestError {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read it: {e}")))?;
    let document = DeTable::parse(&text).map_err(|e| {
        err(format!(
            "not valid TOML: {}",
            e.message().lines().next().unwrap_or_default()
        ))
    })?;
    fn field<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a DeValue<'i>> {
        table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v.get_ref())
    }
    let project = match field(document.get_ref(), "project") {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    };
    let dynamic = match project.as_ref().and_then(|p| field(p, "dynamic")) {
        Some(DeValue::Array(items)) => items
            .iter()
            .any(|v| matches!(v.get_ref(), DeValue::String(s) if s == "version")),
        _ => false,
    };
    let Some(value) = project.as_ref().and_then(|p| field(p, "version")) else {
        let why = if dynamic {
            "its [project] version is dynamic"
        } else {
            "it has no [project] version"
        };
        return Err(err(format!(
            "{why}; give the version with --version X.Y.Z or pin one under [catalogue]"
        )));
    };
    let DeValue::String(text) = value else {
        return Err(err("[project] version must be a string".to_owned()));
    };
    let version = pep440(text.as_ref()).ok_or_else(|| {
        err(format!(
            "[project] version {text:?} is not a release version (X.Y or X.Y.Z, optionally \
             with a PEP 440 pre-release such as rc1)"
        ))
    })?;
    Ok(PyprojectVersion {
        path: path.to_path_buf(),
        version,
    })
}

/// A PEP 440 version as a lifecycle version: `X.Y[.Z]`, an optional pre-release
/// (`a1`, `b2`, `rc3`, also spelled `-rc.3`), `.devN` as a pre-release, `.postN` and a
/// `+local` part dropped. `None` for anything else (epochs, four components).
pub fn pep440(text: &str) -> Option<Version> {
    let text = text.trim();
    let text = text.split('+').next().unwrap_or(text);
    if let Ok(v) = Version::parse(text) {
        return Some(v);
    }
    let lower = text.to_ascii_lowercase();
    let end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (release, rest) = lower.split_at(end);
    let release = release.trim_end_matches('.');
    let base = Version::parse_release(release).ok()?;
    let rest = rest.trim_start_matches(['-', '_', '.']);
    if rest.is_empty() {
        return Some(base);
    }
    if let Some(post) = rest.strip_prefix("post") {
        return post.bytes().all(|b| b.is_ascii_digit()).then_some(base);
    }
    for (prefix, tag) in [
        ("rc", "rc"),
        ("c", "rc"),
        ("alpha", "alpha"),
        ("a", "alpha"),
        ("beta", "beta"),
        ("b", "beta"),
        ("dev", "dev"),
    ] {
        if let Some(n) = rest.strip_prefix(prefix) {
            let n = n.trim_start_matches(['-', '_', '.']);
            let n = if n.is_empty() { "0" } else { n };
            if !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u64 = n.parse().ok()?;
            let full = format!(
                "{}.{}.{}-{tag}.{n}",
                base.major(),
                base.minor(),
                base.patch()
            );
            return Version::parse(&full).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_versions() {
        let v = |s: &str| pep440(s).map(|v| v.to_string());
        assert_eq!(v("0.11.2").as_deref(), Some("0.11.2"));
        assert_eq!(v("0.11").as_deref(), Some("0.11.0"));
        assert_eq!(v("0.11.0rc1").as_deref(), Some("0.11.0-rc.1"));
        assert_eq!(v("0.11.0.dev3").as_deref(), Some("0.11.0-dev.3"));
        assert_eq!(v("0.11.1.post2").as_deref(), Some("0.11.1"));
        assert_eq!(v("0.11.1+cu128").as_deref(), Some("0.11.1"));
        assert_eq!(v("0.11.0b2").as_deref(), Some("0.11.0-beta.2"));
        for bad in ["", "1", "1!0.11", "0.11.x", "0.11.0foo", "1.2.3.4"] {
            assert_eq!(v(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn nearest_manifest_decides() {
        let dir = std::env::temp_dir().join(format!("ms-pyproject-{}", std::process::id()));
        let nested = dir.join("engine/metrics");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(
            dir.join("pyproject.toml"),
            "[project]\nname = \"engine\"\nversion = \"0.11.2\"\n",
        )
        .unwrap();
        let found = pyproject_version(&nested.join("metrics.toml"))
            .unwrap()
            .unwrap();
        assert_eq!(found.version, Version::new(0, 11, 2));
        assert_eq!(
            found.path,
            std::path::absolute(dir.join("pyproject.toml")).unwrap()
        );

        // A Cargo.toml nearer than the pyproject.toml: a Rust project, not ours to read.
        std::fs::write(nested.join("Cargo.toml"), "[package]\n").unwrap();
        assert_eq!(pyproject_version(&nested).unwrap(), None);
        std::fs::remove_file(nested.join("Cargo.toml")).unwrap();

        std::fs::write(
            dir.join("pyproject.toml"),
            "[project]\nname = \"engine\"\ndynamic = [\"version\"]\n",
        )
        .unwrap();
        let err = pyproject_version(&nested).unwrap_err();
        assert!(err.to_string().contains("dynamic"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
