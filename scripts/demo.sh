#!/usr/bin/env bash
# The README's demo command: installs packages, builds, then runs dlms-bridge against five
# simulated Microstar meters (3 healthy, 1 flapping, 1 dead) and a local mosquitto.
# Ctrl-C stops everything (the bridge sends DISC to every meter and flushes the outbox).
# DEMO_SECONDS=N stops the demo by itself after N seconds (used by CI-style smoke runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh

mkdir -p state
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for port in 4061 4062 9947; do
  if port_busy "$port"; then
    echo "demo: port $port on 127.0.0.1 is already in use (another demo running?)" >&2
    exit 1
  fi
done

if port_busy 1883; then
  echo "demo: using the MQTT broker already listening on 127.0.0.1:1883"
else
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' > state/mosquitto-demo.conf
  mosquitto -c state/mosquitto-demo.conf >state/mosquitto.log 2>&1 &
  pids+=($!)
fi

build/bin/dlms-meter-sim --listen 127.0.0.1:4061 --meters 5 --profile microstar \
  --scenario config/sim/demo-scenario.toml --control 127.0.0.1:4062 >state/meter-sim.log 2>&1 &
pids+=($!)

for _ in $(seq 50); do port_busy 4061 && break; sleep 0.1; done

cat <<'MSG'
dlms-bridge demo: 5 simulated meters (demo-1..3 healthy, demo-4 flapping, demo-5 dead)
  status page   http://127.0.0.1:9947/
  metrics       http://127.0.0.1:9947/metrics
  meters (API)  http://127.0.0.1:9947/api/v1/meters
  MQTT          mosquitto_sub -h 127.0.0.1 -t 'v1/gateway/#' -v
  events        sqlite3 state/dlms-bridge.db 'select * from events order by id desc limit 20'
  simulator     state/meter-sim.log (control API on 127.0.0.1:4062)
Ctrl-C to stop.
MSG

if [ -n "${DEMO_SECONDS:-}" ]; then
  build/bin/dlms-bridge run --config config/demo.toml &
  bridge=$!
  sleep "$DEMO_SECONDS"
  kill -TERM "$bridge"
  wait "$bridge"
else
  build/bin/dlms-bridge run --config config/demo.toml
fi
