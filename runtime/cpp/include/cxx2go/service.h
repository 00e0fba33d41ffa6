// cxx2go/service.h — registering C++ implementations of `cpp service`s, so that Go can call them.
#pragma once

#include "cxx2go/require_cxx20.h"

#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>

#include "cxx2go/detail/call.h"
#include "cxx2go/error.h"

namespace cxx2go {

// Base of every generated service class (`class Pricer : public cxx2go::Service`). The generated class
// implements cxx2go_descriptor(); users derive from the generated class and override its methods.
class Service {
 public:
  virtual ~Service();
  virtual const detail::ServiceDescriptor& cxx2go_descriptor() const noexcept = 0;

 protected:
  Service() = default;
  Service(const Service&) = default;
  Service& operator=(const Service&) = default;
};

// Makes `service` callable from Go, before or after start(). Fails with Code::already_exists when a
// service of the same name, or a method with the same id, is registered; Code::stopped after stop().
Result<void> register_service(std::shared_ptr<Service> service);

namespace detail {

// Is the member that `member` points to declared in a class derived from Base rather than in Base? With
// F given and Class deduced, `declared_below<Pricer, F>(&Impl::quote)` picks the overload of type F that
// name lookup finds from Impl (a public one), in the class that declares it: Pricer when Impl and the
// classes between them do not override it. A member of another type leaves nothing to deduce.
template <class Base, class F, class Class>
constexpr bool declared_below(F Class::*) noexcept {
  return !std::is_same_v<Class, Base>;
}

}  // namespace detail

// The same, for an implementation of a generated service class: it does not compile unless Impl
// overrides at least one form (synchronous or _async) of every method with exactly the generated
// signature, as a public member. The static_assert names the service and the method. Passing a
// std::shared_ptr<cxx2go::Service> instead skips the check.
template <std::derived_from<Service> Impl>
Result<void> register_service(std::shared_ptr<Impl> service) {
  if constexpr (requires { typename Impl::cxx2go_generated_service; }) {
    static_assert(Impl::cxx2go_generated_service::template cxx2go_check_overrides<Impl>());
  }
  return register_service(std::shared_ptr<Service>(std::move(service)));
}

// Removes the service registered under `name` ("package.Service"): new calls fail with
// Code::unknown_method; calls in flight keep the implementation alive until they are answered.
Result<void> unregister_service(std::string_view name);

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
