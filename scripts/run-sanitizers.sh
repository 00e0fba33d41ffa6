#!/usr/bin/env bash
# The sanitizer and fuzzing matrix (`make test-sanitize`, run by .ci/run after `make test`):
#
#   asan-*      C++ runtime tests + compiler tests (ctest) with ASan + UBSan + LSan, -fno-sanitize-recover
#   tsan-*      C++ runtime tests with TSan (halt_on_error=1); then the end-to-end tests and the stress
#               scenarios in both kinds of process with the C/C++ of the process built with TSan (cgo and
#               ring transports)
#   e2e-asan-*  the end-to-end tests with ASan on both sides of the boundary: the C++ host with its Go side
#               built with `go build -asan` (which compiles the C++ runtime inside the Go package with
#               -fsanitize=address), and the Go host with `go test -asan`
#   valgrind-*  memcheck over the C++ runtime tests
#   fuzz-*      libFuzzer over the schema compiler and over the C++ decoder (clang), Go native fuzzing over
#               the Go Decoder
#
# usage: scripts/run-sanitizers.sh [STEP_FILTER]   (a regex over step names; default: every step)
#
# Prints a PASS/FAIL line per step, then "sanitize: N passed, M failed"; exits non-zero if anything failed.
# Build directories: build/asan and build/tsan (both of the root project), build/fuzz, build/release
# (valgrind: `make test` built it already in CI); logs: build/sanitize-logs/.
# Every step runs under timeout(1). tests/sanitizers/README.md says what each step covers and why.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
filter="${1:-.}"
logs="build/sanitize-logs"
mkdir -p "$logs"
go="${GO:-go}"
jobs="${JOBS:-$(nproc)}"
fuzz_seconds="${FUZZ_SECONDS:-60}"
go_fuzz_seconds="${GO_FUZZ_SECONDS:-30}"
decoder_fuzz_seconds="${DECODER_FUZZ_SECONDS:-30}"
export CGO_ENABLED=1

# Zero reports allowed: every sanitizer stops the process at its first report with a non-zero status.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

export CGO_CXXFLAGS="${CGO_CXXFLAGS:--O1 -g}"

passed=0
failed=0

# step NAME TIMEOUT_SECONDS COMMAND...: runs COMMAND with its output in $logs/NAME.log.
step() {
  local name="$1" limit="$2"
  shift 2
  [[ "$name" =~ $filter ]] || return 0
  local log="$logs/$name.log"
  local start=$SECONDS
  timeout -k 30 "$limit" "$@" >"$log" 2>&1
  local status=$?
  local report=""
  # A report that did not change the exit status (it always should) still fails the step.
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer|runtime error:|WARNING: DATA RACE|==[0-9]+== ERROR SUMMARY: [1-9]' "$log"; then
    report="sanitizer report"
  fi
  if [[ $status -eq 0 && -z "$report" ]]; then
    passed=$((passed + 1))
    printf 'PASS %-30s %5ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    local why="exit status $status"
    [[ $status -eq 124 || $status -eq 137 ]] && why="timed out after ${limit}s"
    [[ -n "$report" ]] && why="$why, $report"
    printf 'FAIL %-30s (%s; %ds; log: %s)\n' "$name" "$why" $((SECONDS - start)) "$log"
    grep -E -- 'ERROR: |SUMMARY: |runtime error:|WARNING: |\[  FAILED  \]|--- FAIL|panic:|fatal error|Invalid|definitely lost|indirectly lost|Test.*Failed' "$log" |
      head -40 | sed 's/^/    /'
    echo "    ... last lines:"
    tail -n 25 "$log" | sed 's/^/    /'
  fi
}

# ---- 1. ASan + UBSan + LSan: C++ runtime tests, compiler tests (and the C++ host of e2e, step 3) ----
# Debug (-O0 -g) builds: they compile much faster than optimized ones, which dominates this script's time,
# and the sanitizers check the same accesses.
echo "sanitize: ASan + UBSan + LSan (build/asan)"
step asan-configure 300 cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCXX2GO_SANITIZE=address -DCXX2GO_COMPILER_SANITIZE=ON
step asan-build 2400 ninja -C build/asan -j "$jobs" cxx2go cxx2go_compiler_tests cxx2go_runtime_tests
step asan-ctest 1800 ctest --test-dir build/asan --output-on-failure -j "$jobs"

# ---- 2. TSan: C++ runtime tests ----
echo "sanitize: TSan (build/tsan)"
step tsan-configure 300 cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCXX2GO_SANITIZE=thread
step tsan-build 1800 ninja -C build/tsan -j "$jobs" cxx2go_runtime_tests
# Run directly rather than through ctest: one process, so TSan sees the tests' threads interleave.
step tsan-runtime 1800 build/tsan/runtime/cpp/cxx2go_runtime_tests

