#!/usr/bin/env bash
# Converts one Component Model .wast script with jco (tools/npm) and runs it with
# `ironclad component spectest`. Exit 77 (ctest: skipped) when node or the npm tools are
# missing. Usage: run_script.sh IRONCLAD NODE_MODULES SCRIPT.wast WORK_DIR [spectest options]
set -euo pipefail
ironclad=$1 modules=$2 script=$3 work=$4
shift 4
if ! command -v node >/dev/null || [ ! -f "$modules/@bytecodealliance/jco/package.json" ]; then
  echo "skipped: node or the npm component tools (tools/npm, scripts/install-deps.sh) are missing"
  exit 77
fi
stem=$(basename "$script" .wast)
rm -rf "$work/$stem" && mkdir -p "$work/$stem"
node "$(dirname "$0")/wast_to_json.mjs" "$modules" "$script" "$work/$stem"
exec "$ironclad" component spectest "$work/$stem/$stem.json" "$@"
