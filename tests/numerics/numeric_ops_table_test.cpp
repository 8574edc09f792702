// src/interp/numeric_ops.def, the list of scalar operators the interpreter generates its
// handlers from, against src/wasm/opcodes.def: each entry is an opcode whose signature
// its C++ types carry, listed once; every scalar numeric opcode has an entry; an entry that
// calls a function of numerics.h calls the one named after the mnemonic (i32.rotl ->
// i32_rotl), and the trapping ones have the trapping signature.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

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

// The signature letter of a C++ operand type. Slots hold f32/f64 bit patterns as
// uint32_t/uint64_t where only the bits matter (the reinterpretations): 'I' / 'L' stand
// for "32 / 64 bits, integer or float".
template <typename T>
constexpr char letter() {
  if constexpr (std::is_same_v<T, uint32_t>) return 'I';
  if constexpr (std::is_same_v<T, uint64_t>) return 'L';
  if constexpr (std::is_same_v<T, float>) return 'f';
  if constexpr (std::is_same_v<T, double>) return 'd';
  return '?';
}

bool letter_matches(char cpp, char wasm, bool reinterpret) {
  if (cpp == 'I') return wasm == 'i' || (reinterpret && wasm == 'f');
  if (cpp == 'L') return wasm == 'l' || (reinterpret && wasm == 'd');
  return cpp == wasm;
}

// The trapping entries name functions with the trapping signature.
#define BINOP(Op, T, R, expr)
#define CMPOP(Op, T, expr)
#define TBINOP(Op, T, fn) static_assert(std::is_same_v<decltype(&fn), TrapKind (*)(T, T, T&)>);
#define UNOP(Op, T, R, expr)
#define TUNOP(Op, T, R, fn) static_assert(std::is_same_v<decltype(&fn), TrapKind (*)(T, R&)>);
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP

struct Entry {
  std::string op;
  std::string sig;   // as opcodes.def writes it, in letters of letter()
  std::string expr;  // the expression, or the trapping function's name
};

std::vector<Entry> entries() {
  return {
#define BINOP(Op, T, R, expr) {#Op, {letter<T>(), letter<T>(), ':', letter<R>()}, #expr},
#define CMPOP(Op, T, expr) {#Op, {letter<T>(), letter<T>(), ':', 'i'}, #expr},
#define TBINOP(Op, T, fn) {#Op, {letter<T>(), letter<T>(), ':', letter<T>()}, #fn},
#define UNOP(Op, T, R, expr) {#Op, {letter<T>(), ':', letter<R>()}, #expr},
#define TUNOP(Op, T, R, fn) {#Op, {letter<T>(), ':', letter<R>()}, #fn},
#include "interp/numeric_ops.def"
#undef BINOP
#undef CMPOP
#undef TBINOP
#undef UNOP
#undef TUNOP
  };
}

// The function an expression starts by calling ("i32_rotl(a, b)" -> "i32_rotl"), or ""
// for an operator expression, a cast or a compiler builtin.
std::string called_function(const std::string& expr) {
  size_t paren = expr.find('(');
  if (paren == std::string::npos) return "";
  std::string name = expr.substr(0, paren);
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return "";
  if (name.empty() || name.rfind("__builtin", 0) == 0 || name == "int32_t" || name == "int64_t")
    return "";
  return name;
}

TEST(NumericOpsTable, EntriesMatchOpcodeNamesAndSignatures) {
  std::map<std::string, const Row*> rows;
  for (const Row& r : kOpcodeTable) rows[r.name] = &r;
  std::map<std::string, int> seen;
  for (const Entry& e : entries()) {
    ++seen[e.op];
    ASSERT_TRUE(rows.count(e.op)) << e.op << " is not in opcodes.def";
    const Row& r = *rows[e.op];
    std::string text = r.text;
    const bool reinterpret = text.find("reinterpret") != std::string::npos;
    const std::string sig = r.sig;
    ASSERT_EQ(e.sig.size(), sig.size()) << e.op << ": " << e.sig << " vs " << sig;
    for (size_t i = 0; i < sig.size(); ++i)
      EXPECT_TRUE(sig[i] == ':' ? e.sig[i] == ':' : letter_matches(e.sig[i], sig[i], reinterpret))
          << e.op << ": " << e.sig << " vs " << sig;
    EXPECT_NE(r.prefix, 0xFD) << e.op;
    for (char& c : text)
      if (c == '.') c = '_';
    const std::string fn = called_function(e.expr);
    if (!fn.empty()) EXPECT_EQ(fn, text) << e.op << " calls " << fn;
  }
  for (const auto& [op, n] : seen) EXPECT_EQ(n, 1) << op << " listed " << n << " times";
}

// Every scalar numeric operator (fixed signature over i/l/f/d, no immediate) has an entry:
// a new one cannot be left without a handler.
TEST(NumericOpsTable, EveryScalarNumericOperatorHasAnEntry) {
  std::map<std::string, int> listed;
  for (const Entry& e : entries()) ++listed[e.op];
  int numeric = 0;
  for (const Row& r : kOpcodeTable) {
    std::string sig = r.sig, imm = r.imm;
    if (r.prefix == 0xFD || imm != "None" || sig.empty() || sig == "special") continue;
    if (sig.find_first_not_of("ilfd:") != std::string::npos || sig.front() == ':' || sig.back() == ':') continue;
    ++numeric;
    EXPECT_TRUE(listed.count(r.name)) << r.name << " (" << r.text << ") is not in numeric_ops.def";
  }
  EXPECT_EQ(numeric, static_cast<int>(listed.size()));
}

}  // namespace
}  // namespace ironclad::interp
