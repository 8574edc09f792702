# bzip2: the library and the command line, compiled as its Makefile does.
S=$SRC/bzip2/tree
$CC $CFLAGS -D_FILE_OFFSET_BITS=64 \
  $S/blocksort.c $S/huffman.c $S/crctable.c $S/randtable.c $S/compress.c \
  $S/decompress.c $S/bzlib.c $S/bzip2.c $COMPAT -o $OUT/bzip2$EXE $LDFLAGS
