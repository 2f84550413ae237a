#!/usr/bin/env bash
# On demand, not in CI (about 2 minutes, root): the Debian package under a real systemd.
#
# Boots systemd as PID 1 in a container (systemd-nspawn --boot) whose root is this machine's own
# root, read-only, under a throwaway tmpfs overlay (--volatile=overlay: nothing the container
# writes reaches the host) with a private network namespace (loopback only). Then, as an operator
# on a gateway would:
#   1. dpkg -i the package: system user, unit enabled and started, READY=1 (Type=notify), STATUS=;
#   2. a meter (dlms-meter-sim) and a broker (mosquitto) on the container's loopback, the config
#      edited and reloaded: STATUS= "meters up 1/1, MQTT connected, outbox 0"; `backup --to` as
#      the service user and `ctl config-history` against the running service;
#   3. an upgrade (the same package, higher version): the service restarts, config kept;
#   4. a hung event loop (the config replaced by a FIFO nobody writes, then SIGHUP: the loop
#      blocks in open()): the pings stop, systemd's watchdog kills the bridge (SIGABRT) after
#      WatchdogSec= and Restart= starts a new one, which comes up READY with its meter;
#   5. dpkg -r stops the service and keeps config and state; dpkg -P removes the state;
#   6. `cmake --install` of the build (prefix /usr/local, no package): the unit starts as well.
# The unit is the one the package ships (WatchdogSec=30s, RestartSec=10s), unchanged.
#
# Usage: sudo scripts/systemd-restart-check.sh [PACKAGE.deb]   (default: build one, package.sh)
# Environment: BUILD_DIR (default build) for step 6.
# Needs: systemd-nspawn (systemd-container, in scripts/deps.sh), the package's runtime libraries
# and mosquitto on this machine (scripts/deps.sh installs them). Prints PASS/FAIL per step.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (systemd-nspawn, mounts)"
command -v systemd-nspawn >/dev/null || fail "systemd-nspawn missing: apt-get install systemd-container"

deb=${1:-}
if [ -z "$deb" ]; then deb=$(scripts/package.sh | tail -n 1); fi
deb=$(realpath "$deb")
[ -f "$deb" ] || fail "no package $deb"

tmp=$(mktemp -d /var/tmp/dlms-systemd-check.XXXXXX)
nspawn_pid=
cleanup() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true  # nspawn asks the container's systemd to power off
    for _ in $(seq 60); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  mountpoint -q "$tmp/root" && umount "$tmp/root"
  rm -rf "$tmp"
}
trap cleanup EXIT

# The container's packages: the package and the same package as an upgrade.
mkdir -p "$tmp/root" "$tmp/debs" "$tmp/v2"
cp "$deb" "$tmp/debs/dlms-bridge.deb"
dpkg-deb -R "$deb" "$tmp/v2/pkg"
v1=$(dpkg-deb --field "$deb" Version)
sed -i "s/^Version: .*/Version: $v1+upgrade1/" "$tmp/v2/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$tmp/v2/pkg" "$tmp/debs/dlms-bridge-upgrade.deb" >/dev/null

# This machine's root without its submounts, read-only; nspawn adds its own /proc, /sys, /dev.
mount --bind / "$tmp/root"
mount -o remount,bind,ro "$tmp/root"
systemd-nspawn -D "$tmp/root" --volatile=overlay --private-network --register=no --keep-unit \
  --machine=dlms-systemd-check --bind-ro="$tmp/debs:/run/dlms-check" --console=pipe --boot \
  </dev/null >"$tmp/console.log" 2>&1 &
nspawn_pid=$!

# The container's PID 1, and a way to run commands in it.
leader=
for _ in $(seq 100); do
  leader=$(pgrep -P "$nspawn_pid" -x systemd || true)
  [ -n "$leader" ] && break
  sleep 0.1
done
[ -n "$leader" ] || { cat "$tmp/console.log"; fail "the container's systemd did not start"; }
ct() { nsenter -t "$leader" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_PAGER= "$@"; }
state=
for _ in $(seq 120); do
  state=$(ct systemctl is-system-running 2>/dev/null || true)
  [[ "$state" == running || "$state" == degraded ]] && break
  sleep 0.5
