// simd_ops.h against src/wasm/opcodes.def: every non-memory SIMD opcode (immediate None,
// Lane or Shuffle) is in exactly one list, in the list of its signature, and each listed
// function has the C++ signature of that list (checked at compile time).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <type_traits>

#include "interp/simd_ops.h"

namespace ironclad::interp::simd {
namespace {

struct TableRow {
  const char* name;
  int prefix;
  const char* imm;
  const char* sig;
};

constexpr TableRow kOpcodeTable[] = {
#define V(Name, text, prefix, code, Imm, sig, align) {#Name, prefix, #Imm, sig},
#include "wasm/opcodes.def"
#undef V
};

// The signature letter of a C++ scalar type, as opcodes.def writes it.
template <typename T>
constexpr char sig_letter() {
  if constexpr (std::is_same_v<T, uint32_t>) return 'i';
  if constexpr (std::is_same_v<T, uint64_t>) return 'l';
  if constexpr (std::is_same_v<T, float>) return 'f';
  if constexpr (std::is_same_v<T, double>) return 'd';
  return '?';
}

// Compile-time: each function has the shape its list promises.
#define CHECK_UNARY(Op, fn) static_assert(std::is_same_v<decltype(&fn), V128 (*)(V128)>);
#define CHECK_BINARY(Op, fn) static_assert(std::is_same_v<decltype(&fn), V128 (*)(V128, V128)>);
#define CHECK_TERNARY(Op, fn) static_assert(std::is_same_v<decltype(&fn), V128 (*)(V128, V128, V128)>);
#define CHECK_SHIFT(Op, fn) static_assert(std::is_same_v<decltype(&fn), V128 (*)(V128, uint32_t)>);
#define CHECK_TEST(Op, fn) static_assert(std::is_same_v<decltype(&fn), uint32_t (*)(V128)>);
#define CHECK_SPLAT(Op, fn, T) static_assert(std::is_same_v<decltype(&fn), V128 (*)(T)>);
#define CHECK_EXTRACT(Op, fn, T) static_assert(std::is_same_v<decltype(&fn), T (*)(V128, uint32_t)>);
#define CHECK_REPLACE(Op, fn, T) static_assert(std::is_same_v<decltype(&fn), V128 (*)(V128, uint32_t, T)>);
#define CHECK_SHUFFLE(Op, fn) \
  static_assert(std::is_same_v<decltype(&fn), V128 (*)(V128, V128, const uint8_t*)>);
#define CHECK_LOAD(Op, fn, T) static_assert(std::is_same_v<decltype(&fn), V128 (*)(T)>);
IRONCLAD_SIMD_UNARY(CHECK_UNARY)
IRONCLAD_SIMD_BINARY(CHECK_BINARY)
IRONCLAD_SIMD_TERNARY(CHECK_TERNARY)
IRONCLAD_SIMD_SHIFT(CHECK_SHIFT)
IRONCLAD_SIMD_TEST(CHECK_TEST)
IRONCLAD_SIMD_SPLAT(CHECK_SPLAT)
IRONCLAD_SIMD_EXTRACT_LANE(CHECK_EXTRACT)
IRONCLAD_SIMD_REPLACE_LANE(CHECK_REPLACE)
IRONCLAD_SIMD_SHUFFLE(CHECK_SHUFFLE)
IRONCLAD_SIMD_LOAD_EXTEND(CHECK_LOAD)
IRONCLAD_SIMD_LOAD_SPLAT(CHECK_LOAD)
IRONCLAD_SIMD_LOAD_ZERO(CHECK_LOAD)

// Opcode name -> the signature its list implies, plus the text mnemonic its function name
// must be derived from.
struct Listed {
  std::string sig;
  std::string function;
  int count = 0;
};

std::map<std::string, Listed> listed_operators() {
  std::map<std::string, Listed> m;
  auto add = [&](const char* op, std::string sig, const char* fn) {
    Listed& l = m[op];
    l.sig = std::move(sig);
    l.function = fn;
    ++l.count;
  };
#define ADD(Op, fn) add(#Op, SIG, #fn);
#define ADD_T(Op, fn, T) add(#Op, SIG_T(sig_letter<T>()), #fn);
#define SIG "v:v"
  IRONCLAD_SIMD_UNARY(ADD)
#undef SIG
#define SIG "vv:v"
  IRONCLAD_SIMD_BINARY(ADD)
  IRONCLAD_SIMD_SHUFFLE(ADD)
#undef SIG
#define SIG "vvv:v"
  IRONCLAD_SIMD_TERNARY(ADD)
#undef SIG
#define SIG "vi:v"
  IRONCLAD_SIMD_SHIFT(ADD)
#undef SIG
#define SIG "v:i"
  IRONCLAD_SIMD_TEST(ADD)
#undef SIG
#define SIG_T(c) std::string(1, c) + ":v"
  IRONCLAD_SIMD_SPLAT(ADD_T)
#undef SIG_T
#define SIG_T(c) std::string("v:") + c
  IRONCLAD_SIMD_EXTRACT_LANE(ADD_T)
#undef SIG_T
#define SIG_T(c) std::string("v") + c + ":v"
  IRONCLAD_SIMD_REPLACE_LANE(ADD_T)
#undef SIG_T
#undef ADD
#undef ADD_T
  return m;
}

TEST(SimdOpsTable, EveryNonMemorySimdOpcodeIsListedOnceWithItsSignature) {
  std::map<std::string, Listed> listed = listed_operators();
  std::set<std::string> expected;
  for (const TableRow& row : kOpcodeTable) {
    if (row.prefix != 0xFD) continue;
    std::string imm = row.imm;
    if (imm != "None" && imm != "Lane" && imm != "Shuffle") continue;
    expected.insert(row.name);
    auto it = listed.find(row.name);
    if (it == listed.end()) {
      ADD_FAILURE() << row.name << " has no entry in simd_ops.h";
      continue;
    }
    EXPECT_EQ(it->second.count, 1) << row.name << " is listed more than once";
    EXPECT_EQ(it->second.sig, row.sig) << row.name << " is in the list of another signature";
  }
  for (const auto& [name, l] : listed)
    EXPECT_TRUE(expected.count(name)) << name << " is listed but is not a non-memory SIMD opcode";
  EXPECT_EQ(expected.size(), 213u);  // 236 SIMD opcodes of 2.0 minus 22 memory ops and v128.const
}

// The function of each opcode is named after its mnemonic ('.' -> '_').
TEST(SimdOpsTable, FunctionNamesFollowTheMnemonics) {
  std::map<std::string, std::string> text_of;
#define V(Name, text, prefix, code, Imm, sig, align) text_of[#Name] = text;
#include "wasm/opcodes.def"
#undef V
  for (const auto& [name, l] : listed_operators()) {
    std::string text = text_of[name];
    for (char& c : text)
      if (c == '.') c = '_';
    EXPECT_EQ(l.function, text) << name;
  }
}

TEST(SimdOpsTable, LoadHelpersCoverTheValueOnlyLoads) {
  std::set<std::string> names;
#define ADD_LOAD(Op, fn, T) names.insert(#Op);
  IRONCLAD_SIMD_LOAD_EXTEND(ADD_LOAD)
  IRONCLAD_SIMD_LOAD_SPLAT(ADD_LOAD)
  IRONCLAD_SIMD_LOAD_ZERO(ADD_LOAD)
#undef ADD_LOAD
  for (const TableRow& row : kOpcodeTable) {
    std::string n = row.name;
    bool value_load = row.prefix == 0xFD && n.rfind("V128Load", 0) == 0 && n != "V128Load" &&
                      std::string(row.imm) == "MemArg";
    EXPECT_EQ(names.count(n) == 1, value_load) << n;
  }
}

}  // namespace
}  // namespace ironclad::interp::simd
