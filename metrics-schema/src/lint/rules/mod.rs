//! One module per rule. Each defines `RULE` (id, severity, summary, explanation, a bad and a
//! good example) and its check.

use super::Rule;

pub(crate) mod abbreviated_unit;
pub(crate) mod buckets_changed;
pub(crate) mod buckets_not_histogram;
pub(crate) mod camel_case;
pub(crate) mod counter_total_suffix;
pub(crate) mod deprecated_metric_reference;
pub(crate) mod deprecated_without_replacement;
pub(crate) mod duplicate_label;
pub(crate) mod duplicate_metric;
pub(crate) mod empty_help;
pub(crate) mod future_metric_reference;
pub(crate) mod generated_name;
pub(crate) mod help_mentions_deprecation;
pub(crate) mod high_cardinality;
pub(crate) mod invalid_buckets;
pub(crate) mod invalid_label_values;
pub(crate) mod invalid_name;
pub(crate) mod invalid_policy;
pub(crate) mod invalid_promql;
pub(crate) mod invalid_rule;
pub(crate) mod invalid_version;
pub(crate) mod labels_changed;
pub(crate) mod lifecycle_order;
pub(crate) mod lifecycle_rewritten;
pub(crate) mod live_absent;
pub(crate) mod live_buckets_mismatch;
pub(crate) mod live_hidden_exposed;
pub(crate) mod live_labels_mismatch;
pub(crate) mod live_missing_notice;
pub(crate) mod live_removed_exposed;
pub(crate) mod live_show_hidden;
pub(crate) mod live_too_many_values;
pub(crate) mod live_type_mismatch;
pub(crate) mod live_undeclared_label_value;
pub(crate) mod live_unknown_metric;
pub(crate) mod missing_buckets;
pub(crate) mod name_colon;
pub(crate) mod non_base_unit;
pub(crate) mod non_counter_total_suffix;
pub(crate) mod parse;
pub(crate) mod policy_violation;
pub(crate) mod removed_metric_reference;
pub(crate) mod removed_without_deprecation;
pub(crate) mod replacement_cycle;
pub(crate) mod replacement_not_active;
pub(crate) mod reserved_label;
pub(crate) mod reserved_metric_name;
pub(crate) mod reserved_suffix;
pub(crate) mod since_after_version;
pub(crate) mod type_changed;
pub(crate) mod type_in_name;
pub(crate) mod unbounded_label;
pub(crate) mod undefined_buckets;
pub(crate) mod undefined_label;
pub(crate) mod unit_changed;
pub(crate) mod unit_mismatch;
pub(crate) mod unit_not_allowed;
pub(crate) mod unit_suffix;
pub(crate) mod unknown_key;
pub(crate) mod unknown_metric_reference;
pub(crate) mod unknown_replacement;
pub(crate) mod unused_buckets;
pub(crate) mod unused_label;

/// Every rule: errors, warnings, compatibility rules, then live rules, each in the order of the format
/// documentation.
pub(crate) static ALL: &[&Rule] = &[
    // Errors.
    &parse::RULE,
    &unknown_key::RULE,
    &invalid_name::RULE,
    &reserved_label::RULE,
    &duplicate_metric::RULE,
    &undefined_label::RULE,
    &duplicate_label::RULE,
    &invalid_label_values::RULE,
    &undefined_buckets::RULE,
    &invalid_buckets::RULE,
    &buckets_not_histogram::RULE,
    &missing_buckets::RULE,
    &invalid_version::RULE,
    &lifecycle_order::RULE,
    &policy_violation::RULE,
    &unknown_replacement::RULE,
    &replacement_cycle::RULE,
    &unit_mismatch::RULE,
    &empty_help::RULE,
    &invalid_policy::RULE,
    // Errors for what generated code and the runtime would refuse.
    &generated_name::RULE,
    &unit_not_allowed::RULE,
    // Errors of the alerting and recording rules extension.
    &invalid_promql::RULE,
    &invalid_rule::RULE,
    &unknown_metric_reference::RULE,
    &removed_metric_reference::RULE,
    // Errors of the runtime's own metrics (the label-overflow counter).
    &reserved_metric_name::RULE,
    // Warnings.
    &counter_total_suffix::RULE,
    &non_counter_total_suffix::RULE,
    &reserved_suffix::RULE,
    &non_base_unit::RULE,
    &abbreviated_unit::RULE,
    &unit_suffix::RULE,
    &type_in_name::RULE,
    &camel_case::RULE,
    &name_colon::RULE,
    &unbounded_label::RULE,
    &high_cardinality::RULE,
    &deprecated_without_replacement::RULE,
    &replacement_not_active::RULE,
    &help_mentions_deprecation::RULE,
    &unused_label::RULE,
    &unused_buckets::RULE,
    &since_after_version::RULE,
    // Warnings of the alerting and recording rules extension.
    &deprecated_metric_reference::RULE,
    &future_metric_reference::RULE,
    // Compatibility (with a baseline).
    &removed_without_deprecation::RULE,
    &type_changed::RULE,
    &labels_changed::RULE,
    &unit_changed::RULE,
    &buckets_changed::RULE,
    &lifecycle_rewritten::RULE,
    // Live (a scrape against the catalogue, `schema check-live`).
    &live_unknown_metric::RULE,
    &live_type_mismatch::RULE,
    &live_labels_mismatch::RULE,
    &live_undeclared_label_value::RULE,
    &live_buckets_mismatch::RULE,
    &live_hidden_exposed::RULE,
    &live_removed_exposed::RULE,
    &live_too_many_values::RULE,
    &live_missing_notice::RULE,
    &live_absent::RULE,
    &live_show_hidden::RULE,
];
