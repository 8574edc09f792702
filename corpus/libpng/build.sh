# libpng 1.6.39 with zlib 1.2.13 (both from their Debian source packages) and libpng's test
# program pngtest, built as scripts/makefile.std does: the prebuilt pnglibconf.h, no
# architecture-specific filter code (the same C code natively and in wasm).
S=$SRC/libpng1.6/tree
Z=$SRC/zlib/tree
cp $S/scripts/pnglibconf.h.prebuilt pnglibconf.h
defs="-I. -I$S -I$Z -D_LARGEFILE64_SOURCE=1 -DPNG_ARM_NEON_OPT=0 -DPNG_INTEL_SSE_OPT=0 -DPNG_POWERPC_VSX_OPT=0 -DPNG_MIPS_MSA_OPT=0"
objs=""
for f in adler32 crc32 deflate infback inffast inflate inftrees trees zutil compress uncompr; do
  $CC $CFLAGS $defs -c $Z/$f.c -o z_$f.o
  objs="$objs z_$f.o"
done
for f in png pngerror pngget pngmem pngpread pngread pngrio pngrtran pngrutil pngset pngtrans \
         pngwio pngwrite pngwtran pngwutil; do
  $CC $CFLAGS $defs -c $S/$f.c -o $f.o
  objs="$objs $f.o"
done
$CC $CFLAGS $defs $S/pngtest.c $objs $COMPAT -o $OUT/pngtest$EXE $LDFLAGS -lm
