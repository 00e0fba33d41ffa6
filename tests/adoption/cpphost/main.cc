// The adoption suite's C++-host sample: calls the Go service Greeter (goside/main.go, linked in as a C
// archive) once synchronously and once asynchronously, and fails on a wrong answer.
#include <cstdio>
#include <string>

#include "cxx2go/cxx2go.h"
#include "greeter.c2g.h"

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "cpphost: FAIL: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main() {
  if (auto started = cxx2go::start(); !started) return fail("start: " + started.error().to_string());

  adoption::GreeterClient greeter;
  cxx2go::Result<std::string> hello = greeter.greet("cmake");
  if (!hello) return fail("greet: " + hello.error().to_string());
  if (*hello != "hello, cmake") return fail("greet returned '" + *hello + "'");

  cxx2go::Future<int64_t> pending = greeter.add_async(40, 2);
  cxx2go::Result<int64_t> sum = pending.get();
  if (!sum) return fail("add_async: " + sum.error().to_string());
  if (*sum != 42) return fail("add_async returned " + std::to_string(*sum));

  if (auto stopped = cxx2go::stop(); !stopped) return fail("stop: " + stopped.error().to_string());
  std::printf("cpphost: ok (greet: \"%s\", add_async: %lld)\n", hello->c_str(), static_cast<long long>(*sum));
  return 0;
}
