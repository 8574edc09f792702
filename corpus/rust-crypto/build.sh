. "$CORPUS/rust/build.sh" "$CORPUS/rust-crypto" corpus-crypto
