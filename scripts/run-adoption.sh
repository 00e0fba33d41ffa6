#!/usr/bin/env bash
# Adoption tests (tests/adoption/README.md): cxx2go used the way another project uses it, in temporary
# directories outside the repository, removed at the end:
#   install               a Release build of the compiler, `cmake --install` into a prefix that is then
#                         moved (the package must be relocatable); the installed tree, cxx2go --version
#                         and cxx2go.pc checked
#   cpphost-installed     tests/adoption/cpphost (a C++ program calling a Go service) configured against
#                         the moved prefix: find_package(cxx2go), cxx2go_generate, cxx2go_add_go_c_archive;
#                         built in Release and run
#   cpphost-fetchcontent  the same project with cxx2go through FetchContent of this checkout: no tests, no
#                         GoogleTest, no -Werror in cxx2go's targets
#   worker-installed      tests/adoption/worker (an isolated service's worker process) against the moved
#                         prefix: find_package(cxx2go), cxx2go_add_worker; built and run outside a host
#   release-build         the whole repository configured and built as -DCMAKE_BUILD_TYPE=Release with g++
#   release-ctest         the compiler's tests in that build
# The samples' Go modules require github.com/cxx2go/cxx2go v0.1.0 with a replace pointing at this checkout.
#
# usage: scripts/run-adoption.sh BUILD_DIR    (logs go to BUILD_DIR/adoption-logs/; nothing else is built there)
#
# Prints a PASS/FAIL line per step, then "adoption: N passed, M failed"; exits non-zero if anything failed.
# Every step runs under timeout(1). About 2½ minutes on 2 cores with a warm Go build cache.
set -uo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
logs="$(mkdir -p "$1/adoption-logs" && cd "$1/adoption-logs" && pwd)"
jobs="${JOBS:-$(nproc)}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/cxx2go-adoption.XXXXXX")"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT  # the module cache step leaves read-only files

version="$(sed -nE 's/^#define CXX2GO_VERSION_STRING "(.*)"$/\1/p' runtime/cpp/include/cxx2go/version.h)"
prefix="$tmp/prefix"  # where the install step leaves the installed tree
export root tmp jobs version prefix
export CGO_ENABLED=1 GOWORK=off  # the samples are modules of their own, outside any workspace
export CMAKE_GENERATOR=Ninja

passed=0
failed=0

# step NAME TIMEOUT_SECONDS COMMAND...: runs COMMAND (a program or a function below) with its output in
# $logs/NAME.log.
step() {
  local name="$1" limit="$2"
  shift 2
  local log="$logs/$name.log"
  local start=$SECONDS
  timeout -k 30 "$limit" bash -c '"$@"' "$name" "$@" >"$log" 2>&1
  local status=$?
  if [[ $status -eq 0 ]]; then
    passed=$((passed + 1))
    printf 'PASS %-24s %4ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    local why="exit status $status"
    [[ $status -eq 124 || $status -eq 137 ]] && why="timed out after ${limit}s"
    printf 'FAIL %-24s (%s; log: %s)\n' "$name" "$why" "$log"
    grep -E 'FAIL|error|Error|undefined reference' "$log" | head -20 | sed 's/^/    /'
    echo "    ... last lines:"
    tail -n 25 "$log" | sed 's/^/    /'
  fi
}

