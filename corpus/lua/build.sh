# Lua: every source file but luac.c, as its Makefile builds `lua`. Debian's luaconf.h
# includes a generated header naming the multiarch triplet: write it here.
S=$SRC/lua5.4/tree/src
echo "#define DEB_HOST_MULTIARCH \"$TARGET\"" > lua5.4-deb-multiarch.h
defs="-I."
if [ "$TARGET" = native ]; then defs="$defs -DLUA_USE_LINUX"; fi
objs=""
for f in $S/*.c; do
  case "$f" in */luac.c) continue ;; esac
  o=$(basename "$f" .c).o
  $CC $CFLAGS $defs -c "$f" -o "$o"
  objs="$objs $o"
done
$CC $CFLAGS $objs $COMPAT -o $OUT/lua$EXE $LDFLAGS -lm
