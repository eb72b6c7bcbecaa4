//! Label history compiled by `catalogue!`: a catalogue whose `engine` label was added in
//! 0.8.3 and whose `priority` label was removed in 0.11 (`metrics-schema/tests/fixtures/
//! label_history/metrics.toml`) compiles at each version into accessors taking exactly the
//! labels present then, and the exposed series carry exactly those labels.

use metrics_schema_runtime::{Format, MetricSet, Registry};

mod v0_8 {
    metrics_schema_runtime::catalogue!(
        "../metrics-schema/tests/fixtures/label_history/metrics.toml",
        version = "0.8.0"
    );
}
mod v0_9 {
    metrics_schema_runtime::catalogue!(
        "../metrics-schema/tests/fixtures/label_history/metrics.toml",
        version = "0.9.0"
    );
}
mod v0_11 {
    metrics_schema_runtime::catalogue!(
        "../metrics-schema/tests/fixtures/label_history/metrics.toml",
        version = "0.11.0"
    );
}

fn expose(set: &impl MetricSet) -> String {
    let registry = Registry::new();
    registry.register(set).expect("the catalogue registers");
    registry.encode_to_string(Format::Text)
}

/// The sample lines of the exposition, but the runtime's label-overflow counter.
fn samples(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("app:label_overflows"))
        .collect()
}

#[test]
fn each_version_has_the_labels_present_then() {
    // 0.8.0: before `engine`, with `priority` (a closed label: every value has a series).
    let m = v0_8::Metrics::new(&v0_8::Metrics::options(None).unwrap()).unwrap();
    m.num_requests_running("llama", v0_8::Priority::High)
        .set(3.0);
    assert_eq!(
        samples(&expose(&m)),
        [
            "app:num_requests_running{model_name=\"llama\",priority=\"low\"} 0",
            "app:num_requests_running{model_name=\"llama\",priority=\"high\"} 3"
        ]
    );
    // 0.9.0: `engine` added, `priority` deprecated but still there.
    let m = v0_9::Metrics::new(&v0_9::Metrics::options(None).unwrap()).unwrap();
    m.num_requests_running("llama", "0", v0_9::Priority::Low)
        .set(2.0);
    assert_eq!(
        samples(&expose(&m)),
        [
            "app:num_requests_running{model_name=\"llama\",engine=\"0\",priority=\"low\"} 2",
            "app:num_requests_running{model_name=\"llama\",engine=\"0\",priority=\"high\"} 0"
        ]
    );
    // 0.11.0: `priority` removed.
    let m = v0_11::Metrics::new(&v0_11::Metrics::options(None).unwrap()).unwrap();
    m.num_requests_running("llama", "1").set(1.0);
    assert_eq!(
        samples(&expose(&m)),
        ["app:num_requests_running{model_name=\"llama\",engine=\"1\"} 1"]
    );
}

/// The Python module generated at each version takes the same labels, run by a real Python
/// with `prometheus_client`.
#[test]
#[cfg_attr(
    not(has_prometheus_client),
    ignore = "Python's prometheus_client not installed"
)]
fn python_modules_have_the_labels_present_then() {
    use metrics_schema::lifecycle::Version;
    use metrics_schema::{Options, load, python};
    use metrics_schema_tests::{python_with, workspace_root};

    let python = python_with("prometheus_client");
    let file = "metrics-schema/tests/fixtures/label_history/metrics.toml";
    let catalogue = load(workspace_root().join(file), &Options::default())
        .unwrap()
        .catalogue
        .unwrap();
    let dir = std::env::temp_dir().join(format!("label-history-python-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (version, values, expected) in [
        (
            "0.8.0",
            "\"llama\", \"high\"",
            "app:num_requests_running{model_name=\"llama\",priority=\"high\"} 3.0",
        ),
        (
            "0.11.0",
            "\"llama\", \"1\"",
            "app:num_requests_running{engine=\"1\",model_name=\"llama\"} 3.0",
        ),
    ] {
        let module = python::generate(&catalogue, file, &Version::parse(version).unwrap()).unwrap();
        std::fs::write(dir.join("app_metrics.py"), module).unwrap();
        let script = format!(
            "import sys, prometheus_client\nimport app_metrics as m\nregistry = prometheus_client.CollectorRegistry()\nmetrics = m.Metrics(registry=registry)\nmetrics.num_requests_running.labels({values}).set(3)\nsys.stdout.write(prometheus_client.generate_latest(registry).decode())\n"
        );
        let out = std::process::Command::new(&python)
            .args(["-c", &script])
            .current_dir(&dir)
            .env("PYTHONPATH", &dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{version}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(expected), "{version}: {stdout}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
