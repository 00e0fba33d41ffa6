// The implementation of echo.Echo that the worker serves, and the factory cxx2go_add_worker registers.
#include "echo.c2g.h"
namespace echo {
namespace {
class Impl final : public Echo {
 public:
  cxx2go::Result<int64_t> echo(int64_t x, const cxx2go::Context&) override { return x; }
};
}  // namespace
std::shared_ptr<Echo> make_echo() { return std::make_shared<Impl>(); }
}  // namespace echo
