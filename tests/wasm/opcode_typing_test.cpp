// Every fixed-signature operator of opcodes.def, typed through the whole pipeline: the
// body decoder must read its immediates and the validator must accept exactly its
// signature and reject a wrong operand type.
#include <gtest/gtest.h>

#include <string>

#include "module_builder.h"
#include "wasm/decoder.h"
#include "wasm/opcode.h"
#include "wasm/validator.h"

namespace ironclad::wasm {
namespace {

using namespace test;

Bytes value_of(char t) {
  switch (t) {
    case 'i': return {0x41, 0x00};
    case 'l': return {0x42, 0x00};
    case 'f': return {0x43, 0, 0, 0, 0};
    case 'd': return {0x44, 0, 0, 0, 0, 0, 0, 0, 0};
    default: return cat({{0xFD, 0x0C}, Bytes(16, 0)});
  }
}

char other_type(char t) {
  switch (t) {
    case 'i': return 'l';
    case 'l': return 'i';
    case 'f': return 'd';
    case 'd': return 'f';
    default: return 'i';
  }
}

// The opcode and valid immediates for the test module below.
Bytes encode(const OpcodeInfo& info) {
  Bytes out;
  if (info.prefix) {
    out.push_back(info.prefix);
    put_u32(out, info.code);
  } else {
    out.push_back(static_cast<uint8_t>(info.code));
  }
  switch (info.imm) {
    case ImmKind::None: break;
    case ImmKind::MemArg: out.insert(out.end(), {info.align, 0x00}); break;
    case ImmKind::MemArgLane: out.insert(out.end(), {info.align, 0x00, 0x00}); break;
    case ImmKind::Lane: out.push_back(0x00); break;
    case ImmKind::MemIdx: out.push_back(0x00); break;
    case ImmKind::I32: case ImmKind::I64: out.push_back(0x00); break;
    case ImmKind::F32: out.insert(out.end(), 4, 0); break;
    case ImmKind::F64: out.insert(out.end(), 8, 0); break;
    case ImmKind::V128: case ImmKind::Shuffle: out.insert(out.end(), 16, 0); break;
    case ImmKind::MemoryInit: out.insert(out.end(), {0x00, 0x00}); break;  // data 0, memory 0
    case ImmKind::DataIdx: out.push_back(0x00); break;
    case ImmKind::MemoryCopy: out.insert(out.end(), {0x00, 0x00}); break;
    case ImmKind::TableInit: out.insert(out.end(), {0x00, 0x00}); break;  // elem 0, table 0
    case ImmKind::ElemIdx: out.push_back(0x00); break;
    case ImmKind::TableCopy: out.insert(out.end(), {0x00, 0x00}); break;
    default: ADD_FAILURE() << info.text << ": immediate not covered";
  }
  return out;
}

// One function running `code`, in a module with a memory, a table, an element segment
// and a data segment, so every immediate above refers to something that exists.
Bytes module_around(const Bytes& code) {
  return cat({header(), section(1, vec({func_type({}, {})})), section(3, vec({leb(0)})),
              section(4, vec({{FUNCREF, 0x00, 0x01}})), section(5, vec({{0x00, 0x01}})),
              section(9, vec({{0x01, 0x00, 0x00}})), section(12, leb(1)),
              section(10, vec({body({}, code)})), section(11, vec({cat({{0x01}, name("d")})}))});
}

std::string check(const Bytes& b) {
  auto m = decode_module(b, "op.wasm");
  if (!m.ok()) return m.error().message;
  auto v = validate_module(**m, "op.wasm");
  return v.ok() ? "" : v.error().message;
}

TEST(OpcodeTyping, EveryFixedSignatureOperator) {
  int covered = 0;
  for (uint32_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = opcode_info(static_cast<Opcode>(i));
    std::string sig = info.sig;
    if (sig == "special") continue;
    size_t colon = sig.find(':');
    std::string params = sig.substr(0, colon), results = sig.substr(colon + 1);
    Bytes code;
    for (char p : params) {
      Bytes v = value_of(p);
      code.insert(code.end(), v.begin(), v.end());
    }
    Bytes op = encode(info);
    code.insert(code.end(), op.begin(), op.end());
    for (size_t k = 0; k < results.size(); ++k) code.push_back(0x1A);  // drop
    code.push_back(0x0B);
    EXPECT_EQ(check(module_around(code)), "") << info.text << " with its signature " << sig;

    if (!params.empty()) {
      Bytes wrong = value_of(other_type(params[0]));
      Bytes bad = wrong;
      size_t skip = value_of(params[0]).size();
      bad.insert(bad.end(), code.begin() + skip, code.end());
      EXPECT_NE(check(module_around(bad)).find("type mismatch"), std::string::npos)
          << info.text << " with a wrong first operand";
    }
    // Too few operands is a type mismatch too (nothing below them in the function frame).
    if (!params.empty()) {
      Bytes short_code(code.begin() + value_of(params[0]).size(), code.end());
      EXPECT_NE(check(module_around(short_code)).find("type mismatch"), std::string::npos)
          << info.text << " with a missing operand";
    }
    ++covered;
  }
  EXPECT_GT(covered, 380);
}

}  // namespace
}  // namespace ironclad::wasm
