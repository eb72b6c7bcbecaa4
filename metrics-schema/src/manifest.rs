//! Cargo manifests around a catalogue: the version of the package a catalogue belongs to
//! (what `schema` evaluates the lifecycle at when no version is given, the same version the
//! `catalogue!` macro compiles at) and the workspace root (what paths in the macro's
//! errors are relative to, like rustc's own paths).
//!
//! Cargo's rules, read with the `toml` crate: a file belongs to the package whose
//! `Cargo.toml` is nearest above it; `version.workspace = true` takes
//! `[workspace.package] version` of the workspace root, the nearest `Cargo.toml` above (or
//! at) the package with a `[workspace]` table.
//!
//! ```
//! use metrics_schema::manifest::{normalize, relative_to};
//! use std::path::Path;
//!
//! let file = normalize(Path::new("/repo/examples/engine/../vllm/metrics.toml"));
//! assert_eq!(file, Path::new("/repo/examples/vllm/metrics.toml"));
//! assert_eq!(relative_to(&file, Path::new("/repo")).unwrap(), "examples/vllm/metrics.toml");
//! ```

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::lifecycle::Version;

/// The version of a package, and where it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageVersion {
    /// The version.
    pub version: Version,
    /// The package's `Cargo.toml`.
    pub manifest: PathBuf,
    /// The workspace root's `Cargo.toml`, when the version is `version.workspace = true`.
    pub workspace: Option<PathBuf>,
}

/// A manifest that could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// The manifest.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ManifestError {}

/// `path` with `.` components dropped and `..` applied lexically (no file system access,
/// so symbolic links are not followed, as cargo shows paths).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base`, with `/` separators, when `path` is inside `base` (both
/// normalized first).
pub fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let rel = normalize(path)
        .strip_prefix(normalize(base))
        .ok()?
        .to_owned();
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What this module needs from one `Cargo.toml`.
struct Facts {
    /// It has a `[workspace]` table.
    workspace: bool,
    /// It has a `[package]` table.
    package: bool,
    /// `[package] version`.
    version: Field,
    /// `[workspace.package] version`.
    workspace_version: Option<String>,
}

enum Field {
    Absent,
    Text(String),
    /// `version.workspace = true`.
    Inherited,
    Other,
}

fn read(path: &Path) -> Result<Facts, ManifestError> {
    use toml::de::{DeTable, DeValue};
    let err = |message: String| ManifestError {
        path: path.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let document = DeTable::parse(&text)
        .map_err(|e| err(format!("not a valid Cargo.toml: {}", e.message())))?;
    let document = document.get_ref();
    fn table<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
        match t.get(key).map(|v| v.get_ref()) {
            Some(DeValue::Table(t)) => Some(t),
            _ => None,
        }
    }
    let string = |t: &DeTable<'_>, key: &str| match t.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let workspace = table(document, "workspace");
    let package = table(document, "package");
    let version = match package.and_then(|p| p.get("version")).map(|v| v.get_ref()) {
        None => Field::Absent,
        Some(DeValue::String(s)) => Field::Text(s.to_string()),
        Some(DeValue::Table(t))
            if matches!(
                t.get("workspace").map(|v| v.get_ref()),
                Some(DeValue::Boolean(true))
            ) =>
        {
            Field::Inherited
        }
        Some(_) => Field::Other,
    };
    let workspace_version = workspace
        .and_then(|w| table(w, "package"))
        .and_then(|p| string(p, "version"));
    Ok(Facts {
        workspace: workspace.is_some(),
        package: package.is_some(),
        version,
        workspace_version,
    })
}

/// The nearest `Cargo.toml` in `dir` or one of its ancestors.
pub fn nearest_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|m| m.is_file())
}

/// The workspace root's `Cargo.toml` for a package in `dir`: the nearest `Cargo.toml` in
/// `dir` or above with a `[workspace]` table. Unreadable manifests are skipped.
pub fn workspace_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .filter(|m| m.is_file())
        .find(|m| read(m).is_ok_and(|f| f.workspace))
}

