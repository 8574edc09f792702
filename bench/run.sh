#!/usr/bin/env bash
# The benchmark table: every program of bench/programs/ built with clang-19 -O2 natively
# (baseline x86-64) and to wasm32-wasi -O2, then timed natively, in each ironclad tier and
# in node (V8). See docs/benchmarks.md.
#
# Usage: bench/run.sh [BUILD_DIR] [--quick] [--runs N] [--only NAME[,NAME...]] [--no-large]
#   BUILD_DIR   where the ironclad CLI was built (default: build); BUILD_DIR/src/cli/ironclad
#   --quick     one run per cell, small sizes: a smoke test of the whole harness
#   --runs N    best of N runs per cell (default 3, or $RUNS)
#   --only      time only these programs
#   --no-large  skip the time-to-first-call measurement of the large module
# Environment: CC (default clang-19), NODE (default node), BENCH_TIMEOUT seconds per run
# (default 600), TIERS (space-separated, overrides the list below), COMPILE_THREADS
# (ironclad compile --threads for the jit-artifact column; default 0, automatic).
set -euo pipefail

# The ironclad tiers that get a column (`ironclad run --tier T`; jit uses the default
# conservative policy on this host, end to end: compile time included). jit-artifact runs a
# precompiled artifact (`ironclad compile` first, untimed; then `ironclad run X.icwasm`
# timed): the generated code without its compile time, which gets a table of its own.
TIERS_DEFAULT="interp jit jit-artifact"

here=$(cd "$(dirname "$0")" && pwd)
build=build
quick=0
runs=${RUNS:-3}
only=""
large=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs=$2; shift ;;
    --only) only=$2; shift ;;
    --no-large) large=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
[ "$quick" = 1 ] && runs=1
tiers=${TIERS:-$TIERS_DEFAULT}

CC=${CC:-clang-19}
NODE=${NODE:-node}
out=$here/out
mkdir -p "$out/native" "$out/wasm"
# BUILD_DIR is taken relative to the current directory, or else to the repository root.
ironclad=$build/src/cli/ironclad
if [ ! -x "$ironclad" ] && [ -x "$here/../$build/src/cli/ironclad" ]; then
  ironclad=$here/../$build/src/cli/ironclad
fi
case "$ironclad" in /*) ;; *) ironclad=$PWD/$ironclad ;; esac

# Sizes for --quick (about a tenth of the default work); the default is each program's own.
declare -A QUICK=(
  [gemm]=400 [gemm_simd]=500 [sha256]=12 [nbody]=400000 [nbody_simd]=400000
  [fannkuch]=9 [sieve]=5000000 [base64]=6 [mandelbrot]=450 [mandelbrot_simd]=450
  [crc32]=4 [sort]=300000 [stackvm]=15000 [minimark]=500
)

native_flags=(-O2 -Wall)
# The module must not depend on whether binaryen is installed: clang runs wasm-opt after the
# link when it finds one, first in its -B directories, so it finds a no-op one there.
# (--no-wasm-opt cannot be used: Debian's clang 19.1.7 then skips the link, exit status 0.)
mkdir -p "$out/no-wasm-opt"
printf '#!/bin/sh\nexit 0\n' > "$out/no-wasm-opt/wasm-opt"
chmod +x "$out/no-wasm-opt/wasm-opt"
wasm_flags=(--target=wasm32-wasi --sysroot=/usr "-B$out/no-wasm-opt" -O2 -Wall -D_WASI_EMULATED_PROCESS_CLOCKS)
wasm_libs=(-lwasi-emulated-process-clocks -lm)

# build NAME SRC: native and wasm binaries into bench/out/, rebuilt when the source changed.
build_one() {
  local name=$1 src=$2 simd=()
  case "$name" in *_simd) simd=(-msimd128) ;; esac
  if [ ! -x "$out/native/$name" ] || [ "$src" -nt "$out/native/$name" ]; then
    "$CC" "${native_flags[@]}" "$src" -o "$out/native/$name" -lm
  fi
  if [ ! -f "$out/wasm/$name.wasm" ] || [ "$src" -nt "$out/wasm/$name.wasm" ]; then
    "$CC" "${wasm_flags[@]}" "${simd[@]}" "$src" -o "$out/wasm/$name.wasm" "${wasm_libs[@]}"
  fi
}

programs=()
for src in "$here"/programs/*.c; do
  name=$(basename "$src" .c)
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then continue; fi
  echo "build $name" >&2
  build_one "$name" "$src"
  if [ "$quick" = 1 ] && [ -n "${QUICK[$name]:-}" ]; then
    programs+=(--program "$name=${QUICK[$name]}")
  else
    programs+=(--program "$name")
  fi
done

large_args=()
if [ "$large" = 1 ]; then
  # The large module: 20000 generated functions (2000 with --quick). Generating and
  # compiling it takes a minute the first time; the result is kept in bench/out/.
  if [ "$quick" = 1 ]; then lname=large_quick; lcount=2000; else lname=large; lcount=20000; fi
  if [ ! -f "$out/$lname.c" ] || [ "$here/gen_large.py" -nt "$out/$lname.c" ]; then
    echo "generate $lname.c ($lcount functions)" >&2
    python3 "$here/gen_large.py" "$out/$lname.c" "$lcount"
  fi
  echo "build $lname (about a minute the first time, then cached)" >&2
  build_one "$lname" "$out/$lname.c"
  # The same generator with one function: the fixed cost of starting each runtime.
  if [ ! -f "$out/tiny.c" ] || [ "$here/gen_large.py" -nt "$out/tiny.c" ]; then
    python3 "$here/gen_large.py" "$out/tiny.c" 1
  fi
  build_one tiny "$out/tiny.c"
  large_args=(--large "$lname=$lcount functions" --tiny tiny)
fi

node_bin=$(command -v "$NODE" || true)
echo "timing: best of $runs run(s) per cell; ironclad: $ironclad; tiers: $tiers; node: ${node_bin:-none}" >&2
exec python3 "$here/harness.py" --out "$out" --runs "$runs" --timeout "${BENCH_TIMEOUT:-600}" \
  --ironclad "$ironclad" --tiers "${tiers// /,}" --node "$node_bin" \
  --runner "$here/node_wasi_runner.mjs" --results "$out/results.md" \
  --compile-threads "${COMPILE_THREADS:-0}" \
  "${programs[@]}" "${large_args[@]}"
