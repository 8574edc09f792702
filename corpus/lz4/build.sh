# LZ4 1.9.4: lib/*.c and the lz4 command line (programs/*.c), as its Makefile builds `lz4`,
# without threads.
S=$SRC/lz4/tree
objs=""
for f in $S/lib/lz4.c $S/lib/lz4hc.c $S/lib/lz4frame.c $S/lib/xxhash.c $S/programs/*.c; do
  o=$(basename "$f" .c).o
  $CC $CFLAGS -I$S/lib -DLZ4IO_MULTITHREAD=0 -c "$f" -o "$o"
  objs="$objs $o"
done
$CC $CFLAGS $objs $COMPAT -o $OUT/lz4$EXE $LDFLAGS
