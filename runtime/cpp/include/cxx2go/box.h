// cxx2go/box.h — Box<T>, a nullable heap box with value semantics. Generated code uses it for an
// optional<T> field that closes a cycle (struct Node { int v; Box<Node> next; }): std::optional<Node> would
// need Node to be complete inside its own definition, Box<Node> does not.
#ifndef CXX2GO_BOX_H_
#define CXX2GO_BOX_H_

#include "cxx2go/require_cxx20.h"

#include <cassert>
#include <optional>
#include <utility>

namespace cxx2go {

// Like std::optional<T>, with three differences: the value lives on the heap, T may be incomplete where a
// Box<T> is declared (it must be complete where a Box<T> is created, copied, compared or destroyed), and a
// moved-from Box is empty. Copies are deep.
template <class T>
class Box {
 public:
  using value_type = T;

  constexpr Box() noexcept = default;
  constexpr Box(std::nullopt_t) noexcept {}        // NOLINT(google-explicit-constructor)
  Box(const T& value) : p_(new T(value)) {}        // NOLINT(google-explicit-constructor)
  Box(T&& value) : p_(new T(std::move(value))) {}  // NOLINT(google-explicit-constructor)
  template <class... Args>
  explicit Box(std::in_place_t, Args&&... args) : p_(new T(std::forward<Args>(args)...)) {}

  Box(const Box& other) : p_(other.p_ != nullptr ? new T(*other.p_) : nullptr) {}
  Box(Box&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Box& operator=(const Box& other) {
    if (this != &other) Box(other).swap(*this);  // strong guarantee; safe if `other` lives inside *this
    return *this;
  }
  Box& operator=(Box&& other) noexcept {
    Box(std::move(other)).swap(*this);
    return *this;
  }
  Box& operator=(std::nullopt_t) noexcept {
    reset();
    return *this;
  }
  Box& operator=(const T& value) {
    Box(value).swap(*this);
    return *this;
  }
  Box& operator=(T&& value) {
    Box(std::move(value)).swap(*this);
    return *this;
  }
  ~Box() { delete p_; }

  bool has_value() const noexcept { return p_ != nullptr; }
  explicit operator bool() const noexcept { return has_value(); }

  // Unchecked (asserted), like std::optional's.
  T& operator*() & noexcept {
    assert(p_ != nullptr);
    return *p_;
  }
  const T& operator*() const& noexcept {
    assert(p_ != nullptr);
    return *p_;
  }
  T&& operator*() && noexcept {
    assert(p_ != nullptr);
    return std::move(*p_);
  }
  T* operator->() noexcept {
    assert(p_ != nullptr);
    return p_;
  }
  const T* operator->() const noexcept {
    assert(p_ != nullptr);
    return p_;
  }

  // Checked: throw std::bad_optional_access on an empty Box.
  T& value() & { return *checked(); }
  const T& value() const& { return *checked(); }
  T&& value() && { return std::move(*checked()); }

  template <class U>
  T value_or(U&& fallback) const& {
    return p_ != nullptr ? *p_ : static_cast<T>(std::forward<U>(fallback));
  }

  // Constructs the new value before destroying the old one, so `args` may refer into the old value.
  template <class... Args>
  T& emplace(Args&&... args) {
    Box(std::in_place, std::forward<Args>(args)...).swap(*this);
    return *p_;
  }
  void reset() noexcept { delete std::exchange(p_, nullptr); }
  void swap(Box& other) noexcept { std::swap(p_, other.p_); }
  friend void swap(Box& a, Box& b) noexcept { a.swap(b); }

  // Equal when both are empty, or both hold equal values.
  friend bool operator==(const Box& a, const Box& b) {
    if (a.p_ == nullptr || b.p_ == nullptr) return a.p_ == b.p_;
    return *a.p_ == *b.p_;
  }
  friend bool operator==(const Box& a, std::nullopt_t) noexcept { return a.p_ == nullptr; }

 private:
  T* checked() const {
    if (p_ == nullptr) throw std::bad_optional_access();
    return p_;
  }

  T* p_ = nullptr;
};

}  // namespace cxx2go

#endif  // CXX2GO_BOX_H_
