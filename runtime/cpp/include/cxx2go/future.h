// cxx2go/future.h — Promise/Future, continuations, co_await, and Future<T> as a coroutine return type.
//
// A Future is the single consumer of a result; a Promise is its single producer. The result is produced
// exactly once (detail/state.h argues why): by the producer, by cancellation, or by the producer giving up.
//
//   Promise<int> p;                         // producer side
//   Future<int> f = p.get_future();
//   p.set_value(42);                        // false if the future was cancelled first
//   Result<int> r = f.get();                // blocks; or f.then(...), or co_await std::move(f)
//
// Cancellation is by destruction: destroying a pending Future cancels it (detach() opts out). Cancelling
// resolves the Future with Code::cancelled at once and tells the producer (Promise::on_cancel,
// Promise::stop_token), which may stop early; its later set_value() returns false.
//
// A Future object is used by one thread at a time, like any value. The Promise and the Future may be on
// different threads.
//
// Coroutines: a function returning Future<T> may be a coroutine. It starts eagerly (runs until its first
// suspension before returning the Future), and its frame is destroyed when it finishes, before its Future
// is resolved. Inside:
//   - `co_return value;`, `co_return Error{...};`, `co_return result;` (a Result<T>) for T != void;
//   - for Future<void>, `co_return;` (or flowing off the end) succeeds and `co_yield Error{...};` fails:
//     a coroutine's promise cannot have both return_void and return_value, and flowing off the end of a
//     coroutine without return_void is undefined behaviour, so void coroutines report errors through
//     co_yield, which ends the coroutine like co_return does;
//   - an exception escaping the body becomes Code::exception (error_from_current_exception());
//   - `co_await std::move(future)` yields the Result<U> of another Future (it never throws). Awaiting
//     consumes the Future, hence the std::move; awaiting an lvalue does not compile. The coroutine resumes
//     on current_executor() as it was when it suspended, or inline on the resolving thread if that was null
//     (or if the executor stopped and refused or dropped the resumption: a coroutine is never lost);
//   - `co_await cxx2go::this_coroutine::stop_token` is a std::stop_token that stops when the coroutine's
//     own Future is cancelled. Cancelling that Future also cancels the Future the coroutine is awaiting.
// As with any coroutine, a lambda's captures live in the closure object, not in the coroutine frame: a
// lambda coroutine that outlives its closure must take what it needs as parameters.
#ifndef CXX2GO_FUTURE_H_
#define CXX2GO_FUTURE_H_

#include "cxx2go/require_cxx20.h"

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>
#include <vector>

#include "cxx2go/detail/function.h"
#include "cxx2go/detail/state.h"
#include "cxx2go/error.h"
#include "cxx2go/executor.h"

namespace cxx2go {

template <class T>
class Promise;
template <class T>
class Future;

namespace detail {

template <class T>
class CoroutinePromise;
template <class T>
class FutureAwaiter;
struct FutureAccess;

inline Error invalid_future_error() noexcept {
  return error_nothrow(Code::failed_precondition,
                       "invalid Future (default-constructed, moved from, consumed or detached)");
}

template <class T>
class PromiseBase {
 public:
  PromiseBase() : state_(new SharedState<T>()) {}
  PromiseBase(PromiseBase&&) noexcept = default;
  PromiseBase& operator=(PromiseBase&& other) noexcept {
    if (this != &other) {
      abandon();
      state_ = std::move(other.state_);
      future_taken_ = other.future_taken_;
    }
    return *this;
  }
  PromiseBase(const PromiseBase&) = delete;
  PromiseBase& operator=(const PromiseBase&) = delete;
  // Resolves an unresolved state with Code::internal, "promise dropped without a result".
  ~PromiseBase() { abandon(); }

  // The first call returns the Future; later calls return an invalid one.
  Future<T> get_future();

  // Each setter returns false, changing nothing, if the Future is already resolved (cancelled). Once the
  // consumer has seen the result it may destroy the Promise, even while a setter is still returning.
  bool set_result(Result<T> result) { return state_ && state_->set(std::move(result)); }
  bool set_error(Error error) { return set_result(std::move(error)); }

