# SQLite 3.40.1: the amalgamation made from the source tree by its own build (configure,
# `make sqlite3.c`, which needs tclsh), then speedtest1, SQLite's own benchmark program.
# The amalgamation does not depend on the target: made once per fetched version, with the
# machine's compiler (configure must not see the wasm one), and shared by both targets.
S=$SRC/sqlite3/tree
amal=$WORK/../amalgamation-$(cat $SRC/sqlite3/.fetched | tr -c 'A-Za-z0-9.\n' _)
if [ ! -f $amal/sqlite3.c ]; then
  rm -rf $amal.tmp && mkdir -p $amal.tmp
  (cd $amal.tmp && env CC=clang-19 CFLAGS=-O0 LDFLAGS= $S/configure --disable-tcl --disable-readline \
     >configure.log 2>&1 && make sqlite3.c >make.log 2>&1)
  rm -rf $amal && mv $amal.tmp $amal
fi
# The same options on both targets. No threads, no extension loading; no WAL and no mmap
# (WASI has no shared memory maps); file locks are the VFS's business (unix-none in runs).
defs="-I$amal -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL
  -DSQLITE_MAX_MMAP_SIZE=0"
$CC $CFLAGS $defs -c $amal/sqlite3.c -o sqlite3.o
$CC $CFLAGS $defs -c $S/test/speedtest1.c -o speedtest1.o
$CC $CFLAGS speedtest1.o sqlite3.o $COMPAT -o $OUT/speedtest1$EXE $LDFLAGS -lm
