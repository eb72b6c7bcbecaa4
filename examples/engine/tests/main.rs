//! The simulated engine's tests, one test binary: a module per subject; `support` starts engines and talks to them.

mod support;

mod http;
mod limits;
mod metrics;
mod operator_flags;
mod prometheus;
mod sim;
