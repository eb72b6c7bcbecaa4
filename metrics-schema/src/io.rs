//! Bounded input and atomic output: the only way the library and the `schema` binary read
//! a user's file or write one.
//!
//! [`read_input`] accepts a regular file, or standard input when the path is `-`; FIFOs,
//! devices, sockets and directories are refused before they are opened, and no more than
//! the limit (default [`DEFAULT_MAX_INPUT_SIZE`]) is ever read.
//!
//! [`write_atomic`] writes a temporary file in the target's directory, flushes it to disk
//! and renames it over the target: a reader sees the old file or the new one, never a part,
//! and on any failure the old file is left as it was and the temporary file removed.
//!
//! ```
//! use metrics_schema::io::{read_input, write_atomic, DEFAULT_MAX_INPUT_SIZE};
//!
//! let dir = std::env::temp_dir().join(format!("io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("rules.yml");
//! write_atomic(&path, b"groups: []\n").unwrap();
//! assert_eq!(read_input(&path, DEFAULT_MAX_INPUT_SIZE).unwrap(), b"groups: []\n");
//! let err = read_input(&dir, DEFAULT_MAX_INPUT_SIZE).unwrap_err();
//! assert!(err.to_string().contains("is a directory"), "{err}");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The default limit of one input file: 64 MiB.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// The path that names standard input.
pub const STDIN: &str = "-";

/// Why an input could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The path is a directory.
    Directory,
    /// The path is not a regular file: `what` it is (`a FIFO`, `a character device`, ...).
    NotAFile {
        /// What the path is, with its article.
        what: &'static str,
    },
    /// The input is larger than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The operating system's error (a missing file, permissions, ...).
    Io(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Directory => f.write_str("it is a directory"),
            InputError::NotAFile { what } => write!(
                f,
                "it is {what}, not a regular file; give a file, or `-` for standard input"
            ),
            InputError::TooLarge { limit } => write!(
                f,
                "it is larger than the input limit of {} (`--max-input-size` raises it)",
                bytes(*limit)
            ),
            InputError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for InputError {}

/// `n` bytes as people write it: `64 MiB`, `1000 bytes`.
fn bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const KIB: u64 = 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Reads the whole of `path` (standard input when it is `-`), at most `limit` bytes.
///
/// Only regular files and standard input are read: a directory, a FIFO, a device or a
/// socket is refused before it is opened (so a FIFO without a writer cannot block). The
/// size is checked before reading and again while reading, through `take(limit + 1)`, so a
/// file that grows, or standard input fed from `/dev/zero`, stops at the limit.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    if path.as_os_str() == STDIN {
        return read_limited(io::stdin().lock(), limit);
    }
    let meta = fs::metadata(path).map_err(|e| InputError::Io(e.to_string()))?;
    check_kind(&meta)?;
    if meta.len() > limit {
        return Err(InputError::TooLarge { limit });
    }
    let file = File::open(path).map_err(|e| InputError::Io(e.to_string()))?;
    // The path may have been replaced between the two looks: judge what was opened.
    check_kind(&file.metadata().map_err(|e| InputError::Io(e.to_string()))?)?;
    read_limited(file, limit)
}

fn check_kind(meta: &fs::Metadata) -> Result<(), InputError> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(InputError::Directory);
    }
    Err(InputError::NotAFile {
        what: describe(&kind),
    })
}

#[cfg(unix)]
fn describe(kind: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn describe(_: &fs::FileType) -> &'static str {
    "a special file"
}

/// Reads `reader` to its end, refusing more than `limit` bytes.
pub fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Replaces the file at `path` with `contents`, atomically (see [`write_atomic_with`]).
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(contents))
}

/// Replaces the file at `path` with what `write` writes, atomically: `write` fills a
/// temporary file in the same directory, which is flushed to disk (`fsync`) and renamed
/// over the target. A symbolic link is followed and its target replaced (the link stays);
/// an existing target's permissions are kept, a new file gets the usual `0666` less the
/// umask. On any failure, `write`'s own included, the target is untouched and the
/// temporary file removed.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = resolve_links(path)?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{}` does not name a file", path.display()),
            )
        })?;
    let existing = match fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            ));
        }
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    let new_file_mode = {
        use std::os::unix::fs::PermissionsExt;
        // Passed to open(2), so the umask applies, as for any new file.
        fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(new_file_mode);
    let mut temp = builder.tempfile_in(&dir)?;
    if let Some(permissions) = existing {
        // fchmod is not subject to the umask: the target keeps exactly its mode.
        temp.as_file().set_permissions(permissions)?;
    }
    {
        let mut out = io::BufWriter::new(temp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    // Make the rename itself durable; not every platform can open a directory.
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Follows symbolic links from `path` to the file they finally name (which may not exist
/// yet), as `open(2)` would.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("schema-io-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failing_writer_leaves_the_original_byte_for_byte_and_no_temp_file() {
        let dir = scratch("fail");
        let path = dir.join("rules.yml");
        let original = b"groups:\n- name: old\n".repeat(100);
        fs::write(&path, &original).unwrap();
        let err = write_atomic_with(&path, |out| {
            out.write_all(b"groups:\n- name: half")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        })
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs::read(&path).unwrap(), original);
        assert_eq!(entries(&dir), ["rules.yml"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_a_symlink_is_followed() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = scratch("links");
        let real = dir.join("real.json");
        fs::write(&real, "{}").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join("board.json");
        symlink("real.json", &link).unwrap();
        write_atomic(&link, b"{\"new\": true}").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"{\"new\": true}");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(entries(&dir), ["board.json", "real.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_new_file_is_created_and_a_directory_is_refused() {
        let dir = scratch("new");
        let path = dir.join("out.md");
        write_atomic(&path, b"# ref\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"# ref\n");
        assert!(write_atomic(&dir, b"x").is_err());
        assert_eq!(entries(&dir), ["out.md"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_are_bounded_and_only_of_regular_files() {
        let dir = scratch("read");
        let path = dir.join("a.toml");
        fs::write(&path, vec![b'#'; 100]).unwrap();
        assert_eq!(read_input(&path, 100).unwrap().len(), 100);
        assert_eq!(
            read_input(&path, 99),
            Err(InputError::TooLarge { limit: 99 })
        );
        assert_eq!(read_input(&dir, 100), Err(InputError::Directory));
        assert_eq!(
            read_limited(io::repeat(0), 1 << 20),
            Err(InputError::TooLarge { limit: 1 << 20 })
        );
        #[cfg(unix)]
        assert_eq!(
            read_input(Path::new("/dev/zero"), 100),
            Err(InputError::NotAFile {
                what: "a character device"
            })
        );
        assert!(matches!(
            read_input(&dir.join("missing"), 100),
            Err(InputError::Io(_))
        ));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(bytes(DEFAULT_MAX_INPUT_SIZE), "64 MiB");
        assert_eq!(bytes(2048), "2 KiB");
        assert_eq!(bytes(1000), "1000 bytes");
    }
}
