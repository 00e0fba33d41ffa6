// cxx2go/detail/state.h — the shared state between a Promise and its Future.
//
// A state is resolved exactly once, by whichever comes first of:
//   - the producer: Promise::set_value/set_error/set_result          → Status::value
//   - the consumer: Future::cancel(), or destroying a pending Future → Status::cancelled
//   - the producer giving up: destroying an unresolved Promise        → Status::dropped
// Each transition is made under `mu_` and only from Status::pending, so a second attempt sees a resolved
// state and fails; that is the whole argument for "exactly once".
//
// Memory ordering: `status_` is stored (release) under `mu_` after the result is in place, and read with
// acquire loads outside `mu_` (ready(), take()), so a reader that sees a resolved status also sees the
// result. Everything else (continuation, cancel callbacks, stop source) is only touched under `mu_`, and all
// of it runs after `mu_` is released, so callbacks may freely call back into the state.
#ifndef CXX2GO_DETAIL_STATE_H_
#define CXX2GO_DETAIL_STATE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

#include "cxx2go/detail/function.h"
#include "cxx2go/error.h"

namespace cxx2go::detail {

enum class Status : uint8_t { pending, value, cancelled, dropped };

class StateBase {
 public:
  StateBase(const StateBase&) = delete;
  StateBase& operator=(const StateBase&) = delete;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  Status status() const noexcept { return status_.load(std::memory_order_acquire); }
  bool ready() const noexcept { return status() != Status::pending; }

  void wait() const;
  // Returns ready().
  bool wait_until(std::chrono::steady_clock::time_point deadline) const;

  // Consumer side. If pending: resolves as cancelled, then runs the cancel callbacks, requests stop on the
  // stop source, and runs the continuation, in that order, on this thread. Otherwise does nothing.
  void cancel() noexcept;
  // Producer side, from ~Promise: if pending, resolves as dropped.
  void abandon() noexcept;

  // Runs `fn` once if the state is cancelled: now if it already is, never if it is or gets resolved
  // otherwise (then `fn` is destroyed).
  void on_cancel(UniqueFunction<void()> fn);
  // Stops once the state is cancelled. The stop source is created on first use: most states never need it.
  std::stop_token stop_token();

  // If pending, keeps `fn` (moving from it) to run once on the resolving thread, after the result is
  // published, and returns true. If already resolved, leaves `fn` alone and returns false: the caller
  // decides whether to run it inline. At most one continuation per state; `fn` must not throw.
  bool try_set_continuation(UniqueFunction<void()>& fn);

 protected:
  StateBase() = default;
  virtual ~StateBase();

  // Finishes a resolution that the caller began by taking `lock` on `mu_`, checking that the state was
  // pending and storing the result.
  void publish(std::unique_lock<std::mutex> lock, Status status) noexcept;

  mutable std::mutex mu_;

 private:
  std::atomic<uint32_t> refs_{1};
  std::atomic<Status> status_{Status::pending};
  mutable std::condition_variable resolved_;
  UniqueFunction<void()> continuation_;
  // The first cancel callback in place: nearly every state has exactly one (a call's record asking its
  // peer to stop), and a vector would allocate on one thread what the resolving thread frees.
  UniqueFunction<void()> first_cancel_callback_;
  std::vector<UniqueFunction<void()>> more_cancel_callbacks_;
  std::stop_source stop_{std::nostopstate};
};

template <class T>
class SharedState final : public StateBase {
 public:
  // Returns false (and leaves the state as it is) if it was already resolved. If moving the result into
  // place throws, the exception propagates and the state stays pending.
  bool set(Result<T>&& result) {
    std::unique_lock lock(mu_);
    if (status() != Status::pending) return false;
    result_.emplace(std::move(result));
    publish(std::move(lock), Status::value);
    return true;
  }

  // Moves the result out. Precondition: ready(), and called at most once (by the single consumer).
  Result<T> take() noexcept {
    switch (status()) {
      case Status::value:
        try {
          return std::move(*result_);
        } catch (...) {  // a throwing move constructor of T
          return error_from_current_exception();
        }
      case Status::cancelled:
        return error_nothrow(Code::cancelled, "cancelled");
      case Status::pending:
      case Status::dropped:
        break;
    }
    return error_nothrow(Code::internal, "promise dropped without a result");
  }

 private:
  std::optional<Result<T>> result_;
};

// An owning reference to a state.
template <class S>
class Ref {
 public:
  Ref() noexcept = default;
  explicit Ref(S* adopt) noexcept : p_(adopt) {}
  static Ref share(S* p) noexcept {
    p->add_ref();
    return Ref(p);
  }
  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Ref& operator=(Ref&& other) noexcept {
    Ref(std::move(other)).swap(*this);
    return *this;
  }
  ~Ref() {
    if (p_ != nullptr) p_->release();
  }

  S* get() const noexcept { return p_; }
  S* operator->() const noexcept { return p_; }
  S& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  void swap(Ref& other) noexcept { std::swap(p_, other.p_); }

 private:
  S* p_ = nullptr;
};

}  // namespace cxx2go::detail

#endif  // CXX2GO_DETAIL_STATE_H_