  bool cancel_requested() const noexcept { return state_ && state_->status() == Status::cancelled; }
  // Stops when the Future is cancelled.
  std::stop_token stop_token() const { return state_ ? state_->stop_token() : std::stop_token(); }
  // Runs `fn` once when the Future is cancelled, on the cancelling thread; now if it already is; never if the
  // promise resolved it first.
  void on_cancel(UniqueFunction<void()> fn) {
    if (state_) state_->on_cancel(std::move(fn));
  }

 private:
  void abandon() noexcept {
    if (state_) state_->abandon();
  }

  Ref<SharedState<T>> state_;
  bool future_taken_ = false;
};

}  // namespace detail

template <class T>
class Promise : public detail::PromiseBase<T> {
 public:
  bool set_value(T value) { return this->set_result(Result<T>(std::move(value))); }
};

template <>
class Promise<void> : public detail::PromiseBase<void> {
 public:
  bool set_value() { return set_result(Result<void>()); }
};

namespace detail {

// The U of the Future<U> that then(f) returns, from what f returns: U, Result<U> or Future<U>.
template <class R>
struct ThenValueOf {
  using type = R;
};
template <class U>
struct ThenValueOf<Result<U>> {
  using type = U;
};
template <class U>
struct ThenValueOf<Future<U>> {
  using type = U;
};
template <class F, class T>
using ThenReturn = std::remove_cvref_t<std::invoke_result_t<std::decay_t<F>&&, Result<T>&&>>;
template <class F, class T>
using ThenValue = typename ThenValueOf<ThenReturn<F, T>>::type;

template <class R>
inline constexpr bool is_future = false;
template <class U>
inline constexpr bool is_future<Future<U>> = true;
template <class R>
inline constexpr bool is_result = false;
template <class U>
inline constexpr bool is_result<Result<U>> = true;

}  // namespace detail

template <class T>
class [[nodiscard]] Future {
 public:
  using value_type = T;
  using promise_type = detail::CoroutinePromise<T>;

  // An invalid Future: get() returns Code::failed_precondition.
  Future() noexcept = default;
  Future(Future&&) noexcept = default;
  Future& operator=(Future&& other) noexcept {
    if (this != &other) {
      cancel();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;
  // Cancels a pending Future (see cancel()).
  ~Future() { cancel(); }

  bool valid() const noexcept { return static_cast<bool>(state_); }
  bool ready() const noexcept { return state_ && state_->ready(); }

  // Waits until ready and returns the result, consuming the Future (valid() is false afterwards).
  Result<T> get() {
    if (!state_) return detail::invalid_future_error();
    state_->wait();
    detail::Ref<detail::SharedState<T>> state = std::move(state_);
    return state->take();
  }

  // Return immediately for an invalid Future (wait_* then return false).
  void wait() const {
    if (state_) state_->wait();
  }
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& timeout) const {
    if (!state_) return false;
    if (timeout <= timeout.zero()) return state_->ready();
    // Treat anything beyond ~30 years as forever instead of overflowing the clock arithmetic.
    if (std::chrono::duration<double>(timeout) >= std::chrono::hours(24 * 365 * 30)) {
      state_->wait();
      return true;
    }
    return state_->wait_until(std::chrono::steady_clock::now() +
                              std::chrono::ceil<std::chrono::steady_clock::duration>(timeout));
  }
  // Re-reads Clock after each wait, so that any clock works, including one that jumps.
  template <class Clock, class Duration>
  bool wait_until(const std::chrono::time_point<Clock, Duration>& deadline) const {
    for (;;) {
      if (!state_ || state_->ready()) return ready();
      auto now = Clock::now();
      if (now >= deadline) return false;
      wait_for(deadline - now);
    }
  }

  // If pending: resolves the Future with Error{Code::cancelled, "cancelled"} and tells the producer (its
  // on_cancel callbacks and stop token fire, on this thread). A Future that is ready (even if only just, in
  // a race with the producer) keeps its result. No-op on an invalid Future.
  void cancel() noexcept {
    if (state_ && !state_->ready()) state_->cancel();
  }
  // Gives up the result without cancelling: the producer runs to completion and its result is dropped.
  // valid() is false afterwards.
  void detach() noexcept { state_ = {}; }

  // Consumes the Future and returns a Future of what `f` makes of its result. f(Result<T>&&) returns U,
  // Result<U> or Future<U> (which is flattened into the returned Future<U>). f runs once, on the thread
  // that resolves this Future, or inline if it is ready; an exception from f becomes the returned Future's
  // Error (error_from_current_exception()). Cancelling the returned Future cancels this one (and a Future f
  // returned); f is then not called.
  template <class F>
  auto then(F&& f) -> Future<detail::ThenValue<F, T>>;

  auto operator co_await() && noexcept { return detail::FutureAwaiter<T>(std::move(*this)); }
  // Awaiting consumes the Future: write `co_await std::move(future)`.
  void operator co_await() & = delete;

 private:
  friend struct detail::FutureAccess;
  detail::Ref<detail::SharedState<T>> state_;
};

namespace detail {

// The runtime's access to Future internals.
struct FutureAccess {
  template <class T>
  static SharedState<T>* state(const Future<T>& future) noexcept {
    return future.state_.get();
  }

