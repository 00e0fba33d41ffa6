// cxx2go/seccomp.h — the seccomp-bpf sandbox of isolated workers (docs/isolation.md, "Sandbox"), built on
// libseccomp (Debian: libseccomp-dev). An optional part of cxx2go: a worker that links it and calls
// use_seccomp_sandbox() before run_worker() confines itself when its host asks (Worker.Seccomp in Go):
//
//   int main() {
//     cxx2go::register_service(std::make_shared<MyCodec>());
//     cxx2go::use_seccomp_sandbox();
//     return cxx2go::run_worker();
//   }
//
// The policy allows the system calls of pure computation and of the runtime itself (memory, threads,
// futexes, clocks, signals, the rings' reads and writes), and those the host adds by name. Opening files
// fails with EACCES (so a crash report degrades to addresses instead of dying in the symbolizer); any other
// system call kills the worker with SIGSYS, after a report on stderr naming the call, which the host puts
// in the error of the calls the worker was running.
#ifndef CXX2GO_SECCOMP_H_
#define CXX2GO_SECCOMP_H_

#include <string>

namespace cxx2go {

// Makes run_worker() apply the host's seccomp policy (cxx2go::set_worker_sandbox).
void use_seccomp_sandbox() noexcept;

// Confines the calling process now (its existing threads too) to the default list plus `extra` system
// calls, by name ("default,+name,…" as the host passes it). Returns an empty string, or why it failed (an
// unknown system call name, a kernel without seccomp).
std::string apply_seccomp_policy(const char* policy);

}  // namespace cxx2go

#endif  // CXX2GO_SECCOMP_H_
