// cxx2go/context.h — what an implementation learns about the call it serves, and what a caller asks for.
#ifndef CXX2GO_CONTEXT_H_
#define CXX2GO_CONTEXT_H_

#include "cxx2go/require_cxx20.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "cxx2go/error.h"

namespace cxx2go {

class Context;

namespace detail {
class IncomingCall;
Context direct_context(int64_t deadline_unix_nanos) noexcept;
}

// The caller's distributed trace, in W3C Trace Context form, and from a Go caller the pprof labels of its
// context (docs/debugging.md, "Trace context"). It crosses the boundary with a call: Context::trace() in
// a C++ implementation, CallOptions::trace for a C++ caller.
struct TraceContext {
  std::string traceparent;  // "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", or empty
  std::string tracestate;   // vendor state, or empty
  std::vector<std::pair<std::string, std::string>> labels;  // a Go caller's pprof labels (Options.PropagateLabels)
};

// Handed to a C++ service implementation: its stop token fires when the caller cancels the call (or its
// deadline passes); the deadline is the caller's, if it set one. cause() tells the two apart, as a Go
// context's Err() does.
class Context {
 public:
  using Deadline = std::optional<std::chrono::system_clock::time_point>;

  Context() = default;
  Context(std::stop_token stop_token, Deadline deadline) noexcept
      : stop_token_(std::move(stop_token)), deadline_(deadline.value_or(kNoDeadline)) {}
  // Copies (and moves) always own their token: they may outlive the call whose source the original borrows.
  Context(const Context& other) noexcept
      : stop_token_(other.stop_token()), deadline_(other.deadline_), trace_(other.trace_) {}
  Context(Context&& other) noexcept
      : stop_token_(other.take_token()), deadline_(other.deadline_), trace_(std::move(other.trace_)) {}
  Context& operator=(const Context& other) noexcept {
    if (this != &other) {
      stop_token_ = other.stop_token();
      borrowed_ = nullptr;
      deadline_ = other.deadline_;
      trace_ = other.trace_;
    }
    return *this;
  }
  Context& operator=(Context&& other) noexcept {
    if (this != &other) {
      stop_token_ = other.take_token();
      borrowed_ = nullptr;
      deadline_ = other.deadline_;
      trace_ = std::move(other.trace_);
    }
    return *this;
  }
  ~Context() = default;

  std::stop_token stop_token() const noexcept { return borrowed_ != nullptr ? borrowed_->get_token() : stop_token_; }
  bool cancelled() const noexcept {
    return borrowed_ != nullptr ? borrowed_->stop_requested() : stop_token_.stop_requested();
  }
  Deadline deadline() const noexcept { return deadline_ == kNoDeadline ? Deadline() : Deadline(deadline_); }

  // Why the call ended, like Go's ctx.Err(): Code::ok while the stop token has not fired;
  // Code::deadline_exceeded once it fired and the deadline has passed; Code::cancelled once it fired
  // before the deadline (the caller cancelled, or the runtime is stopping). A stop that arrives at or after
  // the deadline is the deadline's: Go ends a caller's context at its deadline by cancelling the call,
  // and the deadline is the same wall-clock instant on both sides. The answer is computed when asked:
  // a call cancelled before its deadline and asked only after the deadline passed reads
  // deadline_exceeded.
  Code cause() const noexcept {
    if (!cancelled()) return Code::ok;
    return deadline_exceeded() ? Code::deadline_exceeded : Code::cancelled;
  }
  // True once the deadline has passed (by the wall clock), whether or not the stop token fired yet.
  bool deadline_exceeded() const noexcept {
    return deadline_ != kNoDeadline && std::chrono::system_clock::now() >= deadline_;
  }

  // The caller's trace context, or null if it sent none. shared_trace() continues it in a call to Go:
  // CallOptions{.trace = context.shared_trace()}.
  const TraceContext* trace() const noexcept { return trace_.get(); }
  const std::shared_ptr<const TraceContext>& shared_trace() const noexcept { return trace_; }

 private:
  // The runtime's call records lend an inline call's Context a stop source (IncomingCall::borrow_context).
  friend class detail::IncomingCall;
  friend Context detail::direct_context(int64_t deadline_unix_nanos) noexcept;
  std::stop_token take_token() noexcept {
    return borrowed_ != nullptr ? borrowed_->get_token() : std::move(stop_token_);
  }

  std::stop_token stop_token_;
  // Instead of stop_token_, for a call the runtime runs inline: a stop source that outlives the call (the
  // runtime's own). Reading it needs no token, whose copy costs two atomic reference-count updates on a
  // cache line that every thread calling in shares.
  const std::stop_source* borrowed_ = nullptr;
  // A time point, not a Deadline: GCC 12 warns that an empty optional's value "may be used uninitialized"
  // (-Wmaybe-uninitialized) where a Context holding one is copied and inlined, in users' builds too.
  static constexpr std::chrono::system_clock::time_point kNoDeadline = std::chrono::system_clock::time_point::max();
  std::chrono::system_clock::time_point deadline_ = kNoDeadline;
  std::shared_ptr<const TraceContext> trace_;
};

// Options of a C++ → Go call. The deadline is wall-clock time because it travels to Go as Unix nanoseconds.
// The stop token, when it fires, cancels the call: the Go handler's ctx is cancelled (as DeadlineExceeded
// if the deadline has passed by then), a `_async` call's Future resolves with Code::cancelled at once, and
// a synchronous call returns what the handler answers (ctx.Err() reaches C++ as Code::cancelled). A call
// made after it fired fails at once without reaching Go. A oneway call cannot be
// cancelled once handed over: its token is checked only before. Options without a stop token cost
// nothing more than before (no allocation, no atomic operation).
struct CallOptions {
  std::optional<std::chrono::system_clock::time_point> deadline;
  std::stop_token stop_token{};
  // Sent with the call: the Go handler's ctx carries it (through cxx2go.SetTracePropagator). Not sent by
  // @direct calls.
  std::shared_ptr<const TraceContext> trace{};

  static CallOptions with_timeout(std::chrono::nanoseconds timeout) {
    return with_deadline(std::chrono::system_clock::now() +
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(timeout));
  }
  static CallOptions with_deadline(std::chrono::system_clock::time_point deadline) {
    CallOptions options;
    options.deadline = deadline;
    return options;
  }
  // The options of a call made while serving `context`: its stop token and its deadline. The call then
  // ends with the call being served (its Go caller cancelling it, its deadline, the runtime stopping), as
  // a Go handler's nested calls do when passed its ctx.
  static CallOptions from(const Context& context) {
    CallOptions options;
    options.deadline = context.deadline();
    options.stop_token = context.stop_token();
    return options;
  }
  // from(context) with a deadline no later than now + timeout: the earlier deadline wins.
  static CallOptions from(const Context& context, std::chrono::nanoseconds timeout) {
    return from(context).within(timeout);
  }
  // These options with a deadline no later than `deadline` (until) or now + `timeout` (within): the
  // earlier deadline wins, so a nested call never outlives its caller's deadline.
  [[nodiscard]] CallOptions until(std::chrono::system_clock::time_point limit) const {
    CallOptions options = *this;
    if (!options.deadline || limit < *options.deadline) options.deadline = limit;
    return options;
  }
  [[nodiscard]] CallOptions within(std::chrono::nanoseconds timeout) const {
    return until(std::chrono::system_clock::now() +
                 std::chrono::duration_cast<std::chrono::system_clock::duration>(timeout));
  }
};

}  // namespace cxx2go

#endif  // CXX2GO_CONTEXT_H_
