#!/usr/bin/env bash
# Tiered start against the interpreter and the whole-module JIT, side by side (issue 15,
# docs/tiering.md): the whole process's wall time and peak memory of one run of a WASI
# command in each tier. The JIT runs from a cold code cache (a fresh data directory each
# run); `tiered` prints what tiering did (--show-tier). `tiered-no-osr` is the tiered tier
# without on-stack replacement (IRONCLAD_TIERED_OSR=0), and `node` node's V8 through
# bench/node_wasi_runner.mjs (when node is installed and no --dir is given). `jit-warm` and
# `tiered-warm` run from a warm code cache: one untimed run fills a data directory that the
# timed runs then share (the tiered tier loads the batches earlier runs compiled,
# docs/tiering.md "Code cache").
#
#   bench/tiering.sh BUILD_DIR [--runs N] [--dir HOST::GUEST] [--timeout S] [--tiers LIST] \
#                    WASM [ARGS...]
#
# --timeout S adds the rows interp+timeout, tiered+timeout and tiered-no-osr+timeout: the
# same runs with `--timeout S`, a deadline on the call (the extension host's case: the tiered
# tier compiles in interrupt mode, the interpreter counts fuel against the clock). --tiers
# runs exactly the listed rows (comma-separated: the names above, jit-warm, tiered-warm, and
# any of them with +timeout).
#
# Best of N runs (default 3) per tier. A measurement, never a test.
set -eu
build=$1
shift
runs=3
dirs=()
timeout=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --dir) dirs+=(--dir "$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --tiers) IFS=, read -r -a chosen <<< "$2"; shift 2 ;;
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
[ -n "${chosen+x}" ] && tiers=("${chosen[@]}")
printf '%-22s %10s %12s\n' tier "wall (s)" "peak (MiB)"
for tier in "${tiers[@]}"; do
  best=""
  best_kib=0
  warm=""
  case "$tier" in *-warm*) warm=1 ;; esac
  rm -rf "$scratch/data"
  for ((i = -${warm:-0}; i < runs; i++)); do
    # Cold: a fresh data directory each run. Warm: the one the untimed run (i = -1) filled.
    [ -z "$warm" ] && rm -rf "$scratch/data"
    mkdir -p "$scratch/data"
    extra=()
    osr=1
    run_tier=${tier%+timeout}
    [ "$run_tier" != "$tier" ] && extra+=(--timeout "$timeout")
    run_tier=${run_tier%-warm}
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
    [ "$i" -lt 0 ] && continue
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; best_kib=$kib; fi
  done
  printf '%-22s %10s %12.0f   %s\n' "$tier" "$best" "$((best_kib / 1024))" \
    "$(head -c 60 "$scratch/out" | head -1)"
  case "$tier" in
    tiered*) grep "tier: tiered:" "$scratch/err" | sed 's/^/                       /' || true ;;
  esac
done
