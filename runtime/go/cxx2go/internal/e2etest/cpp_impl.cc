// The C++ side of the end-to-end tests, as a user writes it: an implementation of tiny.CppSvc, and C++ code
// calling tiny.GoSvc (driven by the Go test through driver.h).
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "driver.h"
#include "tiny.c2g.h"

#include "cxx2go/detail/generated.h"

namespace {

using cxx2go::Code;
using cxx2go::Context;
using cxx2go::Error;
using cxx2go::Result;

std::atomic<int64_t> g_slow_cancelled{0};
std::atomic<int64_t> g_last_inline_thread{0};

// The calling thread's identity, without a system call (inline_add is benchmarked).
int64_t thread_identity() { return static_cast<int64_t>(reinterpret_cast<uintptr_t>(reinterpret_cast<void*>(pthread_self()))); }

class CppSvcImpl final : public tiny::CppSvc {
 public:
  Result<std::string> echo(std::string_view s, const Context& context) override {
    if (s == "trace") {
      // The trace context the Go caller sent: "cpp:<traceparent>|k=v,…" or "cpp:none".
      const cxx2go::TraceContext* trace = context.trace();
      if (trace == nullptr) return std::string("cpp:none");
      std::string out = "cpp:" + trace->traceparent + "|";
      for (const auto& [k, v] : trace->labels) out += k + "=" + v + ",";
      return out;
    }
    if (s.starts_with("to-go-traced/")) {
      // Continues the Go caller's trace in a call back to Go.
      cxx2go::CallOptions options{context.deadline()};
      options.trace = context.shared_trace();
      Result<std::string> inner = tiny::GoSvcClient().echo(s.substr(13), options);
      if (!inner) return inner.error();
      return "cpp(" + *inner + ")";
    }
    if (s.starts_with("to-go/")) {
      // Re-entrancy: a call to Go while serving a call from Go. The caller's deadline travels on.
      Result<std::string> inner = tiny::GoSvcClient().echo(s.substr(6), cxx2go::CallOptions{context.deadline()});
      if (!inner) return inner.error();
      return "cpp(" + *inner + ")";
    }
    return "cpp:" + std::string(s);
  }

  Result<int64_t> add(int64_t a, int64_t b, const Context&) override {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));  // wraps, like Go
  }

  Result<void> fail(int32_t code, const Context&) override {
    return Error(static_cast<Code>(code), "cpp fail " + std::to_string(code));
  }

  // Blocks an executor thread until ms passed or the call is cancelled (Go's context ended, or stop()).
  Result<void> slow(int64_t ms, const Context& context) override {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    const bool cancelled = cv.wait_for(lock, context.stop_token(), std::chrono::milliseconds(ms), [] { return false; }) ||
                           context.cancelled();
    if (cancelled) {
      g_slow_cancelled.fetch_add(1);
      return Error(Code::cancelled, "slow: cancelled");
    }
    return {};
  }

  Result<uint64_t> inline_len(std::string_view s, const Context&) override { return s.size(); }

  Result<int64_t> inline_add(int64_t a, int64_t b, const Context&) override {
    g_last_inline_thread.store(thread_identity());
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  }

  Result<void> throws(const Context&) override { throw std::runtime_error("boom"); }

  Result<int64_t> direct_add(int64_t a, int64_t b, const Context&) override {
    g_last_inline_thread.store(thread_identity());
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  }

  Result<tiny::Point> direct_move(const tiny::Point& p, double dx, const Context&) override {
    tiny::Point moved = p;
    moved.x += dx;
    moved.on_axis = moved.x == 0 || moved.y == 0;
    if (moved.on_axis) {
      moved.quadrant = tiny::Quadrant::NONE;
    } else if (moved.x > 0) {
      moved.quadrant = moved.y > 0 ? tiny::Quadrant::FIRST : tiny::Quadrant::FOURTH;
    } else {
      moved.quadrant = moved.y > 0 ? tiny::Quadrant::SECOND : tiny::Quadrant::THIRD;
    }
    return moved;
  }

  Result<uint64_t> direct_len(std::string_view s, const std::vector<std::string>& tags, std::span<const uint8_t> b,
                              const Context&) override {
    uint64_t n = s.size() + b.size();
    for (const std::string& tag : tags) n += tag.size();
    return n;
  }

  Result<void> direct_fail(int32_t code, const Context&) override {
    if (code == 0) throw std::runtime_error("boom");
    return Error(static_cast<Code>(code), "direct failure");
  }

  // "n|a|b as hex|c|d|e|f", each list joined with ','.
  Result<std::string> join(int32_t n, std::string_view a, std::span<const uint8_t> b, std::span<const int32_t> c,
                           std::span<const double> d, std::string_view e, std::span<const uint16_t> f,
                           const Context&) override {
    std::string out = std::to_string(n) + "|" + std::string(a) + "|";
    static constexpr char kHex[] = "0123456789abcdef";
    for (uint8_t x : b) (out += kHex[x >> 4]) += kHex[x & 15];
    auto list = [&out](auto values) {
      out += "|";
      for (size_t i = 0; i < values.size(); ++i) out += (i != 0 ? "," : "") + std::to_string(values[i]);
    };
    list(c);
    list(d);
    out += "|" + std::string(e);
    list(f);
    return out;
  }
};

