#!/usr/bin/env bash
# Installs the Debian 12 packages Ironclad needs to build, test and benchmark.
# Idempotent: installs only what is missing, and runs `apt-get update` first only then
# (a fresh machine has no package lists).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  llvm-19-dev libzstd-dev clang-19 lld-19
  libzydis-dev libzycore-dev libsqlite3-dev libtomlplusplus-dev nlohmann-json3-dev
  libcli11-dev libfmt-dev libxxhash-dev libboost-context-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wabt wasi-libc libclang-rt-19-dev-wasm32 libclang-rt-19-dev
  nodejs binaryen
  # The editor API's downloads (src/zed/network.h): HTTP(S) and archives.
  libcurl4-openssl-dev libarchive-dev
  # The real-program corpus (docs/corpus.md): its driver, SQLite's amalgamation script, C++
  # and Rust for wasm32-wasi, and the Rust crates its programs use (Debian's, offline).
  python3 tcl libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
  rustc cargo libstd-rust-dev-wasm32
  librust-regex+default-dev librust-serde-derive-dev librust-serde-json-dev
  librust-pulldown-cmark-dev librust-sha2-dev librust-flate2-dev librust-num-bigint-dev
  librust-num-traits-dev librust-num-integer-dev
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# The corpus's third-party sources (Debian source packages; skipped when already fetched).
bash "$(dirname "$0")/fetch-corpus-sources.sh"

# Component tooling from npm, used by tests at test time only (jco: wit, parse, embed, new,
# transpile; componentize-js: JS programs as components). Pinned in tools/npm/package-lock.json
# and installed into tools/npm/node_modules (git-ignored). Tests that need them skip, saying
# so, when they are missing; nothing in the build needs them.
npm_dir="$(cd "$(dirname "$0")/.." && pwd)/tools/npm"
npm_installed() {
  local pkg version
  for pkg in jco componentize-js preview2-shim; do
    version=$(node -p "require('$npm_dir/package.json').dependencies['@bytecodealliance/$pkg']" 2>/dev/null) || return 1
    [ "$(node -p "require('$npm_dir/node_modules/@bytecodealliance/$pkg/package.json').version" 2>/dev/null)" = "$version" ] || return 1
  done
}
if npm_installed; then
  echo "install-deps: npm test tools present"
elif command -v npm >/dev/null; then
  echo "install-deps: installing npm test tools (tools/npm)"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    echo "install-deps: warning: npm test tools not installed; the tests that need them will skip"
else
  echo "install-deps: warning: npm not found; the tests that need the npm test tools will skip"
fi
