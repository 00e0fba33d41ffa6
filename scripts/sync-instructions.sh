#!/usr/bin/env bash
# Instructions per synchronous call (docs/design.md, "Per-call cost of synchronous calls"): runs each row of
# the benchmark drivers twice under cachegrind, with N1 and N2 calls (`gohost -calls`, `cpphost --calls`),
# and prints (Ir(N2) - Ir(N1)) / (N2 - N1): start-up, warm-up and exit cancel out. Instruction counts are
# repeatable on a shared machine where timings are not. Not a test; nothing is asserted.
#
#   scripts/sync-instructions.sh [BENCH_BUILD_DIR] [--annotate]
#
# BENCH_BUILD_DIR defaults to build/release/bench (scripts/run-bench.sh shows how to configure and build it).
# --annotate also prints the top functions of each row (cg_diff | cg_annotate), in instructions per call. Callgrind cannot run the Go runtime (it asserts on Go's signal handling):
# cachegrind's per-function counts (self cost, no inclusive cost) are what there is.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-build/release/bench}
annotate=0
[ "${2:-}" = --annotate ] && annotate=1
n1=${SYNC_N1:-20000}
n2=${SYNC_N2:-60000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ir() { # ir FILE: total instructions of a cachegrind output
  awk '/^summary:/ {print $2}' "$1"
}

row() { # row LABEL BINARY ARGS...: the binary's filter arguments select one row
  local label=$1 bin=$2
  shift 2
  local f1="$out/1.out" f2="$out/2.out"
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$f1" "$bench/$bin" "$@" "$n1" >/dev/null 2>&1
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$f2" "$bench/$bin" "$@" "$n2" >/dev/null 2>&1
  local a b
  a=$(ir "$f1")
  b=$(ir "$f2")
  printf '%-34s %8.0f instructions/call\n' "$label" "$(echo "($b - $a) / ($n2 - $n1)" | bc -l)"
  if [ "$annotate" = 1 ]; then
    cg_diff "$f1" "$f2" >"$out/diff.out" 2>/dev/null
    # Per call and per function (self cost), the largest first.
    cg_annotate --threshold=0 "$out/diff.out" 2>/dev/null | awk -v n=$((n2 - n1)) '
      /file:function/ { on = 1; next }
      on && /^ *-?[0-9,]+ / { v = $1; gsub(",", "", v); if (v / n >= 2) { sub(/^ *-?[0-9,]+ +(\([^)]*\) +)?/, ""); printf "    %6.1f  %s\n", v / n, substr($0, 1, 140) } }' | head -40
  fi
}

row "Go → C++ empty, raw cgo"         gohost -filter "=empty raw cgo" -calls
row "Go → C++ empty, @inline"         gohost -filter "=empty cxx2go @inline" -calls
row "Go → C++ empty, @direct"         gohost -filter "=empty cxx2go @direct" -calls
row "Go → C++ small struct, raw cgo"  gohost -filter "=small struct raw cgo" -calls
row "Go → C++ small struct, @inline"  gohost -filter "=small struct cxx2go @inline" -calls
row "Go → C++ small struct, @direct"  gohost -filter "=small struct cxx2go @direct" -calls
row "Go → C++ echo, raw cgo"          gohost -filter "=echo raw cgo" -calls
row "Go → C++ echo, @inline"          gohost -filter "=echo cxx2go @inline" -calls
row "Go → C++ echo, @direct"          gohost -filter "=echo cxx2go @direct" -calls
row "C++ → Go empty, raw cgo"         cpphost --filter "=empty raw cgo" --calls
row "C++ → Go empty, sync"            cpphost --filter "=empty cxx2go" --calls
row "C++ → Go empty, @direct"         cpphost --filter "=empty cxx2go @direct" --calls
row "C++ → Go small struct, raw cgo"  cpphost --filter "=small struct raw cgo" --calls
row "C++ → Go small struct, sync"     cpphost --filter "=small struct cxx2go" --calls
row "C++ → Go small struct, @direct"  cpphost --filter "=small struct cxx2go @direct" --calls
row "C++ → Go echo, raw cgo"          cpphost --filter "=echo raw cgo" --calls
row "C++ → Go echo, sync"             cpphost --filter "=echo cxx2go" --calls
row "C++ → Go echo, @direct"          cpphost --filter "=echo cxx2go @direct" --calls
