#!/usr/bin/env bash
# Installs what cxx2go needs on a fresh Debian machine of the project's kind, and nothing that is
# already there. Safe to run repeatedly; `make` targets call it first.
#
# usage: scripts/install-deps.sh [sanitize|package]
#   sanitize  also what `make test-sanitize` needs (scripts/run-sanitizers.sh): clang and its libFuzzer
#             (libclang-rt-14-dev on Debian 12) for the compiler's fuzzer, and valgrind
#   package   also what `make package` needs: CPack's Debian generator finds the compiler's library
#             dependencies with dpkg-shlibdeps (dpkg-dev) and file
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config libgtest-dev libleveldb-dev libiberty-dev libseccomp-dev)
if [[ "${1:-}" == "sanitize" ]]; then
  packages+=(clang libclang-rt-14-dev valgrind)
elif [[ "${1:-}" == "package" ]]; then
  packages+=(dpkg-dev file)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: Go >= 1.24 is required (this machine kind ships it at /usr/local/go)" >&2
  exit 1
fi
go mod download
