// The scalar operator lists of numerics.h against src/wasm/opcodes.def: each entry is the
// opcode of its function's mnemonic with a matching signature, and every scalar numeric
// opcode left out is one of the one-expression operators the interpreter writes inline.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <type_traits>

#include "interp/numerics.h"

namespace ironclad::interp {
namespace {

struct Row {
  const char* name;
  const char* text;
  int prefix;
  const char* imm;
  const char* sig;
};

constexpr Row kOpcodeTable[] = {
#define V(Name, text, prefix, code, Imm, sig, align) {#Name, text, prefix, #Imm, sig},
#include "wasm/opcodes.def"
#undef V
};

template <typename T>
constexpr char letter() {
  if constexpr (std::is_same_v<T, uint32_t>) return 'i';
  if constexpr (std::is_same_v<T, uint64_t>) return 'l';
  if constexpr (std::is_same_v<T, float>) return 'f';
  if constexpr (std::is_same_v<T, double>) return 'd';
  return '?';
}

#define CHECK_TRAPPING_BINARY(Op, fn, T) static_assert(std::is_same_v<decltype(&fn), TrapKind (*)(T, T, T&)>);
#define CHECK_TRAPPING_TRUNC(Op, fn, In, Out) static_assert(std::is_same_v<decltype(&fn), TrapKind (*)(In, Out&)>);
#define CHECK_UNARY(Op, fn, In, Out) static_assert(std::is_same_v<decltype(&fn), Out (*)(In)>);
#define CHECK_BINARY(Op, fn, T) static_assert(std::is_same_v<decltype(&fn), T (*)(T, T)>);
IRONCLAD_NUMERIC_TRAPPING_BINARY(CHECK_TRAPPING_BINARY)
IRONCLAD_NUMERIC_TRAPPING_TRUNC(CHECK_TRAPPING_TRUNC)
IRONCLAD_NUMERIC_UNARY(CHECK_UNARY)
IRONCLAD_NUMERIC_BINARY(CHECK_BINARY)

struct Listed {
  std::string function;
  std::string sig;
  int count = 0;
};

std::map<std::string, Listed> listed() {
  std::map<std::string, Listed> m;
  auto add = [&](const char* op, const char* fn, std::string sig) {
    Listed& l = m[op];
    l.function = fn;
    l.sig = std::move(sig);
    ++l.count;
  };
#define ADD2(Op, fn, T) add(#Op, #fn, std::string{letter<T>(), letter<T>(), ':', letter<T>()});
#define ADD1(Op, fn, In, Out) add(#Op, #fn, std::string{letter<In>(), ':', letter<Out>()});
  IRONCLAD_NUMERIC_TRAPPING_BINARY(ADD2)
  IRONCLAD_NUMERIC_BINARY(ADD2)
  IRONCLAD_NUMERIC_TRAPPING_TRUNC(ADD1)
  IRONCLAD_NUMERIC_UNARY(ADD1)
#undef ADD1
#undef ADD2
  return m;
}

TEST(NumericOpsTable, EntriesMatchOpcodeNamesAndSignatures) {
  std::map<std::string, const Row*> rows;
  for (const Row& r : kOpcodeTable) rows[r.name] = &r;
  for (const auto& [op, l] : listed()) {
    ASSERT_TRUE(rows.count(op)) << op << " is not in opcodes.def";
    const Row& r = *rows[op];
    std::string text = r.text;
    for (char& c : text)
      if (c == '.') c = '_';
    EXPECT_EQ(l.function, text) << op;
    EXPECT_EQ(l.sig, r.sig) << op;
    EXPECT_EQ(l.count, 1) << op << " listed twice";
    EXPECT_NE(r.prefix, 0xFD) << op;
  }
  EXPECT_EQ(listed().size(), 80u);
}

// Every scalar numeric operator (fixed signature over i/l/f/d, no immediate) not in a list
// must be a one-expression operator: if a new non-trivial one appears, it needs a function.
TEST(NumericOpsTable, EveryOtherScalarNumericOperatorIsOneExpression) {
  const std::set<std::string> inline_ops = {"add", "sub", "mul", "and", "or", "xor", "eqz", "eq", "ne",
                                            "lt",  "lt_s", "lt_u", "gt", "gt_s", "gt_u", "le", "le_s",
                                            "le_u", "ge", "ge_s", "ge_u", "div", "sqrt"};
  auto l = listed();
  for (const Row& r : kOpcodeTable) {
    std::string sig = r.sig, text = r.text, imm = r.imm;
    if (r.prefix == 0xFD || imm != "None" || sig.empty() || sig == "special") continue;
    if (sig.find_first_not_of("ilfd:") != std::string::npos || sig.front() == ':' || sig.back() == ':') continue;
    if (l.count(r.name)) continue;
    std::string op = text.substr(text.find('.') + 1);
    EXPECT_TRUE(inline_ops.count(op)) << r.name << " (" << text << ") has no function in numerics.h";
    if (op == "div") {
      EXPECT_TRUE(text[0] == 'f') << text;  // integer division traps: it must be listed
    }
  }
}

}  // namespace
}  // namespace ironclad::interp
