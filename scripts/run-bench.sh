#!/usr/bin/env bash
# `make bench` (bench/README.md): builds the benchmark with the compiler of BUILD_DIR, runs every driver
# and writes bench/results/latest.{md,json,png}.
#
#   scripts/run-bench.sh BUILD_DIR
#
# Environment: BENCH_REPS (repetitions per sync row, default 7), BENCH_REP_MS (one repetition, default 50),
# BENCH_ASYNC_MS (one async / latency row, default 1000), BENCH_OUT (default bench/results), JOBS (default 2).
# Benchmarks are not tests: nothing here asserts a timing (`make bench-check` prints the targets).
set -euo pipefail

build=${1:?usage: run-bench.sh BUILD_DIR}
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-2}
reps=${BENCH_REPS:-7}
rep_ms=${BENCH_REP_MS:-50}
async_ms=${BENCH_ASYNC_MS:-1000}
out=${BENCH_OUT:-bench/results}
bench_build=$build/bench

heading() { printf '\n==== %s ====\n\n' "$*"; }

scripts/install-bench-deps.sh

heading "Building the compiler and the benchmark ($bench_build)"
ninja -C "$build" -j "$jobs" cxx2go
cmake -S bench -B "$bench_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCXX2GO_COMPILER="$root/$build/compiler/cxx2go" >/dev/null
ninja -C "$bench_build" -j "$jobs"

raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT

heading "C++ → Go (cpphost)"
"$bench_build/cpphost" --reps "$reps" --rep-ms "$rep_ms" --async-ms "$async_ms" | tee "$raw/cpphost.jsonl"

heading "Go → C++ (gohost)"
"$bench_build/gohost" -reps "$reps" -rep-time "${rep_ms}ms" -async-time "${async_ms}ms" | tee "$raw/gohost.jsonl"

# The ring transport (docs/ring.md): the calls that use the rings, again with CXX2GO_TRANSPORT=ring, with
# the default spin before parking (20 µs) and without spinning (park at once).
for spin in 20 0; do
  heading "C++ → Go over the rings, spin $spin µs (cpphost --async-only)"
  CXX2GO_TRANSPORT=ring CXX2GO_RING_SPIN_US=$spin "$bench_build/cpphost" --reps "$reps" --rep-ms "$rep_ms" \
    --async-ms "$async_ms" --async-only | tee "$raw/cpphost-ring-$spin.jsonl"
  heading "Go → C++ over the rings, spin $spin µs (gohost)"
  CXX2GO_TRANSPORT=ring CXX2GO_RING_SPIN_US=$spin "$bench_build/gohost" -reps "$reps" -rep-time "${rep_ms}ms" \
    -async-time "${async_ms}ms" | tee "$raw/gohost-ring-$spin.jsonl"
done

# Isolated (docs/isolation.md): bench.CppBench's implementation in a worker process of its own, over rings
# in shared memory, with the default spin before parking.
heading "Go → C++ isolated in a worker process (gohost, CXX2GO_ISOLATE)"
CXX2GO_ISOLATE="bench.CppBench=$bench_build/bench_worker" "$bench_build/gohost" -reps "$reps" \
  -rep-time "${rep_ms}ms" -async-time "${async_ms}ms" | tee "$raw/gohost-isolated.jsonl"

# The same async rows (1 and 1,024 in flight) while bench/load keeps every core busy the way a parallel build
# does, over cgo and over the rings, interleaved: spinning must not make the rings slower than cgo there.
heading "Under load: async rows with bench/load running beside them"
"$bench_build/load" &
load_pid=$!
for transport in cgo ring; do
  for k in 1 1024; do
    CXX2GO_TRANSPORT=$transport BENCH_CONDITION="under load" "$bench_build/cpphost" --async-ms "$async_ms" \
      --async-only --in-flight "$k" | tee -a "$raw/cpphost-load.jsonl"
    CXX2GO_TRANSPORT=$transport BENCH_CONDITION="under load" "$bench_build/gohost" -async-time "${async_ms}ms" \
      -filter async -in-flight "$k" | tee -a "$raw/gohost-load.jsonl"
  done
done
kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true

if [ -x "$bench_build/swig_bench" ]; then
  heading "Go → C++ through SWIG"
  "$bench_build/swig_bench" -reps "$reps" -rep-time "${rep_ms}ms" | tee "$raw/swig.jsonl"
fi

if [ -x "$bench_build/grpc_client" ] && [ -x "$bench_build/grpc_server" ]; then
  heading "gRPC over a Unix domain socket (C++ client → Go server)"
  sock="$raw/grpc.sock"
  "$bench_build/grpc_server" -socket "$sock" &
  server=$!
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  "$bench_build/grpc_client" --socket "$sock" --ms "$async_ms" | tee "$raw/grpc.jsonl" || echo "grpc_client failed"
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
fi

heading "Report"
gxx=$(g++ --version | head -1)
gover=$(go version)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- runtime compiler 2>/dev/null || commit="$commit (with uncommitted changes to runtime/ or compiler/)"
python3 - "$raw/machine.json" <<PY
import json, sys
json.dump({"date": "$(date -u +%Y-%m-%dT%H:%MZ)", "nproc": $(nproc), "cpu": """$cpu""", "kernel": "$(uname -sr)",
           "go": """$gover""", "gxx": """$gxx""", "commit": """$commit""", "reps": $reps,
           "rep_ms": $rep_ms, "async_ms": $async_ms, "loadavg": open("/proc/loadavg").read().split()[:3]},
          open(sys.argv[1], "w"))
PY
python3 scripts/bench-report.py report --out "$out" --machine "$raw/machine.json" "$raw"/*.jsonl
echo
cat "$out/latest.md" | sed -n '/## Targets/,$p'
