// cxx2go/service.h — registering C++ implementations of `cpp service`s, so that Go can call them.
#pragma once

#include "cxx2go/require_cxx20.h"

#include <concepts>
#include <memory>
#include <string_view>
#include <type_traits>

#include "cxx2go/error.h"

namespace cxx2go {

namespace detail {
struct ServiceDescriptor;  // detail/call.h: what a generated service class describes about itself
}  // namespace detail

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

}  // namespace cxx2go
