mod bad_version {
    metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", version = "v1");
}
mod unknown_argument {
    metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", versoin = "1.0");
}
mod bad_crate {
    metrics_schema_runtime::catalogue!("tests/ui/catalogues/lifecycle.toml", crate = "my-rt");
}
mod no_path {
    metrics_schema_runtime::catalogue!();
}

fn main() {}
