// http-demo: a C++ program using Go's net/http through the go service web.Http (web.c2g), whose Go
// implementation (goside/main.go) is linked in as a C archive.
//
// One thread does all the C++ work. It keeps a thousand requests in flight at once with coroutines: each
// co_awaits a Future of an asynchronous call into Go, which suspends it without blocking the thread, and
// resumes on the cxx2go::EventLoop that the main thread drives. Go runs each call on a goroutine of its own.
//
// Build and run it with scripts/run-demo.sh, or see examples/README.md.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "web.c2g.h"

namespace {

namespace web = examples::web;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  int requests = 5000;
  int concurrency = 1000;
};

// The body the server sends for /hello?n=<n> (helloBody in goside/main.go): "hello <n>\n", 1 + n % 32 times.
std::string expected_body(int n) {
  const std::string line = "hello " + std::to_string(n) + "\n";
  std::string body;
  for (int i = 0; i < 1 + n % 32; ++i) body += line;
  return body;
}

// What is wrong with the response to /hello?n=<n>, or "" if nothing is.
std::string check_hello(int n, const cxx2go::Result<web::Response>& response) {
  const std::string what = "/hello?n=" + std::to_string(n) + ": ";
  if (!response) return what + response.error().to_string();
  if (response->status != 200) return what + "status " + std::to_string(response->status);
  auto header = response->headers.find("X-Request-N");
  if (header == response->headers.end() || header->second != std::vector<std::string>{std::to_string(n)}) {
    return what + "missing or wrong X-Request-N header";
  }
  const std::string want = expected_body(n);
  if (!std::equal(response->body.begin(), response->body.end(), want.begin(), want.end())) {
    return what + "body of " + std::to_string(response->body.size()) + " bytes differs from the expected " +
           std::to_string(want.size());
  }
  return {};
}

// What the requests of the load found. Only the event loop's thread touches it, so it needs no lock.
struct Tally {
  std::thread::id loop_thread;
  int next = 0;  // the n of the next request to send
  int ok = 0;
  int failed = 0;
  int resumed_elsewhere = 0;  // coroutine resumptions that were not on loop_thread
  std::string first_failure;
  std::vector<Clock::duration> latencies;
};

// One of the `concurrency` clients of the load: sends one request at a time until `total` are sent.
// `http` and `base` are copies, as a coroutine outlives its caller's arguments; `tally` outlives every
// client (run_load awaits them all).
cxx2go::Future<void> client(web::HttpClient http, std::string base, int total, Tally& tally) {
  while (tally.next < total) {
    const int n = tally.next++;
    web::Request request;
    request.url = base + "/hello?n=" + std::to_string(n);
    const Clock::time_point sent = Clock::now();
    // The request is moved into the call, which owns it until Go is done with it. Suspends here; the
    // loop runs other clients meanwhile. The deadline turns a request that never ends into an error.
    cxx2go::Result<web::Response> response =
        co_await http.fetch_async(std::move(request), cxx2go::CallOptions::with_timeout(30s));
    tally.latencies.push_back(Clock::now() - sent);
    if (std::this_thread::get_id() != tally.loop_thread) ++tally.resumed_elsewhere;
    if (std::string failure = check_hello(n, response); failure.empty()) {
      ++tally.ok;
    } else if (++tally.failed == 1) {
      tally.first_failure = std::move(failure);
    }
  }
}

// Sends options.requests requests through options.concurrency clients, all started here at once, and
// completes with the tally when every client is done.
cxx2go::Future<Tally> run_load(web::HttpClient http, std::string base, Options options) {
  Tally tally;
  tally.loop_thread = std::this_thread::get_id();
  tally.latencies.reserve(static_cast<size_t>(options.requests));
  std::vector<cxx2go::Future<void>> clients;
  for (int i = 0; i < options.concurrency; ++i)
    clients.push_back(client(http, base, options.requests, tally));
  cxx2go::Result<std::vector<cxx2go::Result<void>>> done = co_await cxx2go::when_all(std::move(clients));
  if (!done) co_return done.error();
  for (const cxx2go::Result<void>& r : *done) {
    if (!r) co_return r.error();  // a client failed itself (an exception), not one of its requests
  }
  co_return tally;
}

double millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest-rank percentile of sorted latencies.
Clock::duration percentile(const std::vector<Clock::duration>& sorted, double p) {
  if (sorted.empty()) return {};
  size_t rank = static_cast<size_t>(p * static_cast<double>(sorted.size()) + 0.999999);
  return sorted[std::max<size_t>(rank, 1) - 1];
}

