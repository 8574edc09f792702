#!/usr/bin/env bash
# Runs the official WebAssembly spec tests through `ironclad spectest`.
#
#   scripts/run-official-spectests.sh TESTSUITE_DIR [BUILD_DIR]
#
# TESTSUITE_DIR is a checkout of github.com/WebAssembly/testsuite (never committed here);
# BUILD_DIR holds the built `ironclad` (default: build). Each top-level .wast is converted
# with wast2json into a temporary directory and run; one line per file, then the totals.
# Set IRONCLAD_SPECTEST_OUT=DIR to keep each file's full runner output (its failure lines)
# in DIR/<name>.out; IRONCLAD_SPECTEST_TIER=jit runs another tier (default interp);
# IRONCLAD_SPECTEST_TIMEOUT=SECONDS bounds each file (default 600). When something fails,
# the failures are also counted by category (command, and what came instead: an error
# kind, a normal return, wrong results).
# Exit status 0 iff every file ran and nothing failed.
set -u

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 TESTSUITE_DIR [BUILD_DIR]" >&2
  exit 2
fi
suite_dir=$1
build_dir=${2:-build}
ironclad=$build_dir/src/cli/ironclad
timeout_seconds=${IRONCLAD_SPECTEST_TIMEOUT:-600}
tier=${IRONCLAD_SPECTEST_TIER:-interp}

if [[ ! -d $suite_dir ]]; then
  echo "error: $suite_dir is not a directory (a checkout of WebAssembly/testsuite)" >&2
  exit 2
fi
if [[ ! -x $ironclad ]]; then
  echo "error: $ironclad not found: build the ironclad target in $build_dir first" >&2
  exit 2
fi
if ! command -v wast2json >/dev/null; then
  echo "error: wast2json not found (Debian package wabt)" >&2
  exit 2
fi
ironclad=$(realpath "$ironclad")
out_dir=${IRONCLAD_SPECTEST_OUT:-}
if [[ -n $out_dir ]]; then
  mkdir -p "$out_dir"
  out_dir=$(realpath "$out_dir")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

total_passed=0 total_failed=0 total_skipped=0 broken_files=0 files=0
shopt -s nullglob
for wast in "$suite_dir"/*.wast; do
  name=$(basename "$wast" .wast)
  files=$((files + 1))
  dir=$work/$name
  mkdir -p "$dir"
  if ! wast2json "$wast" -o "$dir/$name.json" >"$dir/wast2json.log" 2>&1; then
    printf '%-36s wast2json failed: %s\n' "$name" "$(head -n 1 "$dir/wast2json.log")"
    broken_files=$((broken_files + 1))
    continue
  fi
  # Run from the script's directory so failure lines read "name.json:LINE: ...".
  (cd "$dir" && timeout "$timeout_seconds" "$ironclad" spectest --tier "$tier" "$name.json") >"$dir/out" 2>&1
  status=$?
  [[ -n $out_dir ]] && cp "$dir/out" "$out_dir/$name.out"
  # Failure lines ("name.json:LINE: command: ..."), kept for the categories at the end.
  grep -E '^[^ ]+\.json:[0-9]+: ' "$dir/out" | grep -v ': warning: ' >>"$work/failures" || true
  summary=$(tail -n 1 "$dir/out")
  if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    total_skipped=$((total_skipped + s))
    printf '%-36s %7d passed %7d failed %7d skipped\n' "$name" "$p" "$f" "$s"
  else
    # No summary line: the runner died (a signal, a timeout); say how.
    if [[ $status -eq 124 ]]; then why="timed out after ${timeout_seconds}s"
    elif [[ $status -gt 128 ]]; then why="killed by signal $((status - 128))"
    else why="exit status $status without a summary"; fi
    printf '%-36s CRASHED: %s\n' "$name" "$why"
    broken_files=$((broken_files + 1))
  fi
done

echo "----"
if [[ -s $work/failures ]]; then
  echo "failures by category (command: what came instead):"
  # Category: the command, and what came back instead: the kind of error, a normal
  # return, or wrong results.
  awk '{
    line = $0
    sub(/^[^ ]+\.json:[0-9]+: /, "", line)
    cmd = line; sub(/: .*/, "", cmd)
    rest = substr(line, length(cmd) + 3)
    p = index(rest, ", got ")
    got = p > 0 ? substr(rest, p + 6) : rest
    if (rest ~ /but the module (was accepted|instantiated)$/) got = "module accepted"
    else if (got ~ /^trap: /) got = substr(got, 1, 48)
    else if (got ~ /^(malformed module|invalid module|link error|resource exhausted|usage error|i\/o error|internal error|engine fault|exit|CPU incompatibility): /) sub(/: .*/, "", got)
    else if (got ~ /^(results|a normal return)/) got = "returned normally"
    else if (got ~ /^(i32|i64|f32|f64|v128|funcref|externref)[: ]|^no results|^\(/) got = "wrong result"
    else got = substr(got, 1, 48)
    print cmd ": " got
  }' "$work/failures" | sort | uniq -c | sort -rn
fi
echo "files: $files, of which $broken_files did not finish"
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
[[ $total_failed -eq 0 && $broken_files -eq 0 ]]
