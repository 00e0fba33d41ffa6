// cxx2go/context.h — what an implementation learns about the call it serves, and what a caller asks for.
#ifndef CXX2GO_CONTEXT_H_
#define CXX2GO_CONTEXT_H_

#include "cxx2go/require_cxx20.h"

#include <chrono>
#include <optional>
#include <stop_token>
#include <utility>

namespace cxx2go {

namespace detail {
struct ContextAccess;
}

// Handed to a C++ service implementation: its stop token fires when the caller cancels the call (or its
// deadline passes); the deadline is the caller's, if it set one.
class Context {
 public:
  using Deadline = std::optional<std::chrono::system_clock::time_point>;

  Context() = default;
  Context(std::stop_token stop_token, Deadline deadline) noexcept
      : stop_token_(std::move(stop_token)), deadline_(deadline) {}
  // Copies (and moves) always own their token: they may outlive the call whose source the original borrows.
  Context(const Context& other) noexcept : stop_token_(other.stop_token()), deadline_(other.deadline_) {}
  Context(Context&& other) noexcept : stop_token_(other.take_token()), deadline_(other.deadline_) {}
  Context& operator=(const Context& other) noexcept {
    if (this != &other) {
      stop_token_ = other.stop_token();
      borrowed_ = nullptr;
      deadline_ = other.deadline_;
    }
    return *this;
  }
  Context& operator=(Context&& other) noexcept {
    if (this != &other) {
      stop_token_ = other.take_token();
      borrowed_ = nullptr;
      deadline_ = other.deadline_;
    }
    return *this;
  }
  ~Context() = default;

  std::stop_token stop_token() const noexcept { return borrowed_ != nullptr ? borrowed_->get_token() : stop_token_; }
  bool cancelled() const noexcept {
    return borrowed_ != nullptr ? borrowed_->stop_requested() : stop_token_.stop_requested();
  }
  Deadline deadline() const noexcept { return deadline_; }

 private:
  friend struct detail::ContextAccess;
  std::stop_token take_token() noexcept {
    return borrowed_ != nullptr ? borrowed_->get_token() : std::move(stop_token_);
  }

  std::stop_token stop_token_;
  // Instead of stop_token_, for a call the runtime runs inline: a stop source that outlives the call (the
  // runtime's own). Reading it needs no token, whose copy costs two atomic reference-count updates on a
  // cache line that every thread calling in shares.
  const std::stop_source* borrowed_ = nullptr;
  Deadline deadline_;
};

namespace detail {
struct ContextAccess {
  // Makes `context` read `source`, which must outlive every use of `context` (copies own their token).
  static void borrow(Context& context, const std::stop_source& source, Context::Deadline deadline) noexcept {
    context.stop_token_ = std::stop_token();
    context.borrowed_ = &source;
    context.deadline_ = deadline;
  }
};
}  // namespace detail

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
