// A cpp service for the runtime's tests whose methods are scripted by each test. Its InvokeFn has the shape
// of a generated thunk: noexcept, catching everything into IncomingCall::fail.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cxx2go/detail/call.h"
#include "cxx2go/service.h"

namespace cxx2go::testing {

using Behavior = std::function<void(detail::IncomingCall&)>;

class ScriptedService : public Service {
 public:
  explicit ScriptedService(std::string name, bool affine = false) : name_(std::move(name)) {
    descriptor_.name = name_.c_str();
    descriptor_.affine = affine;
  }

  // Adds a method; call before registering the service.
  const detail::MethodInfo& add(uint64_t id, const std::string& method, Behavior behavior, uint32_t flags = 0) {
    names_.push_back(name_ + "." + method);
    entries_.push_back(
        detail::MethodEntry{detail::MethodInfo{id, names_.back().c_str(), flags}, &ScriptedService::invoke, nullptr});
    behaviors_[id] = std::move(behavior);
    descriptor_.methods = entries_.data();
    descriptor_.method_count = entries_.size();
    return entries_.back().info;
  }

  const detail::ServiceDescriptor& cxx2go_descriptor() const noexcept override { return descriptor_; }

 private:
  static void invoke(Service& service, detail::IncomingCall& call) noexcept {
    try {
      auto& self = static_cast<ScriptedService&>(service);
      self.behaviors_.at(call.method().id)(call);
    } catch (...) {
      call.fail(error_from_current_exception());
    }
  }

  std::string name_;
  std::deque<std::string> names_;  // stable addresses for MethodInfo::name
  std::vector<detail::MethodEntry> entries_;
  std::map<uint64_t, Behavior> behaviors_;
  detail::ServiceDescriptor descriptor_{};
};

// Encodes a string result.
inline detail::Encoder encode_string(std::string_view s) {
  detail::Encoder e;
  e.str(s);
  return e;
}

}  // namespace cxx2go::testing
