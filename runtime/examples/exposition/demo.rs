//! The demo registry of the `exposition` example, shaped like code the `catalogue!` macro
//! generates for vLLM. The end-to-end tests in `tests/` include this file to build the
//! same registry and compare what parsers read back with what was recorded.

#![allow(dead_code)]

use metrics_schema_runtime::*;

/// Why a request finished (a closed label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishedReason {
    /// `stop`
    Stop,
    /// `length`
    Length,
    /// `abort`
    Abort,
    /// `error`
    Error,
    /// `repetition`
    Repetition,
}

impl ClosedLabel for FinishedReason {
    const VALUES: &'static [&'static str] = &["stop", "length", "abort", "error", "repetition"];
    fn index(self) -> usize {
        self as usize
    }
}

/// Special float values (a closed label of the `demo:edge_values` gauge).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// `nan`
    Nan,
    /// `pos_inf`
    PosInf,
    /// `neg_inf`
    NegInf,
    /// `subnormal`
    Subnormal,
    /// `huge`
    Huge,
    /// `negative_zero`
    NegativeZero,
    /// `third`
    Third,
}

impl ClosedLabel for Edge {
    const VALUES: &'static [&'static str] = &[
        "nan",
        "pos_inf",
        "neg_inf",
        "subnormal",
        "huge",
        "negative_zero",
        "third",
    ];
    fn index(self) -> usize {
        self as usize
    }
}

const MODEL: LabelDesc = LabelDesc::open("model_name", 16);
const ENGINE: LabelDesc = LabelDesc::open("engine", 64);

/// vLLM's request latency buckets.
pub const REQUEST_LATENCY: &[f64] = &[
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
    480.0, 960.0, 1920.0, 7680.0,
];

static REQUEST_SUCCESS: MetricDesc = MetricDesc {
    name: "vllm:request_success",
    help: "Count of successfully processed requests.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[
        MODEL,
        ENGINE,
        LabelDesc::closed("finished_reason", FinishedReason::VALUES),
    ],
    buckets: Buckets::None,
};

static PROMPT_TOKENS: MetricDesc = MetricDesc {
    name: "vllm:prompt_tokens",
    help: "Number of prefill tokens processed.",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[MODEL, ENGINE],
    buckets: Buckets::None,
};

static ENERGY: MetricDesc = MetricDesc {
    name: "vllm:energy_joules",
    help: "Energy used, in joules (float increments).",
    unit: Some("joules"),
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[],
    buckets: Buckets::None,
};

static RUNNING: MetricDesc = MetricDesc {
    name: "vllm:num_requests_running",
    help: "Number of requests in model execution batches.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Active,
    labels: &[MODEL, ENGINE],
    buckets: Buckets::None,
};

static EDGE_VALUES: MetricDesc = MetricDesc {
    name: "demo_edge_values",
    help: "Special float values: NaN, infinities, a subnormal, a huge value, -0 and 1/3.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Active,
    labels: &[LabelDesc::closed("value", Edge::VALUES)],
    buckets: Buckets::None,
};

static HOSTILE: MetricDesc = MetricDesc {
    name: "demo_hostile_labels",
    help: "Label values with quotes (\"), backslashes (\\), newlines (\n), unicode and \
           the empty string.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Active,
    labels: &[LabelDesc::open("value", 32)],
    buckets: Buckets::None,
};

/// The hostile label values the example records, one series each.
pub const HOSTILE_VALUES: &[&str] = &[
    "",
    "\"quoted\"",
    "back\\slash",
    "trailing backslash\\",
    "new\nline",
    "\\n is not a newline",
    "\\\"",
    "ünïcødé ☃ 日本語 🦀",
    "tab\there",
    "{braces}=,commas",
    "# not a comment",
    " leading and trailing spaces ",
];

static E2E_LATENCY: MetricDesc = MetricDesc {
    name: "vllm:e2e_request_latency_seconds",
    help: "Histogram of e2e request latency in seconds.",
    unit: Some("seconds"),
    metric_type: MetricType::Histogram,
    stage: Stage::Active,
    labels: &[MODEL, ENGINE],
    buckets: Buckets::Static(REQUEST_LATENCY),
};

static PARAMS_N: MetricDesc = MetricDesc {
    name: "vllm:request_params_n",
    help: "Histogram of the n request parameter (buckets given at run time).",
    unit: None,
    metric_type: MetricType::Histogram,
    stage: Stage::Active,
    labels: &[],
    buckets: Buckets::Runtime,
};

static BUILD: MetricDesc = MetricDesc {
    name: "vllm:build",
    help: "Build information.",
    unit: None,
    metric_type: MetricType::Info,
    stage: Stage::Active,
    labels: &[LabelDesc::open("version", 1), LabelDesc::open("commit", 1)],
    buckets: Buckets::None,
};

static GPU_CACHE: MetricDesc = MetricDesc {
    name: "vllm:gpu_cache_usage_perc",
    help: "GPU KV-cache usage. 1 means 100 percent usage.",
    unit: None,
    metric_type: MetricType::Gauge,
    stage: Stage::Deprecated(Deprecation {
        since: "0.10",
        replaced_by: Some("vllm:kv_cache_usage_perc"),
        note: Some("Same value, new name."),
    }),
    labels: &[MODEL, ENGINE],
    buckets: Buckets::None,
};

