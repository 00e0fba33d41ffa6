// cxx2go/debug.h — crash reports (docs/debugging.md).
//
// When C++ code that cxx2go runs crashes (SIGSEGV, SIGBUS, SIGFPE, SIGILL, or SIGABRT from abort() and
// std::terminate), the runtime writes a report to stderr before the process dies as it would have: the
// signal, the cxx2go method the thread was serving, the thread, and the C++ stack. Without a symbolizer the
// frames read `0x… (module+0xoffset)` (`addr2line -f -C -e module 0xoffset` resolves them); with one, each
// names its function and file:line. The Go package runtime/go/cxx2go/symbolizer installs one built on
// libbacktrace, in both kinds of process (a C++ host imports it from its Go side).
#ifndef CXX2GO_DEBUG_H_
#define CXX2GO_DEBUG_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cxx2go/metrics.h"

namespace cxx2go {

// One frame of code at a program counter: more than one per counter where calls were inlined, innermost
// first. The strings are valid only during the call that receives them; any may be null (line: 0).
struct SymbolizedFrame {
  const char* function = nullptr;
  const char* file = nullptr;
  int line = 0;
};

using SymbolizedFrameSink = void (*)(const SymbolizedFrame& frame, void* context);

// Calls sink(frame, context) for each frame at `pc` and returns whether it found any. Runs in a signal
// handler, on a thread that crashed: it must be async-signal-safe (no malloc, no locks another thread of
// the dying process may hold).
using CrashSymbolizer = bool (*)(uintptr_t pc, SymbolizedFrameSink sink, void* context);

// Installs the symbolizer of crash reports; nullptr removes it. Crash reports are on from start() (the
// environment variable CXX2GO_CRASH_REPORTS=0 turns them off).
void set_crash_symbolizer(CrashSymbolizer symbolizer) noexcept;

// ---- the calls in flight (docs/debugging.md, "Live calls") ----

// A call in flight that the runtime keeps a record of: an asynchronous C++ → Go call until Go completes
// it, and a Go → C++ call that Go can cancel (executor calls, and @inline calls made with a context that
// can end) until it is answered. Synchronous C++ → Go calls, and @inline and @direct calls Go cannot
// cancel, run on their caller's thread without a record: its stack shows them.
struct LiveCall {
  std::string method;  // "package.Service.method"
  Direction direction = Direction::cpp_to_go;
  uint64_t call_id = 0;
  std::chrono::nanoseconds age{0};  // since it was submitted (C++ → Go) or listed (Go → C++)
  std::string transport;            // "cgo" or "ring"
  // "in Go" (C++ → Go), "queued" (waiting for an executor thread) or "running on thread NAME (tid N)"
  std::string where;
};

// The calls in flight, oldest first. Takes each table's locks in turn, briefly. Throws std::bad_alloc.
std::vector<LiveCall> live_calls();
// The same as text, one line per call ("<age> <direction> <method> call <id> over <transport>, <where>").
std::string live_calls_text();

}  // namespace cxx2go

#endif  // CXX2GO_DEBUG_H_
