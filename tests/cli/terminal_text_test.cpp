// printable(): what the CLI does to text it did not write before it reaches a terminal.
#include "cli/terminal_text.h"

#include <gtest/gtest.h>

namespace ironclad::cli {
namespace {

TEST(TerminalText, PlainAndUnicodeTextPassUnchanged) {
  EXPECT_EQ(printable("func[3] (offset 0x1f) ~!@#$%^&*()"), "func[3] (offset 0x1f) ~!@#$%^&*()");
  EXPECT_EQ(printable("Größe 大小 🦀"), "Größe 大小 🦀");
  EXPECT_EQ(printable(""), "");
}

TEST(TerminalText, ControlCharactersBecomeVisibleEscapes) {
  EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  // Clear the screen, retitle the window, ring the bell, a DEL, a NUL.
  EXPECT_EQ(printable("\x1b[2J\x1b]0;pwned\x07"), "\\e[2J\\e]0;pwned\\x07");
  EXPECT_EQ(printable(std::string("x\x7fy\0z", 5)), "x\\x7fy\\x00z");
}

TEST(TerminalText, C1ControlsBidiOverridesAndInvalidUtf8AreEscaped) {
  EXPECT_EQ(printable("\xc2\x9b" "31m"), "\\u{9b}31m");          // CSI as UTF-8
  EXPECT_EQ(printable("\x9b" "31m"), "\\x9b31m");                 // a lone 8-bit CSI byte
  EXPECT_EQ(printable("ok\xe2\x80\xaegnp.exe"), "ok\\u{202e}gnp.exe");  // right-to-left override
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");                 // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");        // a surrogate
  EXPECT_EQ(printable("\xe4\xb8"), "\\xe4\\xb8");                 // cut short
}

}  // namespace
}  // namespace ironclad::cli
