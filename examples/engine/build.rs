//! Sets `has_prometheus` (and the other tool cfgs) for the tools found, all of them under CI,
//! for the end-to-end test against a real Prometheus; see `tests/build/tools.rs`, which
//! `build/tools.rs` links to so that the packaged crate carries it.

#[path = "build/tools.rs"]
#[allow(dead_code)]
mod tools;

fn main() {
    tools::emit();
}
