#!/usr/bin/env bash
# The README's test command: install dependencies, build, run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
# Short libFuzzer run of every parser (clang build in build-fuzz/).
scripts/fuzz-smoke.sh
# The e2e suite again, against ASan + UBSan builds of the two binaries (build-asan/). A finding
# fails the run, after the full ctest below has still run.
sanitized=0
scripts/e2e-sanitized.sh || sanitized=$?
# ctest last, so its summary is the closing line of the run.
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600 "$@"
if [ "$sanitized" -ne 0 ]; then
  echo "test.sh: the sanitizer run of the e2e suite failed (see e2e-sanitized above)" >&2
  exit "$sanitized"
fi
