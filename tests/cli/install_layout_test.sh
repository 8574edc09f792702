#!/bin/sh
# install.layout: `cmake --install` puts bin/ironclad and lib/ironclad/libironclad_llvm.so
# where the installed binary finds its JIT backend (src/jit/llvm_backend_loader.cpp): a JIT
# run of the installed binary opens the installed backend, not the build tree's.
# Usage: install_layout_test.sh BUILD_DIR MODULE.wasm
set -eu
build=$1
module=$2
prefix=$(mktemp -d "${TMPDIR:-/tmp}/ironclad-install-XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/ironclad"
test -f "$prefix/lib/ironclad/libironclad_llvm.so"
LD_DEBUG=libs "$prefix/bin/ironclad" run --tier jit --no-code-cache --data-dir "$prefix/data" \
  "$module" >"$prefix/out" 2>"$prefix/err" || { cat "$prefix/err"; exit 1; }
if ! grep -q "calling init: $prefix/lib/ironclad/libironclad_llvm.so" "$prefix/err"; then
  echo "the installed binary did not open the installed backend:"
  grep -i "ironclad_llvm\|warning" "$prefix/err" || true
  exit 1
fi
if grep -q "ironclad: warning" "$prefix/err"; then grep "ironclad: warning" "$prefix/err"; exit 1; fi
echo "installed JIT run ok"
