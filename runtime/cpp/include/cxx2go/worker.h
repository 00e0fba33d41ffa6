// cxx2go/worker.h — the main loop of an isolated worker process (docs/isolation.md).
//
// A cpp service can run in a worker process of its own instead of inside its Go host: the host starts
// the worker, and the same generated bindings carry its calls over shared-memory rings. A worker is the
// service's C++ implementation, linked with the C++ runtime, and a main that registers it and hands
// control to run_worker():
//
//   int main() {
//     auto registered = cxx2go::register_service<shop::Pricer>(std::make_shared<MyPricer>());
//     if (!registered) return 1;
//     return cxx2go::run_worker();
//   }
//
// The host's supervisor decides everything else: which services it carries, restarts, limits.
#pragma once

#include "cxx2go/require_cxx20.h"

#include <string>

#include "cxx2go/runtime.h"

namespace cxx2go {

// Attaches to the host that started this process (the environment says how: CXX2GO_WORKER_FDS), starts
// the runtime with `options`, serves the host's calls until the host asks it to stop or goes away, stops
// the runtime and returns the process's exit status: 0 after a stop the host asked for, nonzero with a
// message on stderr otherwise (run outside a host, or the host vanished). Services registered before or
// during the call are served.
int run_worker(RuntimeOptions options = {});

// A sandbox for run_worker to apply once the runtime runs, when the host asks for one (Worker.Seccomp in
// Go): it receives the host's policy ("default,+name,…": a base list and the system calls added by name)
// and returns an empty string once every thread of the process is confined, or why it could not be. A
// worker asked for a sandbox it does not have refuses to start. cxx2go::use_seccomp_sandbox()
// (cxx2go/seccomp.h, libseccomp) installs the library's.
using WorkerSandbox = std::string (*)(const char* policy);
void set_worker_sandbox(WorkerSandbox sandbox) noexcept;

}  // namespace cxx2go
