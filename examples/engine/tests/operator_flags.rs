//! The engine binary's operator flags, from the runtime's `clap` integration bound to the
//! vLLM catalogue: `--help` shows the valid show-hidden value and the environment
//! variables, wrong values are usage errors, the environment sets them, and disabled
//! metrics, label allow-lists and the label-overflow counter show in `/metrics`.

use crate::support;

use std::process::{Command, Stdio};

use support::{complete, idle_metrics, start, sum};

fn engine() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_engine"));
    for var in [
        "SHOW_HIDDEN_METRICS_FOR_VERSION",
        "DISABLED_METRICS",
        "ALLOW_METRIC_LABELS",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

#[test]
fn help_shows_the_valid_show_hidden_value_and_the_environment_variables() {
    let out = engine().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "--show-hidden-metrics-for-version <VERSION>",
        "Re-enable the metrics hidden at 0.11.2: only \"0.10\", the previous minor release",
        "[env: SHOW_HIDDEN_METRICS_FOR_VERSION=] [possible values: 0.10]",
        "--disabled-metrics <METRIC>",
        "[env: DISABLED_METRICS=]",
        "--allow-metric-labels <METRIC,LABEL=VALUE,..>",
        "[env: ALLOW_METRIC_LABELS=]",
    ] {
        assert!(help.contains(expected), "{expected:?} not in:\n{help}");
    }
}

#[test]
fn wrong_values_are_usage_errors_from_flags_and_environment() {
    /// Arguments, an environment variable, what stderr says.
    type Case<'a> = (&'a [&'a str], Option<(&'a str, &'a str)>, &'a str);
    let cases: [Case<'_>; 4] = [
        (
            &["--show-hidden-metrics-for-version", "0.9"],
            None,
            "the only valid value is \"0.10\"",
        ),
        (
            &[],
            Some(("SHOW_HIDDEN_METRICS_FOR_VERSION", "0.11")),
            "the only valid value is \"0.10\"",
        ),
        (
            &["--disabled-metrics", "vllm:num_preemption"],
            None,
            "did you mean \"vllm:num_preemptions\"?",
        ),
        (
            &[],
            Some((
                "ALLOW_METRIC_LABELS",
                "vllm:request_success,finished_reason=stop",
            )),
            "has no open label \"finished_reason\" (its open labels: model_name, engine)",
        ),
    ];
    for (args, env, expected) in cases {
        let mut cmd = engine();
        cmd.args(["--port", "0"]).args(args);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?} {env:?}: {stderr}");
        assert!(stderr.contains("Usage: engine"), "{stderr}");
    }
}

#[test]
fn disabled_metrics_allow_lists_and_label_overflows_in_metrics() {
    let engine = start(&[
        "--time-scale",
        "0.1",
        "--model",
        "llama",
        "--disabled-metrics",
        "vllm:num_preemptions,vllm:prompt_tokens",
        "--allow-metric-labels",
        "vllm:request_success,model_name=mistral",
    ]);
    let addr = engine.addr;
    let ok = complete(addr, r#"{"prompt": "one two three", "max_tokens": 4}"#);
    assert_eq!(ok.status, 200, "{ok:?}");
    let samples = idle_metrics(addr);
    assert_eq!(sum(&samples, "vllm:prompt_tokens_total"), 0.0);
    assert!(
        !samples
            .keys()
            .any(|k| k.starts_with("vllm:prompt_tokens") || k.starts_with("vllm:num_preemptions")),
        "{samples:?}"
    );
    // `llama` is outside the allow-list of request_success's model_name.
    let success: Vec<_> = samples
        .iter()
        .filter(|(k, v)| k.starts_with("vllm:request_success_total{") && **v > 0.0)
        .collect();
    assert_eq!(success.len(), 1, "{success:?}");
    assert!(
        success[0].0.contains("model_name=\"__overflow__\""),
        "{success:?}"
    );
    // Other metrics keep the value.
    assert!(
        samples
            .keys()
            .any(|k| k.starts_with("vllm:generation_tokens_total{model_name=\"llama\"")),
        "{samples:?}"
    );
    // The overflow is counted under the metric and label; bounded labels start at 0.
    let overflow =
        "vllm:label_overflows_total{metric=\"vllm:request_success\",label=\"model_name\"}";
    assert!(samples[overflow] >= 1.0, "{samples:?}");
    assert_eq!(
        samples["vllm:label_overflows_total{metric=\"vllm:e2e_request_latency_seconds\",label=\"model_name\"}"],
        0.0
    );
}
