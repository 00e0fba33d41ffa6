# The SWIG baseline (included by CMakeLists.txt): `swig -go -c++` wraps bench/swig/swigbench.i into the Go
# package gen/swigbench (cgo compiles the generated .cxx), used by the Go program swighost.
# Skipped when swig is missing (scripts/install-bench-deps.sh installs it).
find_program(BENCH_SWIG swig)
if(NOT BENCH_SWIG)
  message(STATUS "bench: SWIG baseline skipped (swig not found)")
  return()
endif()
set(swig_dir "${GEN}/swigbench")
add_custom_command(
  OUTPUT "${swig_dir}/swigbench.go" "${swig_dir}/swigbench_wrap.cxx"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${swig_dir}"
  COMMAND "${BENCH_SWIG}" -go -c++ -intgosize 64 -module swigbench -o "${swig_dir}/swigbench_wrap.cxx"
          -outdir "${swig_dir}" "${CMAKE_CURRENT_SOURCE_DIR}/swig/swigbench.i"
  DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/swig/swigbench.i"
  COMMENT "swig -go -c++ swigbench.i"
  VERBATIM)
add_custom_target(swig_bindings DEPENDS "${swig_dir}/swigbench.go" "${swig_dir}/swigbench_wrap.cxx")
bench_go_program(swig_bench_build github.com/cxx2go/cxx2go/bench/swighost "${CMAKE_CURRENT_BINARY_DIR}/swig_bench")
add_dependencies(swig_bench_build swig_bindings)