// Runs fn on a new C++ thread and times it.
template <class Fn>
tiny_outcome on_cpp_thread(Fn fn) {
  tiny_outcome out{};
  std::thread t([&] {
    const auto start = std::chrono::steady_clock::now();
    fn(out);
    out.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  });
  t.join();
  return out;
}

void set_text(tiny_outcome& out, std::string_view text) {
  out.text = static_cast<char*>(std::malloc(text.size() + 1));
  std::memcpy(out.text, text.data(), text.size());
  out.text[text.size()] = '\0';
  out.text_len = text.size();
}

template <class T>
void record(tiny_outcome& out, const Result<T>& r) {
  out.code = static_cast<int32_t>(r.error().code);
  if (!r) {
    set_text(out, r.error().message);
    return;
  }
  if constexpr (std::is_same_v<T, std::string>) set_text(out, *r);
  if constexpr (std::is_same_v<T, int64_t>) out.value = *r;
}

cxx2go::CallOptions timeout_options(int64_t timeout_ms) {
  return timeout_ms > 0 ? cxx2go::CallOptions::with_timeout(std::chrono::milliseconds(timeout_ms)) : cxx2go::CallOptions{};
}

}  // namespace

extern "C" {

int32_t tiny_register_cpp_svc(void) {
  return static_cast<int32_t>(cxx2go::register_service(std::make_shared<CppSvcImpl>()).error().code);
}

int32_t tiny_unregister_cpp_svc(void) {
  return static_cast<int32_t>(cxx2go::unregister_service(tiny::CppSvc::service_name).error().code);
}

tiny_outcome tiny_go_echo(const char* s, size_t len, int32_t mode) {
  std::string arg(s, len);  // the Go memory behind s is only valid during this call
  return on_cpp_thread([&](tiny_outcome& out) {
    if (mode == TINY_ASYNC) {
      record(out, tiny::GoSvcClient().echo_async(arg).get());
    } else {
      record(out, tiny::GoSvcClient().echo(arg));
    }
  });
}

tiny_outcome tiny_go_add(int64_t a, int64_t b, int32_t mode) {
  return on_cpp_thread([&](tiny_outcome& out) {
    record(out, mode == TINY_ASYNC ? tiny::GoSvcClient().add_async(a, b).get() : tiny::GoSvcClient().add(a, b));
  });
}

tiny_outcome tiny_go_direct_add(int64_t a, int64_t b, int64_t timeout_ms) {
  return on_cpp_thread([&](tiny_outcome& out) { record(out, tiny::GoSvcClient().direct_add(a, b, timeout_options(timeout_ms))); });
}

tiny_outcome tiny_go_direct_move(double x, float y, int32_t quadrant, int32_t on_axis, double dx) {
  return on_cpp_thread([&](tiny_outcome& out) {
    tiny::Point p{};
    p.x = x;
    p.y = y;
    p.quadrant = static_cast<tiny::Quadrant>(quadrant);
    p.on_axis = on_axis != 0;
    Result<tiny::Point> r = tiny::GoSvcClient().direct_move(p, dx);
    out.code = static_cast<int32_t>(r.error().code);
    if (!r) {
      set_text(out, r.error().message);
      return;
    }
    set_text(out, std::to_string(r->x) + " " + std::to_string(r->y) + " " +
                      std::to_string(static_cast<int32_t>(r->quadrant)) + " " + (r->on_axis ? "1" : "0"));
  });
}

tiny_outcome tiny_go_direct_len(const char* s, size_t len) {
  std::string arg(s, len);
  return on_cpp_thread([&](tiny_outcome& out) {
    const std::vector<std::string> tags{"a", "", "xyz"};
    const std::vector<uint8_t> bytes{1, 2};
    Result<uint64_t> r = tiny::GoSvcClient().direct_len(arg, tags, bytes);
    out.code = static_cast<int32_t>(r.error().code);
    if (!r) {
      set_text(out, r.error().message);
      return;
    }
    out.value = static_cast<int64_t>(*r);
  });
}

tiny_outcome tiny_go_direct_fail(int32_t code) {
  return on_cpp_thread([&](tiny_outcome& out) { record(out, tiny::GoSvcClient().direct_fail(code)); });
}

tiny_outcome tiny_go_fail(int32_t code, int32_t mode) {
  return on_cpp_thread([&](tiny_outcome& out) {
    record(out, mode == TINY_ASYNC ? tiny::GoSvcClient().fail_async(code).get() : tiny::GoSvcClient().fail(code));
  });
}

tiny_outcome tiny_go_slow(int64_t ms, int64_t timeout_ms, int64_t cancel_after_ms, int32_t mode) {
  return on_cpp_thread([&](tiny_outcome& out) {
    if (mode != TINY_ASYNC) {
      record(out, tiny::GoSvcClient().slow(ms, timeout_options(timeout_ms)));
      return;
    }
    cxx2go::Future<void> f = tiny::GoSvcClient().slow_async(ms, timeout_options(timeout_ms));
    if (cancel_after_ms > 0 && !f.wait_for(std::chrono::milliseconds(cancel_after_ms))) f.cancel();
    record(out, f.get());
  });
}

tiny_outcome tiny_go_unknown(void) {
  // What the bindings of another schema version would send: a method name Go knows, another fingerprint.
  static const cxx2go::detail::MethodInfo kStale{0x0123456789abcdefull, "tiny.GoSvc.echo", 0};
  return on_cpp_thread([&](tiny_outcome& out) {
    cxx2go::detail::Encoder args;
    cxx2go::detail::ViewList views;
    views.add(std::string_view("x"));
    record(out, cxx2go::detail::decode_result<std::string>(cxx2go::detail::call_go(kStale, args, views, {})));
  });
}

int64_t tiny_bench_go_add(int64_t n, int32_t mode) {
  int64_t total_ns = 0;
  std::thread t([&] {
    const tiny::GoSvcClient go;
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) {
      Result<int64_t> r = mode == TINY_ASYNC ? go.add_async(i, 1).get() : go.add(i, 1);
      if (!r || *r != i + 1) std::abort();  // a benchmark that silently measures failures would lie
    }
    total_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  });
  t.join();
  return total_ns;
}

void tiny_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records) {
  const cxx2go::LiveCounts live = cxx2go::live_counts();
  *outgoing = live.outgoing_calls;
  *incoming = live.incoming_calls;
  *records = live.records;
}

int64_t tiny_cpp_slow_cancelled(void) { return g_slow_cancelled.load(); }
int64_t tiny_last_inline_thread(void) { return g_last_inline_thread.load(); }
int64_t tiny_thread_identity(void) { return thread_identity(); }
int64_t tiny_raw_add(int64_t a, int64_t b) {
  g_last_inline_thread.store(thread_identity());
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

}  // extern "C"
