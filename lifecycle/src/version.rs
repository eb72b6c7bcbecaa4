//! Release versions as the lifecycle engine sees them.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A release version: `major.minor.patch`, optionally with a pre-release tag.
///
/// Build metadata (`+…`) is accepted by [`Version::parse`] and dropped: it never takes part
/// in lifecycle decisions. Ordering is SemVer's: `0.11.0-rc.1 < 0.11.0 < 0.11.1`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Version(semver::Version);

/// Why a version string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionError {
    input: String,
    expected: &'static str,
}

impl VersionError {
    /// The text that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What was expected instead, e.g. `X.Y or X.Y.Z`.
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid version {:?}: expected {}",
            self.input, self.expected
        )
    }
}

impl std::error::Error for VersionError {}

const RELEASE_FORMAT: &str = "X.Y or X.Y.Z with decimal numbers (e.g. 0.10 or 0.10.2)";
const FULL_FORMAT: &str = "X.Y, X.Y.Z or X.Y.Z-PRE (e.g. 0.10, 0.10.2 or 0.11.0-rc.1)";

impl Version {
    /// The release `major.minor.patch`.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version(semver::Version {
            major,
            minor,
            patch,
            pre: semver::Prerelease::EMPTY,
            build: semver::BuildMetadata::EMPTY,
        })
    }

    /// Parses a release version as written in a catalogue or given to the show-hidden
    /// option: `X.Y` (meaning `X.Y.0`) or `X.Y.Z`. No `v` prefix, no pre-release tag, no
    /// build metadata, no leading zeros, no surrounding white space.
    pub fn parse_release(input: &str) -> Result<Self, VersionError> {
        let err = || VersionError {
            input: input.to_owned(),
            expected: RELEASE_FORMAT,
        };
        let parts: Vec<&str> = input.split('.').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| !is_number(p)) {
            return Err(err());
        }
        let num = |p: &str| p.parse::<u64>().map_err(|_| err());
        let patch = match parts.get(2) {
            Some(p) => num(p)?,
            None => 0,
        };
        Ok(Version::new(num(parts[0])?, num(parts[1])?, patch))
    }

    /// Parses the version a catalogue is evaluated at: anything [`Version::parse_release`]
    /// takes, plus SemVer pre-releases (`0.11.0-rc.1`) and build metadata (dropped), as
    /// found in `CARGO_PKG_VERSION`.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = || VersionError {
            input: input.to_owned(),
            expected: FULL_FORMAT,
        };
        if let Ok(release) = Version::parse_release(input) {
            return Ok(release);
        }
        let mut parsed = semver::Version::parse(input).map_err(|_| err())?;
        parsed.build = semver::BuildMetadata::EMPTY;
        Ok(Version(parsed))
    }

    /// The major number.
    pub fn major(&self) -> u64 {
        self.0.major
    }

    /// The minor number.
    pub fn minor(&self) -> u64 {
        self.0.minor
    }

    /// The patch number.
    pub fn patch(&self) -> u64 {
        self.0.patch
    }

    /// The pre-release tag (`rc.1` in `0.11.0-rc.1`), if any.
    pub fn pre_release(&self) -> Option<&str> {
        (!self.0.pre.is_empty()).then(|| self.0.pre.as_str())
    }

    /// The release this version belongs to: the version without its pre-release tag.
    ///
    /// The lifecycle engine evaluates a pre-release as the release it precedes, so that a
    /// release candidate exposes exactly what the release will.
    pub fn release(&self) -> Version {
        Version::new(self.0.major, self.0.minor, self.0.patch)
    }

    /// `X.(Y+n).0`: the first release `n` minor releases after this one's minor.
    /// Saturates instead of overflowing.
    pub fn add_minors(&self, n: u64) -> Version {
        Version::new(self.0.major, self.0.minor.saturating_add(n), 0)
    }

    /// `X.(Y-1).0`, or `None` for an `X.0.Z` release, which has no previous minor.
    pub fn previous_minor(&self) -> Option<Version> {
        let minor = self.0.minor.checked_sub(1)?;
        Some(Version::new(self.0.major, minor, 0))
    }

    /// `X.Y`: the minor release line, as written in show-hidden values and notices.
    pub fn minor_line(&self) -> String {
        format!("{}.{}", self.0.major, self.0.minor)
    }
}

fn is_number(part: &str) -> bool {
    !part.is_empty()
        && part.bytes().all(|b| b.is_ascii_digit())
        && (part == "0" || !part.starts_with('0'))
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({self})")
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_versions() {
        assert_eq!(
            Version::parse_release("0.10").unwrap(),
            Version::new(0, 10, 0)
        );
        assert_eq!(
            Version::parse_release("0.10.2").unwrap(),
            Version::new(0, 10, 2)
        );
        assert_eq!(
            Version::parse_release("10.0.0").unwrap(),
            Version::new(10, 0, 0)
        );
        for bad in [
            "",
            "1",
            "v1.0",
            "1.0.0.0",
            "1.0-rc.1",
            "1.0.0-rc.1",
            "1.0.0+b",
            "01.2",
            "1.02",
            " 1.0",
            "1.0 ",
            "1..0",
            "1.x",
            "-1.0",
            "banana",
            "1.0.",
            "１.0",
        ] {
            let err = Version::parse_release(bad).unwrap_err();
            assert_eq!(err.input(), bad);
            assert!(err.to_string().contains("X.Y or X.Y.Z"), "{err}");
        }
    }

    #[test]
    fn full_versions() {
        let rc = Version::parse("0.11.0-rc.1").unwrap();
        assert_eq!(rc.pre_release(), Some("rc.1"));
        assert_eq!(rc.release(), Version::new(0, 11, 0));
        assert_eq!(
            Version::parse("0.11.0+git.abc").unwrap(),
            Version::new(0, 11, 0)
        );
        assert_eq!(Version::parse("0.11").unwrap(), Version::new(0, 11, 0));
        for bad in ["", "v0.11.0", "0.11.0-", "0.11-rc.1", "banana", "0.11.0 "] {
            assert!(Version::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ordering_is_semver() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("0.11.0-rc.1") < v("0.11.0"));
        assert!(v("0.11.0-rc.1") < v("0.11.0-rc.2"));
        assert!(v("0.10.9") < v("0.11.0-alpha"));
        assert!(v("0.9.2") < v("0.10"));
        assert!(v("1.0") > v("0.99.99"));
    }

    #[test]
    fn minor_arithmetic() {
        let v = Version::new(0, 10, 3);
        assert_eq!(v.add_minors(2), Version::new(0, 12, 0));
        assert_eq!(v.previous_minor(), Some(Version::new(0, 9, 0)));
        assert_eq!(Version::new(1, 0, 4).previous_minor(), None);
        assert_eq!(
            Version::new(0, u64::MAX, 0).add_minors(5),
            Version::new(0, u64::MAX, 0)
        );
        assert_eq!(v.minor_line(), "0.10");
        assert_eq!(v.to_string(), "0.10.3");
    }
}
