// The C++ implementation of shop.Pricer. run-adoption.sh edits kMarkupPercent to check that `go build`
// compiles the change.
#include <memory>

#include "shop.c2g.h"

namespace adoption::shop {
namespace {

constexpr uint32_t kMarkupPercent = 100;

class MarkupPricer final : public Pricer {
 public:
  cxx2go::Result<int64_t> total(const std::vector<Item>& items, const cxx2go::Context&) override {
    int64_t sum = 0;
    for (const Item& item : items) {
      const int64_t cents = item.price_cents * item.quantity;
      // A synchronous call back into Go, from the executor thread this method runs on.
      if (cxx2go::Result<void> recorded = ledger_.record(item.sku, cents); !recorded) return recorded.error();
      sum += cents;
    }
    return sum * kMarkupPercent / 100;
  }

  cxx2go::Result<uint32_t> markup_percent(const cxx2go::Context&) override { return kMarkupPercent; }

 private:
  LedgerClient ledger_;
};

}  // namespace

std::shared_ptr<Pricer> make_pricer() { return std::make_shared<MarkupPricer>(); }

}  // namespace adoption::shop
