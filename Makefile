# The two commands a new user needs are `make demo` and `make test`; both
# install what is missing (Debian packages only), configure and build first.
# Everything else is here for developers. See README.md.

BUILD_DIR ?= build
DEMO_DIR  ?= demo-data
JOBS      ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test test-slow test-cluster demo bench loadtest soak fuzz clean help

all: build

help:
	@echo "make demo      install, build, generate the demo CSU's data and run the platform"
	@echo "make test      install, build and run the default test suite (a few minutes)"
	@echo "make test-slow the slow tier: sanitizer build and large generator runs"
	@echo "make test-cluster  server mode on loopback: PostgreSQL failover, nginx over several nodes"
	@echo "make bench     run the benchmarks and print a table"
	@echo "make loadtest  the web platform under load with wrk (after make demo)"
	@echo "make soak      its memory under 10 minutes of load (SOAK_SECONDS=600; after make demo)"
	@echo "make fuzz      build the libFuzzer targets and run each for a short while"
	@echo "make clean     remove build outputs"

deps:
	@./scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE slow

test-slow: deps
	./scripts/test-slow.sh

# PostgreSQL refuses root: run as root, the script makes an unprivileged user.
test-cluster: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target csu csu_tests
	./scripts/cluster-test.sh $(BUILD_DIR)

demo: build
	./scripts/demo.sh $(BUILD_DIR) $(DEMO_DIR)

bench: build
	./scripts/bench.sh $(BUILD_DIR)

loadtest: build
	./scripts/loadtest.sh $(BUILD_DIR)/csu $(DEMO_DIR)/state

SOAK_SECONDS ?= 600
soak: build
	SOAK_SECONDS=$(SOAK_SECONDS) ./scripts/loadtest.sh $(BUILD_DIR)/csu $(DEMO_DIR)/state

fuzz: deps
	./scripts/fuzz.sh

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-* build-fuzz fuzz-corpus-run