  template <class T>
  static Future<T> make(Ref<SharedState<T>> state) noexcept {
    Future<T> future;
    future.state_ = std::move(state);
    return future;
  }

  // Consumes a valid `future` and calls fn(Result<T>&&) once: on the thread that resolves it, or now if
  // it is ready. fn must not throw.
  template <class T, class Fn>
  static void on_ready(Future<T> future, Fn fn) {
    SharedState<T>* state = future.state_.get();
    UniqueFunction<void()> continuation =
        [future = std::move(future), fn = std::move(fn)]() mutable noexcept { fn(future.state_->take()); };
    if (!state->try_set_continuation(continuation)) continuation();
  }
};

template <class T>
Future<T> PromiseBase<T>::get_future() {
  if (!state_ || std::exchange(future_taken_, true)) return Future<T>();
  return FutureAccess::make(Ref<SharedState<T>>::share(state_.get()));
}

// Resolves `promise` with the result of `future`, and cancels `future` if `promise`'s Future is cancelled.
template <class T>
void forward_to(Future<T> future, Promise<T> promise) {
  if (!future.valid()) {
    promise.set_error(invalid_future_error());
    return;
  }
  promise.on_cancel([state = Ref<StateBase>::share(FutureAccess::state(future))] { state->cancel(); });
  FutureAccess::on_ready(std::move(future),
                         [promise = std::move(promise)](Result<T>&& result) mutable noexcept {
                           try {
                             promise.set_result(std::move(result));
                           } catch (...) {
                             promise.set_error(error_from_current_exception());
                           }
                         });
}

}  // namespace detail

template <class T>
Future<T> make_ready_future(Result<T> result) {
  Promise<T> promise;
  Future<T> future = promise.get_future();
  promise.set_result(std::move(result));
  return future;
}

inline Future<void> make_ready_future() { return make_ready_future(Result<void>()); }

template <class T>
template <class F>
auto Future<T>::then(F&& f) -> Future<detail::ThenValue<F, T>> {
  using U = detail::ThenValue<F, T>;
  using R = detail::ThenReturn<F, T>;
  if (!state_) return make_ready_future<U>(detail::invalid_future_error());
  Promise<U> promise;
  Future<U> out = promise.get_future();
  promise.on_cancel([up = detail::Ref<detail::StateBase>::share(state_.get())] { up->cancel(); });
  detail::FutureAccess::on_ready(
      std::move(*this), [promise = std::move(promise),
                         fn = std::decay_t<F>(std::forward<F>(f))](Result<T>&& result) mutable noexcept {
        if (promise.cancel_requested()) return;  // nobody wants what fn would make
        try {
          if constexpr (detail::is_future<R>) {
            detail::forward_to(std::invoke(std::move(fn), std::move(result)), std::move(promise));
          } else if constexpr (detail::is_result<R>) {
            promise.set_result(std::invoke(std::move(fn), std::move(result)));
          } else if constexpr (std::is_void_v<R>) {
            std::invoke(std::move(fn), std::move(result));
            promise.set_value();
          } else {
            promise.set_value(std::invoke(std::move(fn), std::move(result)));
          }
        } catch (...) {
          promise.set_error(error_from_current_exception());
        }
      });
  return out;
}

namespace detail {

template <class P>
inline constexpr bool is_coroutine_promise = false;
template <class T>
inline constexpr bool is_coroutine_promise<CoroutinePromise<T>> = true;

// A coroutine resumption posted to an executor. If the executor refuses it (post() returns false) or drops
// it (stop() with the resumption still queued), the resumption runs inline when it is destroyed: a suspended
// coroutine is never silently lost.
class Resumption {
 public:
  explicit Resumption(std::coroutine_handle<> handle) noexcept : handle_(handle) {}
  Resumption(Resumption&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Resumption& operator=(Resumption&&) = delete;
  ~Resumption() {
    if (handle_) handle_.resume();
  }
  void operator()() { std::exchange(handle_, {}).resume(); }

 private:
  std::coroutine_handle<> handle_;
};
static_assert(Task::stores_inline<Resumption>, "posting a resumption must not allocate");

inline void resume_on(Executor* executor, std::coroutine_handle<> handle) noexcept {
  if (executor != nullptr) {
    executor->post(Task(Resumption(handle)));
  } else {
    handle.resume();
  }
}

template <class T>
class FutureAwaiter {
 public:
  explicit FutureAwaiter(Future<T>&& future) noexcept : future_(std::move(future)) {}

