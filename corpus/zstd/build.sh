# Zstandard 1.5.4: the library (no assembly: the same C decoder natively and in wasm, no
# legacy formats, no threads) and the zstd command line without its benchmark, dictionary
# builder and trace modules, as `make zstd-small`-style builds leave them out. util.h uses
# FILE without including stdio.h (glibc brings it in through other headers; wasi-libc not).
S=$SRC/zstd/tree
defs="-I$S/lib -I$S/lib/common -DZSTD_DISABLE_ASM -DZSTD_NOBENCH -DZSTD_NODICT -DZSTD_NOTRACE
  -DZSTD_LEGACY_SUPPORT=0 -DBACKTRACE_ENABLE=0 -include stdio.h"
objs=""
for f in $S/lib/common/*.c $S/lib/compress/*.c $S/lib/decompress/*.c \
         $S/programs/zstdcli.c $S/programs/fileio.c $S/programs/fileio_asyncio.c \
         $S/programs/util.c $S/programs/timefn.c; do
  o=$(basename "$f" .c).o
  $CC $CFLAGS $defs -c "$f" -o "$o"
  objs="$objs $o"
done
$CC $CFLAGS $objs $COMPAT -o $OUT/zstd$EXE $LDFLAGS
