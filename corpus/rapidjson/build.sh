# RapidJSON 1.1.0 (header-only C++: templated readers, writers, DOM, encodings, schema) and
# its example programs, one translation unit each, without exceptions. Clang 19 rejects
# one assignment operator in 1.1.0's document.h that assigns a const member (fixed
# upstream after 1.1.0); a copy of the headers gets the operator deleted, as upstream did.
S=$SRC/rapidjson/tree
cp -r $S/include include
sed -i 's|^    GenericStringRef& operator=(const GenericStringRef& rhs) { s = rhs.s; length = rhs.length; }$|    GenericStringRef\& operator=(const GenericStringRef\& rhs) = delete;|' \
  include/rapidjson/document.h
grep -q 'operator=(const GenericStringRef& rhs) = delete' include/rapidjson/document.h
for e in pretty condense capitalize prettyauto jsonx filterkey filterkeydom messagereader \
         serialize simpledom simplereader simplewriter tutorial schemavalidator; do
  $CXX $CXXFLAGS -fno-exceptions -Iinclude $S/example/$e/$e.cpp -o $OUT/$e$EXE $LDFLAGS
done
