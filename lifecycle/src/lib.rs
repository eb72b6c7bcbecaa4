//! The lifecycle and exposition facts of metrics-schema, shared by the catalogue tools
//! (lint, docs, the `catalogue!` macro) and the runtime, so that all of them agree on what a
//! version means and on what Prometheus accepts.
//!
//! - [`Version`]: release versions (`X.Y`, `X.Y.Z`) and pre-releases (`X.Y.Z-rc.1`).
//! - [`Stability`] and [`Window`]: stability levels and deprecation windows.
//! - [`Lifecycle`], [`Schedule`] and [`Status`]: where a metric stands at a version.
//! - [`check_show_hidden`]: the show-hidden option's one valid value.
//! - [`deprecation_notice`]: the text deprecated metrics carry in their HELP.
//! - [`exposition`]: metric types ([`MetricType`]) and the family and sample names they
//!   expose per [`Format`], name validity, reserved labels, unit rules and bucket bounds.
//!
//! # Rules
//!
//! With `D` the deprecation release, `H` the hiding release (explicit, or `D` plus the
//! window's `hide_after` minor releases) and `R` the removal release (explicit, or `D`
//! plus `remove_after`), a metric at version `V` is active before `D`, deprecated from `D`,
//! hidden from `H` and removed from `R`.
//!
//! A pre-release `X.Y.Z-PRE` is evaluated as `X.Y.Z`: a release candidate exposes exactly
//! what its release will. A major release `X.0.Z` has no previous minor release, so the
//! show-hidden option is refused there (see [`check_show_hidden`]); windows computed from
//! a deprecation in major `X-1` have all ended by `X.0.0`, because `(X-1).N.0 < X.0.0`.

#![deny(missing_docs)]

pub mod exposition;
mod notice;
mod policy;
mod show_hidden;
mod version;

pub use exposition::{Format, MetricType};
pub use notice::{deprecation_notice, help_with_notice};
pub use policy::{Lifecycle, Schedule, Stability, Status, UnknownStability, Window};
pub use show_hidden::{ShowHiddenError, check_show_hidden, show_hidden_value};
pub use version::{Version, VersionError};

/// The crate README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The local name of the counter the runtime exposes for open-label overflows, next to a
/// catalogue's metrics: `<namespace><separator>label_overflows` (exposed with `_total`).
/// Shared by the runtime, the generated code and the lint rule that keeps catalogue
/// metrics off that name.
pub const LABEL_OVERFLOWS_NAME: &str = "label_overflows";

/// The HELP of the label-overflow counter (the same in every generated language).
pub const LABEL_OVERFLOWS_HELP: &str = "Lookups whose open-label value was recorded as \
     __overflow__, because the label already had max_values distinct values or the value \
     was outside the label's allow-list, by metric and label.";
