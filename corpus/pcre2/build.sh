# PCRE2 10.42, 8-bit library with Unicode, no JIT, plus pcre2posix and pcre2test, built as
# NON-AUTOTOOLS-BUILD describes: the .generic config.h and pcre2.h, the shipped tables.
S=$SRC/pcre2/tree/src
cp $S/config.h.generic config.h
cp $S/pcre2.h.generic pcre2.h
cp $S/pcre2_chartables.c.dist pcre2_chartables.c
defs="-I. -I$S -DHAVE_CONFIG_H -DPCRE2_STATIC -DSUPPORT_PCRE2_8 -DSUPPORT_UNICODE -DHAVE_STDINT_H=1 -DHAVE_INTTYPES_H=1
  -DHAVE_STDLIB_H=1 -DHAVE_STRING_H=1 -DHAVE_MEMMOVE=1 -DHAVE_STRERROR=1 -DHAVE_UNISTD_H=1
  -DHAVE_SYS_STAT_H=1 -DHAVE_SYS_TYPES_H=1 -DHAVE_LIMITS_H=1"
lib="auto_possess compile config context convert dfa_match error extuni find_bracket
  jit_compile maketables match match_data newline ord2utf pattern_info script_run serialize string_utils
  study substitute substring tables ucd valid_utf xclass"
objs="pcre2_chartables.o"
$CC $CFLAGS $defs -DPCRE2_CODE_UNIT_WIDTH=8 -c pcre2_chartables.c -o pcre2_chartables.o
for f in $lib; do
  $CC $CFLAGS $defs -DPCRE2_CODE_UNIT_WIDTH=8 -c $S/pcre2_$f.c -o $f.o
  objs="$objs $f.o"
done
$CC $CFLAGS $defs -DPCRE2_CODE_UNIT_WIDTH=8 -c $S/pcre2posix.c -o pcre2posix.o
$CC $CFLAGS $defs -c $S/pcre2test.c -o pcre2test.o
$CC $CFLAGS pcre2test.o pcre2posix.o $objs $COMPAT -o $OUT/pcre2test$EXE $LDFLAGS
