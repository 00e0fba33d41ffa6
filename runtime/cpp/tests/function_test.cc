#include "cxx2go/detail/function.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

namespace cxx2go::detail {
namespace {

// Counts live instances, to prove that every stored callable is destroyed exactly once.
struct Counted {
  static inline int live = 0;
  explicit Counted(int v) : value(v) { ++live; }
  Counted(const Counted& o) : value(o.value) { ++live; }
  Counted(Counted&& o) noexcept : value(o.value) { ++live; }
  ~Counted() { --live; }
  int value;
};

TEST(UniqueFunction, EmptyByDefault) {
  UniqueFunction<void()> f;
  EXPECT_FALSE(f);
  UniqueFunction<void()> g = nullptr;
  EXPECT_FALSE(g);
  void (*null_fn)() = nullptr;
  UniqueFunction<void()> h = null_fn;
  EXPECT_FALSE(h);
}

TEST(UniqueFunction, CallsWithArgumentsAndReturn) {
  UniqueFunction<int(int, std::string)> f = [](int a, std::string s) {
    return a + static_cast<int>(s.size());
  };
  ASSERT_TRUE(f);
  EXPECT_EQ(f(2, "abc"), 5);
}

TEST(UniqueFunction, HoldsMoveOnlyCallable) {
  auto p = std::make_unique<int>(41);
  UniqueFunction<int()> f = [p = std::move(p)] { return *p + 1; };
  UniqueFunction<int()> g = std::move(f);
  EXPECT_FALSE(f);  // NOLINT(bugprone-use-after-move): moved-from is empty, by contract
  EXPECT_EQ(g(), 42);
}

TEST(UniqueFunction, MutableStateIsKept) {
  UniqueFunction<int()> counter = [n = 0]() mutable { return ++n; };
  counter();
  EXPECT_EQ(counter(), 2);
}

TEST(UniqueFunction, SmallCallablesAreInline) {
  struct ThreePointers {
    void* a;
    void* b;
    void* c;
    void operator()() const {}
  };
  struct Big {
    std::array<char, 64> bytes;
    void operator()() const {}
  };
  EXPECT_TRUE(UniqueFunction<void()>::stores_inline<ThreePointers>);
  EXPECT_FALSE(UniqueFunction<void()>::stores_inline<Big>);
}

TEST(UniqueFunction, DestroysInlineAndHeapCallablesOnce) {
  {
    UniqueFunction<int()> small = [c = Counted(1)] { return c.value; };
    UniqueFunction<int()> big = [c = Counted(2), pad = std::array<char, 64>{}] { return c.value + pad[0]; };
    EXPECT_EQ(Counted::live, 2);
    UniqueFunction<int()> moved_small = std::move(small);
    UniqueFunction<int()> moved_big = std::move(big);
    EXPECT_EQ(Counted::live, 2);
    EXPECT_EQ(moved_small() + moved_big(), 3);
    moved_small = std::move(moved_big);  // destroys the old inline callable, takes the heap one
    EXPECT_EQ(Counted::live, 1);
    EXPECT_EQ(moved_small(), 2);
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST(UniqueFunction, AssignNullDestroys) {
  UniqueFunction<void()> f = [c = Counted(1)] {};
  EXPECT_EQ(Counted::live, 1);
  f = nullptr;
  EXPECT_FALSE(f);
  EXPECT_EQ(Counted::live, 0);
}

}  // namespace
}  // namespace cxx2go::detail