# The C++ side of processes that contain Go: the Go host's end-to-end tests and stress scenarios with
# every C++ file of the process (runtime, generated code, implementations, and cgo's own C) built with
# -fsanitize=thread, and the Go code built normally. libcgo, built with the same flags, tells TSan about
# the synchronization of cgo calls; src/transport/ring.h does the same for hand-overs through Go's side of
# the rings. Go's -race cannot join them (a second TSan runtime in one process): the Go side's races are
# the -race runs' job (scripts/run-e2e.sh, scripts/run-stress.sh). Without the negative controls of the
# stress suite, which assert an exit status that TSan's own signal handling changes.
tsan_go=(env "CGO_CFLAGS=-fsanitize=thread -O1 -g" "CGO_CXXFLAGS=-fsanitize=thread $CGO_CXXFLAGS"
  "CGO_LDFLAGS=-fsanitize=thread")
tsan_stress='^Test(ContainmentMatrix|AllocationFailure|StalledPeer|StopWithStalledCalls|DeadlinePhases|'\
'UnregisterInFlight|CancellationStorm|Threads|Signals|StaticConstructor|AfterStop|Fork|FailureContainment)$'
tsan_stress_ring='^Test(CancellationStorm|AfterStop|FailureContainment|ContainmentMatrix|AllocationFailure)$'
step tsan-e2e-gohost 1800 "${tsan_go[@]}" "$go" test -count=1 -v -timeout 1500s ./tests/e2e/gohost
step tsan-e2e-gohost-ring 1800 "${tsan_go[@]}" CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=2 \
  "$go" test -count=1 -v -timeout 1500s ./tests/e2e/gohost
step tsan-stress-gohost 1800 "${tsan_go[@]}" STRESS_CALLS=200000 \
  "$go" test -count=1 -v -timeout 1500s -run "$tsan_stress" ./tests/stress/gohost
step tsan-stress-gohost-ring 1800 "${tsan_go[@]}" STRESS_CALLS=200000 CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=16 \
  "$go" test -count=1 -v -timeout 1500s -run "$tsan_stress_ring" ./tests/stress/gohost
# The C++ host (Go linked in as a c-archive) the same way: its C++ with -fsanitize=thread through
# CXX2GO_SANITIZE, the archive's C and C++ through cxx2go_add_go_c_archive's CGO_FLAGS.
step tsan-e2e-build-cpphost 2400 ninja -C build/tsan -j "$jobs" e2e_cpphost_tsan
step tsan-e2e-cpphost 1800 build/tsan/tests/e2e/cpphost/e2e_cpphost_tsan
step tsan-e2e-cpphost-ring 1800 env CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=2 \
  build/tsan/tests/e2e/cpphost/e2e_cpphost_tsan
# Its stress scenarios (each in a child process), as for the Go host: not the negative controls.
tsan_cpphost_scenarios=storm,threads,signals,signals_audit,after_stop,fork,containment_matrix,static_ctor,\
alloc_fail,stalled,stop_stalled,deadline_phases,unregister
step tsan-stress-build-cpphost 2400 ninja -C build/tsan -j "$jobs" stress_cpphost_tsan
step tsan-stress-cpphost 1800 env STRESS_CALLS=200000 CPPHOST_SCENARIOS="$tsan_cpphost_scenarios" \
  build/tsan/tests/stress/cpphost/stress_cpphost_tsan
step tsan-stress-cpphost-ring 1800 env STRESS_CALLS=200000 CXX2GO_TRANSPORT=ring CXX2GO_RING_SLOTS=16 \
  CPPHOST_SCENARIOS=storm,containment_matrix,alloc_fail,after_stop build/tsan/tests/stress/cpphost/stress_cpphost_tsan

# ---- 3. End-to-end under ASan, both kinds of process ----
echo "sanitize: end-to-end with ASan on both sides (Go -asan)"
step e2e-asan-build-cpphost 2400 ninja -C build/asan -j "$jobs" e2e_cpphost_asan
step e2e-asan-cpphost 1800 build/asan/tests/e2e/cpphost/e2e_cpphost_asan
step e2e-asan-gohost 1800 "$go" test -asan -count=1 -v -timeout 1500s ./tests/e2e/gohost ./runtime/go/cxx2go/c2gimpl

