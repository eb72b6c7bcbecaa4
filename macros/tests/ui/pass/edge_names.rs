//! One judge: a catalogue with every kind of edge name and value that `schema lint` accepts
//! (`tests/ui/catalogues/edges.toml`) compiles, builds with default options, records into
//! every metric, registers and encodes.
#![deny(missing_docs, warnings)]

/// Keywords, names of generated items, `le` on a gauge, float-edge buckets, seven closed
/// labels.
pub mod edges {
    metrics_schema_runtime::catalogue!("tests/ui/catalogues/edges.toml", version = "1.0.0");
}

use edges::{Crate, Fn, Le, Metrics, Self_, Super, Type, Where};
use metrics_schema_runtime::{Format, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let m = Metrics::new(&Metrics::options(None)?)?;

    // Keywords as metric and label names.
    m.r#type(Type::B, "x").inc();
    m.type_bind("y").get(Type::A).inc_by(2);
    m.r#match(Crate::Fn).set();
    m.super_().inc();
    m.crate_(Self_::GpuToCpu).set(-2.5);
    m.self_(Type::A, Self_::Self_, Super::Super, Crate::In, Le::Inf, Fn::Y, Where::Q)
        .set(7.0);
    m.self_(Type::B, Self_::N0, Super::Crate, Crate::Fn, Le::N05, Fn::X, Where::P)
        .inc();

    // Names like generated items; the module's constants are still there.
    m.version().set(1.0);
    m.show_hidden_value().set(2.0);
    m.metrics("z").inc();
    m.status().set(3.0);
    m.new_family().set(4.0);
    m.options_bind().set(5.0);
    assert_eq!(edges::VERSION, "1.0.0");
    assert_eq!(edges::SHOW_HIDDEN_VALUE, None);
    assert_eq!(Metrics::VERSION_NAME, "edge_version");
    assert_eq!(Metrics::SHOW_HIDDEN_VALUE_NAME, "edge_show_hidden_value");
    assert_eq!(Metrics::STATUS_STATUS, metrics_schema_runtime::lifecycle::Status::Active);
    assert_eq!(Metrics::NEW_FAMILY_NAME, "edge_new_family");

    // Float-edge buckets.
    for v in [
        f64::MIN,
        -1.0,
        0.0,
        5e-324,
        1e-300,
        1.5,
        f64::MAX,
        f64::INFINITY,
    ] {
        m.where_seconds(Fn::X).observe(v);
    }
    m.fn_bytes().observe(3.0);

    let registry = Registry::new();
    registry.register(&m)?;
    let text = registry.encode_to_string(Format::Text);
    for line in [
        "edge_type_total{type=\"b\",match=\"x\"} 1",
        "edge_type_total{type=\"a\",match=\"y\"} 2",
        "edge_match_info{crate=\"fn\"} 1",
        "edge_super_total 1",
        "edge_crate{Self=\"GPU-to-CPU\"} -2.5",
        "edge_self{type=\"a\",Self=\"self\",super=\"super\",crate=\"in\",le=\"+Inf\",fn=\"y\",where=\"q\"} 7",
        "edge_self{type=\"b\",Self=\"0\",super=\"crate\",crate=\"fn\",le=\"0.5\",fn=\"x\",where=\"p\"} 1",
        "edge_version 1",
        "edge_show_hidden_value 2",
        "edge_metrics_total{match=\"z\"} 1",
        "edge_status 3",
        "edge_new_family 4",
        "edge_options_bind 5",
        "edge_where_seconds_bucket{fn=\"x\",le=\"-1.7976931348623157e+308\"} 1",
        "edge_where_seconds_bucket{fn=\"x\",le=\"-1\"} 2",
        "edge_where_seconds_bucket{fn=\"x\",le=\"0\"} 3",
        "edge_where_seconds_bucket{fn=\"x\",le=\"5e-324\"} 4",
        "edge_where_seconds_bucket{fn=\"x\",le=\"1e-300\"} 5",
        "edge_where_seconds_bucket{fn=\"x\",le=\"1\"} 5",
        "edge_where_seconds_bucket{fn=\"x\",le=\"2\"} 6",
        "edge_where_seconds_bucket{fn=\"x\",le=\"1.7976931348623157e+308\"} 7",
        "edge_where_seconds_bucket{fn=\"x\",le=\"+Inf\"} 8",
        "edge_where_seconds_count{fn=\"x\"} 8",
        "edge_fn_bytes_bucket{le=\"2\"} 0",
        "edge_fn_bytes_bucket{le=\"4\"} 1",
        "edge_fn_bytes_bucket{le=\"+Inf\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "no line `{line}` in:\n{text}");
    }
    // The `# TYPE` of every family, and no bucket beyond the catalogue's (closed labels
    // have every series from the start: `fn="y"` too).
    for family in [
        "edge_type_total counter",
        "edge_match_info gauge",
        "edge_self gauge",
        "edge_where_seconds histogram",
        "edge_fn_bytes histogram",
    ] {
        assert!(text.contains(&format!("# TYPE {family}\n")), "{family}");
    }
    assert_eq!(text.matches("edge_where_seconds_bucket{fn=\"x\"").count(), 9);
    assert_eq!(text.matches("edge_where_seconds_bucket{fn=\"y\"").count(), 9);
    assert_eq!(text.matches("edge_fn_bytes_bucket").count(), 4);
    let open = registry.encode_to_string(Format::OpenMetrics);
    assert!(open.contains("# TYPE edge_match info\nedge_match_info{crate=\"fn\"} 1\n"));
    assert!(open.ends_with("# EOF\n"));
    Ok(())
}
