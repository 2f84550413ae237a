#!/usr/bin/env bash
# Generates grafana/dashboards/*.json from the jsonnet sources in grafana/jsonnet (Debian
# package `jsonnet`). With --check (run by ctest) it changes nothing and fails when the
# committed JSON differs from a fresh generation or a source is not jsonnetfmt-formatted.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/grafana/jsonnet"
out="$root/grafana/dashboards"
fmt=(jsonnetfmt -n 2 --max-blank-lines 2 --string-style s --comment-style s)
mapfile -t sources < <(find "$src" -name '*.jsonnet' -o -name '*.libsonnet' | sort)

if [ "${1:-}" != "--check" ]; then
  "${fmt[@]}" -i "${sources[@]}"
  rm -f "$out"/*.json
  jsonnet -J "$src" -m "$out" "$src/dashboards.jsonnet" >/dev/null
  echo "generated: $(cd "$out" && ls ./*.json | tr '\n' ' ')"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "${sources[@]}"; do
  if ! "${fmt[@]}" "$f" | diff -u "$f" - >"$tmp/fmt.diff"; then
    echo "not jsonnetfmt-formatted (run scripts/grafana-dashboards.sh): ${f#"$root"/}" >&2
    cat "$tmp/fmt.diff" >&2
    status=1
  fi
done
mkdir "$tmp/out"
jsonnet -J "$src" -m "$tmp/out" "$src/dashboards.jsonnet" >/dev/null
if ! diff -ru "$out" "$tmp/out" >&2; then
  echo "grafana/dashboards is not what grafana/jsonnet generates: run scripts/grafana-dashboards.sh and commit" >&2
  status=1
fi
exit $status
