//! The `catalogue!` proc-macro.
