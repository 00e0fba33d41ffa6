// grpc_client: the C++ side of the gRPC baseline of `make bench`. Sequential unary calls of
// benchgrpc.Bench/Small (bench.proto) to the Go server over a Unix domain socket, one in flight, each
// timed: the same percentiles as cpphost's "small struct, 1 in flight" rows.
//
//   grpc_client --socket PATH [--ms MS]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench.grpc.pb.h"

int main(int argc, char** argv) {
  std::string socket;
  double ms = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--socket")) socket = argv[i + 1];
    if (!std::strcmp(argv[i], "--ms")) ms = std::atof(argv[i + 1]);
  }
  auto channel = grpc::CreateChannel("unix://" + socket, grpc::InsecureChannelCredentials());
  auto stub = benchgrpc::Bench::NewStub(channel);
  using Clock = std::chrono::steady_clock;
  auto call = [&] {
    grpc::ClientContext context;
    benchgrpc::SmallStruct req, resp;
    req.set_a(1);
    req.set_b(2);
    req.set_c(3);
    grpc::Status status = stub->Small(&context, req, &resp);
    if (!status.ok() || resp.a() != 2) {
      std::fprintf(stderr, "grpc_client: %s\n", status.error_message().c_str());
      std::exit(1);
    }
  };
  for (int i = 0; i < 1000; ++i) call();
  std::vector<double> lat;
  auto start = Clock::now();
  auto end = start + std::chrono::microseconds(static_cast<long>(ms * 1000));
  while (Clock::now() < end) {
    auto t = Clock::now();
    call();
    lat.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t).count());
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(lat.begin(), lat.end());
  std::printf(
      "{\"direction\":\"cpp->go\",\"kind\":\"latency\",\"row\":\"small struct, 1 in flight\",\"payload_bytes\":20,"
      "\"mechanism\":\"gRPC (C++ client, Go server, Unix socket)\",\"in_flight\":1,\"calls_per_s\":%.0f,"
      "\"p50_ns\":%.0f,\"p99_ns\":%.0f}\n",
      lat.size() / elapsed, lat[lat.size() / 2], lat[lat.size() * 99 / 100]);
  return 0;
}
