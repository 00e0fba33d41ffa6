// The Go host's C++ helpers (hooks.h). Compiled by cgo with the package's CXXFLAGS (gohost.go); the C++
// runtime itself comes from the Go runtime package, so this file, like all C++ here, includes only headers.
#include "hooks.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>

#include "../cppimpl/battery.h"
#include "../cppimpl/cpp_side.h"
#include "cxx2go/cxx2go.h"
#include "e2e.c2g.h"

namespace {

std::mutex g_sleep_mu;
std::optional<cxx2go::Future<bool>> g_sleep;

int32_t code_of(const cxx2go::Result<void>& r) { return static_cast<int32_t>(r.error().code); }

}  // namespace

extern "C" int32_t e2e_register_cpp_services(void) {
  try {
    return code_of(cxx2go_test::e2e_impl::register_cpp_services());
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" int32_t e2e_unregister_cpp_service(const char* name) {
  try {
    return code_of(cxx2go::unregister_service(name));
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" char* e2e_cpp_check_names(void) {
  try {
    std::string names;
    for (const auto& check : cxx2go_test::e2e_impl::cpp_battery()) names += check.name + "\n";
    char* out = static_cast<char*>(std::malloc(names.size() + 1));
    if (out != nullptr) std::memcpy(out, names.c_str(), names.size() + 1);
    return out;
  } catch (...) {
    return nullptr;
  }
}

extern "C" void e2e_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records) {
  const cxx2go::LiveCounts c = cxx2go::live_counts();
  *outgoing = c.outgoing_calls;
  *incoming = c.incoming_calls;
  *records = c.records;
}

extern "C" int32_t e2e_active_sleeps(void) { return cxx2go_test::e2e_impl::active_sleeps(); }

extern "C" int32_t e2e_call_go_deadline(int64_t* out) {
  try {
    cxx2go::Result<int64_t> r = cxx2go_test::e2e::GoSideClient().deadline();
    *out = r.value_or(0);
    return static_cast<int32_t>(r.error().code);
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" void e2e_start_go_sleep(void) {
  std::lock_guard lock(g_sleep_mu);
  g_sleep.emplace(cxx2go_test::e2e::GoSideClient().sleep_async(60'000));
}

extern "C" int32_t e2e_finish_go_sleep(void) {
  std::lock_guard lock(g_sleep_mu);
  if (!g_sleep) return -3;
  if (!g_sleep->wait_for(std::chrono::seconds(10))) return -2;
  cxx2go::Result<bool> r = g_sleep->get();
  g_sleep.reset();
  return static_cast<int32_t>(r.error().code);
}
