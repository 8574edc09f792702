# TinyXML-2 9.0.0 (C++, no exceptions in its code) and its test program xmltest, as its
# Makefile builds them.
S=$SRC/tinyxml2/tree
$CXX $CXXFLAGS -I$S $S/tinyxml2.cpp $S/xmltest.cpp -o $OUT/xmltest$EXE $LDFLAGS
