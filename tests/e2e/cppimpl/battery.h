// The C++ battery of the end-to-end tests: named checks in which C++ calls the Go implementation of
// e2e::GoSide, synchronously and asynchronously.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "e2e.c2g.h"

namespace cxx2go_test::e2e_impl {

namespace e2e = ::cxx2go_test::e2e;

struct Check {
  std::string name;
  // Returns "" when the check passed, otherwise what went wrong.
  std::function<std::string()> run;
};

// Every check. No name is a substring of another, so that a host selects exactly one check by passing
// its name as the run_checks filter.
const std::vector<Check>& cpp_battery();

// The checks of contexts.cc (why a call's context ended), part of cpp_battery().
std::vector<Check> context_checks();

// Runs, one after the other, the checks whose names contain `filter`. An exception escaping a check fails
// it. With a context, checks not yet started when its stop token fires fail with "not run".
std::vector<e2e::CheckResult> run_cpp_checks(std::string_view filter, const cxx2go::Context* context = nullptr);

}  // namespace cxx2go_test::e2e_impl
