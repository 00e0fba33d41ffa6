// The libbacktrace symbolizer of the C++ runtime's optional part (runtime/cpp/symbolizer), compiled here by
// cgo (it compiles only the files of this directory), and the two functions of runtime.SetCgoTraceback that
// put C and C++ frames into Go's tracebacks and CPU profiles.
#include "../../../cpp/symbolizer/libbacktrace_symbolizer.cc"

#include <unwind.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <iterator>

extern "C" int cxx2go_install_libbacktrace_symbolizer(void) { return cxx2go::install_libbacktrace_symbolizer() ? 1 : 0; }

namespace {

// The argument structs of runtime.SetCgoTraceback's functions (its documentation).
struct CgoTracebackArg {
  uintptr_t context;
  uintptr_t sig_context;
  uintptr_t* buf;
  uintptr_t max;
};
struct CgoSymbolizerArg {
  uintptr_t pc;
  const char* file;
  uintptr_t lineno;
  const char* func;
  uintptr_t entry;
  uintptr_t more;
  uintptr_t data;
};

struct Walk {
  uintptr_t* buf;
  uintptr_t max;
  uintptr_t n = 0;
  bool interrupted = false;  // reached the frame the signal interrupted
};

_Unwind_Reason_Code record_frame(_Unwind_Context* context, void* data) {
  auto* walk = static_cast<Walk*>(data);
  int exact = 0;  // set for the interrupted frame: its pc is the next instruction to run, not a return address
  const uintptr_t pc = _Unwind_GetIPInfo(context, &exact);
  if (!walk->interrupted) {
    if (exact == 0) return _URC_NO_REASON;  // this function, x_cgo_callers and the signal trampoline
    walk->interrupted = true;
  }
  if (pc == 0) return _URC_END_OF_STACK;
  // A return address minus one is inside the call, so that it symbolizes as the call's line.
  walk->buf[walk->n++] = exact != 0 ? pc : pc - 1;
  return walk->n < walk->max ? _URC_NO_REASON : _URC_END_OF_STACK;
}

// Up to 16 frames at one pc, with their strings copied: the demangled names live only during the sink call.
struct Frames {
  struct Frame {
    char function[256];
    char file[256];
    int line;
  };
  uintptr_t pc = 0;
  int count = 0;
  int next = 0;  // the frame the next call returns
  Frame frames[16];
};

void copy_string(char (&to)[256], const char* from) {
  if (from == nullptr) {
    to[0] = '\0';
    return;
  }
  const size_t n = std::min(std::strlen(from), sizeof(to) - 1);
  std::memcpy(to, from, n);
  to[n] = '\0';
}

void keep_frame(const cxx2go::SymbolizedFrame& frame, void* context) {
  auto* frames = static_cast<Frames*>(context);
  if (frames->count == static_cast<int>(std::size(frames->frames))) return;
  Frames::Frame& f = frames->frames[frames->count++];
  copy_string(f.function, frame.function);
  copy_string(f.file, frame.file);
  f.line = frame.line;
}

// The state of one symbolization in progress, passed back by Go through CgoSymbolizerArg::data: Go calls
// the symbolizer once per frame of a pc, possibly from different threads (its profiler's calls are separate
// cgo calls, and the goroutine may move), reuses one argument for several pcs without clearing data, and
// calls it with pc 0 when done. A fixed pool, not malloc: it may run while the program crashes.
constexpr int kStates = 32;
Frames g_states[kStates];
std::atomic<bool> g_state_used[kStates];

Frames* take_state() {
  for (int i = 0; i < kStates; ++i) {
    bool expected = false;
    if (g_state_used[i].compare_exchange_strong(expected, true, std::memory_order_acquire)) return &g_states[i];
  }
  return nullptr;  // all in use: the pc is symbolized without its inlined frames
}

void give_back(Frames* f) { g_state_used[f - g_states].store(false, std::memory_order_release); }

}  // namespace

// The traceback function: the C and C++ frames of the code a signal interrupted, innermost first. The Go
// runtime calls it from its signal handler through x_cgo_callers, which it jumps to rather than calls so
// that the unwinder finds the kernel's signal frame right above it and continues into the interrupted code.
// Without a signal context there is nothing to unwind here (no context function is installed).
extern "C" void cxx2go_cgo_traceback(void* p) {
  auto* arg = static_cast<CgoTracebackArg*>(p);
  Walk walk{arg->buf, arg->max};
  if (arg->sig_context != 0 && arg->max > 0) _Unwind_Backtrace(&record_frame, &walk);
  if (walk.n < arg->max) arg->buf[walk.n] = 0;
}

// The symbolizer function: called once per frame at arg->pc, innermost first (arg->more says there are
// more), then once with pc 0 to release arg->data.
extern "C" void cxx2go_cgo_symbolizer(void* p) {
  auto* arg = static_cast<CgoSymbolizerArg*>(p);
  auto* state = reinterpret_cast<Frames*>(arg->data);
  if (arg->pc == 0) {
    if (state != nullptr) give_back(state);
    arg->data = 0;
    return;
  }
  if (state == nullptr) {
    state = take_state();
    arg->data = reinterpret_cast<uintptr_t>(state);
  }
  Frames single;  // when the pool is exhausted
  Frames& frames = state != nullptr ? *state : single;
  // A new pc, or the same one again after all its frames (recursion): symbolize it afresh.
  if (state == nullptr || frames.pc != arg->pc || frames.next >= frames.count) {
    frames.pc = arg->pc;
    frames.count = 0;
    frames.next = 0;
    cxx2go::symbolize_with_libbacktrace(arg->pc, &keep_frame, &frames);
  }
  arg->file = nullptr;
  arg->func = nullptr;
  arg->lineno = 0;
  arg->entry = 0;
  arg->more = 0;
  if (frames.next < frames.count) {
    const Frames::Frame& f = frames.frames[frames.next++];
    arg->func = f.function[0] != '\0' ? f.function : nullptr;
    arg->file = f.file[0] != '\0' ? f.file : nullptr;
    arg->lineno = static_cast<uintptr_t>(f.line > 0 ? f.line : 0);
    arg->more = state != nullptr && frames.next < frames.count ? 1 : 0;
  }
}
