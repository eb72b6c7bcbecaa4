//! The metrics-schema catalogue library.

pub use metrics_schema_lifecycle as lifecycle;
