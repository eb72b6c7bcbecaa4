//! Sets `has_promtool`, `has_prometheus`, `has_chromium` and `has_prometheus_client` for the
//! tools found (all of them under CI); see `build/tools.rs`.

#[path = "build/tools.rs"]
#[allow(dead_code)]
mod tools;

fn main() {
    tools::emit();
}
