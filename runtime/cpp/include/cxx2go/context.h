// cxx2go/context.h — what an implementation learns about the call it serves, and what a caller asks for.
#ifndef CXX2GO_CONTEXT_H_
#define CXX2GO_CONTEXT_H_

#include <chrono>
#include <optional>
#include <stop_token>
#include <utility>

namespace cxx2go {

// Handed to a C++ service implementation: its stop token fires when the caller cancels the call (or its
// deadline passes); the deadline is the caller's, if it set one.
class Context {
 public:
  using Deadline = std::optional<std::chrono::system_clock::time_point>;

  Context() = default;
  Context(std::stop_token stop_token, Deadline deadline) noexcept
      : stop_token_(std::move(stop_token)), deadline_(deadline) {}

  std::stop_token stop_token() const noexcept { return stop_token_; }
  bool cancelled() const noexcept { return stop_token_.stop_requested(); }
  Deadline deadline() const noexcept { return deadline_; }

 private:
  std::stop_token stop_token_;
  Deadline deadline_;
};

// Options of a C++ → Go call. The deadline is wall-clock time because it travels to Go as Unix nanoseconds.
struct CallOptions {
  std::optional<std::chrono::system_clock::time_point> deadline;

  static CallOptions with_timeout(std::chrono::nanoseconds timeout) {
    return with_deadline(std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(timeout));
  }
  static CallOptions with_deadline(std::chrono::system_clock::time_point deadline) {
    return CallOptions{deadline};
  }
};

}  // namespace cxx2go

#endif  // CXX2GO_CONTEXT_H_
