#!/usr/bin/env bash
# Checks of the Debian package, one per ctest test: package_test.sh build|contents|lintian|unit|
# extracted|roundtrip. Environment (from CMake): SOURCE_DIR, BUILD_DIR, PKG_OUT.
set -euo pipefail
check=$1
deb_file="$PKG_OUT/deb-path"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
deb() { cat "$deb_file"; }
extract() { mkdir -p "$1" && dpkg-deb -x "$(deb)" "$1"; }

case "$check" in
build)
  rm -rf "$PKG_OUT" && mkdir -p "$PKG_OUT"
  out=$(BUILD_DIR="$BUILD_DIR" OUT_DIR="$PKG_OUT" "$SOURCE_DIR/scripts/package.sh" --no-build)
  path=$(tail -n 1 <<<"$out")
  [[ "$path" == *.deb && -f "$path" ]] || fail "package.sh's last line is not a .deb: '$path'"
  echo "$path" >"$deb_file"
  echo "built $path"
  ;;

contents)
  dpkg-deb --contents "$(deb)" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/list"
  expected=(
    /usr/bin/dlms-bridge /usr/bin/dlms-meter-sim /usr/lib/dlms-bridge/libssl.so
    /etc/dlms-bridge/dlms-bridge.toml /lib/systemd/system/dlms-bridge.service
    /usr/lib/sysusers.d/dlms-bridge.conf /var/lib/dlms-bridge/
    /usr/share/dlms-bridge/prometheus.yml /usr/share/dlms-bridge/examples/production.example.toml
    /usr/share/dlms-bridge/examples/microstar.toml /usr/share/doc/dlms-bridge/README.md
    /usr/share/doc/dlms-bridge/copyright /usr/share/man/man1/dlms-bridge.1.gz
  )
  # The observability bundle: every file of alerts/ and grafana/ in the source tree.
  for bundle in alerts grafana; do
    [ -d "$SOURCE_DIR/$bundle" ] || continue
    while IFS= read -r f; do expected+=("/usr/share/dlms-bridge/${f#"$SOURCE_DIR"/}"); done \
      < <(find "$SOURCE_DIR/$bundle" -type f)
  done
  for f in "${expected[@]}"; do grep -qxF "$f" "$tmp/list" || fail "$f is not in the package"; done
  # Output captured first: with pipefail, `producer | grep -q` fails when grep exits before the
  # producer has written everything (SIGPIPE), a flake on a loaded machine.
  grep -qx /etc/dlms-bridge/dlms-bridge.toml <<<"$(dpkg-deb --info "$(deb)" conffiles)" \
    || fail "the config is not a conffile"
  depends=$(dpkg-deb --field "$(deb)" Depends)
  # Computed by dpkg-shlibdeps from the binaries, so every linked library shows up.
  for lib in libcivetweb1 libmosquitto1 libsqlite3-0 libssl3 libsystemd0; do
    [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
  done
  mkdir "$tmp/ctl" && dpkg-deb --control "$(deb)" "$tmp/ctl"
  grep -q 'systemd-sysusers' "$tmp/ctl/postinst" || fail "postinst does not create the system user"
  grep -q "deb-systemd-helper enable 'dlms-bridge.service'" "$tmp/ctl/postinst" || fail "postinst does not enable the unit"
  grep -q '_dh_action=restart' "$tmp/ctl/postinst" || fail "postinst does not restart on upgrade"
  grep -q "deb-systemd-invoke stop 'dlms-bridge.service'" "$tmp/ctl/prerm" || fail "prerm does not stop on remove"
  echo "$(wc -l <"$tmp/list") entries, ${#expected[@]} checked; Depends: $depends"
  ;;

lintian)
  # No errors and no warnings (the README lists the informational tags and why they stay).
  lintian --fail-on error,warning "$(deb)" 2>&1 | grep -v 'running with root privileges' || true
  lintian --fail-on error,warning "$(deb)" >/dev/null 2>&1 || fail "lintian reports errors or warnings"
  ;;

unit)
  # The unit as installed: the extracted package plus the host's systemd units (the targets it
  # orders against) and kill(1) for ExecReload=; man pages from the package.
  root="$tmp/root"
  extract "$root"
  mkdir -p "$root/bin" && cp /bin/kill "$root/bin/kill"
  cp -an /lib/systemd/system/. "$root/lib/systemd/system/"
  MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" dlms-bridge.service \
    || fail "systemd-analyze verify"
  # --threshold is the exposure times ten: 20 = 2.0.
  systemd-analyze security --offline=yes --threshold=20 --root="$root" dlms-bridge.service >"$tmp/security" 2>&1 \
    || { cat "$tmp/security"; fail "exposure above 2.0"; }
  grep 'Overall exposure level' "$tmp/security"
  # The per-shard template unit: valid, and exactly as sandboxed as the plain unit.
  MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" dlms-bridge@0.service \
    || fail "systemd-analyze verify dlms-bridge@0.service"
  systemd-analyze security --offline=yes --threshold=20 --root="$root" dlms-bridge@0.service >"$tmp/security@" 2>&1 \
    || { cat "$tmp/security@"; fail "template unit: exposure above 2.0"; }
  sandbox() { grep -E '^(Type|NotifyAccess|WatchdogSec|User|Group|StateDirectory|Memory|CPU|Limit|UMask|Capability|Ambient|NoNew|Private|Restrict|Protect|Device|Remove|Proc|Lock|System|Kill|Timeout|Restart)' "$1"; }
  diff <(sandbox "$root/lib/systemd/system/dlms-bridge.service") <(sandbox "$root/lib/systemd/system/dlms-bridge@.service") \
    || fail "dlms-bridge@.service lost part of dlms-bridge.service's sandbox"
  grep -q '^Type=notify' "$root/lib/systemd/system/dlms-bridge.service" || fail "not Type=notify"
  grep -q '^WatchdogSec=' "$root/lib/systemd/system/dlms-bridge.service" || fail "no WatchdogSec="
  ;;

