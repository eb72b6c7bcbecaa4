//! The show-hidden check: which value of `--show-hidden-metrics-for-version` re-enables
//! hidden metrics at a given version.
//!
//! At version `X.Y.Z` the only valid value is the previous minor release, `X.(Y-1)`
//! (`X.(Y-1).0` is accepted too). Every other value is an error naming the valid one;
//! nothing is ever silently ignored. Two edge cases:
//!
//! - **Pre-releases** (`X.Y.Z-rc.1`) behave as the release they precede: the valid value is
//!   `X.(Y-1)`.
//! - **`X.0.Z` releases** have no previous minor. Every value is refused with an error that
//!   says so: a major release is where the previous major's hidden metrics go away.

use std::fmt;

use crate::Version;

/// The one show-hidden value that re-enables hidden metrics at `at`: `X.(Y-1).0`, or
/// `None` at an `X.0.Z` release.
pub fn show_hidden_value(at: &Version) -> Option<Version> {
    at.release().previous_minor()
}

/// Checks a show-hidden value given to a process running at version `at`.
///
/// `Ok(())` means hidden metrics are to be exposed. There is no "ignored" outcome.
///
/// ```
/// use metrics_schema_lifecycle::{check_show_hidden, Version};
///
/// let at = Version::parse("0.11.2").unwrap();
/// assert!(check_show_hidden(&at, "0.10").is_ok());
/// assert!(check_show_hidden(&at, "0.10.0").is_ok());
/// let err = check_show_hidden(&at, "0.9").unwrap_err();
/// assert!(err.to_string().contains("\"0.10\""));
/// ```
pub fn check_show_hidden(at: &Version, value: &str) -> Result<(), ShowHiddenError> {
    let Some(valid) = show_hidden_value(at) else {
        return Err(ShowHiddenError::NoPreviousMinor {
            value: value.to_owned(),
            at: at.clone(),
        });
    };
    match Version::parse_release(value) {
        Ok(given) if given == valid => Ok(()),
        _ => Err(ShowHiddenError::Invalid {
            value: value.to_owned(),
            at: at.clone(),
            valid,
        }),
    }
}

/// A refused show-hidden value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShowHiddenError {
    /// The value is malformed or is not the previous minor release.
    Invalid {
        /// The value given.
        value: String,
        /// The version the process runs at.
        at: Version,
        /// The previous minor release: the only value accepted.
        valid: Version,
    },
    /// `at` is an `X.0.Z` release: there is no previous minor to re-enable.
    NoPreviousMinor {
        /// The value given.
        value: String,
        /// The version the process runs at.
        at: Version,
    },
}

impl ShowHiddenError {
    /// The only valid value, as users write it (`X.Y`), if there is one.
    pub fn valid_value(&self) -> Option<String> {
        match self {
            ShowHiddenError::Invalid { valid, .. } => Some(valid.minor_line()),
            ShowHiddenError::NoPreviousMinor { .. } => None,
        }
    }
}

impl fmt::Display for ShowHiddenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShowHiddenError::Invalid { value, at, valid } => write!(
                f,
                "invalid show-hidden-metrics-for-version value {value:?} at version {at}: \
                 the only valid value is \"{}\" (the previous minor release)",
                valid.minor_line()
            ),
            ShowHiddenError::NoPreviousMinor { value, at } => write!(
                f,
                "invalid show-hidden-metrics-for-version value {value:?} at version {at}: \
                 {}.0 is a major release with no previous minor release, so no hidden \
                 metrics can be re-enabled; remove the option",
                at.major()
            ),
        }
    }
}

impl std::error::Error for ShowHiddenError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn vllm_0_11_accepts_only_0_10() {
        for at in ["0.11.0", "0.11.3", "0.11.0-rc.1"] {
            let at = v(at);
            assert_eq!(check_show_hidden(&at, "0.10"), Ok(()));
            assert_eq!(check_show_hidden(&at, "0.10.0"), Ok(()));
            for bad in [
                "0.9",
                "0.11",
                "banana",
                "0.10.1",
                "v0.10",
                " 0.10",
                "",
                "0.10.0-rc.1",
            ] {
                let err = check_show_hidden(&at, bad).unwrap_err();
                assert_eq!(err.valid_value().as_deref(), Some("0.10"), "{bad:?}");
                let text = err.to_string();
                assert!(text.contains("\"0.10\""), "{text}");
                assert!(text.contains(&format!("{bad:?}")), "{text}");
            }
        }
    }

    #[test]
    fn major_release_has_no_valid_value() {
        let at = v("1.0.2");
        assert_eq!(show_hidden_value(&at), None);
        let err = check_show_hidden(&at, "0.99").unwrap_err();
        assert_eq!(err.valid_value(), None);
        assert!(err.to_string().contains("no previous minor"));
    }

    #[test]
    fn valid_value_is_previous_minor() {
        assert_eq!(show_hidden_value(&v("2.7.1")), Some(v("2.6.0")));
        assert_eq!(show_hidden_value(&v("0.1.0-beta")), Some(v("0.0.0")));
    }
}
