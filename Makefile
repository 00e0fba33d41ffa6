# cxx2go — the two commands that matter: `make demo` and `make test`. Everything else is a step of those.
#
# Every target installs what it needs first (scripts/install-deps.sh), so both work on a fresh machine.

BUILD      ?= build/release
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
CXX2GO     := $(BUILD)/compiler/cxx2go
GO         ?= go
export CGO_ENABLED := 1

.PHONY: all deps build test test-cpp test-go test-goldens test-e2e test-adoption test-stress test-sanitize soak demo goldens bench bench-check package clean help

all: build

help:
	@echo "make demo    build everything and run the examples (LevelDB from Go, net/http from C++)"
	@echo "make test    run every test suite"
	@echo "make test-sanitize  ASan+UBSan+LSan, TSan, valgrind and fuzzing (tests/sanitizers/README.md)"
	@echo "make test-stress  cancellation storm, thread churn, signals, fork, failure containment (tests/stress)"
	@echo "make soak    10,000,000 mixed calls in one process; fails if memory, threads, goroutines or fds grow (not in CI)"
	@echo "make goldens regenerate the checked-in generated code after a compiler change"
	@echo "make package a Debian package of the compiler, headers, CMake package and cxx2go.pc (docs/cmake.md)"
	@echo "make bench   measure cxx2go against raw cgo, SWIG and gRPC; writes bench/results/ (not a test)"
	@echo "make bench-check  print which performance targets (issue 3) the latest results meet"

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

# ---- tests ----

test: build test-cpp test-goldens test-go test-e2e test-adoption
	@echo "make test: all suites passed"

# Compiler unit + diagnostics tests and C++ runtime tests (GoogleTest, through ctest).
test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The checked-in generated code must be exactly what the compiler produces now.
test-goldens: build
	scripts/check-goldens.sh $(CXX2GO)

# The Go runtime package, and a cgo package built as --go_opt=cgo makes it (tests/cgopackage, whose headers
# come from the build tree's cxx2go.pc), with the race detector, and again with full cgo pointer checking.
test-go: export PKG_CONFIG_PATH := $(abspath $(BUILD))/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
test-go: deps $(BUILD)/build.ninja
	$(GO) vet ./runtime/go/... ./tests/...
	@unformatted=$$(gofmt -l runtime tests examples 2>/dev/null); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -race -count=1 ./runtime/go/... ./tests/cgopackage/...
	GOEXPERIMENT=cgocheck2 $(GO) test -count=1 ./runtime/go/... ./tests/cgopackage/...

test-e2e: build
	scripts/run-e2e.sh $(BUILD)

# cxx2go used the way another project uses it, in temporary directories outside the repository: install,
# find_package, FetchContent, a Release build of everything (tests/adoption/README.md). About 2½ minutes.
test-adoption: deps
	@scripts/install-deps.sh package
	scripts/run-adoption.sh $(BUILD)

# Stress and reliability tests (tests/stress/README.md): about 2 minutes on 2 cores.
test-stress: build
	scripts/run-stress.sh $(BUILD)

# Soak (tests/soak/README.md, not in CI): SOAK_CALLS mixed calls (default 10,000,000, about 6 minutes on 2 cores)
# in both directions in one process; fails if resident memory grows after warm-up or a count is not flat.
soak: deps
	scripts/run-soak.sh $(BUILD)

# Sanitizers, valgrind and fuzzing (tests/sanitizers/README.md): ASan+UBSan+LSan over the C++ tests and the
# end-to-end tests (Go -asan), TSan over the C++ runtime, valgrind, libFuzzer and go test -fuzz. Run by CI
# after `make test`; about 12 minutes from scratch on 2 cores.
test-sanitize: build
	scripts/install-deps.sh sanitize
	JOBS=$(JOBS) scripts/run-sanitizers.sh

# ---- generated code ----

goldens: build
	scripts/check-goldens.sh $(CXX2GO) --update

# ---- packaging ----

# The Debian package, from the build's install rules through CPack: $(BUILD)/cxx2go_<version>_<arch>.deb.
package: build
	@scripts/install-deps.sh package
	cd $(BUILD) && cpack -G DEB
	@cd $(BUILD) && echo "make package: $$(ls -t "$$PWD"/cxx2go_*.deb | head -n 1)"

# ---- demo ----

demo: build
	scripts/run-demo.sh $(BUILD)

# ---- benchmarks (never part of `make test` or CI; bench/README.md) ----

bench: build
	JOBS=2 scripts/run-bench.sh $(BUILD)

bench-check:
	@python3 scripts/bench-report.py check bench/results/latest.json

clean:
	rm -rf build
