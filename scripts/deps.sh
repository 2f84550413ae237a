#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the demo need. Idempotent: does
# nothing when everything is already installed. Uses sudo when not root.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git
  libboost-dev prometheus-cpp-dev libcivetweb-dev libmosquitto-dev libsqlite3-dev
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libexpected-dev
  libssl-dev zlib1g-dev libxxhash-dev libdeflate-dev libcurl4-openssl-dev libcrypt-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  mosquitto mosquitto-clients sqlite3 curl openssl
  chromium
  prometheus prometheus-alertmanager python3-aiosmtpd python3-yaml
  jsonnet
  libsystemd-dev help2man debhelper lintian  # scripts/package.sh, sd_notify
  systemd-container  # systemd-nspawn: scripts/systemd-restart-check.sh (on demand)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts packaged daemons on install; our tests start their own on ephemeral ports.
for svc in mosquitto prometheus prometheus-alertmanager; do
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
done
