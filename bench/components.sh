#!/usr/bin/env bash
# The Component Model's costs (docs/benchmarks.md, "Components"), side by side in one run:
# ns per call of a core function called as a core module and as a component export (a 1 KB
# string, a list of 100 records), in the interpreter and the JIT; and the time to load and
# instantiate each shared Zed extension in each tier.
#
# Usage: bench/components.sh [BUILD_DIR] [--runs N]
#   BUILD_DIR  where the project was built (default: build; builds component_bench there)
#   --runs N   best of N load/instantiate runs per extension (default 3)
# Needs the npm tools (scripts/install-deps.sh) to encode the component, and ../shared for
# the extensions table (skipped, saying so, without it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=build
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "components.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
case "$build" in /*) ;; *) build=$root/$build ;; esac
cmake --build "$build" -j2 --target component_bench >/dev/null
bench="$build/bench/component_bench"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
modules=$root/tools/npm/node_modules
if [ ! -d "$modules/@bytecodealliance/jco" ]; then
  echo "components.sh: the npm tools are missing (run scripts/install-deps.sh)" >&2
  exit 1
fi
wat2wasm "$here/components/calls_core.wat" -o "$out/core.wasm"
node "$here/components/make_component.mjs" "$modules" "$out/component.wasm"
echo "## Calls (ns per call, best of 5 batches)"
echo
"$bench" calls "$out/component.wasm" "$out/core.wasm"
echo
extensions=$root/../shared/zed-extensions
if [ -d "$extensions" ]; then
  echo "## Shared extensions: load and instantiate (ms, best of $runs)"
  echo
  "$bench" extensions "$extensions" --runs "$runs"
else
  echo "(no ../shared/zed-extensions: the extensions table is skipped)"
fi
echo
echo "(command: bench/components.sh ${build#$root/} --runs $runs)"
