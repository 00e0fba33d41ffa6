// cxx2go/error.h — status codes, Error, and Result<T>: how every fallible runtime operation reports failure.
#ifndef CXX2GO_ERROR_H_
#define CXX2GO_ERROR_H_

#include "cxx2go/require_cxx20.h"

#include <concepts>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "cxx2go/abi.h"

namespace cxx2go {

// The codes of abi.h. 0..16 are gRPC's canonical codes; 100+ are cxx2go's own.
enum class Code : int32_t {
  ok = CXX2GO_OK,
  cancelled = CXX2GO_CANCELLED,
  unknown = CXX2GO_UNKNOWN,
  invalid_argument = CXX2GO_INVALID_ARGUMENT,
  deadline_exceeded = CXX2GO_DEADLINE_EXCEEDED,
  not_found = CXX2GO_NOT_FOUND,
  already_exists = CXX2GO_ALREADY_EXISTS,
  permission_denied = CXX2GO_PERMISSION_DENIED,
  resource_exhausted = CXX2GO_RESOURCE_EXHAUSTED,
  failed_precondition = CXX2GO_FAILED_PRECONDITION,
  aborted = CXX2GO_ABORTED,
  out_of_range = CXX2GO_OUT_OF_RANGE,
  unimplemented = CXX2GO_UNIMPLEMENTED,
  internal = CXX2GO_INTERNAL,
  unavailable = CXX2GO_UNAVAILABLE,
  data_loss = CXX2GO_DATA_LOSS,
  unauthenticated = CXX2GO_UNAUTHENTICATED,
  panic = CXX2GO_PANIC,
  exception = CXX2GO_EXCEPTION,
  not_started = CXX2GO_NOT_STARTED,
  stopped = CXX2GO_STOPPED,
  unknown_method = CXX2GO_UNKNOWN_METHOD,
  protocol = CXX2GO_PROTOCOL,
};

// The enumerator's name ("deadline_exceeded"), or "unrecognized" for a number abi.h does not define.
std::string_view code_name(Code code) noexcept;

struct Error {
  Code code = Code::unknown;
  std::string message;

  Error() noexcept = default;
  Error(Code c, std::string msg) noexcept : code(c), message(std::move(msg)) {}

  // "cancelled: message", "cancelled" without a message, "code(42): message" for an unrecognized code.
  std::string to_string() const;

  friend bool operator==(const Error&, const Error&) = default;
};

// Call inside a catch block. Turns the exception in flight into Code::exception with the message
// "<demangled dynamic type>: <what()>" (std::exception and subclasses) or "<demangled type>" (anything
// else); std::bad_alloc and its subclasses become Code::resource_exhausted. Never throws: if building the
// message fails, the message is shorter or empty.
Error error_from_current_exception() noexcept;

// Thrown by Result<T>::value() (and the operators that use it) when the Result holds an Error.
class BadResultAccess : public std::exception {
 public:
  explicit BadResultAccess(Error error);
  const char* what() const noexcept override { return what_.c_str(); }
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
  std::string what_;
};

namespace detail {
// Error{code, message}, or Error{code, ""} if copying the message cannot allocate.
Error error_nothrow(Code code, std::string_view message) noexcept;
// Writes "cxx2go: uncaught exception in <where>: <error>" to stderr. Call inside a catch block.
void report_uncaught_exception(const char* where) noexcept;
// The Error that Result::error() returns for a Result that holds a value: Code::ok, no message.
const Error& ok_error() noexcept;
}  // namespace detail

// A value of type T, or an Error. Accessors are checked: value(), operator* and operator-> throw
// BadResultAccess when there is no value. An Error whose code is Code::ok cannot represent a failure, so
// Result<T> turns it into Code::internal (Result<void> treats it as success).
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T> && !std::is_same_v<std::remove_cv_t<T>, Error>,
                "Result<T> holds a value or an Error");

 public:
  using value_type = T;

  template <class U = T>
  requires(std::is_convertible_v<U&&, T> && !std::is_same_v<std::remove_cvref_t<U>, Result> &&
           !std::is_same_v<std::remove_cvref_t<U>, Error>) Result(U&& value)
  noexcept(std::is_nothrow_constructible_v<T, U&&>)  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<0>, std::forward<U>(value)) {}

  Result(Error error) noexcept  // NOLINT(google-explicit-constructor)
      : v_(std::in_place_index<1>, std::move(error)) {
    Error& e = std::get<1>(v_);
    if (e.code == Code::ok)
      e = detail::error_nothrow(Code::internal, "Result<T> built from an Error with Code::ok");
  }

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The Error, or detail::ok_error() if there is a value.
  const Error& error() const& noexcept { return ok() ? detail::ok_error() : std::get<1>(v_); }

  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    return ok() ? std::get<0>(std::move(v_)) : static_cast<T>(std::forward<U>(fallback));
  }

  friend bool operator==(const Result& a, const Result& b) requires std::equality_comparable<T> {
    return a.v_ == b.v_;
  }

 private:
  void check() const {
    if (!ok()) throw BadResultAccess(std::get<1>(v_));
  }

  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  // Sets the code only: building an empty message and moving it costs about 60 instructions per call.
  Result() noexcept { error_.code = Code::ok; }
  Result(Error error) noexcept : error_(std::move(error)) {  // NOLINT(google-explicit-constructor)
    if (ok()) error_.message.clear();                        // every success compares equal
  }

  bool ok() const noexcept { return error_.code == Code::ok; }
  explicit operator bool() const noexcept { return ok(); }
  // Throws BadResultAccess on an Error, like Result<T>::value().
  void value() const {
    if (!ok()) throw BadResultAccess(error_);
  }
  const Error& error() const& noexcept { return error_; }

  friend bool operator==(const Result&, const Result&) = default;

 private:
  Error error_;
};

}  // namespace cxx2go

#endif  // CXX2GO_ERROR_H_
