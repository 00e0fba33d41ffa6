// Crash reports (cxx2go/debug.h, docs/debugging.md).
//
// The handler runs first for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, and reports when the thread
// runs C++ code cxx2go knows about: the implementation of a Go → C++ method (detail/activity.h), or a
// thread of the runtime's own, not inside a call into Go. Everything else (a fault in Go code, which the
// Go runtime turns into a panic; a fault on a thread we know nothing about) is left to the handler it
// chains to. Then it chains in every case, so the process dies exactly as it would have without it: Go
// prints its own report, or the default action ends the process.
//
// Everything here runs in a signal handler on a crashing thread: no malloc, no locks; write(2), retried on
// EINTR. dladdr and the unwinder (glibc's backtrace(), loaded at install) are the usual exceptions.
#include "crash.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "cxx2go/debug.h"
#include "cxx2go/detail/activity.h"
#include "cxx2go/detail/call.h"

namespace cxx2go {
namespace detail {

constinit thread_local uintptr_t t_activity = 0;

namespace {

struct FatalSignal {
  int number;
  const char* name;
  const char* what;
};
constexpr FatalSignal kFatalSignals[] = {
    {SIGSEGV, "SIGSEGV", "invalid memory access"}, {SIGBUS, "SIGBUS", "bus error"},
    {SIGFPE, "SIGFPE", "arithmetic error"},         {SIGILL, "SIGILL", "illegal instruction"},
    {SIGABRT, "SIGABRT", "abort"},
};
constexpr size_t kSignals = std::size(kFatalSignals);

struct sigaction g_previous[kSignals];  // written before our handler is installed, never after
std::atomic<bool> g_installed{false};
std::atomic<bool> g_reported{false};  // one report per process: the first crashing thread's
std::atomic<CrashSymbolizer> g_symbolizer{nullptr};

constinit thread_local bool t_runtime_thread = false;

// An alternate signal stack for each runtime thread, removed when the thread ends.
struct AltStack {
  void* base = nullptr;
  size_t size = 0;
  ~AltStack() {
    if (base == nullptr) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
    munmap(base, size);
  }
};
thread_local AltStack t_alt_stack;

int signal_index(int sig) noexcept {
  for (size_t i = 0; i < kSignals; ++i) {
    if (kFatalSignals[i].number == sig) return static_cast<int>(i);
  }
  return -1;
}

// A line buffer written to stderr in one write(2) where it fits.
class ReportWriter {
 public:
  ~ReportWriter() { flush(); }
  ReportWriter& put(std::string_view s) noexcept {
    for (char ch : s) {
      if (n_ == sizeof(buf_)) flush();
      buf_[n_++] = ch;
    }
    return *this;
  }
  ReportWriter& put(const char* s) noexcept { return put(std::string_view(s != nullptr ? s : "")); }
  ReportWriter& dec(uint64_t v) noexcept {
    char digits[20];
    size_t k = 0;
    do {
      digits[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (k > 0) put(std::string_view(&digits[--k], 1));
    return *this;
  }
  ReportWriter& hex(uint64_t v) noexcept {
    char digits[16];
    size_t k = 0;
    do {
      digits[k++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v != 0);
    put("0x");
    while (k > 0) put(std::string_view(&digits[--k], 1));
    return *this;
  }
  void flush() noexcept {
    size_t done = 0;
    while (done < n_) {
      const ssize_t w = ::write(STDERR_FILENO, buf_ + done, n_ - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      done += static_cast<size_t>(w);
    }
    n_ = 0;
  }

 private:
  char buf_[512];
  size_t n_ = 0;
};

bool reports_wanted() noexcept {
  const char* v = std::getenv("CXX2GO_CRASH_REPORTS");
  return v == nullptr || std::string_view(v) != "0";
}

// Whether the thread crashed in C++ code that cxx2go runs (see the top of this file).
bool crashed_in_our_code() noexcept {
  const uintptr_t a = t_activity;
  return (a & kInGo) == 0 && (serving_method(a) != nullptr || t_runtime_thread);
}

uintptr_t faulting_pc(void* ucontext) noexcept {
#if defined(__x86_64__)
  return static_cast<uintptr_t>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<uintptr_t>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.pc);
#else
  (void)ucontext;
  return 0;
#endif
}

struct FrameLine {
  ReportWriter* out;
  int found = 0;
};

void put_symbolized(const SymbolizedFrame& frame, void* context) noexcept {
  auto* line = static_cast<FrameLine*>(context);
  ReportWriter& out = *line->out;
  out.put(line->found++ == 0 ? " in " : ", inlined into ");
  out.put(frame.function != nullptr ? frame.function : "??");
  if (frame.file != nullptr) {
    out.put(" at ").put(frame.file);
    if (frame.line > 0) out.put(":").dec(static_cast<uint64_t>(frame.line));
  }
}

// "  #3 0x… in f() at file.cc:12 (module+0x…)". `lookup` is the pc to symbolize: a return address minus
// one, so that it falls in the call's line, not the next one.
void write_frame(ReportWriter& out, int index, uintptr_t pc, uintptr_t lookup) noexcept {
  out.put("  #").dec(static_cast<uint64_t>(index)).put(" ").hex(pc);
  out.flush();  // the address is out even if symbolizing goes wrong
  FrameLine line{&out};
  if (CrashSymbolizer symbolize = g_symbolizer.load(std::memory_order_acquire); symbolize != nullptr) {
    symbolize(lookup, &put_symbolized, &line);
  }
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(lookup), &info) != 0 && info.dli_fname != nullptr) {
    if (line.found == 0 && info.dli_sname != nullptr) {
      out.put(" in ").put(info.dli_sname).put("+").hex(pc - reinterpret_cast<uintptr_t>(info.dli_saddr));
    }
    out.put(" (").put(info.dli_fname).put("+").hex(pc - reinterpret_cast<uintptr_t>(info.dli_fbase)).put(")");
  }
  out.put("\n");
  out.flush();
}

void write_report(const FatalSignal& sig, const siginfo_t* info, void* ucontext) noexcept {
  ReportWriter out;
  out.put("cxx2go: fatal signal ").put(sig.name).put(" (").put(sig.what);
  if (info != nullptr && info->si_code <= 0) {
    out.put(", sent by process ").dec(static_cast<uint64_t>(info->si_pid));
  } else if (info != nullptr && sig.number != SIGABRT) {
    out.put(", address ").hex(reinterpret_cast<uintptr_t>(info->si_addr));
  }
  char thread_name[17] = {};
  prctl(PR_GET_NAME, thread_name, 0, 0, 0);
  out.put(") on thread \"").put(thread_name).put("\" (tid ").dec(static_cast<uint64_t>(syscall(SYS_gettid))).put(")");
  if (const MethodInfo* method = serving_method(t_activity); method != nullptr) {
    out.put(", in the C++ implementation of ").put(method->name).put(" (called from Go)\n");
  } else {
    out.put(", a cxx2go thread, outside any call\n");
  }
  out.put("cxx2go: C++ stack, innermost first:\n");
  out.flush();

  void* frames[64];
  const int n = backtrace(frames, static_cast<int>(std::size(frames)));
  // The first frames are this handler's and the kernel's signal trampoline: start at the faulting pc.
  const uintptr_t pc = faulting_pc(ucontext);
  int first = 0;
  for (int i = 0; i < n; ++i) {
    if (reinterpret_cast<uintptr_t>(frames[i]) == pc) {
      first = i;
      break;
    }
  }
  int index = 0;
  if (first == 0 && pc != 0) write_frame(out, index++, pc, pc);  // unwinding did not reach it: print it alone
  for (int i = first; i < n; ++i, ++index) {
    const auto frame = reinterpret_cast<uintptr_t>(frames[i]);
    write_frame(out, index, frame, i == first && first != 0 ? frame : frame - 1);
  }
  out.put("cxx2go: end of the crash report (docs/debugging.md)\n");
}

// Passes the signal on as if this handler had never been installed.
void chain(int index, int sig, siginfo_t* info, void* ucontext) noexcept {
  const struct sigaction& previous = g_previous[index];
  if ((previous.sa_flags & SA_SIGINFO) != 0) {
    if (previous.sa_sigaction != nullptr) previous.sa_sigaction(sig, info, ucontext);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  // Ignored before: a signal sent by a process (kill) stays ignored. A fault cannot be ignored (the kernel
  // forces its default action), so it gets the default action below.
  const bool sent = info == nullptr || info->si_code <= 0;
  if (previous.sa_handler == SIG_IGN && sent) return;
  // The default action: restore it, and let the signal come again (a fault: its instruction runs again on
  // return) or raise it (blocked until we return).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  if (sent || sig == SIGABRT) raise(sig);
}

void on_fatal_signal(int sig, siginfo_t* info, void* ucontext) {
  const int saved_errno = errno;
  const int index = signal_index(sig);
  if (index < 0) return;
  if (crashed_in_our_code() && !g_reported.exchange(true)) write_report(kFatalSignals[index], info, ucontext);
  errno = saved_errno;
  chain(index, sig, info, ucontext);
}

}  // namespace

void install_crash_reports() noexcept {
  if (!reports_wanted() || g_installed.exchange(true)) return;
  void* warm[1];
  backtrace(warm, 1);  // glibc loads the unwinder on first use: now, not in the handler
  for (size_t i = 0; i < kSignals; ++i) {
    if (sigaction(kFatalSignals[i].number, nullptr, &g_previous[i]) != 0) continue;
    struct sigaction sa {};
    sa.sa_sigaction = &on_fatal_signal;
    // SA_ONSTACK: Go's threads handle signals on their own stacks (os/signal: chaining handlers must);
    // SA_RESTART: the project's signal-table audit (tests/stress) asks every handler for it.
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(kFatalSignals[i].number, &sa, nullptr);
  }
}

void enter_runtime_thread() noexcept {
  t_runtime_thread = true;
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;  // has one
  // Symbolizing runs on this stack (libbacktrace, and the demangler's arrays): room to spare.
  const size_t size = 256 * 1024;
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return;
  stack_t stack{};
  stack.ss_sp = base;
  stack.ss_size = size;
  if (sigaltstack(&stack, nullptr) != 0) {
    munmap(base, size);
    return;
  }
  t_alt_stack.base = base;
  t_alt_stack.size = size;
}

}  // namespace detail

void set_crash_symbolizer(CrashSymbolizer symbolizer) noexcept {
  detail::g_symbolizer.store(symbolizer, std::memory_order_release);
}

}  // namespace cxx2go
