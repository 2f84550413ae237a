#!/bin/bash
# Samples a bench/fleet/mem_stack.sh bridge: every STEP seconds a gzip /metrics scrape (as a
# Prometheus would), then RSS, open fds and threads; one line per sample, for SECONDS.
#   bench/fleet/mem_sample.sh DIR SECONDS [STEP]
set -euo pipefail
dir=$1 seconds=$2 step=${3:-30}
pid=$(cat "$dir/bridge.pid")
port=$(cat "$dir/http.port")
start=$(date +%s)
while [ $(($(date +%s) - start)) -lt "$seconds" ] && kill -0 "$pid" 2> /dev/null; do
  curl -s -m 60 -H 'Accept-Encoding: gzip' -o /dev/null "http://127.0.0.1:$port/metrics" || true
  echo "$(($(date +%s) - start)) s rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l) threads=$(find "/proc/$pid/task" -mindepth 1 -maxdepth 1 | wc -l)"
  sleep "$step"
done
