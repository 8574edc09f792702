// Type-checks function bodies with the algorithm of the spec's validation appendix: an
// operand stack of value types (with an "unknown" type for the polymorphic stack after
// unreachable, br, br_table and return) and a stack of control frames. One instance
// validates many functions and reuses its stacks, so validation allocates nothing per
// instruction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "wasm/instr.h"
#include "wasm/module.h"

namespace ironclad::wasm {

class FunctionValidator {
 public:
  explicit FunctionValidator(const Module& m) : m_(m) {}

  // Errors carry the offset of the failing instruction; the caller adds the module name
  // and function.
  Result<void> validate(uint32_t func_index);

  // Visitor interface of decode_body().
  Result<void> visit(const Instr& in);

 private:
  // A value type on the operand stack; kUnknown is the bottom type of unreachable code.
  using Slot = uint8_t;
  static constexpr Slot kUnknown = 0;

  // A list of value types: a function type's params/results, or a block's single result.
  struct Types {
    const ValType* data = nullptr;
    uint32_t size = 0;
  };
  struct Frame {
    Opcode op;          // Block, Loop, If, Else; Block for the function itself
    Types params;
    Types results;
    uint32_t height;    // operand stack height at entry
    bool unreachable;
  };

  Error fail(const Instr& in, std::string what) const;
  Error mismatch(const Instr& in, Slot expected, Slot got) const;

  // The common case inline: a value of the expected type above the frame's base.
  Result<void> pop_expect(const Instr& in, Slot expected) {
    if (stack_.size() > frames_.back().height) {
      Slot s = stack_.back();
      if (s == expected || s == kUnknown || expected == kUnknown) {
        stack_.pop_back();
        return {};
      }
    }
    return pop_expect_slow(in, expected);
  }
  Result<void> pop_expect_slow(const Instr& in, Slot expected);
  Result<Slot> pop_any(const Instr& in);
  Result<void> pop_types(const Instr& in, Types types);
  Result<void> check_top(const Instr& in, Types types) const;
  void push(Slot s) { stack_.push_back(s); }
  void push_types(Types types);
  void set_unreachable();
  Types label_types(const Frame& f) const { return f.op == Opcode::Loop ? f.params : f.results; }
  Result<Types> block_params(const Instr& in, Types& results) const;

  Result<void> control(const Instr& in);
  Result<void> variable(const Instr& in);
  Result<void> reference(const Instr& in);
  Result<void> table(const Instr& in);
  Result<void> memory_checks(const Instr& in);
  Result<void> fixed_signature(const Instr& in);
  Result<void> lane_check(const Instr& in);

  const Module& m_;
  uint32_t func_index_ = 0;
  std::vector<Slot> stack_;
  std::vector<Frame> frames_;
  std::vector<ValType> locals_;
};

}  // namespace ironclad::wasm
