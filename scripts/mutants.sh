#!/usr/bin/env bash
# Mutation check, on demand (not in CI): applies each one-line mutation of tests/mutants/*.sed to
# a scratch copy of the tree, rebuilds only the test targets the mutant names, runs the tests
# that should kill it, and reports which mutants no test kills. The last line is
# "N mutants, K survived"; the result table is written into tests/mutants/README.md.
#
#   scripts/mutants.sh                 every mutant
#   scripts/mutants.sh NAME...         only these (file names without .sed)
#   scripts/mutants.sh --list          names and what each breaks
#
# A mutant file is a sed script with a header:
#   # breaks: what promise the mutation breaks (one line)
#   # file:   the source file it edits (repo-relative)
#   # build:  ninja targets to rebuild (space separated)
#   # kill:   ctest -R regex of the tests that must fail
# The sed expressions match on code text, never on line numbers. A mutant whose expressions
# change nothing ("patch did not apply"), whose mutated tree does not compile, or whose kill
# regex selects no test is an error, never counted as killed; the script then exits 2.
#
# Environment: MUTANTS_DIR (scratch copy, default: a sibling of the repo so ccache's base_dir
# covers it), MUTANTS_JOBS (ninja -j, default 2), MUTANTS_TEST_TIMEOUT (per test, default 180 s).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
mutant_dir="$repo/tests/mutants"
scratch="${MUTANTS_DIR:-$(dirname "$repo")/.$(basename "$repo")-mutants}"
jobs="${MUTANTS_JOBS:-2}"
test_timeout="${MUTANTS_TEST_TIMEOUT:-180}"

header() {  # header <key> <file>
  sed -n "s/^# $1: *//p" "$2" | head -n 1
}

mapfile -t all < <(find "$mutant_dir" -maxdepth 1 -name '*.sed' -printf '%f\n' | sed 's/\.sed$//' | sort)
if [[ "${1:-}" == "--list" ]]; then
  for m in "${all[@]}"; do printf '%-34s %s\n' "$m" "$(header breaks "$mutant_dir/$m.sed")"; done
  exit 0
fi
selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=("${all[@]}")
for m in "${selected[@]}"; do
  [[ -f "$mutant_dir/$m.sed" ]] || { echo "mutants: no such mutant: $m" >&2; exit 2; }
  for key in breaks file build kill; do
    [[ -n "$(header "$key" "$mutant_dir/$m.sed")" ]] || { echo "mutants: $m.sed has no '# $key:' line" >&2; exit 2; }
  done
done

# Scratch copy laid out like the repo (sources at the top, build/ inside), so ccache's relative
# paths match the developers' builds.
echo "mutants: scratch copy in $scratch"
mkdir -p "$scratch"
# Tracked and new (not ignored) files; tar keeps their mtimes, so ninja rebuilds only what changed.
(cd "$repo" && git ls-files -z -co --exclude-standard) | tar -C "$repo" --null --ignore-failed-read -T - -cf - | tar -C "$scratch" -xpf -
cmake -S "$scratch" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

log_dir="$scratch/build/mutants-logs"
mkdir -p "$log_dir"

# Every test the mutants rely on must pass on the unmutated tree, or a "kill" would mean nothing.
declare -A targets_seen=() baseline_done=()
build_targets=()
for m in "${selected[@]}"; do
  for t in $(header build "$mutant_dir/$m.sed"); do
    [[ -z "${targets_seen[$t]:-}" ]] && { targets_seen[$t]=1; build_targets+=("$t"); }
  done
done
echo "mutants: baseline build (${build_targets[*]})"
if ! ninja -C "$scratch/build" -j"$jobs" "${build_targets[@]}" >"$log_dir/baseline-build.log" 2>&1; then
  tail -n 30 "$log_dir/baseline-build.log" >&2
  echo "mutants: the unmutated tree does not build" >&2
  exit 2
fi

run_tests() {  # run_tests <regex> <log>; 0 = all passed, 1 = some failed, 2 = none selected
  local out rc=0
  out="$(cd "$scratch/build" && ctest -R "$1" --timeout "$test_timeout" --output-on-failure 2>&1)" || rc=$?
  printf '%s\n' "$out" >"$2"
  if grep -q "No tests were found" <<<"$out"; then return 2; fi
  [[ $rc -eq 0 ]] && return 0 || return 1
}

