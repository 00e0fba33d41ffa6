// cxx2go/detail/generated.h — what generated sources (.c2g.cc, .c2g.cgo.cc) use beyond the user surface
// (cxx2go/cxx2go.h): the calls across the boundary (call.h), the typed codec (codec.h, wire.h) and the
// registration of factory-made services. Users never include it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/detail/codec.h"
#include "cxx2go/detail/direct.h"
#include "cxx2go/detail/wire.h"

namespace cxx2go {
namespace detail {

// For the .c2g.cgo.cc files of `--go_opt=cgo`: registers what the user's factory returns (cxx2go.Start
// calls this through the generated C function). Returns the Code; on failure *message is a malloc'ed
// description (the Go side frees it). An exception from the factory or a null result is a failure too.
template <class S>
int32_t register_from_factory(std::shared_ptr<S> (*factory)(), const char* factory_name, char** message) noexcept {
  Error error;
  try {
    std::shared_ptr<S> service = factory();
    if (service == nullptr) {
      error = Error(Code::failed_precondition, std::string(factory_name) + " returned null");
    } else if (Result<void> registered = register_service(std::shared_ptr<Service>(std::move(service)));
               !registered) {
      error = std::move(registered).error();
    } else {
      return static_cast<int32_t>(Code::ok);
    }
  } catch (...) {
    error = error_from_current_exception();
    try {
      error.message = std::string(factory_name) + " threw " + error.message;
    } catch (...) {
    }
  }
  if (char* copy = static_cast<char*>(std::malloc(error.message.size() + 1)); copy != nullptr) {
    std::memcpy(copy, error.message.c_str(), error.message.size() + 1);
    *message = copy;
  }
  return static_cast<int32_t>(error.code == Code::ok ? Code::unknown : error.code);
}

}  // namespace detail

}  // namespace cxx2go
