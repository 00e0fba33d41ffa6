// The C++ side of the soak (tests/soak): the generated C++ of the e2e schema, the e2e tests' C++
// implementations of CppSide and Affine (called by soak.go's goroutines), and the C++ → Go half of the
// traffic. cgo compiles only the files of this directory, hence the includes of .cc files; the C++ runtime
// itself comes from the Go runtime package.
#include "../gen/e2e/cpp/e2e.c2g.cc"
#include "../e2e/cppimpl/battery.cc"
#include "../e2e/cppimpl/contexts.cc"
#include "../e2e/cppimpl/cpp_side.cc"
#include "../e2e/cppimpl/values.cc"

#include <malloc.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "hooks.h"

namespace {

using cxx2go::Code;
using cxx2go::Result;
namespace e2e = ::cxx2go_test::e2e;
namespace impl = ::cxx2go_test::e2e_impl;
using namespace std::chrono_literals;

struct SoakTally {
  std::atomic<uint64_t> calls{0}, ok{0}, expected{0}, bad{0};
  std::mutex mu;
  std::string first_bad;

  void add_bad(const std::string& what) {
    bad.fetch_add(1);
    std::lock_guard lock(mu);
    if (first_bad.empty()) first_bad = what;
  }
  template <typename T>
  void want_value(const Result<T>& r, const T& want, const char* what) {
    if (!r) {
      add_bad(std::string(what) + ": " + r.error().to_string());
    } else if (!(*r == want)) {
      add_bad(std::string(what) + ": wrong value");
    } else {
      ok.fetch_add(1);
    }
  }
  template <typename T>
  void want_error(const Result<T>& r, Code code, const char* what) {
    if (r) {
      add_bad(std::string(what) + ": succeeded, want " + std::string(cxx2go::code_name(code)));
    } else if (r.error().code != code) {
      add_bad(std::string(what) + ": " + r.error().to_string() + ", want " + std::string(cxx2go::code_name(code)));
    } else {
      expected.fetch_add(1);
    }
  }
};

// A small value: scalars and a short text, the rest empty.
e2e::Everything small_value(uint64_t n) {
  e2e::Everything v;
  v.scalars.i64_value = static_cast<int64_t>(n);
  v.scalars.u32_value = static_cast<uint32_t>(n);
  v.text = "soak " + std::to_string(n);
  return v;
}

// Views for concat: a text, a blob of `blob_size` bytes and short lists.
struct ConcatArgs {
  std::string text;
  std::vector<uint8_t> blob;
  std::vector<int32_t> numbers;
  std::vector<double> doubles;
};

ConcatArgs concat_args(uint64_t n, size_t blob_size) {
  ConcatArgs a;
  a.text = "c" + std::to_string(n);
  a.blob = impl::pattern(blob_size, static_cast<uint8_t>(n));
  a.numbers = {static_cast<int32_t>(n), -1, 0, 7};
  a.doubles = {0.5, static_cast<double>(n % 1000)};
  return a;
}

// One C++ → Go call of the kind `pick` (0..999) selects; call number n. Each kind is checked for its one
// correct outcome. Proportions: about 58% synchronous, 42% asynchronous; 21% end in an error on purpose.
void one_call(uint64_t n, uint32_t pick, SoakTally& t) {
  const e2e::GoSideClient go;
  t.calls.fetch_add(1);
  if (n % 50'000 == 49'999) {
    // Now and then a large value (1 MiB text and blob): large buffers must be given back too.
    e2e::Everything v = impl::large_everything();
    t.want_value(go.echo_async(v).get(), v, "echo_async(large)");
    return;
  }
  if (pick < 250) {
    e2e::Everything v = small_value(n);
    t.want_value(go.echo(v), v, "echo(small)");
  } else if (pick < 330) {
    e2e::Everything v = impl::full_everything();
    t.want_value(go.echo_async(v).get(), v, "echo_async(full)");
  } else if (pick < 500) {
    ConcatArgs a = concat_args(n, 16);
    t.want_value(go.concat(a.text, a.blob, a.numbers, a.doubles),
                 impl::concat_format(a.text, a.blob, a.numbers, a.doubles), "concat(views)");
  } else if (pick < 570) {
    ConcatArgs a = concat_args(n, 4096);
    std::string want = impl::concat_format(a.text, a.blob, a.numbers, a.doubles);
    t.want_value(go.concat_async(std::move(a.text), std::move(a.blob), std::move(a.numbers), std::move(a.doubles)).get(),
                 want, "concat_async(4 KiB)");
  } else if (pick < 640) {
    t.want_error(go.fail(CXX2GO_ABORTED, "soak failure " + std::to_string(n)), Code::aborted, "fail");
  } else if (pick < 680) {
    t.want_error(go.fail_async(CXX2GO_NOT_FOUND, "soak failure").get(), Code::not_found, "fail_async");
  } else if (pick < 760) {
    // Cancelled while Go's handler waits (or before it started): the future resolves at once.
    cxx2go::Future<bool> f = go.sleep_async(60'000);
    if (pick % 2 == 0) std::this_thread::yield();
    f.cancel();
    t.want_error(f.get(), Code::cancelled, "sleep_async cancelled");
  } else if (pick < 800) {
    // A deadline that expires while the call is submitted or while Go's handler waits.
    t.want_error(go.sleep_async(60'000, cxx2go::CallOptions::with_timeout(std::chrono::microseconds(pick % 40))).get(),
                 Code::deadline_exceeded, "sleep_async past its deadline");
  } else if (pick < 820) {
    // Dropped without waiting: destruction cancels the call (counted as the expected outcome; the
    // drained live counts after the batch show it finished).
    { cxx2go::Future<bool> dropped = go.sleep_async(60'000); }
    t.expected.fetch_add(1);
  } else if (pick < 900) {
    // Re-entrancy: C++ → Go → C++.
    t.want_value(go.call_cpp(static_cast<int64_t>(n % 1'000'000)), static_cast<int64_t>(n % 1'000'000) * 2,
                 "call_cpp");
  } else if (pick < 960) {
    t.want_value(go.call_cpp_async(21).get(), int64_t{42}, "call_cpp_async");
  } else if (pick < 999 || n % 10 != 0) {
    Result<int64_t> r = go.deadline_async(cxx2go::CallOptions::with_timeout(60s)).get();
    if (!r) {
      t.add_bad("deadline_async: " + r.error().to_string());
    } else if (*r <= 0) {
      t.add_bad("deadline_async: no deadline reached Go");
    } else {
      t.ok.fetch_add(1);
    }
  } else {
    // One call in 10,000: a Go panic (the Go runtime logs each with its stack, so not more often).
    t.want_error(go.panic("soak panic"), Code::panic, "panic");
  }
}

// The C++ threads that make the C++ → Go calls. They live for the whole soak, as an application's own
// threads would: threads created per batch would make glibc give each new thread a malloc arena while old
// ones are still attached, and the arenas' cached pages (up to 8 per core) would read as growth.
class Drivers {
 public:
  explicit Drivers(int threads) {
    for (int w = 0; w < threads; ++w) workers_.emplace_back([this, w] { loop(w); });
  }
  ~Drivers() {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int threads() const { return static_cast<int>(workers_.size()); }

  // Runs one batch on every thread and returns when all are done.
  void run(uint64_t calls, uint64_t first, uint64_t seed, SoakTally* tally) {
    std::unique_lock lock(mu_);
    calls_ = calls;
    first_ = first;
    seed_ = seed;
    tally_ = tally;
    busy_ = workers_.size();
    ++generation_;
    wake_.notify_all();
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  void loop(int w) {
    // Named, so that /proc/self/task/*/comm tells them from the Go runtime's threads (README: threads).
    ::pthread_setname_np(::pthread_self(), ("soak-driver-" + std::to_string(w)).c_str());
    uint64_t seen = 0;
    for (;;) {
      uint64_t calls, first, seed;
      SoakTally* tally;
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        calls = calls_;
        first = first_;
        seed = seed_;
        tally = tally_;
      }
      const auto n = static_cast<uint64_t>(workers_.size());
      std::mt19937_64 rng(seed * 1000003u + static_cast<uint64_t>(w));
      try {
        for (uint64_t i = static_cast<uint64_t>(w); i < calls; i += n) {
          one_call(first + i, static_cast<uint32_t>(rng() % 1000), *tally);
        }
      } catch (const std::exception& e) {
        tally->add_bad(std::string("soak driver: ") + e.what());
      } catch (...) {
        tally->add_bad("soak driver: unknown exception");
      }
      {
        std::lock_guard lock(mu_);
        --busy_;
      }
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, done_;
  bool quit_ = false;
  uint64_t generation_ = 0;
  size_t busy_ = 0;
  uint64_t calls_ = 0, first_ = 0, seed_ = 0;
  SoakTally* tally_ = nullptr;
  std::vector<std::thread> workers_;
};

std::unique_ptr<Drivers> g_drivers;  // only touched by soak.go's calls, one at a time

}  // namespace

extern "C" int32_t soak_register_cpp(void) {
  try {
    auto r = impl::register_cpp_services();
    return r ? CXX2GO_OK : static_cast<int32_t>(r.error().code);
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" void soak_cpp_calls(uint64_t calls, uint64_t first, uint64_t seed, int32_t threads, soak_tally* out) {
  SoakTally tally;
  try {
    if (threads < 1) threads = 1;
    if (!g_drivers || g_drivers->threads() != threads) {
      g_drivers.reset();
      g_drivers = std::make_unique<Drivers>(threads);
    }
    g_drivers->run(calls, first, seed, &tally);
  } catch (const std::exception& e) {
    tally.add_bad(std::string("soak driver: ") + e.what());
  } catch (...) {
    tally.add_bad("soak driver: unknown exception");
  }
  out->calls = tally.calls.load();
  out->ok = tally.ok.load();
  out->expected = tally.expected.load();
  out->bad = tally.bad.load();
  std::lock_guard lock(tally.mu);
  std::snprintf(out->first_bad, sizeof out->first_bad, "%s", tally.first_bad.c_str());
}

extern "C" void soak_stop_drivers(void) {
  try {
    g_drivers.reset();
  } catch (...) {
  }
}

extern "C" void soak_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records) {
  cxx2go::LiveCounts c = cxx2go::live_counts();
  *outgoing = c.outgoing_calls;
  *incoming = c.incoming_calls;
  *records = c.records;
}

extern "C" void soak_trim(void) { ::malloc_trim(0); }

extern "C" uint64_t soak_malloc_in_use(void) {
  struct mallinfo2 m = ::mallinfo2();
  return static_cast<uint64_t>(m.uordblks) + static_cast<uint64_t>(m.hblkhd);
}

namespace {
std::mutex g_hold_mu;
std::condition_variable g_hold_cv;
int32_t g_holding = 0;
int32_t g_hold_max = 0;

// The deliberate C heap leak of SOAK_LEAK: a chain of blocks, each pointing to the one before, so that the
// leak is exactly the blocks (no container that grows by itself).
std::mutex g_leak_mu;
void* g_leaked = nullptr;
}  // namespace

extern "C" int32_t soak_hold_threads(int32_t n, int32_t timeout_ms) {
  try {
    std::unique_lock lock(g_hold_mu);
    ++g_holding;
    g_hold_max = std::max(g_hold_max, g_holding);
    g_hold_cv.notify_all();
    g_hold_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return g_hold_max >= n; });
    const int32_t reached = g_hold_max;
    if (--g_holding == 0) g_hold_max = 0;
    return reached;
  } catch (...) {
    return -1;
  }
}

extern "C" void soak_leak_malloc(uint64_t bytes) {
  if (bytes < sizeof(void*)) bytes = sizeof(void*);
  void* block = std::malloc(bytes);
  if (block == nullptr) return;
  std::lock_guard lock(g_leak_mu);
  *static_cast<void**>(block) = g_leaked;
  g_leaked = block;
}

extern "C" void soak_leak_thread(void) {
  try {
    std::thread([] {
      ::pthread_setname_np(::pthread_self(), "soak-leak");
      std::mutex mu;
      std::condition_variable never;
      std::unique_lock lock(mu);
      never.wait(lock, [] { return false; });
    }).detach();
  } catch (...) {
  }
}
