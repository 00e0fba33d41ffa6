// cxx2go/service.h — registering C++ implementations of `cpp service`s, so that Go can call them.
#pragma once

#include <memory>
#include <string_view>

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

// Removes the service registered under `name` ("package.Service"): new calls fail with
// Code::unknown_method; calls in flight keep the implementation alive until they are answered.
Result<void> unregister_service(std::string_view name);

}  // namespace cxx2go