# fail MESSAGE: ends a step.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The installed tree, in a prefix that has moved since `cmake --install` wrote it.
install_and_check() {
  set -ex
  cmake -S "$root" -B "$tmp/build-install" -DCMAKE_BUILD_TYPE=Release -DCXX2GO_BUILD_TESTS=OFF \
    -DCXX2GO_BUILD_EXAMPLES=OFF
  cmake --build "$tmp/build-install" -j "$jobs"
  cmake --install "$tmp/build-install" --prefix "$tmp/staging"
  mv "$tmp/staging" "$prefix"
  set +x
  for f in bin/cxx2go include/cxx2go/cxx2go.h include/cxx2go/version.h lib/cmake/cxx2go/cxx2goConfig.cmake \
    lib/cmake/cxx2go/cxx2goConfigVersion.cmake lib/cmake/cxx2go/cxx2goTargets.cmake \
    lib/cmake/cxx2go/Cxx2GoGenerate.cmake lib/cmake/cxx2go/Cxx2GoCArchive.cmake \
    lib/cmake/cxx2go/Cxx2GoCArchiveBuild.cmake lib/cmake/cxx2go/Cxx2GoWorker.cmake lib/pkgconfig/cxx2go.pc \
    lib/libcxx2go_runtime.a include/cxx2go/worker.h; do
    [[ -f "$prefix/$f" ]] || fail "not installed: $f"
  done
  # In a process that contains Go the C++ runtime comes from the Go runtime package: the only libraries
  # installed are those of isolated workers, which contain no Go (docs/isolation.md): the runtime without
  # Go, and its optional sandbox and symbolizer.
  others=$(find "$prefix" \( -name '*.a' -o -name '*.so*' \) ! -name libcxx2go_runtime.a ! -name libcxx2go_seccomp.a \
    ! -name libcxx2go_symbolizer.a)
  [[ -z "$others" ]] || fail "a library other than the workers' was installed: $others"
  local printed
  printed="$("$prefix/bin/cxx2go" --version)"
  [[ "$printed" == "cxx2go $version" ]] || fail "cxx2go --version printed '$printed', version.h says $version"
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  [[ "$(pkg-config --modversion cxx2go)" == "$version" ]] || fail "cxx2go.pc: version $(pkg-config --modversion cxx2go)"
  local cflags
  cflags="$(pkg-config --cflags cxx2go)"
  echo "pkg-config --cflags cxx2go: $cflags"
  # cgo applies the flags to C and C++ files alike: both must compile with them.
  echo '#include <cxx2go/cxx2go.h>' | g++ -std=c++20 $cflags -fsyntax-only -x c++ - ||
    fail "cxx2go/cxx2go.h does not compile with pkg-config's flags"
  echo '#include <cxx2go/abi.h>' | gcc $cflags -fsyntax-only -x c - ||
    fail "cxx2go/abi.h does not compile as C with pkg-config's flags"
  echo "installed tree OK: $prefix"
}

# The Debian package (`make package`) of the install step's build: its fields, and its files unpacked into
# a scratch root (the machine's /usr is not touched): the compiler runs, and the CMake package and cxx2go.pc
# are there.
debian_package() {
  set -ex
  [[ -d "$tmp/build-install" ]] || fail "no install build (the install step failed)"
  (cd "$tmp/build-install" && cpack -G DEB)
  local deb
  deb="$(ls "$tmp/build-install"/cxx2go_"$version"_*.deb)"
  [[ "$(dpkg-deb --field "$deb" Package Version)" == $'Package: cxx2go\nVersion: '"$version" ]] ||
    fail "the package's name or version is wrong: $(dpkg-deb --field "$deb" Package Version)"
  dpkg-deb --field "$deb" Depends | grep -q libstdc++6 || fail "the package does not depend on libstdc++6"
  dpkg-deb -x "$deb" "$tmp/deb-root"
  [[ "$("$tmp/deb-root/usr/bin/cxx2go" --version)" == "cxx2go $version" ]] || fail "the packaged cxx2go"
  [[ -f "$tmp/deb-root/usr/include/cxx2go/cxx2go.h" ]] || fail "the package lacks the headers"
  [[ -n "$(find "$tmp/deb-root/usr" -name cxx2goConfig.cmake)" ]] || fail "the package lacks the CMake package"
  local pc
  pc="$(find "$tmp/deb-root/usr" -name cxx2go.pc)"
  [[ "$(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --modversion cxx2go)" == "$version" ]] ||
    fail "the packaged cxx2go.pc"
}

# sample_copy NAME DIR: copies tests/adoption/NAME to DIR, its go.mod's replace pointing at this checkout.
sample_copy() {
  rm -rf "$2"
  cp -r "$root/tests/adoption/$1" "$2"
  (cd "$2" && go mod edit -replace "github.com/cxx2go/cxx2go=$root")
}

# cpphost DIR CMAKE_ARGS...: configures, builds (Release) and runs the C++-host sample copied to DIR.
cpphost() {
  set -ex
  local dir="$1"
  shift
  sample_copy cpphost "$dir"
  cmake -S "$dir" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$dir/build" -j "$jobs"
  local out
  out="$("$dir/build/cpphost")"
  echo "$out"
  [[ "$out" == "cpphost: ok"* ]] || fail "cpphost printed '$out'"
}

