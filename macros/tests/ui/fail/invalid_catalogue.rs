// The lint's diagnostics, with rule ids and file:line:col.
metrics_schema_runtime::catalogue!("tests/ui/catalogues/invalid.toml", version = "1.0.0");

fn main() {}
