//! One module per rule. Each defines `RULE` (id, severity, summary, explanation, a bad and a
//! good example) and its check.

use super::Rule;

pub(crate) mod buckets_changed;
pub(crate) mod empty_help;
pub(crate) mod high_cardinality;
pub(crate) mod invalid_version;
pub(crate) mod labels_changed;
pub(crate) mod lifecycle_rewritten;
pub(crate) mod name_colon;
pub(crate) mod parse;
pub(crate) mod removed_without_deprecation;
pub(crate) mod since_after_version;
pub(crate) mod type_changed;
pub(crate) mod unit_changed;
pub(crate) mod unknown_key;

/// Every rule: errors, warnings, then compatibility rules, each in the order of the format
/// documentation.
pub(crate) static ALL: &[&Rule] = &[
    // Errors.
    &parse::RULE,
    &unknown_key::RULE,
    &invalid_version::RULE,
    &empty_help::RULE,
    // Warnings.
    &name_colon::RULE,
    &high_cardinality::RULE,
    &since_after_version::RULE,
    // Compatibility (with a baseline).
    &removed_without_deprecation::RULE,
    &type_changed::RULE,
    &labels_changed::RULE,
    &unit_changed::RULE,
    &buckets_changed::RULE,
    &lifecycle_rewritten::RULE,
];
