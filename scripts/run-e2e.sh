#!/usr/bin/env bash
# Runs the end-to-end tests in both kinds of process (docs/design.md):
#   Go host  (tests/e2e/gohost)  go test -race, and go test with GOEXPERIMENT=cgocheck2
#   C++ host (tests/e2e/cpphost) the GoogleTest program with its Go side built normally, with
#                                GOEXPERIMENT=cgocheck2, and with the race detector
# and again over the ring transport (CXX2GO_TRANSPORT=ring): Go host with -race (default and 2-slot rings),
# C++ host normally and with -race on 2-slot rings; and both hosts with every cpp service isolated in a
# worker process (CXX2GO_ISOLATE, docs/isolation.md), with -race.
#
# usage: scripts/run-e2e.sh BUILD_DIR     (a CMake build directory of the repository; configured if needed)
#
# Prints a PASS/FAIL line per step, then "e2e: N passed, M failed" counting steps; exits non-zero if anything failed.
# Nothing can hang: go test has -timeout, the C++ host aborts any test still running after 120 s, and
# every step runs under timeout(1). Logs are in BUILD_DIR/e2e-logs/.
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="$1"
logs="$build/e2e-logs"
mkdir -p "$logs"
go="${GO:-go}"
jobs="${JOBS:-$(nproc)}"
export CGO_ENABLED=1

passed=0
failed=0
tests=0

# step NAME TIMEOUT_SECONDS COMMAND...: runs COMMAND with its output in $logs/NAME.log.
step() {
  local name="$1" limit="$2"
  shift 2
  local log="$logs/$name.log"
  local start=$SECONDS
  timeout -k 30 "$limit" "$@" >"$log" 2>&1
  local status=$?
  local n
  n=$(count_tests "$log")
  if [[ $status -eq 0 ]] && ! grep -q "WARNING: DATA RACE" "$log"; then
    passed=$((passed + 1))
    tests=$((tests + n))
    printf 'PASS %-28s %4d tests  %4ds\n' "$name" "$n" $((SECONDS - start))
  else
    failed=$((failed + 1))
    local why="exit status $status"
    [[ $status -eq 124 || $status -eq 137 ]] && why="timed out after ${limit}s"
    grep -q "WARNING: DATA RACE" "$log" && why="$why, data race"
    printf 'FAIL %-28s (%s; log: %s)\n' "$name" "$why" "$log"
    grep -E -- '--- FAIL|\[  FAILED  \]|FAIL|WATCHDOG|WARNING: DATA RACE|panic:|Failure|fatal error' "$log" |
      grep -v '^FAIL\s*$' | head -40 | sed 's/^/    /'
    echo "    ... last lines:"
    tail -n 25 "$log" | sed 's/^/    /'
  fi
}

# Tests that passed in a log: go test -v subtests and top-level tests, or GoogleTest's count.
count_tests() {
  local log="$1" n
  n=$(grep -cE '^\s*--- PASS' "$log")
  if [[ $n -eq 0 ]]; then
    n=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\./\1/p' "$log" | tail -1)
  fi
  echo "${n:-0}"
}

echo "e2e: Go host (go test ./tests/e2e/...)"
step go-race 1500 "$go" test -race -count=1 -v -timeout 600s ./tests/e2e/...
step go-cgocheck2 1500 env GOEXPERIMENT=cgocheck2 "$go" test -count=1 -v -timeout 600s ./tests/e2e/...
# The whole suite again over the shared-memory rings (docs/ring.md): every call that can use them does
# (CXX2GO_TRANSPORT=ring), and the host fails if the rings carried nothing. With the race detector; the
# build is the go-race step's, cached. A second run with 2-slot rings keeps them full (backpressure).
step go-race-ring 1500 env CXX2GO_TRANSPORT=ring "$go" test -race -count=1 -v -timeout 600s ./tests/e2e/...
step go-race-ring-tiny 1500 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=2 "$go" test -race -count=1 -v -timeout 600s ./tests/e2e/...

echo "e2e: C++ host (tests/e2e/cpphost)"
targets=(e2e_cpphost e2e_cpphost_cgocheck2 e2e_cpphost_race isolation_worker e2e_worker)
if [[ ! -f "$build/build.ninja" ]]; then
  step configure 300 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
step build-cpphost 1800 ninja -C "$build" -j "$jobs" "${targets[@]}"

# Isolated services (docs/isolation.md): the Go host calls stress.CppWork in a worker process, which it
# crashes, kills, hangs and wrecks (tests/isolation), with the race detector and with cgocheck2.
echo "e2e: isolated services (go test ./tests/isolation)"
worker="$(cd "$build" && pwd)/tests/isolation/isolation_worker"
step isolation-race 600 env CXX2GO_ISOLATION_WORKER="$worker" "$go" test -race -count=1 -v -timeout 300s ./tests/isolation/
step isolation-cgocheck2 600 env GOEXPERIMENT=cgocheck2 CXX2GO_ISOLATION_WORKER="$worker" \
  "$go" test -count=1 -v -timeout 300s ./tests/isolation/
# The whole Go host suite again with every cpp service isolated, each in a worker process of its own
# (tests/e2e/worker): the batteries and life-cycle scenarios unchanged, with the race detector. Rings of
# 8,192 slots carry the suite's largest arguments (2.5 MB; the default carries 504 KiB).
e2e_worker="$(cd "$build" && pwd)/tests/e2e/cpphost/e2e_worker"
step go-race-isolated 1500 env CXX2GO_ISOLATE="e2e.CppSide=$e2e_worker,e2e.Affine=$e2e_worker" \
  CXX2GO_RING_SLOTS=8192 "$go" test -race -count=1 -v -timeout 600s ./tests/e2e/gohost/
if [[ -x "$build/tests/e2e/cpphost/e2e_cpphost" ]]; then
  step cpphost 900 "$build/tests/e2e/cpphost/e2e_cpphost"
  step cpphost-cgocheck2 900 "$build/tests/e2e/cpphost/e2e_cpphost_cgocheck2"
  step cpphost-race 900 env GORACE=halt_on_error=1 "$build/tests/e2e/cpphost/e2e_cpphost_race"
  step cpphost-ring 900 env CXX2GO_TRANSPORT=ring "$build/tests/e2e/cpphost/e2e_cpphost"
  step cpphost-race-ring-tiny 900 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=2 GORACE=halt_on_error=1 \
    "$build/tests/e2e/cpphost/e2e_cpphost_race"
  # The C++ host with every cpp service isolated: its Go side (the c-archive) starts the workers when
  # cxx2go::start() attaches it, and stops them in cxx2go::stop().
  step cpphost-race-isolated 900 env CXX2GO_ISOLATE="e2e.CppSide=$e2e_worker,e2e.Affine=$e2e_worker" \
    CXX2GO_RING_SLOTS=8192 GORACE=halt_on_error=1 "$build/tests/e2e/cpphost/e2e_cpphost_race"
else
  failed=$((failed + 1))
  echo "FAIL cpphost                       (not built: is GoogleTest installed? see $logs/build-cpphost.log)"
fi

echo "e2e: $tests tests in $passed passing steps"
# The closing line in the plain form CI reads: steps, since a failed step may not know its test count.
echo "e2e: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
