// The C++ implementation of pricing.Pricer, and the factory that cxx2go.Start calls to make it.
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "pricing.c2g.h"

namespace pricing {
namespace {

class ListPricer final : public Pricer {
 public:
  cxx2go::Result<int64_t> total(const std::vector<Item>& items, const cxx2go::Context&) override {
    int64_t sum = 0;
    for (const Item& item : items) sum += item.price_cents * item.quantity;
    return sum;
  }

  cxx2go::Future<int64_t> quote_async(std::string sku, uint32_t quantity, cxx2go::Context) override {
    if (sku.empty()) co_return cxx2go::Error(cxx2go::Code::invalid_argument, "empty sku");
    co_return static_cast<int64_t>(sku.size()) * 100 * quantity;
  }
};

}  // namespace

// PRICING_FACTORY=null|throw make the factory fail, for the test of Start's error.
std::shared_ptr<Pricer> make_pricer() {
  const char* mode = std::getenv("PRICING_FACTORY");
  std::string_view failure = mode != nullptr ? mode : "";
  if (failure == "null") return nullptr;
  if (failure == "throw") throw std::runtime_error("no price list");
  return std::make_shared<ListPricer>();
}

}  // namespace pricing
