#!/bin/bash
# Memory investigation stack (bench/RESULTS.md, "Memory"), never run by ctest: mosquitto,
# `dlms-meter-sim --meters N` and `dlms-bridge run` polling all N meters (5 default registers,
# MQTT gateway mode), optionally under a wrapper such as heaptrack. Everything runs in the
# background on 127.0.0.1 ephemeral ports; pids and the HTTP port are left in DIR.
#
#   bench/fleet/mem_stack.sh DIR METERS INTERVAL [WRAPPER...]
#   bench/fleet/mem_stack.sh /tmp/m 2000 60s heaptrack -o /tmp/m/ht   # heap profile from start
#   bench/fleet/mem_stack.sh /tmp/m 1000 1s && bench/fleet/mem_sample.sh /tmp/m 600 20
#   heaptrack -p "$(cat /tmp/m/bridge.pid)" -o /tmp/m/growth          # attach later: growth only
#   kill -9 "$(cat /tmp/m/bridge.pid)"                                 # heaptrack's "leaked" = live now
#   kill "$(cat /tmp/m/sim.pid)" "$(cat /tmp/m/mosquitto.pid)"
#
# BIN (default build/bin) holds dlms-bridge and dlms-meter-sim.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,15p' "$0"; exit 2; }
dir=$1 meters=$2 interval=$3
shift 3
bin=${BIN:-build/bin}
mkdir -p "$dir/state"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mqtt_port=$(free_port)
http_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" > "$dir/mosquitto.conf"
setsid mosquitto -c "$dir/mosquitto.conf" > "$dir/mosquitto.log" 2>&1 &
echo $! > "$dir/mosquitto.pid"
setsid "$bin/dlms-meter-sim" --listen 127.0.0.1:0 --meters "$meters" --profile microstar --control 127.0.0.1:0 \
  --seed 7 > "$dir/sim.log" 2>&1 &
echo $! > "$dir/sim.pid"
for _ in $(seq 120); do grep -q control= "$dir/sim.log" && break; sleep 0.5; done
sim_port=$(grep -o ' port=[0-9]*' "$dir/sim.log" | head -1 | cut -d= -f2)
{
  printf '[bridge]\ninstance = "mem"\nstate_dir = "%s/state"\n' "$dir"
  printf '[http]\nlisten = "127.0.0.1:%s"\n' "$http_port"
  printf '[mqtt]\nenabled = true\nhost = "127.0.0.1"\nport = %s\nmode = "gateway"\n' "$mqtt_port"
  printf '[store]\npath = "%s/state/bridge.db"\n[qos]\npoll_interval = "%s"\n' "$dir" "$interval"
  for k in $(seq 1 "$meters"); do
    printf '[[meter]]\nid = "meter-%05d"\nhost = "127.0.0.1"\nport = %s\naddress_size = 4\nserver_logical = 1\n' "$k" "$sim_port"
    printf 'server_physical = %d\nauth = "low"\npassword = "22222222"\n' "$k"
  done
} > "$dir/bridge.toml"
echo "$http_port" > "$dir/http.port"
setsid "$@" "$bin/dlms-bridge" --log-level warn run --config "$dir/bridge.toml" > "$dir/bridge.log" 2>&1 &
echo $! > "$dir/bridge.pid"
echo "bridge pid $(cat "$dir/bridge.pid") http 127.0.0.1:$http_port (log $dir/bridge.log)"
