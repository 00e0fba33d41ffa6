# The gRPC baseline (included by CMakeLists.txt): a C++ client (protoc-generated stub, Debian
# libgrpc++-dev) calling a Go server (grpc-go through the module proxy) over a Unix domain socket.
# Skipped when gRPC C++ or protoc is missing (scripts/install-bench-deps.sh installs them).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(BENCH_GRPCPP IMPORTED_TARGET grpc++ protobuf)
endif()
find_program(BENCH_PROTOC protoc)
find_program(BENCH_GRPC_CPP_PLUGIN grpc_cpp_plugin)
if(NOT BENCH_GRPCPP_FOUND OR NOT BENCH_PROTOC OR NOT BENCH_GRPC_CPP_PLUGIN)
  message(STATUS "bench: gRPC baseline skipped (gRPC C++, protoc or grpc_cpp_plugin not found)")
  return()
endif()

set(grpc_gen "${CMAKE_CURRENT_BINARY_DIR}/grpc_gen")
file(MAKE_DIRECTORY "${grpc_gen}")
set(grpc_srcs "${grpc_gen}/bench.pb.cc" "${grpc_gen}/bench.grpc.pb.cc")
add_custom_command(
  OUTPUT ${grpc_srcs} "${grpc_gen}/bench.pb.h" "${grpc_gen}/bench.grpc.pb.h"
  COMMAND "${BENCH_PROTOC}" "--proto_path=${CMAKE_CURRENT_SOURCE_DIR}/grpc" "--cpp_out=${grpc_gen}"
          "--grpc_out=${grpc_gen}" "--plugin=protoc-gen-grpc=${BENCH_GRPC_CPP_PLUGIN}"
          "${CMAKE_CURRENT_SOURCE_DIR}/grpc/bench.proto"
  DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/grpc/bench.proto"
  COMMENT "protoc bench.proto"
  VERBATIM)
add_executable(grpc_client grpc/client.cc ${grpc_srcs})
target_include_directories(grpc_client PRIVATE "${grpc_gen}")
target_link_libraries(grpc_client PRIVATE PkgConfig::BENCH_GRPCPP Threads::Threads)

bench_go_program(grpc_server_build github.com/cxx2go/cxx2go/bench/grpc/server "${CMAKE_CURRENT_BINARY_DIR}/grpc_server")