  bool await_ready() const noexcept { return !future_.valid() || future_.ready(); }

  // Returns false (do not suspend) if the future became ready in the meantime.
  template <class P>
  bool await_suspend(std::coroutine_handle<P> handle) {
    StateBase* state = FutureAccess::state(future_);
    if constexpr (is_coroutine_promise<P>) {
      // Registered before the continuation: once that is in place the coroutine may be resumed on another
      // thread at any moment, and this awaiter (part of the coroutine frame) must no longer be touched.
      cancel_link_.emplace(handle.promise().stop_token(), CancelState{state});
    }
    UniqueFunction<void()> resume = [handle, executor = current_executor()]() noexcept {
      resume_on(executor, handle);
    };
    return state->try_set_continuation(resume);
  }

  Result<T> await_resume() {
    cancel_link_.reset();  // before the future lets go of the state the link points to
    return future_.get();
  }

 private:
  struct CancelState {
    StateBase* state;
    void operator()() const noexcept { state->cancel(); }
  };

  Future<T> future_;
  std::optional<std::stop_callback<CancelState>> cancel_link_;  // declared last: destroyed first
};

template <class T>
class CoroutinePromiseBase {
 public:
  Future<T> get_return_object() { return promise_.get_future(); }
  std::suspend_never initial_suspend() const noexcept { return {}; }
  auto final_suspend() const noexcept { return Finish{}; }
  void unhandled_exception() noexcept { result_.emplace(error_from_current_exception()); }
  std::stop_token stop_token() const { return promise_.stop_token(); }

 protected:
  // Ends the coroutine: destroys the frame, then publishes the result, so that whoever consumes the result
  // never races with the destruction of the coroutine's locals and parameters.
  struct Finish {
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> handle) const noexcept {
      finish(handle.promise(), handle);
    }
    void await_resume() const noexcept {}
  };

  std::optional<Result<T>> result_;

 private:
  static void finish(CoroutinePromiseBase& self, std::coroutine_handle<> handle) noexcept {
    Promise<T> promise = std::move(self.promise_);
    std::optional<Result<T>> result;
    try {
      result = std::move(self.result_);
    } catch (...) {
      result.emplace(error_from_current_exception());
    }
    handle.destroy();  // `self` is gone from here on
    // No result only after flowing off the end of a non-void coroutine (undefined behaviour); ~Promise then
    // reports a dropped promise.
    if (!result) return;
    try {
      promise.set_result(std::move(*result));
    } catch (...) {
      promise.set_error(error_from_current_exception());
    }
  }

