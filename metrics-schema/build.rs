//! Sets the `has_<tool>` cfgs of the `schema` binary's tests (`tests/it/`) for the tools
//! found (git, pre-commit, Taplo, Python's jsonschema, ...), all of them under CI, so that a
//! test whose tool is absent is reported as ignored; see `build/tools.rs`, a link to
//! `tests/build/tools.rs` so that the packaged crate carries it. Only in a checkout of the
//! repository: building the published crate probes nothing.

#[path = "build/tools.rs"]
#[allow(dead_code)]
mod tools;

fn main() {
    let checkout = std::env::var_os("CARGO_MANIFEST_DIR").is_some_and(|dir| {
        std::path::Path::new(&dir)
            .parent()
            .is_some_and(|root| root.join(".git").exists())
    });
    if checkout {
        tools::emit();
    } else {
        println!("cargo::rerun-if-changed=build.rs");
        tools::declare();
    }
}
