// The C++ side of the Go host (bench/gohost): the cxx2go implementations of CppBench (executor),
// CppBenchInline (@inline) and CppBenchDirect (@direct), and the raw C functions of the baseline. Both do the same work: nothing
// that depends on the payload size (the size is returned, the bytes are not read), so that the time
// measured is the cost of passing the arguments.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench.c2g.h"
#include "cxx2go/cxx2go.h"
#include "raw.h"

namespace {

using benchgen::Nested;
using benchgen::Req;
using benchgen::Resp;
using benchgen::Small;
using cxx2go::Context;
using cxx2go::Result;

Small twiddle(const Small& v) { return Small{v.a + 1, v.b * 2, v.c - 1}; }

uint64_t count_names(const std::vector<std::string>& l) {
  uint64_t n = 0;
  for (const auto& s : l) n += s.size();
  return n;
}

// The echo workload's answer, the same for every mechanism.
Resp answer(const Req& req) { return Resp{req.id, static_cast<uint32_t>(req.name.size() + count_names(req.tags))}; }

class Executor final : public benchgen::CppBench {
 public:
  Result<void> ping(const Context&) override { return {}; }
  Result<Small> small(const Small& v, const Context&) override { return twiddle(v); }
  Result<uint64_t> text(std::string_view s, const Context&) override { return s.size(); }
  Result<uint64_t> blob(std::span<const uint8_t> b, const Context&) override { return b.size(); }
  Result<uint64_t> names(const std::vector<std::string>& l, const Context&) override { return count_names(l); }
  Result<Nested> nested(const Nested& n, const Context&) override { return n; }
  Result<Resp> echo(const Req& req, const Context&) override { return answer(req); }
};

class Inline final : public benchgen::CppBenchInline {
 public:
  Result<void> ping(const Context&) override { return {}; }
  Result<Small> small(const Small& v, const Context&) override { return twiddle(v); }
  Result<uint64_t> text(std::string_view s, const Context&) override { return s.size(); }
  Result<uint64_t> blob(std::span<const uint8_t> b, const Context&) override { return b.size(); }
  Result<uint64_t> names(const std::vector<std::string>& l, const Context&) override { return count_names(l); }
  Result<Nested> nested(const Nested& n, const Context&) override { return n; }
  Result<Resp> echo(const Req& req, const Context&) override { return answer(req); }
};

class Direct final : public benchgen::CppBenchDirect {
 public:
  Result<void> ping(const Context&) override { return {}; }
  Result<Small> small(const Small& v, const Context&) override { return twiddle(v); }
  Result<uint64_t> text(std::string_view s, const Context&) override { return s.size(); }
  Result<Resp> echo(const Req& req, const Context&) override { return answer(req); }
};

// The request a hand-written shim builds from the packed strings (raw.h): the callee owns its copy.
Req unpack_req(uint64_t id, const uint8_t* packed, size_t packed_len, const uint32_t* lens, size_t count) {
  Req req;
  req.id = id;
  req.tags.reserve(count > 0 ? count - 1 : 0);
  size_t at = 0;
  for (size_t i = 0; i < count && at + lens[i] <= packed_len; ++i) {
    std::string s(reinterpret_cast<const char*>(packed) + at, lens[i]);
    at += lens[i];
    if (i == 0) {
      req.name = std::move(s);
    } else {
      req.tags.push_back(std::move(s));
    }
  }
  return req;
}

// The minimal executor of the raw async baseline: one thread, a queue, a mutex and a condition variable.
class MinimalExecutor {
 public:
  struct Task {
    Req req;
    uint64_t token;
  };

  void post(Task task) {
    std::call_once(started_, [this] { std::thread([this] { run(); }).detach(); });
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  [[noreturn]] void run() {
    for (;;) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !queue_.empty(); });
      Task task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      const Resp resp = answer(task.req);
      bench_raw_echo_done(task.token, resp.id, resp.n);
    }
  }

  std::once_flag started_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
};

MinimalExecutor& minimal_executor() {
  static MinimalExecutor* const executor = new MinimalExecutor();  // never destroyed: its thread runs on
  return *executor;
}

}  // namespace

extern "C" {

// noinline + an empty asm: the compiler may not drop the call or its result.
__attribute__((noinline)) void bench_raw_ping(void) { asm volatile(""); }

__attribute__((noinline)) void bench_raw_small(const bench_small* in, bench_small* out) {
  out->a = in->a + 1;
  out->b = in->b * 2;
  out->c = in->c - 1;
}

__attribute__((noinline)) uint64_t bench_raw_bytes(const uint8_t* data, size_t len) {
  asm volatile("" : : "r"(data));
  return len;
}

__attribute__((noinline)) uint64_t bench_raw_names(const uint8_t* packed, size_t packed_len, const uint64_t* lens,
                                                   size_t count) {
  // What a hand-written shim hands its C++ callee: views of the strings.
  std::vector<std::string_view> views;
  views.reserve(count);
  size_t at = 0;
  for (size_t i = 0; i < count && at + lens[i] <= packed_len; ++i) {
    views.emplace_back(reinterpret_cast<const char*>(packed) + at, lens[i]);
    at += lens[i];
  }
  uint64_t n = 0;
  for (auto v : views) n += v.size();
  return n;
}

__attribute__((noinline)) void bench_raw_echo(uint64_t id, const uint8_t* packed, size_t packed_len,
                                             const uint32_t* lens, size_t count, bench_echo_resp* out) {
  const Resp resp = answer(unpack_req(id, packed, packed_len, lens, count));
  out->id = resp.id;
  out->n = resp.n;
}

void bench_raw_echo_submit(uint64_t id, const uint8_t* packed, size_t packed_len, const uint32_t* lens, size_t count,
                           uint64_t token) {
  minimal_executor().post({unpack_req(id, packed, packed_len, lens, count), token});
}

int32_t bench_register_cpp(void) {
  if (auto r = cxx2go::register_service(std::make_shared<Executor>()); !r) return static_cast<int32_t>(r.error().code);
  if (auto r = cxx2go::register_service(std::make_shared<Inline>()); !r) return static_cast<int32_t>(r.error().code);
  if (auto r = cxx2go::register_service(std::make_shared<Direct>()); !r) return static_cast<int32_t>(r.error().code);
  return 0;
}

}  // extern "C"
