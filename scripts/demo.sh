#!/usr/bin/env bash
# The main demo (`make run`): the story Ironclad exists for, end to end.
#
# An editor's JIT emitted AVX-512 on Intel Alder Lake-N laptops (AVX2, no AVX-512) and SIGILL
# killed the editor. Here the demo extension vechash (examples/extensions/vechash), whose hot
# loop is 64-bit vector multiplication, runs in Ironclad's JIT with the `native` policy; the
# same code then runs on an emulated Alder Lake-N, faults, and is recovered: the application
# keeps going, gets the right answer, tells the user, writes a crash report, and remembers, so
# the next start goes straight to the safe configuration.
#
# Usage: scripts/demo.sh [BUILD_DIR]. Everything is written to a fresh temporary data
# directory, removed at the end, so the demo is the same every time.
set -euo pipefail

build=${1:-build}
ironclad="$build/src/cli/ironclad"
embed="$build/examples/embed"
extensions="$build/examples/extensions"
vechash="$extensions/vechash"
vechash_cmd="$build/fixtures/vechash_cmd.wasm"
for f in "$ironclad" "$embed" "$vechash/extension.toml" "$vechash/vechash.wasm" "$vechash_cmd"; do
  if [[ ! -e $f ]]; then
    echo "demo: $f is missing: build first (make build, or cmake --build $build)" >&2
    exit 1
  fi
done

# The user's own overrides would change the story.
unset IRONCLAD_CPU_FEATURES IRONCLAD_EMULATE_CPU IRONCLAD_DATA_DIR
data=$(mktemp -d "${TMPDIR:-/tmp}/ironclad-demo.XXXXXX")
trap 'rm -rf "$data"' EXIT
export IRONCLAD_DATA_DIR="$data"

step=0
heading() {
  step=$((step + 1))
  printf '\n== %d. %s\n' "$step" "$*"
}
# Runs a command, showing it first as a user would type it.
show() {
  printf '$ %s\n' "$*"
  "$@"
}

heading "This machine, as Ironclad judges it (ironclad cpu, summary)"
"$ironclad" cpu | grep -E '^(CPU |kernel|XCR0|verified|fingerprint)'

# Does the code compiled for this host's `native` policy use instructions an Alder Lake-N
# lacks? Only then can the emulated Alder Lake-N fault.
native_needs_avx512=no
if ! "$ironclad" verify --policy native --verify-for alderlake-n "$vechash/vechash.wasm" \
    >/dev/null 2>&1; then
  native_needs_avx512=yes
fi

heading "The vechash extension in the JIT, policy native (what a developer's AVX-512 machine runs)"
show "$ironclad" ext list "$extensions" --policy native
show "$ironclad" ext call "$vechash" hash 42 64 --policy native --show-tier
native=$("$ironclad" ext call "$vechash" hash 42 64 --policy native 2>/dev/null)
if [[ $native_needs_avx512 == yes ]]; then
  echo "-- the native code uses AVX-512, which an Alder Lake-N does not have:"
  "$ironclad" verify --policy native --verify-for alderlake-n "$vechash/vechash.wasm" 2>&1 |
    grep -m 3 'vpmullq' || true
else
  echo "-- this host's native code uses no AVX-512: the emulated Alder Lake-N below has"
  echo "   nothing to refuse. The emulated crash needs a host whose native code uses AVX-512"
  echo "   (AVX-512DQ+VL, e.g. Intel Ice Lake / Sapphire Rapids, AMD Zen 4); the rest of the"
  echo "   story still runs."
fi

heading "The same call on an emulated Intel Alder Lake-N (--emulate-cpu alderlake-n)"
if [[ $native_needs_avx512 == yes ]]; then
  echo "-- the JIT code faults with SIGILL where that CPU would; the host recovers and retries"
  echo "   the idempotent export on a safer rung; the user-facing event goes to stderr:"
else
  echo "-- (the native code has no AVX-512 here, so nothing faults: the call simply runs)"
fi
events="$data/events.txt"
emulated_call=("$ironclad" ext call "$vechash" hash 42 64 --policy native --emulate-cpu alderlake-n
  --show-tier)
printf '$ %s\n' "${emulated_call[*]}"
"${emulated_call[@]}" 2>"$events" >"$data/emulated.txt"
cat "$events" "$data/emulated.txt"
emulated=$(cat "$data/emulated.txt")
if [[ $emulated == "$native" ]]; then
  echo "-- same result as on the native configuration: $emulated"
else
  echo "-- DIFFERENT result: native $native, emulated $emulated" >&2
  exit 1
fi

heading "The crash report (ironclad crashes list / show)"
show "$ironclad" crashes list
report=$(sed -n 's/^ironclad: crash report: //p' "$events" | head -n 1)
if [[ -n $report ]]; then
  show "$ironclad" crashes show "$(basename "$report" .json)"
else
  echo "-- no crash: nothing faulted on this host (see step 2)"
fi

heading "The second start: an application embedding the host goes straight to the safe configuration"
show "$embed" "$extensions" --policy native --emulate-cpu alderlake-n

heading "A plain program: ironclad run on the same recovery ladder"
echo "-- vechash_cmd computes its hashes before printing, so after the fault it can be run"
echo "   again from the start without anything printed twice:"
show "$ironclad" run --tier auto --policy native --emulate-cpu alderlake-n "$vechash_cmd"

heading "A Zed extension (a WebAssembly component) on the same ladder: ironclad zed check"
# The 14 published Zed extensions in ../shared have AVX-512 in their native code (loops LLVM
# vectorised in Rust's core library), but none of the calls the host makes offline executes
# it (docs/zed.md, "Recovery"), so the demo's own extension does: examples/zed/vecmul.
jco="$(dirname "$0")/../tools/npm/node_modules/.bin/jco"
vecmul="$data/zed/vecmul"
mkdir -p "$vecmul"
cp "$(dirname "$0")/../examples/zed/vecmul/extension.toml" "$vecmul/"
if [[ -x $jco ]] && node --version >/dev/null 2>&1 &&
  "$jco" parse "$(dirname "$0")/../examples/zed/vecmul/extension.wat" -o "$vecmul/extension.wasm"; then
  echo "-- its init-extension multiplies 64-bit vectors: vpmullq in native code; on the emulated"
  echo "   Alder Lake-N it faults, the extension restarts in safe mode, the check still passes:"
  show "$ironclad" zed check "$vecmul" --tier jit --policy native --emulate-cpu alderlake-n
  echo "-- the next start goes straight to the safe configuration:"
  show "$ironclad" zed check "$vecmul" --tier jit --policy native --emulate-cpu alderlake-n
else
  echo "-- skipped: jco (tools/npm, installed by scripts/install-deps.sh) or node is missing"
fi

heading "What the quarantine remembers (ironclad ext status)"
show "$ironclad" ext status

printf '\nThe data directory of this demo (%s) is removed now.\n' "$data"
