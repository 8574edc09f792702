# zlib: the library's sources plus its two test programs, as its Makefile builds them
# (./configure's defines, the same for the library and the programs: z_off_t's size
# depends on them).
S=$SRC/zlib/tree
defs="-D_LARGEFILE64_SOURCE=1 -DHAVE_HIDDEN -I$S"
lib="adler32 crc32 deflate infback inffast inflate inftrees trees zutil compress uncompr gzclose gzlib gzread gzwrite"
objs=""
for f in $lib; do
  $CC $CFLAGS $defs -c $S/$f.c -o $f.o
  objs="$objs $f.o"
done
$CC $CFLAGS $defs $S/test/minigzip.c $objs $COMPAT -o $OUT/minigzip$EXE $LDFLAGS
$CC $CFLAGS $defs $S/test/example.c $objs $COMPAT -o $OUT/example$EXE $LDFLAGS