# ---- 3b. Isolated services with the worker's C++ under ASan + UBSan + LSan, then TSan ----
# The worker is a C++ program of its own, so its whole runtime is instrumented; the Go host is built
# normally (its -race runs are scripts/run-e2e.sh's). A report in the worker reaches this log through the
# host, which forwards the worker's stderr. The whole e2e suite with every cpp service isolated, and the
# fault suite but for the faults a sanitizer's own handlers change: the deliberate crashes (a null store is
# a UBSan report; ASan and TSan take SIGSEGV and abort themselves), the garbage written over the region
# (which the worker then trips on) and the seccomp sandbox (the sanitizers' runtimes need more calls).
isolation_run=(-run 'TestIsolatedService|TestHostDeathEndsWorker'
  -skip 'TestIsolatedService/(crash|abort_and_exit|worker_writes_garbage)')
for san in asan tsan; do
  echo "sanitize: isolated services, the worker under ${san} (build/${san})"
  step "${san}-build-workers" 2400 ninja -C "build/${san}" -j "$jobs" isolation_worker e2e_worker
  e2e_worker="$root/build/${san}/tests/e2e/cpphost/e2e_worker"
  step "${san}-isolated-e2e" 1800 env CXX2GO_ISOLATE="e2e.CppSide=$e2e_worker,e2e.Affine=$e2e_worker" \
    CXX2GO_RING_SLOTS=8192 "$go" test -count=1 -v -timeout 1500s ./tests/e2e/gohost
  step "${san}-isolation" 1800 env CXX2GO_ISOLATION_WORKER="$root/build/${san}/tests/isolation/isolation_worker" \
    "$go" test -count=1 -v -timeout 1500s "${isolation_run[@]}" ./tests/isolation
done

# ---- 4. valgrind memcheck: the C++ runtime tests (not the C++ host of e2e: tests/sanitizers/valgrind.supp) ----
echo "sanitize: valgrind memcheck (build/release)"
valgrind=(valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect
  --show-leak-kinds=definite,indirect --num-callers=30 "--suppressions=$root/tests/sanitizers/valgrind.supp"
  --gen-suppressions=all)
if [[ ! -f build/release/build.ninja ]]; then
  step valgrind-configure 300 cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
step valgrind-build 1800 ninja -C build/release -j "$jobs" cxx2go_runtime_tests
step valgrind-runtime 1800 "${valgrind[@]}" build/release/runtime/cpp/cxx2go_runtime_tests

# ---- 5. Fuzzing ----
echo "sanitize: fuzzing (libFuzzer ${fuzz_seconds}s + ${decoder_fuzz_seconds}s, go test -fuzz ${go_fuzz_seconds}s)"
step fuzz-configure 300 cmake -S compiler -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCXX2GO_COMPILER_FUZZER=ON -DCXX2GO_COMPILER_TESTS=OFF
step fuzz-build 1800 ninja -C build/fuzz -j "$jobs" cxx2go_frontend_fuzzer
# New inputs go to a scratch directory (the first one); the committed seeds and the test schemas are read.
rm -rf build/fuzz/corpus && mkdir -p build/fuzz/corpus
step fuzz-compiler $((fuzz_seconds + 300)) build/fuzz/cxx2go_frontend_fuzzer -max_total_time="$fuzz_seconds" \
  -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
  -dict=compiler/fuzz/c2g.dict build/fuzz/corpus compiler/fuzz/corpus tests/schemas tests/diagnostics
# The C++ decoder of boundary data (runtime/cpp/fuzz/decoder_fuzzer.cc): wire.h's Decoder through the codec of
# the generated types of tests/schemas/everything.c2g. One clang command (the generated .cc and the C++
# runtime's sources, which need no Go in this program); seeds: runtime/cpp/fuzz/corpus.
mkdir -p build/fuzz-decoder
step fuzz-decoder-build 1800 clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Werror -Iruntime/cpp/include -Itests/gen/everything/cpp runtime/cpp/fuzz/decoder_fuzzer.cc \
  $(find runtime/cpp/src -name "*.cc" | sort) -lpthread -o build/fuzz-decoder/decoder_fuzzer
rm -rf build/fuzz-decoder/corpus && mkdir -p build/fuzz-decoder/corpus
step fuzz-decoder $((decoder_fuzz_seconds + 300)) build/fuzz-decoder/decoder_fuzzer \
  -max_total_time="$decoder_fuzz_seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=build/fuzz-decoder/ build/fuzz-decoder/corpus runtime/cpp/fuzz/corpus
step fuzz-go-decoder $((go_fuzz_seconds + 600)) "$go" test -run '^$' -fuzz '^FuzzDecoder$' \
  -fuzztime "${go_fuzz_seconds}s" ./runtime/go/cxx2go/c2gimpl
# The host reading an isolated worker's region, which the worker may have filled with anything
# (docs/isolation.md, "Trust").
step fuzz-go-region $((go_fuzz_seconds + 600)) "$go" test -run '^$' -fuzz '^FuzzRemoteRegion$' \
  -fuzztime "${go_fuzz_seconds}s" ./runtime/go/cxx2go/c2gimpl

echo "sanitize: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
