#!/usr/bin/env bash
# Runs the soak (tests/soak, see its README): SOAK_CALLS mixed calls (default 10,000,000) in both directions in
# one process, printing both heaps, resident memory, threads, goroutines and fds over time; fails if a heap or
# resident memory grows after warm-up past its limit, a count moves, or the Go runtime's threads exceed their
# prewarmed pool. SOAK_LEAK=go-heap|c-heap|goroutine|thread makes a control run that must fail.
#
# usage: scripts/run-soak.sh [BUILD_DIR]   (the log goes to BUILD_DIR/soak.log; default build/release)
# `make soak` runs it in full (not in CI); scripts/run-stress.sh runs it with SOAK_CALLS=200000.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="${1:-build/release}"
mkdir -p "$build"
go="${GO:-go}"
export CGO_ENABLED=1

# glibc's allocator keeps freed memory in per-thread caches (tcache) and in up to 8 arenas per core, which
# threads meet one by one; malloc_trim cannot return what they hold, and over a long run they fill up, which
# reads as slow growth of resident memory (and of malloc'd bytes: tcache chunks count as in use). The soak
# measures what is allocated, so it turns both off; SOAK_GLIBC_TUNABLES overrides this (an empty value runs
# with glibc's defaults; tests/soak/README.md has the figures of both).
export GLIBC_TUNABLES="${SOAK_GLIBC_TUNABLES-glibc.malloc.tcache_count=0:glibc.malloc.arena_max=2}"

"$go" build -o "$build/soak" ./tests/soak || exit 1
# The Go handler of GoSide.panic logs each recovered panic with its stack on stderr: keep stderr in the log
# and stdout (the samples and the summary) on the terminal too.
"$build/soak" 2>"$build/soak.stderr.log" | tee "$build/soak.log"
status=${PIPESTATUS[0]}
[[ $status -eq 0 ]] || echo "soak: exit status $status (stderr: $build/soak.stderr.log)"
exit "$status"
