//! Stability levels, deprecation windows and the status of a metric at a version.

use std::fmt;
use std::str::FromStr;

use crate::Version;

/// How much users may rely on a metric. Compatibility rules and deprecation windows depend
/// on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stability {
    /// Experimental: may change or go away without a deprecation period.
    #[default]
    Alpha,
    /// Labels may be added but not removed; changes go through deprecation.
    Beta,
    /// Frozen: name, type, labels and unit only change through deprecation.
    Stable,
}

impl Stability {
    /// Every level, from least to most stable.
    pub const ALL: [Stability; 3] = [Stability::Alpha, Stability::Beta, Stability::Stable];

    /// The catalogue spelling: `alpha`, `beta` or `stable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::Stable => "stable",
        }
    }
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stability level that is not `alpha`, `beta` or `stable`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStability(pub String);

impl fmt::Display for UnknownStability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown stability {:?}: expected \"alpha\", \"beta\" or \"stable\"",
            self.0
        )
    }
}

impl std::error::Error for UnknownStability {}

impl FromStr for Stability {
    type Err = UnknownStability;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stability::ALL
            .into_iter()
            .find(|level| level.as_str() == s)
            .ok_or_else(|| UnknownStability(s.to_owned()))
    }
}

/// A deprecation window, counted in minor releases: a metric deprecated in `X.Y` is hidden
/// from `X.(Y+hide_after).0` and removed from `X.(Y+remove_after).0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    /// Minor releases between deprecation and hiding.
    pub hide_after: u64,
    /// Minor releases between deprecation and removal; greater than `hide_after`.
    pub remove_after: u64,
}

impl Window {
    /// vLLM's and Kubernetes' policy: hidden one minor release after deprecation, removed
    /// two after.
    pub const DEFAULT: Window = Window {
        hide_after: 1,
        remove_after: 2,
    };
}

impl Default for Window {
    fn default() -> Self {
        Window::DEFAULT
    }
}

/// Where a metric stands at a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Exposed and recorded normally.
    Active,
    /// Exposed and recorded; its HELP carries a deprecation notice.
    Deprecated,
    /// Not exposed and not recorded, unless the process enables show-hidden with the one
    /// valid value (see [`crate::check_show_hidden`]).
    Hidden,
    /// Gone from generated code; kept in the catalogue as history.
    Removed,
}

impl Status {
    /// `active`, `deprecated`, `hidden` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Hidden => "hidden",
            Status::Removed => "removed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lifecycle dates written for one metric (each optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Lifecycle {
    /// The release that deprecated the metric.
    pub deprecated: Option<Version>,
    /// An explicit hiding release, overriding the policy's date.
    pub hidden: Option<Version>,
    /// An explicit removal release, overriding the policy's date.
    pub removed: Option<Version>,
}

impl Lifecycle {
    /// The effective dates under `window`: explicit dates win, otherwise they are derived
    /// from the deprecation release.
    pub fn schedule(&self, window: Window) -> Schedule {
        let derive = |after| self.deprecated.as_ref().map(|d| d.add_minors(after));
        Schedule {
            deprecated: self.deprecated.clone(),
            hidden: self.hidden.clone().or_else(|| derive(window.hide_after)),
            removed: self.removed.clone().or_else(|| derive(window.remove_after)),
        }
    }
}

/// Effective lifecycle dates of a metric, explicit or derived from its policy window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Schedule {
    /// Deprecated from this release.
    pub deprecated: Option<Version>,
    /// Hidden from this release.
    pub hidden: Option<Version>,
    /// Removed from this release.
    pub removed: Option<Version>,
}

impl Schedule {
    /// The status at version `at`. A pre-release is evaluated as the release it precedes:
    /// `0.11.0-rc.1` behaves exactly as `0.11.0` will.
    pub fn status_at(&self, at: &Version) -> Status {
        let at = at.release();
        let reached = |date: &Option<Version>| date.as_ref().is_some_and(|d| at >= *d);
        if reached(&self.removed) {
            Status::Removed
        } else if reached(&self.hidden) {
            Status::Hidden
        } else if reached(&self.deprecated) {
            Status::Deprecated
        } else {
            Status::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn deprecated(d: &str) -> Lifecycle {
        Lifecycle {
            deprecated: Some(v(d)),
            ..Lifecycle::default()
        }
    }

    #[test]
    fn default_window_boundaries() {
        let schedule = deprecated("0.10").schedule(Window::DEFAULT);
        assert_eq!(schedule.hidden, Some(v("0.11.0")));
        assert_eq!(schedule.removed, Some(v("0.12.0")));
        let table = [
            ("0.9.0", Status::Active),
            ("0.9.9", Status::Active),
            ("0.10.0-rc.1", Status::Deprecated),
            ("0.10.0", Status::Deprecated),
            ("0.10.5", Status::Deprecated),
            ("0.11.0-rc.1", Status::Hidden),
            ("0.11.0", Status::Hidden),
            ("0.11.7", Status::Hidden),
            ("0.12.0-rc.2", Status::Removed),
            ("0.12.0", Status::Removed),
            ("1.0.0", Status::Removed),
        ];
        for (at, want) in table {
            assert_eq!(schedule.status_at(&v(at)), want, "at {at}");
        }
    }

    #[test]
    fn explicit_dates_override_policy() {
        // vLLM's time_per_output_token_seconds: deprecated 0.11, removed only in 0.15.
        let life = Lifecycle {
            removed: Some(v("0.15")),
            ..deprecated("0.11")
        };
        let schedule = life.schedule(Window::DEFAULT);
        assert_eq!(schedule.status_at(&v("0.11.0")), Status::Deprecated);
        assert_eq!(schedule.status_at(&v("0.12.0")), Status::Hidden);
        assert_eq!(schedule.status_at(&v("0.14.9")), Status::Hidden);
        assert_eq!(schedule.status_at(&v("0.15.0")), Status::Removed);
    }

    #[test]
    fn zero_hide_window_skips_deprecated() {
        let window = Window {
            hide_after: 0,
            remove_after: 1,
        };
        let schedule = deprecated("0.4").schedule(window);
        assert_eq!(schedule.status_at(&v("0.3.9")), Status::Active);
        assert_eq!(schedule.status_at(&v("0.4.0")), Status::Hidden);
        assert_eq!(schedule.status_at(&v("0.5.0")), Status::Removed);
    }

    #[test]
    fn major_release_ends_previous_windows() {
        let schedule = deprecated("0.12").schedule(Window::DEFAULT);
        assert_eq!(schedule.status_at(&v("1.0.0")), Status::Removed);
    }

    #[test]
    fn removal_without_deprecation() {
        let life = Lifecycle {
            removed: Some(v("0.3")),
            ..Lifecycle::default()
        };
        let schedule = life.schedule(Window::DEFAULT);
        assert_eq!(schedule.hidden, None);
        assert_eq!(schedule.status_at(&v("0.2.5")), Status::Active);
        assert_eq!(schedule.status_at(&v("0.3.0")), Status::Removed);
    }

    #[test]
    fn stability_round_trip() {
        for level in Stability::ALL {
            assert_eq!(level.as_str().parse::<Stability>(), Ok(level));
        }
        let err = "Stable".parse::<Stability>().unwrap_err();
        assert!(err.to_string().contains("\"Stable\""));
    }
}
