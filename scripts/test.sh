#!/usr/bin/env bash
# The README's test command: install dependencies, build, run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
# Short libFuzzer run of every parser (clang build in build-fuzz/).
scripts/fuzz-smoke.sh
# ctest last, so its summary is the closing line of the run.
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600 "$@"
