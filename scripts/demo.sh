#!/usr/bin/env bash
# The main demo (`make run`): for now, a C program compiled to wasm32-wasi, run by the
# interpreter tier.
set -euo pipefail
build=${1:-build}
echo "== ironclad run examples/hello (interpreter tier)"
"$build/src/cli/ironclad" run "$build/fixtures/hello.wasm" demo-arg
