#!/usr/bin/env bash
# Builds and runs the examples of `make demo` (examples/README.md):
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

heading "Building the examples"
ninja -C "$build" -j "$jobs" cxx2go examples  # the compiler, the C++ program of examples/http, the LevelDB worker
build_abs=$(cd "$build" && pwd)
# The Go program of examples/leveldb, built as a user's module builds it: `go generate` runs this build's
# cxx2go, whose cxx2go.pc names this checkout's headers, and `go build` compiles the C++ too.
(
  cd examples
  export PATH="$build_abs/compiler:$PATH" PKG_CONFIG_PATH="$build_abs/pkgconfig" GOWORK=off
  go generate ./leveldb/...
  # The generated files are checked in, like any go:generate output: they must be what this cxx2go writes.
  stale=$({ git diff --name-only -- 'leveldb/kv/*.c2g.*' &&
    git ls-files --others --exclude-standard -- 'leveldb/kv/*.c2g.*'; } 2>/dev/null || true)
  if [ -n "$stale" ]; then
    echo "$stale"
    echo "run-demo: examples/leveldb/kv is stale: commit what go generate wrote" >&2
    exit 1
  fi
  mkdir -p "$build_abs/examples/leveldb"
  go build -o "$build_abs/examples/leveldb/leveldb-demo" ./leveldb
)

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

heading "1/3  LevelDB (C++) used from Go: a cpp service, and a go service called back from C++"
run leveldb "$build/examples/leveldb/leveldb-demo"

heading "2/3  net/http (Go) used from C++: a go service called by coroutines on one thread"
run http "$build/examples/http/http-demo"

heading "3/3  LevelDB isolated in a worker process: the Go program survives a crash of the native code"
run leveldb-isolated "$build/examples/leveldb/leveldb-demo" -isolate "$build_abs/examples/leveldb/leveldb-worker"

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "demo: FAILED: ${failed[*]}"
  exit 1
fi
echo "demo: both examples passed"
