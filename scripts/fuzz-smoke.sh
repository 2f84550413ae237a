#!/usr/bin/env bash
# Fuzz smoke run: builds the libFuzzer targets of tests/fuzz with clang in build-fuzz (only the
# sans-I/O core is compiled there, see DLMS_FUZZ in CMakeLists.txt), seeds each target from the
# golden vectors and runs it for FUZZ_SECONDS (default 20). Exits non-zero on any crash, leak or
# invariant violation; the crashing input is kept in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
TARGETS=(fuzz_frame_decoder fuzz_wrapper_decoder fuzz_aare fuzz_get_response fuzz_axdr fuzz_obis fuzz_client_stack
         fuzz_http_request fuzz_date_time fuzz_profile_buffer fuzz_set fuzz_ciphered fuzz_hls_client)

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz-smoke: clang++ is required (apt-get install clang)" >&2
  exit 1
fi

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DDLMS_FUZZ=ON -DDLMS_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j2 --target "${TARGETS[@]}"

# write_seeds <dir> <prefix hex> <file>...: one seed file per "<kind> <name>: <hex>" line.
write_seeds() {
  local dir="$1" prefix="$2"
  shift 2
  local file line name hex n=0
  for file in "$@"; do
    while IFS= read -r line; do
      [[ -z "$line" || "$line" == \#* ]] && continue
      name="${line%%:*}"
      name="${name#* }"
      hex="$prefix ${line#*:}"
      # "7E A0" -> "\x7E\xA0" -> bytes
      printf "$(echo "$hex" | tr -s ' \t' '\n' | sed '/^$/d; s/^/\\x/' | tr -d '\n')" >"$dir/$(printf '%03d' $n)_${name}"
      n=$((n + 1))
    done <"$file"
  done
}

# write_text_seeds <dir> <file>: one seed per line, '|' becomes a newline (method|target|headers).
write_text_seeds() {
  local dir="$1" file="$2" line n=0
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    printf '%s' "$line" | tr '|' '\n' >"$dir/$(printf '%03d' $n)"
    n=$((n + 1))
  done <"$file"
}

vectors=tests/unit/dlms/vectors
seeds=tests/fuzz/seeds
work="$BUILD_DIR/fuzz-corpus"
artifacts="$BUILD_DIR/artifacts"
rm -rf "$work"
mkdir -p "$work" "$artifacts"

status=0
for target in "${TARGETS[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  case "$target" in
    fuzz_frame_decoder) write_seeds "$corpus" "3F" "$vectors/hdlc_frames.txt" ;;
    fuzz_wrapper_decoder) write_seeds "$corpus" "" "$seeds/wrapper.txt" ;;
    fuzz_aare) write_seeds "$corpus" "" "$vectors/apdus.txt" "$seeds/aare_gmac.txt" "$seeds/regressions.txt" ;;
    fuzz_get_response) write_seeds "$corpus" "" "$vectors/apdus.txt" "$seeds/regressions.txt" ;;
    fuzz_ciphered) write_seeds "$corpus" "" "$vectors/security.txt" ;;
    fuzz_hls_client) write_seeds "$corpus" "" "$seeds/hls_client.txt" ;;
    fuzz_axdr) write_seeds "$corpus" "" "$seeds/axdr.txt" "$seeds/regressions.txt" ;;
    fuzz_obis) write_seeds "$corpus" "" "$seeds/obis.txt" ;;
    fuzz_client_stack) write_seeds "$corpus" "" "$seeds/client_stack.txt" ;;
    fuzz_http_request) write_text_seeds "$corpus" "$seeds/http_request.txt" ;;
    fuzz_date_time) write_seeds "$corpus" "" "$seeds/date_time.txt" ;;
    fuzz_profile_buffer) write_seeds "$corpus" "" "$seeds/profile_buffer.txt" "$seeds/regressions.txt" ;;
    fuzz_set) write_seeds "$corpus" "" "$vectors/apdus.txt" ;;
  esac
  echo "fuzz-smoke: $target for ${FUZZ_SECONDS}s from $(ls "$corpus" | wc -l) seeds"
  if ! "$BUILD_DIR/fuzz/$target" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=1024 -timeout=10 \
      -artifact_prefix="$artifacts/$target-" -print_final_stats=1 "$corpus" >"$BUILD_DIR/$target.log" 2>&1; then
    echo "fuzz-smoke: $target FAILED (log: $BUILD_DIR/$target.log)" >&2
    tail -n 40 "$BUILD_DIR/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units" "$BUILD_DIR/$target.log" | sed "s/^/  /" || true
  fi
done
exit $status