for m in "${selected[@]}"; do
  regex="$(header kill "$mutant_dir/$m.sed")"
  [[ -n "${baseline_done[$regex]:-}" ]] && continue
  baseline_done[$regex]=1
  echo "mutants: baseline tests -R '$regex'"
  rc=0
  run_tests "$regex" "$log_dir/baseline-$m.log" || rc=$?
  if [[ $rc -ne 0 ]]; then
    tail -n 40 "$log_dir/baseline-$m.log" >&2
    echo "mutants: baseline for $m: $([[ $rc -eq 2 ]] && echo 'no test matches' || echo 'tests fail without any mutation')" >&2
    exit 2
  fi
done

killed=0 survived=0 errors=0
rows=()
for m in "${selected[@]}"; do
  patch="$mutant_dir/$m.sed"
  file="$(header file "$patch")"
  regex="$(header kill "$patch")"
  read -r -a targets <<<"$(header build "$patch")"
  src="$scratch/$file"
  [[ -f "$src" ]] || { echo "mutants: $m: $file does not exist" >&2; exit 2; }
  cp "$repo/$file" "$src"
  sed -i -f "$patch" "$src"
  changed="$(diff "$repo/$file" "$src" | grep -c '^[<>]' || true)"
  verdict=""
  if [[ "$changed" -eq 0 ]]; then
    verdict="ERROR: patch did not apply"
  elif ! ninja -C "$scratch/build" -j"$jobs" "${targets[@]}" >"$log_dir/$m-build.log" 2>&1; then
    verdict="ERROR: mutated tree does not compile (see $log_dir/$m-build.log)"
  else
    rc=0
    run_tests "$regex" "$log_dir/$m.log" || rc=$?
    case $rc in
      0) verdict="SURVIVED" ;;
      1) verdict="killed" ;;
      *) verdict="ERROR: no test matches '$regex'" ;;
    esac
  fi
  cp "$repo/$file" "$src"  # restore before the next mutant
  case "$verdict" in
    killed)
      killed=$((killed + 1))
      mapfile -t failed < <(grep -E '^\s*[0-9]+ - .* \((Failed|Timeout|SEGFAULT|Subprocess aborted|Exception)' \
                              "$log_dir/$m.log" | sed -E 's/^\s*[0-9]+ - //; s/ \(.*$//; s/ +# GetParam\(\) = .*$//')
      by="$(printf '%s\n' "${failed[@]:0:4}" | paste -sd ',' | sed 's/,/, /g')"
      [[ ${#failed[@]} -gt 4 ]] && by+=" and $((${#failed[@]} - 4)) more"
      detail="killed by $by"
      ;;
    SURVIVED) survived=$((survived + 1)); detail="SURVIVED: no test in -R '$regex' failed" ;;
    *) errors=$((errors + 1)); detail="$verdict" ;;
  esac
  printf '%-34s %s\n' "$m" "$detail"
  rows+=("| \`$m\` | $(header breaks "$patch") | $detail |")
done

# Rebuild the unmutated targets so the scratch build is left clean for the next run.
ninja -C "$scratch/build" -j"$jobs" "${build_targets[@]}" >/dev/null 2>&1 || true

total=${#selected[@]}
summary="$total mutants, $survived survived"
[[ $errors -gt 0 ]] && summary+=", $errors errors (not counted as killed)"

if [[ ${#selected[@]} -eq ${#all[@]} ]]; then
  readme="$mutant_dir/README.md"
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  dirty="$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null | grep -v 'tests/mutants/README.md' | head -n 1 || true)"
  {
    sed '/^<!-- last result -->$/q' "$readme"
    echo
    echo "\`scripts/mutants.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$([[ -n "$dirty" ]] && echo ' plus local changes'):"
    echo
    echo "| mutant | breaks | result |"
    echo "|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "$summary"
  } >"$readme.new"
  mv "$readme.new" "$readme"
fi

echo "$summary"
[[ $errors -gt 0 ]] && exit 2
[[ $survived -gt 0 ]] && exit 1
exit 0
