#!/usr/bin/env bash
# Runs the stress tests (tests/stress, see its README): cancellation storm, thread churn, signal storm and
# signal-handler audit, process life cycle (static constructor, after stop, fork), failure containment and
# its negative control, fault injection (allocation failure, stalled peers, deadlines in every phase,
# unregister and stop with calls in flight). Each scenario runs in a process of its own under a watchdog.
# Both hosts run them all: the Go host (tests/stress/gohost, a go test program; normally and with -race) and
# the C++ host (tests/stress/cpphost, a C++ program linking the Go side as a c-archive). Both run the storm,
# failure containment and allocation failure a second time over the ring transport, and the C++ host its
# storm and containment matrix with a -race build of its Go side; last, a 200,000-call smoke run of the
# soak (tests/soak).
#
# usage: scripts/run-stress.sh [BUILD_DIR]   (logs go to BUILD_DIR/stress-logs; default build/release)
#
# Prints a PASS/FAIL line per step, then "stress: N passed, M failed"; exits non-zero if anything failed.
# Sizes: STRESS_CALLS (storm, default 1,000,000; 100,000 with -race), STRESS_THREADS (default 100,000),
# STRESS_SIGNAL_CALLS (default 20,000 per direction).
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="${1:-build/release}"
logs="$build/stress-logs"
mkdir -p "$logs"
go="${GO:-go}"
export CGO_ENABLED=1

passed=0
failed=0

# step NAME TIMEOUT_SECONDS COMMAND...
step() {
  local name="$1" limit="$2"
  shift 2
  local log="$logs/$name.log"
  local start=$SECONDS
  timeout -k 30 "$limit" "$@" >"$log" 2>&1
  local status=$?
  if [[ $status -eq 0 ]] && ! grep -q "WARNING: DATA RACE" "$log"; then
    passed=$((passed + 1))
    printf 'PASS %-20s %4ds\n' "$name" $((SECONDS - start))
    grep -E '^\s+stress_test.go:[0-9]+: scenario|calls:|threads:|signals sent|ring:|audit:|fork child sees|alloc:|stalled:|stop:|deadlines racing|soak summary|^(PASS|FAIL) |callback cost|containment:|unregister:|static constructor' "$log" |
      grep -v 'scenario .*:$' | grep -v 'cxx2go: stop:' | sed 's/^ */    /' | head -40
  else
    failed=$((failed + 1))
    local why="exit status $status"
    [[ $status -eq 124 || $status -eq 137 ]] && why="timed out after ${limit}s"
    grep -q "WARNING: DATA RACE" "$log" && why="$why, data race"
    printf 'FAIL %-20s (%s; log: %s)\n' "$name" "$why" "$log"
    grep -E -- '--- FAIL|STRESS FAIL|SOAK FAIL|CPPHOST FAIL|WATCHDOG|WARNING: DATA RACE|panic:|fatal error' "$log" | head -20 | sed 's/^/    /'
    echo "    ... last lines:"
    tail -n 20 "$log" | sed 's/^/    /'
  fi
}

echo "stress: Go host (tests/stress/gohost)"
step go-stress 900 "$go" test -count=1 -v -timeout 800s ./tests/stress/...
# With the race detector: the storm is 100,000 calls (race_test.go), the thread churn 10,000 threads.
step go-stress-race 900 env STRESS_THREADS=10000 GORACE=halt_on_error=1 \
  "$go" test -race -count=1 -v -timeout 800s ./tests/stress/...

# Over the ring transport (docs/ring.md), with 16-slot rings so that many calls are cancelled while still
# queued in a ring, and callers wait for room: the storm, calls after stop, failure containment and
# allocation failure (whose Go → C++ calls once hung over the ring: a dispatch that threw was never answered).
ring_scenarios='TestCancellationStorm|TestAfterStop|TestFailureContainment|TestContainmentMatrix|TestAllocationFailure'
step go-stress-ring 900 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=16 \
  "$go" test -count=1 -v -timeout 800s -run "$ring_scenarios" ./tests/stress/...
step go-stress-ring-race 900 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=16 GORACE=halt_on_error=1 \
  "$go" test -race -count=1 -v -timeout 800s -run "$ring_scenarios" ./tests/stress/...

# The C++ host (tests/stress/cpphost): every scenario of the Go host (storm, thread churn with the
# main-thread callback cost, signal storm and audit, static constructor, after stop, fork, containment
# matrix, fault injection) and the negative controls, in a C++ program linking the Go side as a c-archive;
# each scenario in a child process with a 240 s watchdog. Then again over 16-slot rings (the storm, the
# containment matrix, allocation failure, after stop), and with the race detector in the Go side (the
# storm at 100,000 calls, the containment matrix, and the control proving that a race stops the process),
# and both at once (the storm, the containment matrix and allocation failure).
echo "stress: C++ host (tests/stress/cpphost)"
if [[ ! -f "$build/build.ninja" ]]; then
  step cpphost-configure 300 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cpphost="$build/tests/stress/cpphost"
step build-cpphost 1800 ninja -C "$build" stress_cpphost stress_cpphost_race
step cpphost 1500 "$cpphost/stress_cpphost"
step cpphost-ring 900 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=16 \
  CPPHOST_SCENARIOS=storm,containment_matrix,alloc_fail,after_stop "$cpphost/stress_cpphost"
step cpphost-race 900 env GORACE=halt_on_error=1 STRESS_CALLS=100000 \
  CPPHOST_SCENARIOS=storm,containment_matrix,go_data_race "$cpphost/stress_cpphost_race"
step cpphost-ring-race 900 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=16 GORACE=halt_on_error=1 STRESS_CALLS=100000 \
  CPPHOST_SCENARIOS=storm,containment_matrix,alloc_fail "$cpphost/stress_cpphost_race"

# The soak's smoke test (tests/soak): 200,000 mixed calls; memory growth is judged only by `make soak`.
echo "stress: isolated services (tests/isolation)"
# 1,000 kill -9 and restart cycles of a worker process with calls in flight (docs/isolation.md): exactly one
# outcome per call, and the host's descriptors, threads and goroutines flat afterwards.
step build-isolation-worker 900 ninja -C "$build" isolation_worker
step isolation-kill-loop 900 env CXX2GO_ISOLATION_KILL_CYCLES=1000 \
  CXX2GO_ISOLATION_WORKER="$(cd "$build" && pwd)/tests/isolation/isolation_worker" \
  "$go" test -count=1 -v -timeout 800s -run 'TestIsolatedService/kill_loop' ./tests/isolation/

echo "stress: soak smoke test (tests/soak)"
step soak-smoke 600 env SOAK_CALLS="${SOAK_SMOKE_CALLS:-200000}" SOAK_SAMPLES=20 scripts/run-soak.sh "$build"

echo "stress: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
