// The probes are raw bytes (the library is built for baseline x86-64); this checks that each
// one decodes to the instructions its text names, so a typo in a byte cannot make a probe
// test the wrong feature.
#include <gtest/gtest.h>

#include <sstream>

#include "cpu/probe.h"

#if IRONCLAD_HAVE_ZYDIS
#include <Zydis/Zydis.h>
#endif

using namespace ironclad::cpu;

namespace {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  for (std::string& s : out) {
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    while (!s.empty() && s.back() == ' ') s.pop_back();
  }
  return out;
}

}  // namespace

TEST(ProbeCode, EveryFeatureHasAnInstruction) {
  for (const FeatureInfo& fi : x86_features()) {
    EXPECT_FALSE(probe_instruction(fi.id).empty()) << fi.name;
    const uint8_t* code = probe_code(fi.id);
    ASSERT_NE(code, nullptr);
    // endbr64 first.
    EXPECT_EQ(code[0], 0xf3);
    EXPECT_EQ(code[1], 0x0f);
    EXPECT_EQ(code[2], 0x1e);
    EXPECT_EQ(code[3], 0xfa);
  }
}

#if IRONCLAD_HAVE_ZYDIS
TEST(ProbeCode, BytesDecodeToTheNamedInstructions) {
  for (const FeatureInfo& fi : x86_features()) {
    SCOPED_TRACE(std::string(fi.llvm));
    const uint8_t* code = probe_code(fi.id) + 4;  // after endbr64
    std::vector<std::string> expected = split(probe_instruction(fi.id), ';');
    size_t offset = 0;
    for (const std::string& want : expected) {
      ZydisDisassembledInstruction insn;
      ASSERT_TRUE(ZYAN_SUCCESS(
          ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, 0, code + offset, 32, &insn)))
          << "cannot decode at +" << offset;
      offset += insn.info.length;
      std::string mnemonic =
          want.substr(want.rfind("} ") == std::string::npos ? 0 : want.find("} ") + 2);
      mnemonic = mnemonic.substr(0, mnemonic.find(' '));
      EXPECT_EQ(ZydisMnemonicGetString(insn.info.mnemonic), mnemonic) << insn.text;
      // Every register the text names is an operand (so ymm is not zmm, tmm1 is not tmm0).
      std::string operands = want.find(' ') == std::string::npos ? "" : want.substr(want.find(' '));
      std::istringstream words(operands);
      std::string w;
      while (std::getline(words, w, ',')) {
        for (const char* reg : {"xmm0", "xmm1", "xmm2", "ymm0", "ymm1", "ymm2", "zmm0", "zmm1",
                                "zmm2", "tmm0", "tmm1", "tmm2", "k1", "k2", "eax", "edi", "rdi"})
          if (w.find(reg) != std::string::npos)
            EXPECT_NE(std::string(insn.text).find(reg), std::string::npos)
                << want << " vs " << insn.text;
      }
    }
    // The probe may end with vzeroupper; then ret.
    ZydisDisassembledInstruction tail;
    ASSERT_TRUE(ZYAN_SUCCESS(
        ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, 0, code + offset, 32, &tail)));
    if (tail.info.mnemonic == ZYDIS_MNEMONIC_VZEROUPPER) {
      offset += tail.info.length;
      ASSERT_TRUE(ZYAN_SUCCESS(
          ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, 0, code + offset, 32, &tail)));
    }
    EXPECT_EQ(tail.info.mnemonic, ZYDIS_MNEMONIC_RET) << tail.text;
  }
}
#endif
