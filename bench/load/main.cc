// A competing load for the contended rows of `make bench` (bench/README.md): what a parallel C++ build does
// to a machine, without needing one. Per core it runs one thread that streams through a buffer larger than
// the last-level cache (memory traffic, evicting the bridge's cache lines) and two threads that compute for
// a few hundred microseconds and then sleep briefly (many runnable threads and constant wake-ups, like
// compiler processes starting and blocking on I/O). Two plain busy loops do not disturb the ring the way
// this does: they never sleep, so the scheduler's wake-up preemption never favours them.
//
//   load [--seconds S] [--per-core N]   runs until killed, or for S seconds
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
std::atomic<bool> g_stop{false};
std::atomic<uint64_t> g_sink{0};

void stream_memory() {
  std::vector<uint64_t> buf(32u << 20 >> 3);  // 32 MiB
  uint64_t sum = 0;
  for (uint64_t pass = 0; !g_stop.load(std::memory_order_relaxed); ++pass) {
    for (size_t i = 0; i < buf.size(); i += 8) {  // one write per cache line
      buf[i] += pass + i;
      sum += buf[(i * 7919) % buf.size()];
    }
  }
  g_sink += sum;
}

void compute_then_sleep(unsigned seed) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  uint64_t sum = 0;
  while (!g_stop.load(std::memory_order_relaxed)) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const auto busy = std::chrono::microseconds(100 + x % 900);   // 0.1–1 ms of work
    const auto idle = std::chrono::microseconds(50 + (x >> 20) % 450);  // 50–500 µs asleep
    for (auto until = Clock::now() + busy; Clock::now() < until;) {
      for (int i = 0; i < 256; ++i) sum += (x ^ i) * 31;
    }
    std::this_thread::sleep_for(idle);
  }
  g_sink += sum;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  unsigned per_core = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (flag == "--per-core") {
      per_core = static_cast<unsigned>(std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: load [--seconds S] [--per-core N]\n");
      return 2;
    }
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < cores; ++c) {
    threads.emplace_back(stream_memory);
    for (unsigned k = 0; k < per_core; ++k) threads.emplace_back(compute_then_sleep, c * per_core + k);
  }
  if (seconds > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  } else {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  g_stop = true;
  for (auto& t : threads) t.join();
  return g_sink == 42 ? 1 : 0;
}
