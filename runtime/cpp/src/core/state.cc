#include "cxx2go/detail/state.h"

#include "../exec/spin_wait.h"

namespace cxx2go::detail {
namespace {

// Cancel callbacks run wherever cancellation happens, often in a destructor: an exception cannot go anywhere.
void run_cancel_callback(UniqueFunction<void()>& fn) noexcept {
  try {
    fn();
  } catch (...) {
    report_uncaught_exception("an on_cancel callback");
  }
}

}  // namespace

StateBase::~StateBase() = default;

void StateBase::wait() const {
  // A result from another thread (e.g. Go completing a call) often arrives within microseconds: poll for a
  // while before sleeping, which would cost a thread wake-up (spin_wait.h). The predicate wait under mu_
  // below decides; publish() notifies after storing the status, so a waiter cannot miss it.
  if (const IdleHelper help = g_wait_helper.load(std::memory_order_acquire);
      (help != nullptr && help([](const void* self) { return static_cast<const StateBase*>(self)->ready(); }, this)) ||
      spin_until(std::chrono::nanoseconds(g_wait_spin_nanos.load(std::memory_order_relaxed)),
                 [this] { return ready(); })) {
    return;
  }
  std::unique_lock lock(mu_);
  resolved_.wait(lock, [this] { return ready(); });
}

bool StateBase::wait_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return resolved_.wait_until(lock, deadline, [this] { return ready(); });
}

void StateBase::publish(std::unique_lock<std::mutex> lock, Status status) noexcept {
  // Once the status is stored, the consumer may observe it, drop the Future and, seeing the result, drop
  // the Promise too, on another thread, while this function still notifies and runs callbacks. The state
  // keeps itself alive until then.
  Ref<StateBase> self = Ref<StateBase>::share(this);  // destroyed last
  status_.store(status, std::memory_order_release);
  UniqueFunction<void()> continuation = std::move(continuation_);
  // Cancel callbacks run only when the state is cancelled; otherwise they are dropped now, which also
  // releases whatever they hold (e.g. references to upstream states).
  UniqueFunction<void()> first_callback = std::move(first_cancel_callback_);
  std::vector<UniqueFunction<void()>> callbacks = std::move(more_cancel_callbacks_);
  std::stop_source stop = status == Status::cancelled ? stop_ : std::stop_source(std::nostopstate);
  lock.unlock();
  resolved_.notify_all();
  if (status == Status::cancelled) {
    if (first_callback) run_cancel_callback(first_callback);
    for (UniqueFunction<void()>& fn : callbacks) run_cancel_callback(fn);
    stop.request_stop();
  }
  first_callback = nullptr;
  callbacks.clear();
  if (continuation) continuation();
}

void StateBase::cancel() noexcept {
  std::unique_lock lock(mu_);
  if (ready()) return;
  publish(std::move(lock), Status::cancelled);
}

void StateBase::abandon() noexcept {
  std::unique_lock lock(mu_);
  if (ready()) return;
  publish(std::move(lock), Status::dropped);
}

void StateBase::on_cancel(UniqueFunction<void()> fn) {
  std::unique_lock lock(mu_);
  switch (status()) {
    case Status::pending:
      if (!first_cancel_callback_) {
        first_cancel_callback_ = std::move(fn);
      } else {
        more_cancel_callbacks_.push_back(std::move(fn));
      }
      return;
    case Status::cancelled:
      lock.unlock();
      run_cancel_callback(fn);
      return;
    case Status::value:
    case Status::dropped:
      lock.unlock();  // fn is destroyed on return, outside the lock
      return;
  }
}

std::stop_token StateBase::stop_token() {
  std::lock_guard lock(mu_);
  if (!stop_.stop_possible()) {
    stop_ = std::stop_source();
    // Nothing can be registered on a fresh source yet, so requesting stop here runs no callback.
    if (status() == Status::cancelled) stop_.request_stop();
  }
  return stop_.get_token();
}

bool StateBase::try_set_continuation(UniqueFunction<void()>& fn) {
  std::lock_guard lock(mu_);
  if (ready()) return false;
  continuation_ = std::move(fn);
  return true;
}

}  // namespace cxx2go::detail
