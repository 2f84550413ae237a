#!/usr/bin/env bash
# The README's demo command: installs packages, builds the two binaries it runs, then runs
# dlms-bridge against five simulated Microstar meters (3 healthy, 1 flapping, 1 dead) and a local
# mosquitto, with Prometheus (bundled rules) and Alertmanager (bundled config) delivering to local
# sinks: no internet, nothing leaves 127.0.0.1.
# Ctrl-C stops everything (the bridge sends DISC to every meter and flushes the outbox).
# DEMO_SECONDS=N stops the demo by itself after N seconds and prints the alerts of that moment.
#
# The demo's rules and Alertmanager timings are a generated copy (alerts/tools/scaled-copy.py,
# every duration x DEMO_SCALE, default 0.1): "for: 5m" fires after 30 s, the "per hour" figures
# are per 6 minutes, group_interval is 30 s. The files in alerts/ are not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)" --target dlms-bridge dlms-meter-sim

PY=/usr/bin/python3   # Debian's interpreter: python3-aiosmtpd and python3-yaml are installed for it
SCALE="${DEMO_SCALE:-0.1}"
DEMO=state/demo-alerting
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Ports the demo config names are fixed; the others move to a free port when taken.
pick_port() {
  local wanted=$1 what=$2
  if port_busy "$wanted"; then
    local port
    port=$(free_port)
    echo "demo: port $wanted ($what) is taken on 127.0.0.1, using $port instead" >&2
    echo "$port"
  else
    echo "$wanted"
  fi
}

busy=()
for spec in 4061:meter-simulator 4062:simulator-control 9947:dlms-bridge; do
  port_busy "${spec%%:*}" && busy+=("${spec%%:*} (${spec#*:})")
done
if [ ${#busy[@]} -gt 0 ]; then
  echo "demo: these ports on 127.0.0.1 are already in use (another demo running?): ${busy[*]}" >&2
  echo "demo: config/demo.toml and the simulator need them; stop what listens there (ss -ltnp)" >&2
  exit 1
fi
PROM_PORT=$(pick_port 9090 prometheus)
AM_PORT=$(pick_port 9093 alertmanager)
SMTP_PORT=$(pick_port 2525 "mail sink")
SMS_PORT=$(pick_port 9095 "SMS sink")

mkdir -p state
rm -rf "$DEMO"
mkdir -p "$DEMO"   # not $DEMO/mail: the sink creates the Maildir itself

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

# Notification sinks: every email lands in $DEMO/mail/new, every SMS (and the dead man's switch
# heartbeat) as a JSON line in $DEMO/sms.jsonl.
$PY -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$DEMO/mail" >"$DEMO/smtp.log" 2>&1 &
pids+=($!)
$PY alerts/tools/sms-sink.py --listen "127.0.0.1:$SMS_PORT" --out "$DEMO/sms.jsonl" >"$DEMO/sms-sink.log" 2>&1 &
pids+=($!)

$PY alerts/tools/scaled-copy.py --factor "$SCALE" --min-range 15s --runbook-base "file://$PWD" \
  -o "$DEMO/rules" alerts/rules/*.yml
echo "demo" > "$DEMO/secret"
printf '[dlms-bridge-sms]\naws_access_key_id = demo\naws_secret_access_key = demo\n' > "$DEMO/aws-credentials"
$PY alerts/tools/scaled-copy.py --factor "$SCALE" -o "$DEMO" \
  --set "global.smtp_smarthost=127.0.0.1:$SMTP_PORT" --set global.smtp_require_tls=false \
  --set "global.smtp_auth_password_file=$PWD/$DEMO/secret" \
  --set "receivers.oncall-sms.sns_configs.0.api_url=http://127.0.0.1:$SMS_PORT/" \
  --set "receivers.deadmans-switch.webhook_configs.0.url=http://127.0.0.1:$SMS_PORT/deadmans-switch" \
  --set "receivers.deadmans-switch.webhook_configs.0.http_config.authorization.credentials_file=$PWD/$DEMO/secret" \
  alerts/alertmanager.yml
AWS_SHARED_CREDENTIALS_FILE="$PWD/$DEMO/aws-credentials" AWS_CONFIG_FILE="$PWD/$DEMO/aws-config" \
AWS_EC2_METADATA_DISABLED=true prometheus-alertmanager --config.file="$DEMO/alertmanager.yml" \
  --storage.path="$DEMO/alertmanager" --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
  >"$DEMO/alertmanager.log" 2>&1 &
pids+=($!)

cat >"$DEMO/prometheus.yml" <<EOF
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ['rules/*.yml']
alerting:
  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:$AM_PORT']}]}]
scrape_configs:
  - job_name: dlms-bridge
    static_configs: [{targets: ['127.0.0.1:9947']}]
EOF
prometheus --config.file="$DEMO/prometheus.yml" --storage.tsdb.path="$DEMO/prometheus" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$DEMO/prometheus.log" 2>&1 &
pids+=($!)

for _ in $(seq 50); do port_busy 4061 && break; sleep 0.1; done

cat <<MSG
dlms-bridge demo: 5 simulated meters (demo-1..3 healthy, demo-4 flapping, demo-5 dead)
  status page   http://127.0.0.1:9947/
  metrics       http://127.0.0.1:9947/metrics
  meters (API)  http://127.0.0.1:9947/api/v1/meters
  alerts        http://127.0.0.1:$PROM_PORT/alerts   (demo-5 fires after ~1 min, demo-4 within a few)
  alertmanager  http://127.0.0.1:$AM_PORT/
  emails        $DEMO/mail/new/   SMS: $DEMO/sms.jsonl   runbook: alerts/RUNBOOK.md
  dashboards    import grafana/dashboards/*.json into a Grafana whose Prometheus data source is http://127.0.0.1:$PROM_PORT (grafana/README.md)
  MQTT          mosquitto_sub -h 127.0.0.1 -t 'v1/gateway/#' -v
  events        sqlite3 state/dlms-bridge.db 'select * from events order by id desc limit 20'
  simulator     state/meter-sim.log (control API on 127.0.0.1:4062)
Ctrl-C to stop.
MSG

print_alerts() {
  curl -s "http://127.0.0.1:$PROM_PORT/api/v1/alerts" | $PY -c '
import json, sys
alerts = json.load(sys.stdin)["data"]["alerts"]
print("demo: %d alerts in Prometheus:" % len(alerts))
for a in sorted(alerts, key=lambda a: (a["state"], a["labels"].get("meter", ""), a["labels"]["alertname"])):
    labels = a["labels"]
    print("  %-8s %-8s %s %s" % (a["state"], labels.get("severity", ""), labels["alertname"], labels.get("meter", "")))
' || true
  local mails sms
  mails=$( (ls "$DEMO/mail/new" 2>/dev/null || true) | wc -l)
  sms=$(grep -c '"kind": "sms"' "$DEMO/sms.jsonl" 2>/dev/null || true)
  echo "demo: ${mails} emails and ${sms:-0} SMS delivered to the local sinks ($DEMO/mail/new, $DEMO/sms.jsonl)"
}

if [ -n "${DEMO_SECONDS:-}" ]; then
  build/bin/dlms-bridge run --config config/demo.toml &
  bridge=$!
  pids+=("$bridge")
  sleep "$DEMO_SECONDS"
  print_alerts
  kill -TERM "$bridge"
  wait "$bridge"
else
  build/bin/dlms-bridge run --config config/demo.toml
fi
