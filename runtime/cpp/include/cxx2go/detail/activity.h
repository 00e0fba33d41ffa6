// cxx2go/detail/activity.h — what the calling thread is running, for crash reports (src/debug/crash.cc,
// docs/debugging.md): the C++ implementation of a Go → C++ method, or Go (a call into the Go peer). The
// crash handler reads it, so a fault in C++ code names its method, and a fault in Go code, which the Go
// runtime turns into a panic, is left to Go.
#ifndef CXX2GO_DETAIL_ACTIVITY_H_
#define CXX2GO_DETAIL_ACTIVITY_H_

#include <cstdint>

namespace cxx2go::detail {

struct MethodInfo;

// One word, saved and restored around every call: the innermost Go → C++ method this thread runs (a
// MethodInfo*, or 0), with kInGo set while the thread is inside a call into Go made from C++.
inline constexpr uintptr_t kInGo = 1;  // MethodInfo is aligned, so its address never has this bit
// Constant-initialized, so that reading it (from a signal handler too) needs no TLS wrapper.
extern constinit thread_local uintptr_t t_activity;

inline const MethodInfo* serving_method(uintptr_t activity) noexcept {
  return reinterpret_cast<const MethodInfo*>(activity & ~kInGo);
}

// While alive, this thread runs the C++ implementation of `method`.
class ServingMethod {
 public:
  explicit ServingMethod(const MethodInfo& method) noexcept : outer_(t_activity) {
    t_activity = reinterpret_cast<uintptr_t>(&method);
  }
  ~ServingMethod() { t_activity = outer_; }
  ServingMethod(const ServingMethod&) = delete;
  ServingMethod& operator=(const ServingMethod&) = delete;

 private:
  uintptr_t outer_;
};

// While alive, this thread is in a call into Go.
class InGo {
 public:
  InGo() noexcept : outer_(t_activity) { t_activity = outer_ | kInGo; }
  ~InGo() { t_activity = outer_; }
  InGo(const InGo&) = delete;
  InGo& operator=(const InGo&) = delete;

 private:
  uintptr_t outer_;
};

}  // namespace cxx2go::detail

#endif  // CXX2GO_DETAIL_ACTIVITY_H_
