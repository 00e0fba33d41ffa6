// The seccomp-bpf sandbox of isolated workers (cxx2go/seccomp.h), on libseccomp.
#include "cxx2go/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <set>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cxx2go/worker.h"

namespace cxx2go {
namespace {

// What computation and the runtime need: memory, threads and futexes, clocks and sleeps, signals (the
// crash report's handler, its alternate stacks, abort()), the rings' reads, writes and polls of the
// doorbell and the control socket, stdio, and exiting. Names unknown to this architecture are skipped.
constexpr const char* kDefaultAllowed[] = {
    "read", "write", "readv", "writev", "pread64", "pwrite64", "close", "lseek", "fstat", "newfstatat",
    "dup", "dup3", "poll", "ppoll", "pselect6", "select",
    "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "membarrier",
    "futex", "futex_waitv", "set_robust_list", "rseq", "exit", "exit_group",
    "sched_yield", "sched_getaffinity", "getpriority",
    "gettid", "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid",
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait", "sigaltstack", "restart_syscall",
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time", "getrusage",
    "times", "getrandom", "uname", "sysinfo", "getcpu",
};

// System calls allowed with some arguments only, because others reach outside the worker (rules of
// apply_seccomp_policy): an argument must equal a value, or have the bits of `mask` equal to `value`.
struct ArgRule {
  const char* name;
  unsigned arg;
  scmp_compare op;
  scmp_datum_t value;
  scmp_datum_t mask;  // SCMP_CMP_MASKED_EQ only
};
// getpid() is filled in when the filter is built.
constexpr scmp_datum_t kThisProcess = ~scmp_datum_t{0};
const ArgRule kArgRules[] = {
    // Signals to this process only (abort(), raise()): never to the host or any other process.
    {"tgkill", 0, SCMP_CMP_EQ, kThisProcess, 0},
    // Thread names (and glibc's names of its mappings): nothing that lifts a restriction.
    {"prctl", 0, SCMP_CMP_EQ, PR_SET_NAME, 0},
    {"prctl", 0, SCMP_CMP_EQ, PR_GET_NAME, 0},
    {"prctl", 0, SCMP_CMP_EQ, 0x53564d41 /* PR_SET_VMA */, 0},
    // Descriptor flags, but not F_SETOWN/F_SETSIG or O_ASYNC, which make the kernel signal another process.
    {"fcntl", 1, SCMP_CMP_EQ, F_GETFD, 0},
    {"fcntl", 1, SCMP_CMP_EQ, F_SETFD, 0},
    {"fcntl", 1, SCMP_CMP_EQ, F_GETFL, 0},
    {"fcntl", 1, SCMP_CMP_EQ, F_DUPFD, 0},
    {"fcntl", 1, SCMP_CMP_EQ, F_DUPFD_CLOEXEC, 0},
    // The terminal queries of stdio and non-blocking mode; not FIOSETOWN/FIOASYNC (signals again).
    {"ioctl", 1, SCMP_CMP_EQ, TCGETS, 0},
    {"ioctl", 1, SCMP_CMP_EQ, FIONBIO, 0},
    {"ioctl", 1, SCMP_CMP_EQ, FIONREAD, 0},
    // Threads, not processes: a child would outlive the worker's death signal.
    {"clone", 0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD},
    // The calling thread's affinity and priority only: not the host's.
    {"sched_setaffinity", 0, SCMP_CMP_EQ, 0, 0},
    {"setpriority", 1, SCMP_CMP_EQ, 0, 0},
};

// The names of system calls by number, resolved once when the filter is installed: the SIGSYS handler
// cannot allocate.
constexpr int kMaxSyscall = 512;
std::array<const char*, kMaxSyscall> g_names{};

void write_all(const char* s, size_t n) {
  while (n != 0) {
    const ssize_t w = write(STDERR_FILENO, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void write_str(const char* s) { write_all(s, strlen(s)); }

void write_num(long v) {
  char buf[24];
  int i = sizeof buf;
  const bool negative = v < 0;
  unsigned long u = negative ? static_cast<unsigned long>(-v) : static_cast<unsigned long>(v);
  do {
    buf[--i] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0 && i > 1);
  if (negative) buf[--i] = '-';
  write_all(buf + i, sizeof buf - i);
}

// A forbidden system call (SCMP_ACT_TRAP): report it in the crash report's form, which the host keeps for
// the error of the calls in flight, then die by SIGSYS.
void on_sigsys(int, siginfo_t* info, void*) {
  const int nr = info->si_syscall;
  write_str("cxx2go: fatal signal SIGSYS (forbidden system call ");
  write_str(nr >= 0 && nr < kMaxSyscall && g_names[nr] != nullptr ? g_names[nr] : "?");
  write_str(", number ");
  write_num(nr);
  write_str(") in thread ");
  write_num(static_cast<long>(syscall(SYS_gettid)));
  write_str(": the worker's seccomp sandbox does not allow it (docs/isolation.md, \"Sandbox\"; Worker.Seccomp adds "
            "system calls)\n");
  write_str("cxx2go: end of the crash report (docs/debugging.md)\n");
  raise(SIGSYS);  // the handler was reset to the default on entry and SIGSYS is not blocked: this kills
  _exit(128 + SIGSYS);
}

}  // namespace

void use_seccomp_sandbox() noexcept { set_worker_sandbox(&apply_seccomp_policy); }

std::string apply_seccomp_policy(const char* policy) {
  std::string_view rest = policy != nullptr ? policy : "";
  for (int nr = 0; nr < kMaxSyscall; ++nr) {
    if (g_names[nr] == nullptr) g_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
  }
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
  if (ctx == nullptr) return "seccomp_init failed";
  struct Release {
    scmp_filter_ctx ctx;
    ~Release() { seccomp_release(ctx); }
  } release{ctx};
  std::string why;
  std::set<int> allowed;
  auto allow = [&](std::string_view name, bool must_exist) {
    const std::string n(name);
    const int nr = seccomp_syscall_resolve_name(n.c_str());
    if (nr == __NR_SCMP_ERROR) {
      if (must_exist && why.empty()) why = "unknown system call '" + n + "'";
      return;
    }
    if (!allowed.insert(nr).second) return;
    if (int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0); rc != 0 && why.empty()) {
      why = "seccomp_rule_add(" + n + "): " + strerror(-rc);
    }
  };
  bool base = false;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item == "default") {
      base = true;
    } else if (!item.empty() && item[0] == '+') {
      allow(item.substr(1), true);
    } else if (!item.empty()) {
      return "bad policy item '" + std::string(item) + "'";
    }
  }
  if (base) {
    for (const char* name : kDefaultAllowed) allow(name, false);
    // A system call the host added by name is allowed with any arguments; the others only with these.
    std::set<int> restricted;
    for (const ArgRule& rule : kArgRules) {
      const int nr = seccomp_syscall_resolve_name(rule.name);
      if (nr == __NR_SCMP_ERROR || (allowed.contains(nr) && !restricted.contains(nr))) continue;
      restricted.insert(nr);
      allowed.insert(nr);
      const scmp_datum_t value = rule.value == kThisProcess ? static_cast<scmp_datum_t>(getpid()) : rule.value;
      const scmp_arg_cmp cmp = rule.op == SCMP_CMP_MASKED_EQ ? scmp_arg_cmp{rule.arg, rule.op, rule.mask, value}
                                                             : scmp_arg_cmp{rule.arg, rule.op, value, 0};
      if (int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp); rc != 0 && why.empty()) {
        why = std::string("seccomp_rule_add(") + rule.name + "): " + strerror(-rc);
      }
    }
    // clone3 passes its flags in memory, where a filter cannot read them: it fails with ENOSYS, and glibc
    // creates threads with clone instead.
    if (const int nr = seccomp_syscall_resolve_name("clone3"); nr != __NR_SCMP_ERROR && !allowed.contains(nr)) {
      allowed.insert(nr);
      seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
    }
  }
  if (!why.empty()) return why;
  // Opening files fails instead of killing: libbacktrace opens the program while writing a crash report.
  for (const char* name : {"open", "openat"}) {
    const int nr = seccomp_syscall_resolve_name(name);
    if (nr != __NR_SCMP_ERROR && !allowed.contains(nr)) {
      seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), nr, 0);
    }
  }
  struct sigaction sa {};
  sa.sa_sigaction = &on_sigsys;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSYS, &sa, nullptr) != 0) return std::string("sigaction(SIGSYS): ") + strerror(errno);
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);  // threads that already run are confined too
  if (int rc = seccomp_load(ctx); rc != 0) return std::string("seccomp_load: ") + strerror(-rc);
  return {};
}

}  // namespace cxx2go
