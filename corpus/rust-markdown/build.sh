. "$CORPUS/rust/build.sh" "$CORPUS/rust-markdown" corpus-markdown