# The C++-host sample against the installed (and moved) package.
cpphost_installed() {
  [[ -d "$prefix" ]] || fail "no installed tree (the install step failed)"
  cpphost "$tmp/cpphost-installed" "-DCMAKE_PREFIX_PATH=$prefix"
}

# The worker sample (tests/adoption/worker) against the installed package: cxx2go_add_worker, one line.
# Outside a host it must refuse to run, saying why (exit status 2).
worker_installed() {
  set -ex
  [[ -d "$prefix" ]] || fail "no installed tree (the install step failed)"
  local dir="$tmp/worker-installed"
  rm -rf "$dir"
  cp -r "$root/tests/adoption/worker" "$dir"
  cmake -S "$dir" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$prefix"
  cmake --build "$dir/build" -j "$jobs"
  local out status=0
  out="$("$dir/build/echo_worker" 2>&1)" || status=$?
  echo "$out"
  [[ $status -eq 2 && "$out" == *"CXX2GO_WORKER_FDS is not set"* ]] || fail "echo_worker: status $status, '$out'"
}

# The C++-host sample with cxx2go as a subproject: the developer options must all be off there.
cpphost_fetchcontent() {
  local dir="$tmp/cpphost-fetchcontent"
  cpphost "$dir" "-DCXX2GO_SOURCE_DIR=$root"
  set +x
  grep -E '^CXX2GO_(WERROR|BUILD_TESTS|BUILD_EXAMPLES|INSTALL):BOOL=OFF$' "$dir/build/CMakeCache.txt" | wc -l |
    grep -qx 4 || fail "a developer option is on in a subproject build: $(grep -E '^CXX2GO_' "$dir/build/CMakeCache.txt")"
  ! grep -qiE '^GTEST' "$dir/build/CMakeCache.txt" || fail "GoogleTest was looked for"
  ctest --test-dir "$dir/build" -N | grep -q 'Total Tests: 0' || fail "tests were registered"
  ! ninja -C "$dir/build" -t commands cxx2go | grep -q -- '-Werror' || fail "-Werror in the compiler's build"
}

# The whole repository as a plain Release build with g++ (-Werror on, as in every top-level build).
release_build() {
  set -ex
  cmake -S "$root" -B "$tmp/build-release" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc \
    -DCMAKE_CXX_COMPILER=g++
  cmake --build "$tmp/build-release" -j "$jobs"
  # The build tree's cxx2go.pc names this checkout's headers.
  [[ "$(PKG_CONFIG_PATH="$tmp/build-release/pkgconfig" pkg-config --cflags cxx2go)" == \
     "-I$root/runtime/cpp/include"* ]] || fail "<build>/pkgconfig/cxx2go.pc does not name runtime/cpp/include"
}

# module_copy DIR: the files of the cxx2go module as its published zip holds them, copied to DIR: what git
# knows of in this checkout (tracked or new), less the directories of other modules (examples/, bench/, the
# samples) and build trees. Steps that edit or delete the module work on such a copy, never the checkout.
module_copy() {
  rm -rf "$1"
  mkdir -p "$1"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    python3 -c '
import os, sys
files = [f for f in sys.stdin.read().split("\0") if f and os.path.isfile(f)]
nested = {os.path.dirname(f) for f in files if f.endswith("/go.mod")}
for f in files:
    if not any(f.startswith(d + "/") for d in nested):
        print(f)' >"$1.files"
  (cd "$root" && tar -cf - -T "$1.files") | tar -xf - -C "$1"
}

# gohost_sample DIR MODULE: the Go-host sample copied to DIR, with the installed cxx2go as a user has it
# (the compiler on PATH, cxx2go.pc where pkg-config looks). Its go.mod replaces cxx2go with a copy of the
# module made at MODULE; with MODULE empty, it is left to the caller to say where cxx2go comes from.
gohost_sample() {
  [[ -d "$prefix" ]] || fail "no installed tree (the install step failed)"
  export PATH="$prefix/bin:$PATH" PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  sample_copy gohost "$1"
  if [[ -n "$2" ]]; then
    module_copy "$2"
    (cd "$1" && go mod edit -replace "github.com/cxx2go/cxx2go=$2")
  fi
}