static TIME_PER_TOKEN: MetricDesc = MetricDesc {
    name: "vllm:time_per_output_token_seconds",
    help: "Histogram of time per output token in seconds.",
    unit: Some("seconds"),
    metric_type: MetricType::Histogram,
    stage: Stage::Hidden(Some(Deprecation {
        since: "0.11",
        replaced_by: Some("vllm:inter_token_latency_seconds"),
        note: None,
    })),
    labels: &[MODEL, ENGINE],
    buckets: Buckets::Static(&[0.01, 0.025, 0.05, 0.1]),
};

static LORA: MetricDesc = MetricDesc {
    name: "vllm:lora_requests",
    help: "Requests per LoRA adapter (at most 2 adapters kept; the rest overflow).",
    unit: None,
    metric_type: MetricType::Counter,
    stage: Stage::Active,
    labels: &[LabelDesc::open("adapter", 2)],
    buckets: Buckets::None,
};

/// The demo's families and the registry holding them.
pub struct Demo {
    /// Every family, registered in this order.
    pub registry: Registry,
    /// `vllm:request_success` (open, open, closed labels).
    pub request_success: Family<Counter, FinishedReason, 2>,
    /// `vllm:e2e_request_latency_seconds`.
    pub e2e_latency: Family<Histogram, (), 2>,
    /// The hidden `vllm:time_per_output_token_seconds` (not exposed).
    pub time_per_token: Family<Histogram, (), 2>,
    /// `vllm:lora_requests`, flooded past its bound.
    pub lora: Family<Counter, (), 1>,
}

/// Builds the demo registry and records its values.
pub fn build() -> Result<Demo, Box<dyn std::error::Error>> {
    let options = Options::new().buckets("vllm:request_params_n", &[1.0, 2.0, 5.0, 10.0, 20.0]);
    let request_success: Family<Counter, FinishedReason, 2> =
        Family::new(&REQUEST_SUCCESS, &options)?;
    let prompt_tokens: Family<Counter, (), 2> = Family::new(&PROMPT_TOKENS, &options)?;
    let energy: Family<Counter> = Family::new(&ENERGY, &options)?;
    let running: Family<Gauge, (), 2> = Family::new(&RUNNING, &options)?;
    let edge: Family<Gauge, Edge> = Family::new(&EDGE_VALUES, &options)?;
    let hostile: Family<Gauge, (), 1> = Family::new(&HOSTILE, &options)?;
    let e2e_latency: Family<Histogram, (), 2> = Family::new(&E2E_LATENCY, &options)?;
    let params_n: Family<Histogram> = Family::new(&PARAMS_N, &options)?;
    let build_info: Family<Info, (), 2> = Family::new(&BUILD, &options)?;
    let gpu_cache: Family<Gauge, (), 2> = Family::new(&GPU_CACHE, &options)?;
    let time_per_token: Family<Histogram, (), 2> = Family::new(&TIME_PER_TOKEN, &options)?;
    let lora: Family<Counter, (), 1> = Family::new(&LORA, &options)?;

    let registry = Registry::new();
    registry.register(&vec![
        request_success.collector(),
        prompt_tokens.collector(),
        energy.collector(),
        running.collector(),
        edge.collector(),
        hostile.collector(),
        e2e_latency.collector(),
        params_n.collector(),
        build_info.collector(),
        gpu_cache.collector(),
        time_per_token.collector(),
        lora.collector(),
    ])?;

    let llama = "meta-llama/Llama-3.1-8B-Instruct";
    let qwen = "Qwen/Qwen2.5-7B-Instruct";
    let engine0 = request_success.bind([llama, "0"]);
    engine0.get(FinishedReason::Stop).inc_by(1_000_000);
    engine0.get(FinishedReason::Length).inc_by(42);
    request_success
        .with([qwen, "1"], FinishedReason::Abort)
        .inc();
    prompt_tokens.with([llama, "0"], ()).inc_by(123_456_789);
    prompt_tokens
        .with([qwen, "1"], ())
        .inc_by(u64::from(u32::MAX) * 3);
    energy.inc_by_f64(0.1);
    energy.inc_by_f64(0.2);
    energy.inc_by(7);
    running.with([llama, "0"], ()).set(3.0);
    running.with([qwen, "1"], ()).set(-2.5);
    edge.get(Edge::Nan).set(f64::NAN);
    edge.get(Edge::PosInf).set(f64::INFINITY);
    edge.get(Edge::NegInf).set(f64::NEG_INFINITY);
    edge.get(Edge::Subnormal).set(5e-324);
    edge.get(Edge::Huge).set(1.7976931348623157e308);
    edge.get(Edge::NegativeZero).set(-0.0);
    edge.get(Edge::Third).set(1.0 / 3.0);
    for (i, value) in HOSTILE_VALUES.iter().enumerate() {
        hostile.with([value], ()).set(i as f64);
    }
    let latency = e2e_latency.bind([llama, "0"]);
    for v in [0.05, 0.3, 0.31, 0.9, 2.2, 7.0, 100.0, 5000.0, 9000.0] {
        latency.observe(v);
    }
    e2e_latency.with([qwen, "1"], ()).observe(1.25);
    for n in [1.0, 1.0, 2.0, 4.0, 8.0, 64.0] {
        params_n.observe(n);
    }
    build_info.with(["0.11.0", "0123abc"], ()).set();
    gpu_cache.with([llama, "0"], ()).set(0.75);
    // Hidden: recording is a no-op and nothing is exposed.
    time_per_token.with([llama, "0"], ()).observe(0.02);
    for adapter in [
        "sql-lora",
        "chat-lora",
        "code-lora",
        "math-lora",
        "sql-lora",
    ] {
        lora.with([adapter], ()).inc();
    }

    Ok(Demo {
        registry,
        request_success,
        e2e_latency,
        time_per_token,
        lora,
    })
}
