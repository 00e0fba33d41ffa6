#!/usr/bin/env bash
# Installs what `make bench` needs beyond scripts/install-deps.sh, and nothing that is already there:
# gnuplot (the plot), gRPC C++ + protoc plugins (the gRPC baseline), SWIG (the SWIG baseline).
# Go modules of the benchmark (google.golang.org/grpc, …) come through the module proxy (bench/go.mod).
# Bench-only: `make test` and CI never run this.
set -euo pipefail

packages=(gnuplot-nox libgrpc++-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev swig)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-bench-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
