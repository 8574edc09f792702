#!/usr/bin/env bash
# The corpus table (docs/corpus.md, docs/benchmarks.md): every real program of corpus/ run
# natively, in each Ironclad tier and in node, in one run, its outputs compared with the
# native build's, and the time of each cell as the best of N runs, interleaved (native,
# each tier, native, ...). Each cell is a ratio to native; a mismatch is FAIL.
#
# Usage: bench/corpus.sh [BUILD_DIR] [--runs N] [--quick] [--programs a,b] [--tiers t1,t2]
#   BUILD_DIR   where the ironclad CLI was built (default: build)
#   --runs N    best of N runs per cell (default 3)
#   --quick     the smaller workloads make test uses
# The table goes to stdout and to bench/out/corpus.md. Needs the corpus's sources
# (scripts/install-deps.sh fetches them); programs are built on first use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=build
args=()
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    --quick) args+=(--quick) ;;
    --programs|--tiers) args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "corpus.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
case "$build" in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$here/out"
status=0
python3 "$root/corpus/driver.py" check --runs "$runs" --out "$build/corpus" \
  --ironclad "$build/src/cli/ironclad" --table "$here/out/corpus.md" "${args[@]}" || status=$?
echo "(table in bench/out/corpus.md; command: bench/corpus.sh ${build#$root/} --runs $runs ${args[*]})"
exit $status
