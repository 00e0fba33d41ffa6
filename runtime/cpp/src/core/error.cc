#include "cxx2go/error.h"

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <typeinfo>

namespace cxx2go {

#define CXX2GO_CHECK_CODE(name, abi) \
  static_assert(static_cast<int32_t>(Code::name) == (abi), "Code::" #name " differs from abi.h")
CXX2GO_CHECK_CODE(ok, CXX2GO_OK);
CXX2GO_CHECK_CODE(cancelled, CXX2GO_CANCELLED);
CXX2GO_CHECK_CODE(unknown, CXX2GO_UNKNOWN);
CXX2GO_CHECK_CODE(invalid_argument, CXX2GO_INVALID_ARGUMENT);
CXX2GO_CHECK_CODE(deadline_exceeded, CXX2GO_DEADLINE_EXCEEDED);
CXX2GO_CHECK_CODE(not_found, CXX2GO_NOT_FOUND);
CXX2GO_CHECK_CODE(already_exists, CXX2GO_ALREADY_EXISTS);
CXX2GO_CHECK_CODE(permission_denied, CXX2GO_PERMISSION_DENIED);
CXX2GO_CHECK_CODE(resource_exhausted, CXX2GO_RESOURCE_EXHAUSTED);
CXX2GO_CHECK_CODE(failed_precondition, CXX2GO_FAILED_PRECONDITION);
CXX2GO_CHECK_CODE(aborted, CXX2GO_ABORTED);
CXX2GO_CHECK_CODE(out_of_range, CXX2GO_OUT_OF_RANGE);
CXX2GO_CHECK_CODE(unimplemented, CXX2GO_UNIMPLEMENTED);
CXX2GO_CHECK_CODE(internal, CXX2GO_INTERNAL);
CXX2GO_CHECK_CODE(unavailable, CXX2GO_UNAVAILABLE);
CXX2GO_CHECK_CODE(data_loss, CXX2GO_DATA_LOSS);
CXX2GO_CHECK_CODE(unauthenticated, CXX2GO_UNAUTHENTICATED);
CXX2GO_CHECK_CODE(panic, CXX2GO_PANIC);
CXX2GO_CHECK_CODE(exception, CXX2GO_EXCEPTION);
CXX2GO_CHECK_CODE(not_started, CXX2GO_NOT_STARTED);
CXX2GO_CHECK_CODE(stopped, CXX2GO_STOPPED);
CXX2GO_CHECK_CODE(unknown_method, CXX2GO_UNKNOWN_METHOD);
CXX2GO_CHECK_CODE(protocol, CXX2GO_PROTOCOL);
#undef CXX2GO_CHECK_CODE

std::string_view code_name(Code code) noexcept {
  switch (code) {
    case Code::ok:
      return "ok";
    case Code::cancelled:
      return "cancelled";
    case Code::unknown:
      return "unknown";
    case Code::invalid_argument:
      return "invalid_argument";
    case Code::deadline_exceeded:
      return "deadline_exceeded";
    case Code::not_found:
      return "not_found";
    case Code::already_exists:
      return "already_exists";
    case Code::permission_denied:
      return "permission_denied";
    case Code::resource_exhausted:
      return "resource_exhausted";
    case Code::failed_precondition:
      return "failed_precondition";
    case Code::aborted:
      return "aborted";
    case Code::out_of_range:
      return "out_of_range";
    case Code::unimplemented:
      return "unimplemented";
    case Code::internal:
      return "internal";
    case Code::unavailable:
      return "unavailable";
    case Code::data_loss:
      return "data_loss";
    case Code::unauthenticated:
      return "unauthenticated";
    case Code::panic:
      return "panic";
    case Code::exception:
      return "exception";
    case Code::not_started:
      return "not_started";
    case Code::stopped:
      return "stopped";
    case Code::unknown_method:
      return "unknown_method";
    case Code::protocol:
      return "protocol";
  }
  return "unrecognized";
}

std::string Error::to_string() const {
  std::string out;
  std::string_view name = code_name(code);
  if (name == "unrecognized") {
    out = "code(" + std::to_string(static_cast<int32_t>(code)) + ")";
  } else {
    out = name;
  }
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

BadResultAccess::BadResultAccess(Error error)
    : error_(std::move(error)), what_("Result holds no value: " + error_.to_string()) {}

namespace {

// Appends the demangled form of a mangled type name (the mangled name itself if demangling fails).
void append_type_name(std::string& out, const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  out += status == 0 && demangled ? demangled.get() : mangled;
}

}  // namespace

Error error_from_current_exception() noexcept {
  // Outside a catch block there is nothing to rethrow (and `throw;` would terminate).
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return detail::error_nothrow(Code::exception, "unknown exception");
  // Out of memory is a condition of the process, not a bug of the code that threw: its own code, so
  // that callers can tell it apart (tests/stress, "alloc_fail", injects it at every allocation).
  Error error(Code::exception, {});
  try {
    try {
      throw;
    } catch (const std::bad_alloc& e) {
      error.code = Code::resource_exhausted;
      append_type_name(error.message, typeid(e).name());
      error.message += ": ";
      error.message += e.what();
    } catch (const std::exception& e) {
      append_type_name(error.message, typeid(e).name());
      error.message += ": ";
      error.message += e.what();
    } catch (...) {
      append_type_name(error.message, type->name());
    }
  } catch (...) {
    // Out of memory while formatting: a shorter message is better than none, none is better than throwing.
    // Both fit std::string's inline buffer, so neither allocates.
    error = detail::error_nothrow(error.code, error.code == Code::resource_exhausted ? "out of memory" : "exception");
  }
  return error;
}

namespace detail {

Error error_nothrow(Code code, std::string_view message) noexcept {
  try {
    return Error(code, std::string(message));
  } catch (...) {
    return Error(code, {});
  }
}

void report_uncaught_exception(const char* where) noexcept {
  Error error = error_from_current_exception();
  std::fprintf(stderr, "cxx2go: uncaught exception in %s: %s: %s\n", where, code_name(error.code).data(),
               error.message.c_str());
}

const Error& ok_error() noexcept {
  static const Error ok(Code::ok, {});
  return ok;
}

}  // namespace detail
}  // namespace cxx2go
