#!/usr/bin/env bash
# Fetches the real-program corpus's third-party sources (docs/corpus.md) with Debian's
# source packages: adds a deb-src entry for the mirror the machine already uses, then
# `apt-get source` for each package named by a corpus/*/recipe.toml (`packages = [...]`).
# Sources go to $IRONCLAD_CORPUS_SRC (default ~/.cache/ironclad/corpus-src), one folder per
# package, never into the repository. Idempotent: a package whose folder holds the version
# the archive offers is not fetched again. Called by scripts/install-deps.sh; the build and
# the tests never fetch anything.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dest=${IRONCLAD_CORPUS_SRC:-${XDG_CACHE_HOME:-$HOME/.cache}/ironclad/corpus-src}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

mapfile -t packages < <(python3 - "$here"/corpus/*/recipe.toml <<'PY' | sort -u
import sys, tomllib
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        for p in tomllib.load(f).get("packages", []):
            print(p)
PY
)
if [ ${#packages[@]} -eq 0 ]; then echo "fetch-corpus-sources: no recipes"; exit 0; fi

# A deb-src entry for the same mirror and suites as the first deb822 or one-line deb entry.
src_list=/etc/apt/sources.list.d/ironclad-corpus-src.sources
have_deb_src() {
  grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/
}
updated=0
if ! have_deb_src; then
  uri="" suites="" keyring=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    suites=$(awk '/^Suites:/{$1=""; print; exit}' /etc/apt/sources.list.d/debian.sources)
    keyring=$(awk '/^Signed-By:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    read -r uri suites < <(awk '$1=="deb" && $2 !~ /^\[/ {print $2, $3; exit}' /etc/apt/sources.list)
  fi
  uri=${uri:-http://deb.debian.org/debian}
  suites=${suites:-bookworm}
  echo "fetch-corpus-sources: adding deb-src for $uri ($suites) in $src_list"
  {
    echo "Types: deb-src"
    echo "URIs: $uri"
    echo "Suites:$([ "${suites:0:1}" = " " ] || echo " ")$suites"
    echo "Components: main"
    if [ -n "$keyring" ]; then echo "Signed-By: $keyring"; fi
  } | $SUDO tee "$src_list" >/dev/null
  $SUDO apt-get update -qq
  updated=1
fi

mkdir -p "$dest"
fetched=0
for pkg in "${packages[@]}"; do
  version=$(apt-cache showsrc "$pkg" 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1)
  if [ -z "$version" ] && [ "$updated" = 0 ]; then
    $SUDO apt-get update -qq; updated=1
    version=$(apt-cache showsrc "$pkg" 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -1)
  fi
  if [ -z "$version" ]; then
    echo "fetch-corpus-sources: no source package '$pkg' in the archive" >&2
    exit 1
  fi
  if [ -f "$dest/$pkg/.fetched" ] && [ "$(cat "$dest/$pkg/.fetched")" = "$version" ]; then
    continue
  fi
  echo "fetch-corpus-sources: $pkg $version"
  rm -rf "$dest/$pkg.tmp" && mkdir -p "$dest/$pkg.tmp"
  (cd "$dest/$pkg.tmp" && apt-get source -qq -o APT::Sandbox::User="$(id -un)" "$pkg=$version" >/dev/null)
  # The unpacked tree is the one directory apt-get source made; name it 'tree'.
  tree=$(find "$dest/$pkg.tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
  mv "$tree" "$dest/$pkg.tmp/tree"
  echo "$version" > "$dest/$pkg.tmp/.fetched"
  rm -rf "$dest/$pkg" && mv "$dest/$pkg.tmp" "$dest/$pkg"
  fetched=$((fetched + 1))
done
echo "fetch-corpus-sources: ${#packages[@]} source packages in $dest ($fetched fetched now)"
