// A counting global operator new for the cost columns of `make bench` (bench/README.md): every C++
// allocation of the driver's process (the cxx2go runtime's, the generated code's, the implementations')
// goes through it. Linked into both drivers' C++ halves (bench/CMakeLists.txt).
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "raw.h"

namespace {
std::atomic<uint64_t> g_cpp_allocs{0};
}  // namespace

void* operator new(size_t n) {
  g_cpp_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n != 0 ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

uint64_t bench_cpp_allocs(void) { return g_cpp_allocs.load(std::memory_order_relaxed); }