  Promise<T> promise_;
};

template <class T>
class CoroutinePromise final : public CoroutinePromiseBase<T> {
 public:
  // co_return value; co_return Error{...}; co_return result;
  void return_value(Result<T> result) { this->result_.emplace(std::move(result)); }
};

template <>
class CoroutinePromise<void> final : public CoroutinePromiseBase<void> {
 public:
  void return_void() noexcept { result_.emplace(); }
  // co_yield Error{...}: ends the coroutine with that error, as co_return would.
  Finish yield_value(Error error) noexcept {
    result_.emplace(std::move(error));
    return {};
  }
};

class StopTokenAwaiter {
 public:
  bool await_ready() const noexcept { return false; }
  template <class P>
  requires is_coroutine_promise<P>
  bool await_suspend(std::coroutine_handle<P> handle) {
    token_ = handle.promise().stop_token();
    return false;  // never actually suspends: suspending is only how an awaiter reaches the promise
  }
  std::stop_token await_resume() noexcept { return std::move(token_); }

 private:
  std::stop_token token_;
};

struct CurrentStopToken {
  StopTokenAwaiter operator co_await() const noexcept { return {}; }
};

}  // namespace detail

namespace this_coroutine {
// `co_await cxx2go::this_coroutine::stop_token` in a coroutine returning Future<T>: a token that stops when
// that Future is cancelled (or destroyed while pending).
inline constexpr detail::CurrentStopToken stop_token{};
}  // namespace this_coroutine

// A Future of all the results, in the order of `futures`, once every one is ready. Cancelling it cancels
// every input that is still pending.
template <class T>
Future<std::vector<Result<T>>> when_all(std::vector<Future<T>> futures) {
  using Results = std::vector<Result<T>>;
  struct Gather {
    explicit Gather(std::size_t n) : slots(n), remaining(n) {}
    std::vector<std::optional<Result<T>>> slots;  // slot i is written only by input i's continuation
    std::atomic<std::size_t> remaining;
    Promise<Results> promise;
  };
  if (futures.empty()) return make_ready_future(Result<Results>(Results()));
  auto gather = std::make_shared<Gather>(futures.size());
  Future<Results> out = gather->promise.get_future();
  std::vector<detail::Ref<detail::StateBase>> inputs;
  inputs.reserve(futures.size());
  for (Future<T>& f : futures) {
    inputs.push_back(f.valid() ? detail::Ref<detail::StateBase>::share(detail::FutureAccess::state(f))
                               : detail::Ref<detail::StateBase>());
  }
  gather->promise.on_cancel([inputs = std::move(inputs)] {
    for (const auto& input : inputs) {
      if (input) input->cancel();
    }
  });
  for (std::size_t i = 0; i < futures.size(); ++i) {
    // The acq_rel decrement orders every slot write before the last input's read of all slots.
    auto store = [gather, i](Result<T>&& result) noexcept {
      try {
        gather->slots[i].emplace(std::move(result));
      } catch (...) {
        gather->slots[i].emplace(error_from_current_exception());
      }
      if (gather->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      try {
        Results results;
        results.reserve(gather->slots.size());
        for (auto& slot : gather->slots) results.push_back(std::move(*slot));
        gather->promise.set_value(std::move(results));
      } catch (...) {
        gather->promise.set_error(error_from_current_exception());
      }
    };
    if (futures[i].valid()) {
      detail::FutureAccess::on_ready(std::move(futures[i]), std::move(store));
    } else {
      store(detail::invalid_future_error());
    }
  }
  return out;
}

template <class T>
Result<T> EventLoop::block_on(Future<T> future) {
  if (future.valid() && !run_until(detail::FutureAccess::state(future))) {
    return Error(Code::stopped, "event loop stopped before the future was ready");
  }
  return future.get();
}

template <class F>
requires std::invocable<F>
auto EventLoop::block_on(F&& start) {
  std::optional<std::invoke_result_t<F>> future;
  run_here([&] { future.emplace(std::invoke(std::forward<F>(start))); });
  return block_on(std::move(*future));
}

}  // namespace cxx2go

#endif  // CXX2GO_FUTURE_H_
