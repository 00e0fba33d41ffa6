#!/usr/bin/env bash
# Regenerates the code of every test schema and compares it with the checked-in copy under tests/gen,
# so every change of a generator shows up in review as a diff of generated code.
#   check-goldens.sh path/to/cxx2go            fail on any difference
#   check-goldens.sh path/to/cxx2go --update   rewrite tests/gen
#
# Layout: tests/gen/<schema>/<schema>.c2g.go is the Go package; tests/gen/<schema>/cpp/ holds the C++
# (a Go package directory that does not use cgo may not contain .cc files). tests/gen/shop_cgo is shop.c2g
# generated with --go_opt=cgo: one cgo package holding the Go and the C++, as a Go host builds it; and
# tests/cgopackage's generated files must be what its go:generate line makes, and the Go runtime's e2e
# bindings (runtime/go/cxx2go/internal/e2etest/tiny.c2g.*) what the compiler makes of tiny.c2g.
set -euo pipefail
compiler=$(realpath "$1")
update=${2:-}
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for schema in tests/schemas/*.c2g; do
  stem=$(basename "$schema" .c2g)
  out="$scratch/$stem"
  # --go_out is the root of tests/gen's part of the module: each go_package is .../tests/gen/<schema>.
  "$compiler" --cpp_out="$out/cpp" --go_out="$scratch" --go_opt=module=github.com/cxx2go/cxx2go/tests/gen "$schema"
  if [ "$update" = "--update" ]; then
    rm -rf "tests/gen/$stem"
    mkdir -p tests/gen
    cp -r "$out" "tests/gen/$stem"
  elif ! diff -ru "tests/gen/$stem" "$out" >"$scratch/$stem.diff"; then
    echo "golden mismatch for $schema (run 'make goldens' and review the diff):"
    cat "$scratch/$stem.diff"
    status=1
  fi
done
# The cgo layout: everything in one directory, the schema's path relative (paths=source_relative).
generate_cgo() {  # <schema dir> <schema file> <output dir>
  (cd "$1" && "$compiler" --cpp_out="$3" --go_out="$3" --go_opt=paths=source_relative,cgo "$2")
}
compare_or_update() {  # <golden dir> <generated dir>
  if [ "$update" = "--update" ]; then
    rm -rf "$1"; cp -r "$2" "$1"
  elif ! diff -ru "$1" "$2" >"$scratch/cgo.diff"; then
    echo "golden mismatch for $1 (run 'make goldens' and review the diff):"; cat "$scratch/cgo.diff"
    status=1
  fi
}
generate_cgo tests/schemas shop.c2g "$scratch/shop_cgo"
compare_or_update tests/gen/shop_cgo "$scratch/shop_cgo"
generate_cgo tests/cgopackage/pricing pricing.c2g "$scratch/pricing"
for generated in "$scratch"/pricing/*; do
  if [ "$update" = "--update" ]; then
    cp "$generated" tests/cgopackage/pricing/
  elif ! diff -u "tests/cgopackage/pricing/$(basename "$generated")" "$generated"; then
    echo "tests/cgopackage/pricing is not what its go:generate line makes (run 'make goldens')"; status=1
  fi
done
# The bindings of the Go runtime's own end-to-end tests (runtime/go/cxx2go/internal/e2etest): checked in,
# so that those tests build without the compiler, and generated, so that they cannot drift from it.
e2etest=runtime/go/cxx2go/internal/e2etest
(cd "$e2etest" && "$compiler" --cpp_out="$scratch/tiny" --go_out="$scratch/tiny" --go_opt=paths=source_relative tiny.c2g)
for generated in "$scratch"/tiny/*; do
  if [ "$update" = "--update" ]; then
    cp "$generated" "$e2etest/"
  elif ! diff -u "$e2etest/$(basename "$generated")" "$generated"; then
    echo "$e2etest is not what the compiler generates from tiny.c2g (run 'make goldens')"; status=1
  fi
done

# Generated Go must already be gofmt-clean: the compiler does not run gofmt.
unformatted=$(gofmt -l tests/gen tests/cgopackage "$e2etest")
if [ -n "$unformatted" ]; then
  echo "generated Go is not gofmt-clean:"; echo "$unformatted"; gofmt -d tests/gen | head -50
  status=1
fi
# Generated code must read like hand-formatted code: clang-format's layout in C++ (as far as a line-by-line
# check can tell), a doc comment on every exported Go name.
generated_cpp=$(find tests/gen tests/cgopackage -name '*.c2g.h' -o -name '*.c2g.cc' -o -name '*.c2g.cgo.cc')
generated_go=$(find tests/gen tests/cgopackage -name '*.c2g.go' -o -name '*.c2g.cgo.go')
# shellcheck disable=SC2086
awk -f scripts/generated-cpp-layout.awk $generated_cpp || { echo "generated C++ is not laid out as clang-format would"; status=1; }
# shellcheck disable=SC2086
awk -f scripts/generated-go-docs.awk $generated_go || { echo "generated Go has undocumented exported names"; status=1; }
# Generated code must compile warning-free in both languages (the e2e tests run only some of it).
if [ "$update" != "--update" ]; then
  for source in tests/gen/*/cpp/*.c2g.cc tests/gen/shop_cgo/*.cc; do
    ${CXX:-g++} -std=c++20 -Wall -Wextra -Werror -Wpedantic -fsyntax-only -Iruntime/cpp/include "$source" ||
      { echo "generated C++ does not compile: $source"; status=1; }
  done
  # The cgo package finds the runtime headers through pkg-config (cxx2go.pc): the source tree's.
  mkdir -p "$scratch/pkgconfig"
  printf 'Name: cxx2go\nDescription: cxx2go runtime headers (source tree)\nVersion: 0\nCflags: -I%s\n' \
    "$PWD/runtime/cpp/include" >"$scratch/pkgconfig/cxx2go.pc"
  PKG_CONFIG_PATH="$scratch/pkgconfig" go vet ./tests/gen/... || { echo "go vet failed on generated Go"; status=1; }
  # go vet does not compile a cgo package's C++; go build does, with the flags of STEM.c2g.cgo.go.
  PKG_CONFIG_PATH="$scratch/pkgconfig" go build ./tests/gen/shop_cgo || { echo "the cgo package does not build"; status=1; }
fi
[ $status -eq 0 ] && echo "goldens: $(ls tests/schemas/*.c2g | wc -l) schemas match, and the cgo layouts"
exit $status
