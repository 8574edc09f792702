#!/usr/bin/env bash
# Tiered start against the interpreter and the whole-module JIT, side by side (issue 15,
# docs/tiering.md): the whole process's wall time and peak memory of one run of a WASI
# command in each tier. The JIT runs from a cold code cache (a fresh data directory each
# run); `tiered` prints what tiering did (--show-tier). `tiered-no-osr` is the tiered tier
# without on-stack replacement (IRONCLAD_TIERED_OSR=0), and `node` node's V8 through
# bench/node_wasi_runner.mjs (when node is installed and no --dir is given).
#
#   bench/tiering.sh BUILD_DIR [--runs N] [--dir HOST::GUEST] [--timeout S] [--tiers LIST] \
#                    WASM [ARGS...]
#
# --timeout S adds the rows interp+timeout, tiered+timeout and tiered-no-osr+timeout: the
# same runs with `--timeout S`, a deadline on the call (the extension host's case: the tiered
# tier compiles in interrupt mode, the interpreter counts fuel against the clock). --tiers
# runs only the listed rows (comma-separated names as printed).
#
# Best of N runs (default 3) per tier. A measurement, never a test.
set -eu
build=$1
shift
runs=3
dirs=()
timeout=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --dir) dirs+=(--dir "$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --tiers) only=$2; shift 2 ;;
    *) break ;;
  esac
done
ironclad=$build/src/cli/ironclad
wasm=$1
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
tiers=(interp jit tiered tiered-no-osr)
command -v node >/dev/null && [ ${#dirs[@]} -eq 0 ] && tiers+=(node)
[ -n "$timeout" ] && tiers+=(interp+timeout tiered+timeout tiered-no-osr+timeout)
if [ -n "$only" ]; then
  selected=()
  for tier in "${tiers[@]}"; do
    case ",$only," in *",$tier,"*) selected+=("$tier") ;; esac
  done
  tiers=("${selected[@]}")
fi
printf '%-22s %10s %12s\n' tier "wall (s)" "peak (MiB)"
for tier in "${tiers[@]}"; do
  best=""
  best_kib=0
  for ((i = 0; i < runs; i++)); do
    rm -rf "$scratch/data" && mkdir "$scratch/data"
    extra=()
    osr=1
    run_tier=${tier%+timeout}
    [ "$run_tier" != "$tier" ] && extra+=(--timeout "$timeout")
    case "$run_tier" in
      tiered) extra+=(--show-tier) ;;
      tiered-no-osr) extra+=(--show-tier); osr=0; run_tier=tiered ;;
    esac
    if [ "$tier" = node ]; then
      /usr/bin/time -f "%e %M" -o "$scratch/time" node --no-warnings \
        "$here/node_wasi_runner.mjs" "$wasm" "$@" > "$scratch/out" 2> "$scratch/err" || true
    else
      IRONCLAD_TIERED_OSR=$osr /usr/bin/time -f "%e %M" -o "$scratch/time" "$ironclad" run \
        --tier "$run_tier" --data-dir "$scratch/data" "${extra[@]}" "${dirs[@]}" "$wasm" "$@" \
        > "$scratch/out" 2> "$scratch/err" || true
    fi
    read -r wall kib < <(tail -1 "$scratch/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; best_kib=$kib; fi
  done
  printf '%-22s %10s %12.0f   %s\n' "$tier" "$best" "$((best_kib / 1024))" \
    "$(head -c 60 "$scratch/out" | head -1)"
  case "$tier" in
    tiered*) grep "tier: tiered:" "$scratch/err" | sed 's/^/                       /' || true ;;
  esac
done
