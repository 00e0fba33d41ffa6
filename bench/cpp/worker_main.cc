// The worker process of the benchmark's isolated rows (docs/isolation.md): the same C++ implementations as
// the Go host links in-process (cpp_impl.cc), served from a process of their own by cxx2go::run_worker.
// scripts/run-bench.sh runs bench/gohost with CXX2GO_ISOLATE=bench.CppBench=<this program>.
#include <cstdio>

#include "cxx2go/worker.h"
#include "raw.h"

// The raw async baseline answers through a Go callback of the Go host; a worker has no Go, and the
// baseline never runs in it.
extern "C" void bench_raw_echo_done(uint64_t, uint64_t, uint32_t) {}

int main() {
  if (const int32_t code = bench_register_cpp(); code != 0) {
    std::fprintf(stderr, "bench_worker: cannot register the benchmark's services (code %d)\n", code);
    return 1;
  }
  return cxx2go::run_worker();
}
