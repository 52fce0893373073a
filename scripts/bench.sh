#!/usr/bin/env bash
# `make bench`: runs the benchmarks and prints a table of times, throughput
# and ratios against each group's baseline measured in the same run.
# BENCH_MIN_TIME (seconds per benchmark, default 0.5) trades time for noise.
set -euo pipefail
BUILD_DIR=${1:-build}
MIN_TIME=${BENCH_MIN_TIME:-0.5}
"$BUILD_DIR/csu_bench" --benchmark_min_time="$MIN_TIME" "${@:2}"
