// A CrashSymbolizer (cxx2go/debug.h) built on libbacktrace, which reads DWARF without malloc (through
// mmap) and so may run in a signal handler; names are demangled by libiberty's callback demangler, which
// works on the stack.
#include "cxx2go/symbolizer.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

#include <backtrace.h>
// libiberty.h declares basename() unless told that <string.h> did (C++'s declaration differs).
#define HAVE_DECL_BASENAME 1
#include <libiberty/demangle.h>

#include "cxx2go/debug.h"

namespace cxx2go {
namespace {

std::atomic<backtrace_state*> g_state{nullptr};

void ignore_error(void*, const char*, int) {}

// A demangled name in a fixed buffer; truncated with "…" when too long.
struct Demangled {
  char text[1024];
  size_t len = 0;
  bool truncated = false;
};

void append_demangled(const char* piece, size_t n, void* opaque) {
  auto* d = static_cast<Demangled*>(opaque);
  const size_t room = sizeof(d->text) - 1 - d->len;
  if (n > room) {
    n = room;
    d->truncated = true;
  }
  std::memcpy(d->text + d->len, piece, n);
  d->len += n;
}

// The frames libbacktrace found at one pc, innermost first: kept until the symbol table has been asked
// too, because DWARF names a function by its bare name ("get") and the symbol table by its full one
// ("shop::Inventory::get(long)"), which the outermost frame (the function the pc is in) then takes.
struct Lookup {
  struct Frame {
    const char* function;
    const char* file;
    int line;
  };
  Frame frames[16];
  int count = 0;
  const char* symbol = nullptr;
};

int on_pcinfo(void* data, uintptr_t, const char* file, int line, const char* function) {
  auto* lookup = static_cast<Lookup*>(data);
  if (function == nullptr && file == nullptr) return 0;  // no debug information here
  if (lookup->count == static_cast<int>(std::size(lookup->frames))) return 1;
  lookup->frames[lookup->count++] = {function, file, line};
  return 0;
}

void on_syminfo(void* data, uintptr_t, const char* symbol, uintptr_t, uintptr_t) {
  static_cast<Lookup*>(data)->symbol = symbol;
}

// Longer names are printed mangled: the demangler keeps arrays on the stack, about 72 bytes per character
// of the name, and this runs on a signal stack (Go's are 32 KiB).
constexpr size_t kMaxDemangledInput = 200;

void emit(const char* function, const char* file, int line, SymbolizedFrameSink sink, void* context) {
  Demangled demangled;
  if (function != nullptr && function[0] == '_' && function[1] == 'Z' &&
      strnlen(function, kMaxDemangledInput + 1) <= kMaxDemangledInput &&
      cplus_demangle_v3_callback(function, DMGL_PARAMS | DMGL_ANSI, &append_demangled, &demangled) != 0 &&
      !demangled.truncated) {
    demangled.text[demangled.len] = '\0';
    function = demangled.text;
  }
  SymbolizedFrame frame;
  frame.function = function;
  frame.file = file;
  frame.line = line;
  sink(frame, context);
}

}  // namespace

bool symbolize_with_libbacktrace(uintptr_t pc, SymbolizedFrameSink sink, void* context) noexcept {
  backtrace_state* state = g_state.load(std::memory_order_acquire);
  if (state == nullptr) return false;
  Lookup lookup;
  backtrace_pcinfo(state, pc, &on_pcinfo, &ignore_error, &lookup);
  backtrace_syminfo(state, pc, &on_syminfo, &ignore_error, &lookup);
  if (lookup.count == 0) {
    if (lookup.symbol == nullptr) return false;
    emit(lookup.symbol, nullptr, 0, sink, context);
    return true;
  }
  for (int i = 0; i < lookup.count; ++i) {
    const Lookup::Frame& f = lookup.frames[i];
    const bool outermost = i == lookup.count - 1;
    emit(outermost && lookup.symbol != nullptr ? lookup.symbol : f.function, f.file, f.line, sink, context);
  }
  return true;
}

bool install_libbacktrace_symbolizer() noexcept {
  if (g_state.load(std::memory_order_acquire) == nullptr) {
    // threaded: any thread may crash. The state is never freed (libbacktrace has no way to).
    backtrace_state* state = backtrace_create_state(nullptr, /*threaded=*/1, &ignore_error, nullptr);
    if (state == nullptr) return false;
    backtrace_state* expected = nullptr;
    g_state.compare_exchange_strong(expected, state, std::memory_order_acq_rel);
    // Read the program's debug information now, not in the first crashing thread's signal handler:
    // libbacktrace takes the loader's lock and maps the DWARF on first use.
    Lookup warm;
    backtrace_pcinfo(g_state.load(), reinterpret_cast<uintptr_t>(&install_libbacktrace_symbolizer), &on_pcinfo,
                     &ignore_error, &warm);
  }
  set_crash_symbolizer(&symbolize_with_libbacktrace);
  return true;
}

}  // namespace cxx2go
