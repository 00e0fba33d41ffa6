// Crash reports (cxx2go/debug.h, docs/debugging.md): internal to the runtime's sources.
#pragma once

namespace cxx2go::detail {

// Installs the handler of the fatal signals, chaining to the handlers installed before it (the Go
// runtime's). Once per process; from start(). Off when the environment says CXX2GO_CRASH_REPORTS=0.
void install_crash_reports() noexcept;

// Called first on every thread the runtime starts: a crash there is reported even outside any call, and
// the thread gets an alternate signal stack, so that a stack overflow is reported too.
void enter_runtime_thread() noexcept;

}  // namespace cxx2go::detail
