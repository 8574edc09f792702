# Shared by the corpus's Rust recipes: builds the cargo package corpus/NAME (the recipe's
# own folder) with Debian's rustc and cargo, offline against Debian's crates, for the
# target's Rust triple, in release mode, and puts the binary in $OUT. The compiled crates
# are kept in one target folder for all Rust recipes, so each dependency is built once.
# Usage (from a recipe's build.sh): . "$CORPUS/rust/build.sh" PACKAGE_DIR BINARY
pkg_dir=$1
bin=$2
export CARGO_HOME=$WORK/cargo-home
mkdir -p "$CARGO_HOME"
cp "$CORPUS/rust/cargo-config.toml" "$CARGO_HOME/config.toml"
export RUSTC=/usr/bin/rustc CARGO=/usr/bin/cargo
export CARGO_TARGET_DIR=$WORK/../../.rust-target
# Cargo.lock is made here from what Debian has; the package folder stays as committed.
cp -r "$pkg_dir" "$WORK/pkg"
rm -f "$WORK/pkg/recipe.toml" "$WORK/pkg/build.sh"
(cd "$WORK/pkg" && /usr/bin/cargo build --offline --release --target "$RUST_TARGET" -j "$JOBS")
cp "$CARGO_TARGET_DIR/$RUST_TARGET/release/$bin$EXE" "$OUT/$bin$EXE"