# gohost_generate DIR: `go generate ./...` in the Go-host sample at DIR with the installed cxx2go, as a user
# runs it: the compiler on PATH, its cxx2go.pc where pkg-config looks.
gohost_generate() {
  (cd "$1" && go generate ./...)
  local f
  for f in shop.c2g.go shop.c2g.cgo.go shop.c2g.cgo.cc shop.c2g.h shop.c2g.cc; do
    [[ -f "$1/shop/$f" ]] || fail "go generate did not write shop/$f"
  done
}

# gohost_run DIR MARKUP: builds the Go-host sample at DIR and runs it, expecting the C++ markup MARKUP.
gohost_run() {
  (cd "$1" && go build -o gohost . && ./gohost -want-markup "$2") || fail "the Go host failed (markup $2)"
}

# The Go-host sample (tests/adoption/gohost) depending on cxx2go through a replace: go generate, go vet,
# go build, run; then `go build` after edits must run the new C++: the user's implementation, a runtime
# source and a runtime header of the module (no stale binary, no cache-busting).
gohost_replace() {
  set -ex
  local dir="$tmp/gohost-replace" module="$tmp/cxx2go-module"
  gohost_sample "$dir" "$module"
  gohost_generate "$dir"
  (cd "$dir" && go vet ./...)
  gohost_run "$dir" 100

  sed -i 's/kMarkupPercent = 100;/kMarkupPercent = 125;/' "$dir/shop/pricer.cc"
  gohost_run "$dir" 125

  cat >>"$module/runtime/cpp/src/core/runtime.cc" <<'PROBE'
extern "C" int cxx2go_adoption_probe(void) { return CXX2GO_ADOPTION_PROBE; }
PROBE
  sed -i 's|^#endif /\* CXX2GO_VERSION_H_ \*/|#define CXX2GO_ADOPTION_PROBE 1\n&|' "$module/runtime/cpp/include/cxx2go/version.h"
  gohost_run "$dir" 125
  go tool nm "$dir/gohost" | grep -q cxx2go_adoption_probe || fail "an edited runtime source was not rebuilt"
  local before
  before="$(sha256sum <"$dir/gohost")"
  sed -i 's|#define CXX2GO_ADOPTION_PROBE 1|#define CXX2GO_ADOPTION_PROBE 2|' "$module/runtime/cpp/include/cxx2go/version.h"
  gohost_run "$dir" 125
  [[ "$(sha256sum <"$dir/gohost")" != "$before" ]] || fail "an edited runtime header was not rebuilt"
}

# The same sample vendored: `go mod vendor`, then the module it came from is deleted, and the program must
# still build (the C++ runtime's sources are in vendor/) and run.
gohost_vendor() {
  set -ex
  local dir="$tmp/gohost-vendor" module="$tmp/cxx2go-vendored"
  gohost_sample "$dir" "$module"
  gohost_generate "$dir"
  (cd "$dir" && go mod vendor)
  [[ -f "$dir/vendor/github.com/cxx2go/cxx2go/runtime/cpp/src/core/runtime.cc" ]] || fail "vendor/ lacks the C++ runtime"
  rm -rf "$module"
  gohost_run "$dir" 100
}

