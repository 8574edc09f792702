#!/usr/bin/env bash
# Runs the WASI preview1 conformance tests of WebAssembly/wasi-testsuite through `ironclad run`.
#
#   scripts/run-wasi-testsuite.sh SUITE_DIR [BUILD_DIR]
#
# SUITE_DIR is a checkout of github.com/WebAssembly/wasi-testsuite at its branch
# prod/testsuite-base (the prebuilt tests; never committed here), or any directory below
# it: every `*.wasm` in a `wasm32-wasip1` directory under it is a test. BUILD_DIR holds the
# built `ironclad` (default: build).
#
# Each test runs as the suite's own runner runs it (doc/specification.md there): its .json
# (when present) gives the arguments, the environment (the only variables the program
# sees), a directory preopened as the guest's `/` (a fresh copy per test, so a test never
# sees what another left behind), the expected exit code (default 0) and what stdout and
# stderr must begin with. Stdin is an empty pipe, stdout and stderr are pipes.
#
# IRONCLAD_WASI_TIER=jit runs another tier (default interp); IRONCLAD_WASI_TIMEOUT=SECONDS
# bounds each test (default 60); IRONCLAD_WASI_OUT=DIR keeps each test's stdout, stderr
# and command line in DIR/<suite>/<name>.{out,err,cmd}.
# One line per test, then the totals. Exit status 0 iff every test passed.
set -u

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 SUITE_DIR [BUILD_DIR]" >&2
  exit 2
fi
suite_dir=$1
build_dir=${2:-build}
ironclad=$build_dir/src/cli/ironclad
tier=${IRONCLAD_WASI_TIER:-interp}
timeout_seconds=${IRONCLAD_WASI_TIMEOUT:-60}

if [[ ! -d $suite_dir ]]; then
  echo "error: $suite_dir is not a directory (a checkout of WebAssembly/wasi-testsuite)" >&2
  exit 2
fi
if [[ ! -x $ironclad ]]; then
  echo "error: $ironclad not found: build the ironclad target in $build_dir first" >&2
  exit 2
fi
if ! command -v node >/dev/null; then
  echo "error: node not found (Debian package nodejs; it reads the tests' .json files)" >&2
  exit 2
fi
ironclad=$(realpath "$ironclad")
out_dir=${IRONCLAD_WASI_OUT:-}
if [[ -n $out_dir ]]; then
  mkdir -p "$out_dir"
  out_dir=$(realpath "$out_dir")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reads a test's specification (legacy fields or `operations`) and prints it as
# NUL-separated fields: exit code, expected stdout, expected stderr, root, the number of
# arguments, the arguments, then the environment as KEY=VALUE entries.
read_spec() {
  node -e '
    const fs = require("fs");
    const file = process.argv[1];
    const spec = file ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    let run = {args: spec.args || [], env: spec.env || {}, root: spec.root || null};
    let exitCode = spec.exit_code ?? 0, out = spec.stdout || "", err = spec.stderr || "";
    if (Array.isArray(spec.operations)) {
      for (const op of spec.operations) {
        if (op.type === "run") run = {args: op.args || [], env: op.env || {}, root: op.root || null};
        else if (op.type === "wait") exitCode = op.exit_code ?? 0;
        else if (op.type === "read" && (op.id || "stdout") === "stdout") out += op.payload || "";
        else if (op.type === "read" && op.id === "stderr") err += op.payload || "";
        else { process.stdout.write("UNSUPPORTED:" + op.type); process.exit(0); }
      }
    }
    const env = Object.entries(run.env).map(([k, v]) => k + "=" + v);
    const fields = [String(exitCode), out, err, run.root || "", String(run.args.length),
                    ...run.args, ...env];
    process.stdout.write(fields.join("\0") + "\0");
  ' "$1"
}

passed=0 failed=0
declare -a failures=()
while IFS= read -r -d '' wasm; do
  dir=$(dirname "$wasm")
  name=$(basename "$wasm" .wasm)
  suite=$(basename "$(dirname "$(dirname "$dir")")")  # tests/<suite>/testsuite/wasm32-wasip1
  label="$suite/$name"
  json=$dir/$name.json
  [[ -f $json ]] || json=
  mapfile -d '' fields < <(read_spec "$json")
  if [[ ${fields[0]:-} == UNSUPPORTED:* ]]; then
    printf '%-48s FAIL (the test needs operation %s, which this script does not run)\n' \
      "$label" "${fields[0]#UNSUPPORTED:}"
    failed=$((failed + 1)); failures+=("$label"); continue
  fi
  want_exit=${fields[0]} want_out=${fields[1]} want_err=${fields[2]} root=${fields[3]}
  nargs=${fields[4]}
  args=("${fields[@]:5:nargs}")
  envs=("${fields[@]:5+nargs}")

  case_dir=$work/$suite/$name
  mkdir -p "$case_dir"
  cmd=("$ironclad" run --tier "$tier" --data-dir "$work/data")
  for e in "${envs[@]}"; do cmd+=(--env "$e"); done
  if [[ -n $root ]]; then
    # A fresh copy of the root for every test: tests create and remove files in it.
    cp -a "$dir/$root" "$case_dir/root"
    cmd+=(--dir "$case_dir/root::/")
  fi
  cmd+=("$wasm" "${args[@]}")
  (cd "$case_dir" && : | timeout "$timeout_seconds" "${cmd[@]}" >"$case_dir/out" 2>"$case_dir/err")
  status=$?
  if [[ -n $out_dir ]]; then
    mkdir -p "$out_dir/$suite"
    cp "$case_dir/out" "$out_dir/$suite/$name.out"
    cp "$case_dir/err" "$out_dir/$suite/$name.err"
    printf '%q ' "${cmd[@]}" >"$out_dir/$suite/$name.cmd"
  fi

  why=
  if [[ $status -eq 124 ]]; then
    why="timed out after ${timeout_seconds}s"
  elif [[ $status -ne $want_exit ]]; then
    why="exit status $status, expected $want_exit: $(head -c 300 "$case_dir/err" | tr '\n' ' ')"
  elif [[ $(head -c ${#want_out} "$case_dir/out") != "$want_out" ]]; then
    why="stdout does not begin with the expected $(printf '%q' "$want_out")"
  elif [[ $(head -c ${#want_err} "$case_dir/err") != "$want_err" ]]; then
    why="stderr does not begin with the expected $(printf '%q' "$want_err")"
  fi
  if [[ -z $why ]]; then
    passed=$((passed + 1))
    printf '%-48s pass\n' "$label"
  else
    failed=$((failed + 1))
    failures+=("$label")
    printf '%-48s FAIL: %s\n' "$label" "$why"
  fi
done < <(find "$suite_dir" -path '*wasm32-wasip1/*' -name '*.wasm' -print0 | sort -z)

echo "----"
echo "tier $tier: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