/// The directory paths in the `catalogue!` macro's errors are relative to: the workspace
/// root of the package in `manifest_dir`, else `manifest_dir` itself.
pub fn workspace_root(manifest_dir: &Path) -> PathBuf {
    workspace_manifest(manifest_dir)
        .and_then(|m| m.parent().map(Path::to_owned))
        .unwrap_or_else(|| manifest_dir.to_owned())
}

/// The `[package] version` of the manifest `manifest` (following `version.workspace =
/// true`); `Ok(None)` when it has no `[package]` (a virtual manifest) or no version.
pub fn package_version(manifest: &Path) -> Result<Option<PackageVersion>, ManifestError> {
    let facts = read(manifest)?;
    let err = |path: &Path, message: String| ManifestError {
        path: path.to_owned(),
        message,
    };
    let parse = |path: &Path, text: &str| {
        Version::parse(text).map_err(|e| err(path, format!("package version: {e}")))
    };
    if !facts.package {
        return Ok(None);
    }
    match facts.version {
        Field::Absent => Ok(None),
        Field::Text(v) => Ok(Some(PackageVersion {
            version: parse(manifest, &v)?,
            manifest: manifest.to_owned(),
            workspace: None,
        })),
        Field::Inherited => {
            let dir = manifest.parent().unwrap_or(Path::new("."));
            let root = workspace_manifest(dir).ok_or_else(|| {
                err(
                    manifest,
                    "`version.workspace = true`, but no Cargo.toml with [workspace] above it"
                        .into(),
                )
            })?;
            let version = read(&root)?.workspace_version.ok_or_else(|| {
                err(
                    &root,
                    "the package takes its version from the workspace, which has no \
                     [workspace.package] version"
                        .into(),
                )
            })?;
            Ok(Some(PackageVersion {
                version: parse(&root, &version)?,
                manifest: manifest.to_owned(),
                workspace: Some(root),
            }))
        }
        Field::Other => Err(err(
            manifest,
            "[package] version is neither a string nor `{ workspace = true }`".into(),
        )),
    }
}

/// The version the `schema` CLI evaluates the catalogue at `catalogue` at when neither
/// `--version` nor a pin is given: that of `manifest_path` (`--manifest-path`, which must
/// have one), else that of the package the catalogue belongs to ([`catalogue_version`]).
pub fn discover(
    catalogue: &Path,
    manifest_path: Option<&Path>,
) -> Result<Option<PackageVersion>, ManifestError> {
    match manifest_path {
        Some(manifest) => match package_version(manifest)? {
            Some(v) => Ok(Some(v)),
            None => Err(ManifestError {
                path: manifest.to_owned(),
                message: "no [package] version to evaluate the catalogue at".into(),
            }),
        },
        None => catalogue_version(catalogue),
    }
}

/// The one line `schema lint` prints when no version was found: the rules that compare
/// with a version did not run, and how to make them.
pub fn skipped_lifecycle_note(file: &str) -> String {
    format!(
        "note: {file}: no version, so the lifecycle rules that need one were skipped: pass \
         `--version X.Y.Z`, pin `version = \"X.Y.Z\"` under [catalogue], or keep the \
         catalogue in a crate whose Cargo.toml has a version (`--manifest-path` chooses it)"
    )
}

/// The version of the package a catalogue file belongs to: that of the `Cargo.toml`
/// nearest above `catalogue`. `Ok(None)` when there is none, or it has no version.
pub fn catalogue_version(catalogue: &Path) -> Result<Option<PackageVersion>, ManifestError> {
    let absolute = if catalogue.is_absolute() {
        catalogue.to_owned()
    } else {
        std::env::current_dir()
            .map_err(|e| ManifestError {
                path: catalogue.to_owned(),
                message: format!("current directory: {e}"),
            })?
            .join(catalogue)
    };
    let absolute = normalize(&absolute);
    let dir = absolute.parent().unwrap_or(Path::new("/"));
    match nearest_manifest(dir) {
        Some(manifest) => package_version(&manifest),
        None => Ok(None),
    }
}