# The same sample with cxx2go from the module cache: the module zipped as a proxy serves it (GOPROXY=file://,
# like a published release), `go get github.com/cxx2go/cxx2go@vX`, no replace; the module cache is read-only.
gohost_modcache() {
  set -ex
  local dir="$tmp/gohost-modcache" module="$tmp/cxx2go-published" proxy="$tmp/proxy"
  gohost_sample "$dir" ""
  module_copy "$module"
  python3 - "$module" "$proxy" "v$version" <<'ZIP'
import json, os, sys, zipfile
module, proxy, version = sys.argv[1:]
path = "github.com/cxx2go/cxx2go"
out = os.path.join(proxy, path, "@v")
os.makedirs(out)
with zipfile.ZipFile(os.path.join(out, version + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, names in os.walk(module):
        for name in names:
            rel = os.path.relpath(os.path.join(base, name), module)
            z.write(os.path.join(base, name), path + "@" + version + "/" + rel)
with open(os.path.join(module, "go.mod")) as f, open(os.path.join(out, version + ".mod"), "w") as g:
    g.write(f.read())
with open(os.path.join(out, version + ".info"), "w") as f:
    json.dump({"Version": version, "Time": "2026-01-01T00:00:00Z"}, f)
with open(os.path.join(out, "list"), "w") as f:
    f.write(version + "\n")
ZIP
  export GOPROXY="file://$proxy" GOSUMDB=off GOMODCACHE="$tmp/modcache"
  (cd "$dir" && go mod edit -dropreplace github.com/cxx2go/cxx2go && go get "github.com/cxx2go/cxx2go@v$version")
  [[ -f "$GOMODCACHE/github.com/cxx2go/cxx2go@v$version/runtime/cpp/src/core/runtime.cc" ]] || fail "not in the module cache"
  gohost_generate "$dir"
  gohost_run "$dir" 100
  go clean -modcache
}

# The linker's check that a program has exactly one C++ runtime of the headers' release
# (cxx2go/detail/link_check.h): a C++ program without its Go archive, and one with a second copy of the
# runtime, must fail to link naming the symbol.
link_check() {
  set -ex
  local archive="$tmp/cpphost-installed/build/libgreeter_go.a" dir="$tmp/link-check"
  [[ -f "$archive" ]] || fail "no Go archive (the cpphost-installed step failed)"
  mkdir -p "$dir"
  local abi symbol
  abi="$(sed -nE 's/^#define CXX2GO_ABI_VERSION ([0-9]+)$/\1/p' "$prefix/include/cxx2go/abi.h")"
  symbol="cxx2go_runtime_v${version//./_}_abi${abi}_linked_once"
  printf '#include <cxx2go/cxx2go.h>\nint main() { return cxx2go::start() ? 0 : 1; }\n' >"$dir/main.cc"
  g++ -std=c++20 -I"$prefix/include" -c "$dir/main.cc" -o "$dir/main.o"
  ! g++ "$dir/main.o" -o "$dir/no-runtime" -pthread 2>"$dir/no-runtime.log" || fail "linked without a runtime"
  cat "$dir/no-runtime.log"
  grep -q "undefined reference to \`$symbol'" "$dir/no-runtime.log" || fail "the missing runtime is not named"
  g++ "$dir/main.o" "$archive" -o "$dir/one-runtime" -pthread -ldl || fail "the Go archive alone does not link"
  # A second copy: the runtime's own source compiled into the program next to the archive's copy.
  g++ -std=c++20 -I"$root/runtime/cpp/include" -c "$root/runtime/cpp/src/core/runtime.cc" -o "$dir/runtime.o"
  ! g++ "$dir/main.o" "$dir/runtime.o" "$archive" -o "$dir/two-runtimes" -pthread -ldl 2>"$dir/two.log" ||
    fail "linked with two runtimes"
  grep -m3 'multiple definition' "$dir/two.log"
  grep -q "multiple definition of \`$symbol'" "$dir/two.log" || fail "the second runtime is not named"
}

export -f fail install_and_check debian_package sample_copy cpphost cpphost_installed worker_installed cpphost_fetchcontent release_build module_copy \
  link_check gohost_sample gohost_generate gohost_run gohost_replace gohost_vendor gohost_modcache

echo "adoption: install (temporary prefix: $prefix)"
step install 900 install_and_check
step deb 300 debian_package

echo "adoption: a C++ program calling Go (tests/adoption/cpphost)"
step cpphost-installed 900 cpphost_installed
step cpphost-fetchcontent 900 cpphost_fetchcontent
step link-check 300 link_check

echo "adoption: the worker process of an isolated service (tests/adoption/worker)"
step worker-installed 600 worker_installed

echo "adoption: a Go program calling C++ (tests/adoption/gohost)"
step gohost-replace 900 gohost_replace
step gohost-vendor 900 gohost_vendor
step gohost-modcache 900 gohost_modcache

echo "adoption: a Release build of the repository"
step release-build 1200 release_build
step release-ctest 600 ctest --test-dir "$tmp/build-release/compiler" -j "$jobs" --output-on-failure

echo "adoption: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
