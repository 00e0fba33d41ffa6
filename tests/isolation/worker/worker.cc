// The worker process of the isolation tests (tests/isolation): the C++ implementation of stress.CppWork
// (tests/schemas/stress.c2g), registered and served by cxx2go::run_worker. Its modes are those of the
// schema's comments, plus the faults the host must survive:
//   27  exits with status x in the middle of the call
//   28  hangs, ignoring cancellation
//   29  returns the worker's pid (which process served the call)
//   30  writes garbage over the whole shared region, then returns
//   31  writes garbage over the header of every slot of the worker → host ring, then hangs
//   32  makes a system call the seccomp sandbox forbids (socket), or returns x + 1 if it is allowed
//   33  calls GoWork.work(x, 0) in the host synchronously, and returns its result + 1000
//   34  the same through work_async, waiting for the future
//   37  asks the kernel to signal the host on its stdout's activity (fcntl F_SETOWN): forbidden in the sandbox
//   38  forks a process: forbidden in the sandbox
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "cxx2go/seccomp.h"
#include "cxx2go/symbolizer.h"
#include "cxx2go/worker.h"
#include "cxx2go/ring_abi.h"
#include "stress.c2g.h"

namespace {

using cxx2go::Code;
using cxx2go::Context;
using cxx2go::Error;
using cxx2go::Result;

// The shared region, found by its name in this process's mappings (the host names its memfd
// "cxx2go-<service>").
std::pair<unsigned char*, size_t> shared_region() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("/memfd:cxx2go-") == std::string::npos) continue;
    unsigned long begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) == 2) {
      return {reinterpret_cast<unsigned char*>(begin), end - begin};
    }
  }
  return {nullptr, 0};
}

[[noreturn]] void hang() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

int64_t null_dereference(int64_t x) {
  volatile int64_t* p = nullptr;
  return *p + x;  // the crash report names this line
}

Result<int64_t> wait_for_cancellation(const Context& context) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  std::stop_token token = context.stop_token();
  cv.wait(lock, token, [] { return false; });
  return Error(context.cause(), "cancelled");
}

class Work final : public cxx2go_stress::CppWork {
 public:
  Result<int64_t> work(int64_t x, int32_t mode, const Context& context) override {
    switch (mode) {
      case 0:
        return x + 1;
      case 2:
        return wait_for_cancellation(context);
      case 3:
        std::this_thread::sleep_for(std::chrono::microseconds(x));
        return x + 1;
      case 20:
        return null_dereference(x);
      case 21:
        std::abort();
      case 27:
        _exit(static_cast<int>(x));
      case 28:
        hang();
      case 29:
        return static_cast<int64_t>(getpid());
      case 33: {
        Result<int64_t> r = cxx2go_stress::GoWorkClient().work(x, 0);
        if (!r) return r.error();
        return *r + 1000;
      }
      case 34: {
        Result<int64_t> r = cxx2go_stress::GoWorkClient().work_async(x, 0).get();
        if (!r) return r.error();
        return *r + 1000;
      }
      case 37:
        fcntl(STDOUT_FILENO, F_SETOWN, getppid());
        return x + 1;
      case 38: {
        const pid_t child = fork();
        if (child == 0) _exit(0);
        return x + 1;
      }
      case 32: {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0) close(fd);
        return x + 1;
      }
      case 30:
      case 31: {
        auto [region, size] = shared_region();
        if (region == nullptr) return Error(Code::not_found, "no shared region in /proc/self/maps");
        std::mt19937_64 random(static_cast<uint64_t>(x));
        if (mode == 30) {
          for (size_t i = 0; i + 8 <= size; i += 8) {
            const uint64_t v = random();
            std::memcpy(region + i, &v, 8);
          }
          return x + 1;
        }
        auto* header = reinterpret_cast<cxx2go_ring_region*>(region);
        for (uint64_t i = 0; i < header->to_go.capacity; ++i) {
          auto* slot = reinterpret_cast<cxx2go_ring_slot*>(region + header->to_go.slots + i * CXX2GO_RING_SLOT_SIZE);
          for (int j = 0; j < CXX2GO_RING_HEADER_SIZE; j += 8) {
            const uint64_t v = random();
            std::memcpy(reinterpret_cast<unsigned char*>(slot) + j, &v, 8);
          }
        }
        hang();
      }
    }
    return Error(Code::invalid_argument, "unknown mode " + std::to_string(mode));
  }
  Result<int64_t> async_work(int64_t x, int32_t mode, const Context& context) override { return work(x, mode, context); }
  Result<int64_t> block(int32_t kind, int64_t micros, const Context&) override {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
    return micros + kind;
  }
  cxx2go::Result<int64_t> direct_sum(int64_t a, int64_t b, std::string_view text, const cxx2go::Context&) override {
    return a + b + static_cast<int64_t>(text.size());
  }
  Result<std::vector<uint8_t>> reverse(std::span<const uint8_t> data, const Context&) override {
    return std::vector<uint8_t>(data.rbegin(), data.rend());
  }
  Result<int64_t> inline_work(int64_t x, int32_t mode, const Context& context) override {
    if (mode == 2) return Error(Code::invalid_argument, "inline_work does not wait for cancellation");
    // 28 hangs the ring thread, which runs @inline methods: the worker stops draining its ring.
    return work(x, mode, context);
  }
};

}  // namespace

int main() {
  // A worker that dies while it starts, every time it is started (the supervisor's restart loop).
  if (std::getenv("ISOLATION_WORKER_CRASH_AT_START") != nullptr) std::abort();
  cxx2go::install_libbacktrace_symbolizer();
  cxx2go::use_seccomp_sandbox();  // when the host asks for it (Worker.Seccomp)
  if (auto registered = cxx2go::register_service(std::make_shared<Work>()); !registered) {
    std::fprintf(stderr, "worker: %s\n", registered.error().message.c_str());
    return 1;
  }
  std::printf("isolation worker %d serving\n", static_cast<int>(getpid()));
  std::fflush(stdout);
  // Enough threads for the tests' calls that wait for their cancellation and the call that crashes beside them.
  cxx2go::RuntimeOptions options;
  options.executor_threads = 8;
  return cxx2go::run_worker(options);
}