done
[[ "$state" == running || "$state" == degraded ]] || fail "the container did not boot (state: $state)"
pass "systemd $(ct systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p') is PID 1 of the container (system $state)"
# A Docker-style policy-rc.d on this machine forbids starting services; a gateway has none.
ct rm -f /usr/sbin/policy-rc.d

show() { ct systemctl show -P "$1" dlms-bridge.service; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  ct journalctl -u dlms-bridge --no-pager | tail -n 30 >&2
  fail "$what (waited ${seconds}s)"
}
status_is() { [[ "$(show StatusText)" == "$1"* ]]; }

# 1. Install.
ct dpkg -i /run/dlms-check/dlms-bridge.deb >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }
ct getent passwd dlms-bridge >/dev/null || fail "install: no dlms-bridge system user"
[ "$(ct systemctl is-enabled dlms-bridge)" = enabled ] || fail "install: the unit is not enabled"
[ "$(show ActiveState)/$(show SubState)" = active/running ] || fail "install: not started ($(show ActiveState))"
pass "install: user dlms-bridge, unit enabled and started (Type=notify, READY=1), STATUS=\"$(show StatusText)\""

# 2. A meter and a broker on the container's loopback; the operator edits the config and reloads.
ct systemd-run --quiet --unit=dlms-check-meter /usr/bin/dlms-meter-sim --listen 127.0.0.1:4061
ct systemd-run --quiet --unit=dlms-check-broker /usr/sbin/mosquitto -p 1883
cat >>"$tmp/meter.toml" <<'TOML'

# added by systemd-restart-check.sh
[[meter]]
id = "gateway-meter-1"
host = "127.0.0.1"
port = 4061
server_physical = 1
auth = "low"
password = "22222222"
TOML
ct sh -c 'cat >>/etc/dlms-bridge/dlms-bridge.toml' <"$tmp/meter.toml"
ct dlms-bridge check-config /etc/dlms-bridge/dlms-bridge.toml >/dev/null || fail "the edited config does not validate"
ct systemctl reload dlms-bridge
wait_for 60 "STATUS= never showed the meter up and MQTT connected" status_is "meters up 1/1, MQTT connected"
pass "reload: STATUS=\"$(show StatusText)\""
# The README's operations commands against the running service: an online backup as the service
# user, and the config history (start-up and the reload).
ct runuser -u dlms-bridge -- dlms-bridge backup --to /var/lib/dlms-bridge/backup-check.db >"$tmp/backup.log" 2>&1 ||
  { cat "$tmp/backup.log"; fail "backup --to while the service runs"; }
[ "$(ct sqlite3 /var/lib/dlms-bridge/backup-check.db 'PRAGMA integrity_check')" = ok ] || fail "the backup is not a sound database"
history=$(ct dlms-bridge ctl --json config-history)
for trigger in startup sighup; do
  grep -q "\"$trigger\"" <<<"$history" || fail "ctl config-history lacks the $trigger version: $history"
done
pass "backup --to as user dlms-bridge while running (integrity ok); ctl config-history lists the startup and sighup versions"

# 3. Upgrade: restarted, config kept.
pid_before=$(show MainPID)
ct dpkg -i /run/dlms-check/dlms-bridge-upgrade.deb >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "upgrade"; }
pid_after=$(show MainPID)
[ "$pid_after" != "$pid_before" ] && [ "$pid_after" != 0 ] || fail "upgrade did not restart the service (MainPID $pid_before -> $pid_after)"
[ "$(show ActiveState)" = active ] || fail "upgrade: not active"
ct grep -q gateway-meter-1 /etc/dlms-bridge/dlms-bridge.toml || fail "upgrade lost the edited config"
wait_for 60 "after the upgrade the meter is not up again" status_is "meters up 1/1, MQTT connected"
pass "upgrade to $v1+upgrade1: MainPID $pid_before -> $pid_after, edited config kept"

