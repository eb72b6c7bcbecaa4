#!/usr/bin/env bash
# What `catalogue!` adds to the build of a crate that uses it: a throw-away crate that
# expands a generated N-metric catalogue (default 1,000, shaped like the codegen bench's) is
# built against an empty crate with the same dependencies, in debug and release, after the
# dependencies are built (the best of 3 rebuilds each). It also checks that editing the
# TOML rebuilds the crate. With --deps it also times a clean build of the runtime's
# dependency tree with and without the `macros` feature (syn, the catalogue library).
#
#     bash macros/benches/build-time.sh [--deps]        # N=2000 bash ... for another size
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
n="${N:-1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"
export CARGO_TERM_COLOR=never
# Incremental compilation would reuse the previous build's work after a `touch`: measure
# what a first build of the crate costs.
export CARGO_INCREMENTAL=0

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

python3 - "$n" >"$work/metrics.toml" <<'EOF'
import sys
n = int(sys.argv[1])
print('''[catalogue]
namespace = "engine"
stability = "stable"

[labels.model_name]
help = "Name of the served model."
max_values = 8
[labels.engine]
help = "Index of the engine core."
max_values = 16
[labels.finished_reason]
help = "Why the request finished."
values = ["stop", "length", "abort", "error", "repetition"]

[buckets]
latency = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0]
tokens = { exponential = { start = 1.0, factor = 2.0, count = 15 } }''')
shapes = [
    ("counter", "", 'labels = ["model_name", "engine", "finished_reason"]\n'),
    ("gauge", "", 'labels = ["model_name", "engine"]\n'),
    ("histogram", "_seconds", 'unit = "seconds"\nlabels = ["model_name", "engine"]\nbuckets = "latency"\n'),
    ("histogram", "", 'labels = ["model_name"]\nbuckets = "tokens"\n'),
]
for i in range(n):
    kind, suffix, extra = shapes[i % 4]
    print(f'\n[[metric]]\nname = "metric_{i}{suffix}"\ntype = "{kind}"\n'
          f'help = "Generated metric number {i}."\n{extra}group = "Group {i % 12}"\nsince = "0.{i % 10}.0"')
    if i % 10 == 9:
        print(f'deprecated = "0.10"\nreplaced_by = "metric_{i - 8}"\nnote = "Renamed."')
EOF

mkdir -p "$work/src"
cat >"$work/Cargo.toml" <<EOF
[package]
name = "catalogue-build-time"
version = "0.11.0"
edition = "2024"

[dependencies]
metrics-schema-runtime = { path = "$repo/runtime", features = ["macros"] }

[workspace]
EOF
cd "$work"

empty='//! An empty crate with the same dependencies.'
with_catalogue='//! The generated catalogue, expanded at the crate version (0.11.0).
#![allow(missing_docs)]
pub mod engine {
    metrics_schema_runtime::catalogue!("metrics.toml");
}'

# Best of three rebuilds of the crate alone, in `profile` (dev or release).
crate_time() {
    local profile="$1" best=""
    for _ in 1 2 3; do
        touch src/lib.rs
        local start end t
        start="$(now)"
        cargo build -q --profile "$profile"
        end="$(now)"
        t="$(elapsed "$start" "$end")"
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best="$t"; fi
    done
    printf '%.2f' "$best"
}

if [ "${1:-}" = "--deps" ]; then
    echo "$empty" >src/lib.rs
    sed -i 's/features = \["macros"\]/features = []/' Cargo.toml
    start="$(now)"; cargo build -q; end="$(now)"
    printf 'clean build, runtime without `macros`: %.1f s\n' "$(elapsed "$start" "$end")"
    rm -rf "$CARGO_TARGET_DIR"
    sed -i 's/features = \[\]/features = ["macros"]/' Cargo.toml
    start="$(now)"; cargo build -q; end="$(now)"
    printf 'clean build, runtime with `macros`:    %.1f s\n' "$(elapsed "$start" "$end")"
fi

echo "$n metrics, $(wc -c <metrics.toml) bytes of TOML"
for profile in dev release; do
    echo "$empty" >src/lib.rs
    cargo build -q --profile "$profile"
    base="$(crate_time "$profile")"
    echo "$with_catalogue" >src/lib.rs
    cargo build -q --profile "$profile"
    full="$(crate_time "$profile")"
    printf '%-8s empty crate %6.2f s   with catalogue! %6.2f s   added %6.2f s\n' \
        "$profile" "$base" "$full" "$(elapsed "$base" "$full")"
done

# Editing the TOML must rebuild the crate (include_bytes! of its path), and only then.
cargo build -q
log="$(cargo build -v 2>&1)"
if grep -q 'Fresh catalogue-build-time' <<<"$log"; then
    echo "unchanged TOML: the crate stays fresh"
else
    echo "FAIL: the crate was rebuilt without a change" >&2
    exit 1
fi
echo '# edited' >>metrics.toml
log="$(cargo build -v 2>&1)"
if grep -q 'Compiling catalogue-build-time' <<<"$log"; then
    echo "edited TOML: the crate is rebuilt"
else
    echo "FAIL: editing the TOML did not rebuild the crate" >&2
    exit 1
fi