bool load(cxx2go::EventLoop& loop, const web::HttpClient& http, const std::string& base,
          const Options& options) {
  std::printf(
      "%d GET requests, %d in flight at a time, all from this one thread (coroutines on a "
      "cxx2go::EventLoop)\n",
      options.requests, options.concurrency);
  const Clock::time_point begin = Clock::now();
  // block_on runs the lambda as a task of the loop, so that the coroutines it starts resume on the loop,
  // and drives the loop on this thread until the Future run_load returns is ready.
  cxx2go::Result<Tally> result = loop.block_on([&] { return run_load(http, base, options); });
  const Clock::duration elapsed = Clock::now() - begin;
  if (!result) {
    std::printf("  FAILED: %s\n", result.error().to_string().c_str());
    return false;
  }
  Tally& tally = *result;
  std::sort(tally.latencies.begin(), tally.latencies.end());
  std::printf("  %d ok, %d errors; every status, X-Request-N header and body checked\n", tally.ok,
              tally.failed);
  std::printf("  %.0f ms in total: %.0f requests/s; latency p50 %.1f ms, p99 %.1f ms\n", millis(elapsed),
              tally.latencies.size() / std::chrono::duration<double>(elapsed).count(),
              millis(percentile(tally.latencies, 0.50)), millis(percentile(tally.latencies, 0.99)));
  if (tally.resumed_elsewhere == 0) {
    std::printf("  all %zu completions resumed their coroutine on this thread\n", tally.latencies.size());
  } else {
    std::printf("  FAILED: %d completions resumed a coroutine on another thread\n", tally.resumed_elsewhere);
  }
  if (tally.failed > 0) std::printf("  FAILED, first failure: %s\n", tally.first_failure.c_str());
  return tally.ok == options.requests && tally.failed == 0 && tally.resumed_elsewhere == 0;
}

// A request that the server answers only after a minute, with a deadline 200 ms away: the call must
// fail with deadline_exceeded, about 200 ms later.
bool deadline(cxx2go::EventLoop& loop, const web::HttpClient& http, const std::string& base) {
  web::Request request;
  request.url = base + "/slow?ms=60000";
  const Clock::time_point begin = Clock::now();
  cxx2go::Result<web::Response> response =
      loop.block_on(http.fetch_async(std::move(request), cxx2go::CallOptions::with_timeout(200ms)));
  const Clock::duration elapsed = Clock::now() - begin;
  if (response || response.error().code != cxx2go::Code::deadline_exceeded) {
    std::printf("deadline: FAILED: GET /slow?ms=60000 with a 200 ms timeout: %s, want deadline_exceeded\n",
                response ? "succeeded" : response.error().to_string().c_str());
    return false;
  }
  std::printf("deadline: GET /slow?ms=60000 with a 200 ms timeout failed after %.0f ms with %s\n",
              millis(elapsed), response.error().to_string().c_str());
  return elapsed < 5s;  // the deadline, not the server's answer, ended the call
}

bool run(const Options& options) {
  web::HttpClient http;
  // A synchronous call: Go runs the handler on this thread, and the result is here when it returns.
  cxx2go::Result<std::string> base = http.start_server();
  if (!base) {
    std::printf("start_server: FAILED: %s\n", base.error().to_string().c_str());
    return false;
  }
  std::printf("server: %s (Go's net/http in this process, loopback only)\n", base->c_str());

  cxx2go::EventLoop loop;
  bool ok = load(loop, http, *base, options);
  ok = deadline(loop, http, *base) && ok;

  cxx2go::Result<web::ServerStats> stats = http.stop_server(cxx2go::CallOptions::with_timeout(10s));
  if (!stats) {
    std::printf("stop_server: FAILED: %s\n", stats.error().to_string().c_str());
    return false;
  }
  const uint64_t hello = stats->requests["/hello"], slow = stats->requests["/slow"];
  const bool counts_ok = hello == static_cast<uint64_t>(options.requests) && slow == 1;
  std::printf("server stopped; it answered %llu /hello and %llu /slow requests%s\n",
              static_cast<unsigned long long>(hello), static_cast<unsigned long long>(slow),
              counts_ok ? ", as many as were sent" : ": FAILED, not as many as were sent");
  return ok && counts_ok;
}

bool parse_flag(std::string_view arg, std::string_view name, int& value) {
  if (!arg.starts_with(name) || arg.substr(name.size(), 1) != "=") return false;
  std::string_view digits = arg.substr(name.size() + 1);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return error == std::errc() && end == digits.data() + digits.size() && value > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!parse_flag(arg, "--requests", options.requests) &&
        !parse_flag(arg, "--concurrency", options.concurrency)) {
      std::fprintf(stderr, "usage: %s [--requests=N] [--concurrency=N]\n", argv[0]);
      return 2;
    }
  }

  // Attaches to the Go runtime of the archive (waiting for its initialization, which registers web.Http).
  if (cxx2go::Result<void> started = cxx2go::start(); !started) {
    std::fprintf(stderr, "http-demo: cxx2go::start: %s\n", started.error().to_string().c_str());
    return 1;
  }
  const bool ok = run(options);
  // Rejects new calls, cancels those in flight in both directions, and waits for Go to finish them.
  if (cxx2go::Result<void> stopped = cxx2go::stop(); !stopped) {
    std::fprintf(stderr, "http-demo: cxx2go::stop: %s\n", stopped.error().to_string().c_str());
    return 1;
  }
  std::printf("runtime stopped\n");
  if (!ok) std::fprintf(stderr, "http-demo: FAILED\n");
  return ok ? 0 : 1;
}