extracted)
  root="$tmp/root"
  extract "$root"
  bridge="$root/usr/bin/dlms-bridge"
  # The TLS shim comes from the package's private directory through the RUNPATH, nothing else.
  libs=$(ldd "$bridge")  # captured: see `contents` on pipefail and grep -q
  grep -qF "libssl.so => $root/usr/bin/../lib/dlms-bridge/libssl.so " <<<"$libs" \
    || { echo "$libs"; fail "libssl.so (the shim) does not resolve to the package's copy"; }
  grep -q '^dlms-bridge ' <<<"$(env -u LD_LIBRARY_PATH "$bridge" --version)" || fail "--version"
  "$bridge" check-config "$root/etc/dlms-bridge/dlms-bridge.toml" || fail "the shipped config does not validate"
  # Serve a TLS scrape from the extracted binary, with the shipped config's settings.
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/server.key" -out "$tmp/server.crt" 2>/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sed -e "s|^listen = .*|listen = \"127.0.0.1:$port\"|" -e "s|/var/lib/dlms-bridge|$tmp/state|" \
      -e 's|^enabled = true|enabled = false|' "$root/etc/dlms-bridge/dlms-bridge.toml" >"$tmp/bridge.toml"
  cat >>"$tmp/bridge.toml" <<TOML
[http.tls_server_config]
cert_file = "$tmp/server.crt"
key_file = "$tmp/server.key"
TOML
  env -u LD_LIBRARY_PATH "$bridge" run --config "$tmp/bridge.toml" >"$tmp/bridge.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do
    curl -sf --cacert "$tmp/server.crt" "https://127.0.0.1:$port/metrics" -o "$tmp/metrics" && break
    sleep 0.1
  done
  grep -q '^dlms_' "$tmp/metrics" 2>/dev/null || { cat "$tmp/bridge.log"; fail "no TLS scrape from the extracted binary"; }
  echo "TLS scrape: $(grep -c '^dlms_' "$tmp/metrics") dlms_ samples"
  ;;

roundtrip)
  # install -> upgrade -> remove -> purge in a throwaway dpkg root. --force-script-chrootless
  # runs the maintainer scripts with DPKG_ROOT set (debhelper's snippets honour it);
  # --force-depends because the root has no libraries installed. Not covered here: starting,
  # restarting and stopping the service (the snippets skip them without a running systemd).
  root="$tmp/root"
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
  touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
  dpkg_root() { dpkg --root="$root" --force-script-chrootless --force-depends --force-not-root "$@" >>"$tmp/dpkg.log" 2>&1 \
    || { cat "$tmp/dpkg.log"; fail "dpkg $*"; }; }
  # The upgrade: the same package with a higher version.
  mkdir "$tmp/v2" && dpkg-deb -R "$(deb)" "$tmp/v2/pkg"
  v1=$(dpkg-deb --field "$(deb)" Version)
  sed -i "s/^Version: .*/Version: $v1+upgrade1/" "$tmp/v2/pkg/DEBIAN/control"
  dpkg-deb --root-owner-group -b "$tmp/v2/pkg" "$tmp/v2/dlms-bridge-v2.deb" >/dev/null

  dpkg_root -i "$(deb)"
  grep -q '^dlms-bridge:' "$root/etc/passwd" || fail "install: no dlms-bridge system user"
  wants="$root/etc/systemd/system/multi-user.target.wants/dlms-bridge.service"
  [ -L "$wants" ] || fail "install: the unit is not enabled"
  echo '# edited by the operator' >>"$root/etc/dlms-bridge/dlms-bridge.toml"
  echo state >"$root/var/lib/dlms-bridge/dlms-bridge.db"

  dpkg_root -i "$tmp/v2/dlms-bridge-v2.deb"
  [ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' dlms-bridge)" = "$v1+upgrade1" ] || fail "upgrade"
  grep -q 'edited by the operator' "$root/etc/dlms-bridge/dlms-bridge.toml" || fail "upgrade lost the edited config"
  [ -f "$root/var/lib/dlms-bridge/dlms-bridge.db" ] || fail "upgrade lost the state"
  [ -L "$wants" ] || fail "upgrade: the unit is no longer enabled"

  dpkg_root -r dlms-bridge
  [ ! -e "$root/usr/bin/dlms-bridge" ] || fail "remove left the binary"
  grep -q 'edited by the operator' "$root/etc/dlms-bridge/dlms-bridge.toml" || fail "remove lost the config"
  [ -f "$root/var/lib/dlms-bridge/dlms-bridge.db" ] || fail "remove lost the state"

  dpkg_root -P dlms-bridge
  [ ! -e "$root/etc/dlms-bridge/dlms-bridge.toml" ] || fail "purge left the config"
  [ ! -e "$root/var/lib/dlms-bridge" ] || fail "purge left the state"
  [ ! -L "$wants" ] || fail "purge left the unit enabled"
  echo "install, upgrade to $v1+upgrade1, remove, purge: ok"
  ;;
*) fail "unknown check '$check'" ;;
esac
