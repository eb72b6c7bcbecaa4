metrics_schema_runtime::catalogue!("tests/ui/catalogues/no_such_file.toml");

fn main() {}