# 4. Hang the event loop; systemd's watchdog must kill and restart the bridge.
hung_pid=$(show MainPID)
restarts_before=$(show NRestarts)
watchdog=$(show WatchdogUSec)
ct sh -c 'cp -p /etc/dlms-bridge/dlms-bridge.toml /run/dlms-bridge.toml.saved &&
          rm /etc/dlms-bridge/dlms-bridge.toml && mkfifo -m 0644 /etc/dlms-bridge/dlms-bridge.toml'
hung_at=$(date +%s)
ct systemctl reload dlms-bridge  # SIGHUP: the loop opens the FIFO and blocks
watchdog_fired() { grep -q 'Watchdog timeout' <<<"$(ct journalctl -u dlms-bridge --no-pager -o cat)"; }
wait_for 90 "systemd's watchdog did not fire on the hung bridge" watchdog_fired
fired_after=$(($(date +%s) - hung_at))
# The restarted bridge (ExecStartPre=check-config) must find a real file again; RestartSec=10s.
ct sh -c 'rm /etc/dlms-bridge/dlms-bridge.toml && mv /run/dlms-bridge.toml.saved /etc/dlms-bridge/dlms-bridge.toml'
restarted() { [ "$(show NRestarts)" -gt "$restarts_before" ] && [ "$(show ActiveState)" = active ] &&
              [ "$(show MainPID)" != "$hung_pid" ] && [ "$(show MainPID)" != 0 ]; }
wait_for 60 "systemd did not restart the bridge after the watchdog kill" restarted
wait_for 60 "the restarted bridge does not poll its meter" status_is "meters up 1/1, MQTT connected"
pass "hung loop (PID $hung_pid): WatchdogSec=$watchdog fired after ${fired_after}s, restarted as PID $(show MainPID) (NRestarts $restarts_before -> $(show NRestarts)), STATUS=\"$(show StatusText)\""
ct journalctl -u dlms-bridge --no-pager -o short-precise |
  grep -E 'Watchdog timeout|Killing process|Main process exited|Failed with result|Scheduled restart|Started dlms-bridge|Reloading|Reloaded' |
  sed 's/^/  journal: /'

# 5. Remove keeps config and state and stops the service; purge removes the state.
ct dpkg -r dlms-bridge >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r"; }
active=$(ct systemctl is-active dlms-bridge || true)
[ "$active" != active ] || fail "remove did not stop the service"
ct test -f /var/lib/dlms-bridge/dlms-bridge.db || fail "remove lost the state"
ct grep -q gateway-meter-1 /etc/dlms-bridge/dlms-bridge.toml || fail "remove lost the config"
pass "remove: service $active, config and /var/lib/dlms-bridge/dlms-bridge.db kept"
ct dpkg -P dlms-bridge >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -P"; }
! ct test -e /var/lib/dlms-bridge || fail "purge left /var/lib/dlms-bridge"
! ct test -e /etc/dlms-bridge/dlms-bridge.toml || fail "purge left the config"
pass "purge: config and state removed"

# 6. `cmake --install` of the build, without the package (prefix /usr/local): the unit starts and
# its StateDirectory= makes /var/lib/dlms-bridge, the only directory the sandbox lets it write.
build_dir=$(realpath -m "${BUILD_DIR:-build}")
if [ -f "$build_dir/cmake_install.cmake" ]; then
  ct cmake --install "$build_dir" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "cmake --install"; }
  ct systemd-sysusers
  ct systemctl daemon-reload
  ct systemctl enable --now dlms-bridge.service 2>/dev/null || { ct journalctl -u dlms-bridge --no-pager | tail -n 20; fail "cmake --install: the unit does not start"; }
  [ "$(show FragmentPath)" = /usr/local/lib/systemd/system/dlms-bridge.service ] || fail "cmake --install: unit from $(show FragmentPath)"
  [ "$(show ActiveState)" = active ] || fail "cmake --install: not active"
  ct test -f /var/lib/dlms-bridge/dlms-bridge.db || fail "cmake --install: no store in /var/lib/dlms-bridge"
  pass "cmake --install (prefix /usr/local): unit started (READY), store in /var/lib/dlms-bridge, STATUS=\"$(show StatusText)\""
else
  echo "SKIP: cmake --install (no build in $build_dir)"
fi
