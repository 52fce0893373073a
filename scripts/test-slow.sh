#!/usr/bin/env bash
# `make test-slow`: the opt-in slow tier. Builds with AddressSanitizer and
# UBSan in build-asan/ and runs every test there, including those labelled
# slow (full-size generator runs).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCSU_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build build-asan -j "$(nproc)"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
