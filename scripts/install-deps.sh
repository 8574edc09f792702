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
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
