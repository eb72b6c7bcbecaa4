//! The metrics-schema runtime.

pub use metrics_schema_lifecycle as lifecycle;
