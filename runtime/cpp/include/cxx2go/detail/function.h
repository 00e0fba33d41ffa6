// cxx2go/detail/function.h — UniqueFunction, a move-only type-erased callable (like C++23's
// std::move_only_function, which libstdc++ 12 lacks). Tasks, continuations and callbacks own their
// captures, and many captures (a promise, a coroutine handle) are move-only.
#ifndef CXX2GO_DETAIL_FUNCTION_H_
#define CXX2GO_DETAIL_FUNCTION_H_

#include <cassert>
#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace cxx2go::detail {

template <class Sig>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
  // Callables up to three pointers in size live inline (a coroutine handle plus an executor, a state
  // reference plus a promise); larger ones on the heap. Inline ones must move without throwing, so that
  // moving a UniqueFunction never throws.
  static constexpr std::size_t kInlineSize = 3 * sizeof(void*);

 public:
  template <class F>
  static constexpr bool stores_inline =
      sizeof(F) <= kInlineSize && alignof(F) <= alignof(void*) && std::is_nothrow_move_constructible_v<F>;

  UniqueFunction() noexcept = default;
  UniqueFunction(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)

  template <class F, class D = std::decay_t<F>>
  requires(!std::is_same_v<D, UniqueFunction> && std::is_invocable_r_v<R, D&, Args...>)
      UniqueFunction(F&& f) {  // NOLINT(google-explicit-constructor)
    if constexpr (std::is_pointer_v<D> || std::is_member_pointer_v<D>) {
      if (f == nullptr) return;  // a null function pointer makes an empty UniqueFunction, not a crash later
    }
    if constexpr (stores_inline<D>) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    } else {
      ::new (static_cast<void*>(storage_)) D*(new D(std::forward<F>(f)));
    }
    ops_ = &kOps<D>;
  }

  UniqueFunction(UniqueFunction&& other) noexcept { take(other); }
  UniqueFunction& operator=(UniqueFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  UniqueFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;
  ~UniqueFunction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Precondition: not empty.
  R operator()(Args... args) {
    assert(ops_ != nullptr);
    return ops_->invoke(storage_, std::forward<Args>(args)...);
  }

 private:
  struct Ops {
    R (*invoke)(void* storage, Args&&... args);
    void (*relocate)(void* from, void* to) noexcept;  // move-construct at `to`, destroy at `from`
    void (*destroy)(void* storage) noexcept;
  };

  template <class D>
  static D& object(void* storage) noexcept {
    if constexpr (stores_inline<D>) {
      return *std::launder(static_cast<D*>(storage));
    } else {
      return **std::launder(static_cast<D**>(storage));
    }
  }

  template <class D>
  static constexpr Ops kOps{
      [](void* s, Args&&... args) -> R {
        if constexpr (std::is_void_v<R>) {
          std::invoke(object<D>(s), std::forward<Args>(args)...);
        } else {
          return std::invoke(object<D>(s), std::forward<Args>(args)...);
        }
      },
      [](void* from, void* to) noexcept {
        if constexpr (stores_inline<D>) {
          D& src = object<D>(from);
          ::new (to) D(std::move(src));
          src.~D();
        } else {
          ::new (to) D*(*std::launder(static_cast<D**>(from)));
        }
      },
      [](void* s) noexcept {
        if constexpr (stores_inline<D>) {
          object<D>(s).~D();
        } else {
          delete &object<D>(s);
        }
      },
  };

  void take(UniqueFunction& other) noexcept {
    if (other.ops_ == nullptr) return;
    other.ops_->relocate(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }

  void reset() noexcept {
    if (const Ops* ops = std::exchange(ops_, nullptr)) ops->destroy(storage_);
  }

  alignas(void*) std::byte storage_[kInlineSize];
  const Ops* ops_ = nullptr;
};

}  // namespace cxx2go::detail

#endif  // CXX2GO_DETAIL_FUNCTION_H_
