// The worker process of the end-to-end suite run with its cpp services isolated (scripts/run-e2e.sh,
// CXX2GO_ISOLATE): the same implementations as in process (tests/e2e/cppimpl), served to the host over
// the isolated transport (docs/isolation.md). The host's batteries run unchanged.
#include <cstdio>

#include "../cppimpl/cpp_side.h"
#include "cxx2go/symbolizer.h"
#include "cxx2go/worker.h"

int main() {
  cxx2go::install_libbacktrace_symbolizer();
  if (cxx2go::Result<void> registered = cxx2go_test::e2e_impl::register_cpp_services(); !registered) {
    std::fprintf(stderr, "e2e worker: %s\n", registered.error().message.c_str());
    return 1;
  }
  cxx2go::RuntimeOptions options;
  options.executor_threads = 4;  // as the hosts' in-process runtimes
  return cxx2go::run_worker(options);
}
