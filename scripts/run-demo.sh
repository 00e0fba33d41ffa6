#!/usr/bin/env bash
# Builds and runs the two examples of `make demo` (examples/README.md):
#
#   scripts/run-demo.sh BUILD_DIR
#
# BUILD_DIR is a CMake build directory of this repository; it is configured first if it is not yet.
# Exits non-zero if an example fails (or takes longer than its time limit, which it should not by far).
set -euo pipefail

build=${1:?usage: run-demo.sh BUILD_DIR}
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
limit=120 # seconds per example; each needs a few on a 2-core machine

heading() { printf '\n==== %s ====\n\n' "$*"; }

if [ ! -f "$build/build.ninja" ]; then
  heading "Configuring $build"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi

heading "Building the examples (generated code, C++ libraries, Go builds)"
ninja -C "$build" -j "$jobs" examples

failed=()
run() {
  local name=$1
  shift
  local start=$SECONDS
  if timeout --kill-after=10 "$limit" "$@"; then
    echo "[$name: passed in $((SECONDS - start)) s]"
  else
    echo "[$name: FAILED (exit status $?)]"
    failed+=("$name")
  fi
}

heading "1/2  LevelDB (C++) used from Go: a cpp service, and a go service called back from C++"
run leveldb "$build/examples/leveldb/leveldb-demo"

heading "2/2  net/http (Go) used from C++: a go service called by coroutines on one thread"
run http "$build/examples/http/http-demo"

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "demo: FAILED: ${failed[*]}"
  exit 1
fi
echo "demo: both examples passed"
