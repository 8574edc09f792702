# cJSON 1.7.15 and its Unity test programs, as tests/CMakeLists.txt builds them, plus the
# cJSON_Utils tests (each test includes cJSON.c itself, through tests/common.h). Unity is
# built without setjmp (UNITY_EXCLUDE_SETJMP_H), on both targets: a failing or ignored test
# returns instead of jumping, so every test runs and reports (corpus/wasi/include/setjmp.h).
S=$SRC/cjson/tree
CFLAGS="$CFLAGS -DUNITY_EXCLUDE_SETJMP_H"
$CC $CFLAGS -I$S -c $S/cJSON_Utils.c -o cJSON_Utils.o
$CC $CFLAGS -I$S/tests/unity/src -c $S/tests/unity/src/unity.c -o unity.o
for t in parse_examples parse_number parse_hex4 parse_string parse_array parse_object \
         parse_value print_string print_number print_array print_object print_value misc_tests \
         parse_with_opts compare_tests cjson_add readme_examples minify_tests \
         json_patch_tests old_utils_tests misc_utils_tests; do
  $CC $CFLAGS -I$S -I$S/tests -I$S/tests/unity/src $S/tests/$t.c cJSON_Utils.o unity.o \
    $COMPAT -o $OUT/$t$EXE $LDFLAGS -lm
done
