#!/usr/bin/env bash
# Builds the Debian package dlms-bridge_<version>_<arch>.deb from the binaries in build/ (it
# builds them first when needed; --no-build packages what is there, as the ctest suite does).
# The package is `cmake --install build --prefix /usr` run by debian/rules under
# dpkg-buildpackage, so the install rules and the package cannot drift apart.
# Prints the .deb's path as its last line. Environment: BUILD_DIR (default build),
# OUT_DIR (default $BUILD_DIR/package).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build_dir=$(realpath -m "${BUILD_DIR:-build}")
out_dir=$(realpath -m "${OUT_DIR:-$build_dir/package}")

if [ "${1:-}" != "--no-build" ]; then
  scripts/deps.sh
  [ -f "$build_dir/CMakeCache.txt" ] || cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build_dir" --target dlms-bridge dlms-meter-sim man-pages >&2
fi
[ -x "$build_dir/bin/dlms-bridge" ] || { echo "package.sh: no $build_dir/bin/dlms-bridge; build first" >&2; exit 1; }

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
[ -n "$version" ] || { echo "package.sh: no project version in $build_dir/CMakeCache.txt" >&2; exit 1; }
revision=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# Reproducible timestamps (changelog, file dates): the commit's time.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}

# dpkg-buildpackage works in a directory holding debian/ and writes next to it: keep all of
# that inside the output directory, never in the source tree.
work="$out_dir/work"
rm -rf "$work"
mkdir -p "$work/dlms-bridge-$version"
cp -r debian "$work/dlms-bridge-$version/"
cat >"$work/dlms-bridge-$version/debian/changelog" <<CHANGELOG
dlms-bridge ($version) unstable; urgency=medium

  * Release $version, built from revision $revision.

 -- dlms-bridge maintainers <maintainers@dlms-bridge.example.org>  $(date -R -u -d "@$SOURCE_DATE_EPOCH")
CHANGELOG

log="$out_dir/dpkg-buildpackage.log"
if ! (cd "$work/dlms-bridge-$version" &&
      DLMS_BUILD_DIR="$build_dir" dpkg-buildpackage --build=binary --no-pre-clean --no-sign -d) >"$log" 2>&1; then
  cat "$log" >&2
  echo "package.sh: dpkg-buildpackage failed (log: $log)" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
deb="$out_dir/dlms-bridge_${version}_${arch}.deb"
mv "$work/dlms-bridge_${version}_${arch}.deb" "$deb"
rm -rf "$work"
echo "$deb"
