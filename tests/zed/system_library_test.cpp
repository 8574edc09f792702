// SystemLibrary: libcurl and libarchive are opened at their first use (src/zed/system_library.h);
// when that fails, a download must fail with an error naming the library and the reason.
#include "zed/system_library.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ironclad::zed {
namespace {

TEST(SystemLibrary, AMissingLibraryIsAnErrorNamingIt) {
  auto library = SystemLibrary::open("libironclad-no-such-library.so.7");
  ASSERT_FALSE(library.ok());
  EXPECT_EQ(library.error().kind, ErrorKind::Io);
  EXPECT_NE(library.error().message.find("cannot load libironclad-no-such-library.so.7: "),
            std::string::npos)
      << library.error().message;
}

TEST(SystemLibrary, BindsFunctionsAndNamesTheFirstOneMissing) {
  auto library = SystemLibrary::open("libc.so.6");
  ASSERT_TRUE(library.ok()) << library.error().message;
  decltype(&::strlen) length = nullptr;
  library->bind("strlen", length);
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("ironclad"), 8u);
  EXPECT_FALSE(library->missing().has_value());

  void (*absent)() = nullptr;
  void (*also_absent)() = nullptr;
  library->bind("ironclad_no_such_function", absent);
  library->bind("ironclad_nor_this_one", also_absent);
  EXPECT_EQ(absent, nullptr);
  auto missing = library->missing();
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->kind, ErrorKind::Io);
  EXPECT_NE(missing->message.find("libc.so.6 has no function ironclad_no_such_function"),
            std::string::npos)
      << missing->message;
}

}  // namespace
}  // namespace ironclad::zed
