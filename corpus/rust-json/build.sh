. "$CORPUS/rust/build.sh" "$CORPUS/rust-json" corpus-json
