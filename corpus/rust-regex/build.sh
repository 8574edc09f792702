. "$CORPUS/rust/build.sh" "$CORPUS/rust-regex" corpus-regex
