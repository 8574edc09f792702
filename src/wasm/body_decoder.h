// The one function-body decoder (DESIGN.md invariant 7): it alone knows how every
// opcode's immediates are encoded. Consumers pull instructions with next() or hand a
// visitor to decode_body(). It checks the binary grammar only (malformed input: immediates,
// illegal opcodes, `else` outside `if`, a missing `end`); typing is the validator's job.
// Errors are ErrorKind::Malformed, "at offset 0x..: what".
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ironclad/error.h"
#include "wasm/instr.h"
#include "wasm/module.h"
#include "wasm/reader.h"

namespace ironclad::wasm {

class BodyDecoder {
 public:
  // The instructions of a defined (not imported) function's body, after its local
  // declarations. The body must end exactly with the `end` that closes the function.
  BodyDecoder(const Module& m, uint32_t func_index);
  // An instruction sequence in module_bytes[begin, end) closed by its own `end`, such as a
  // constant expression; bytes after that `end` are left unread (see offset()).
  BodyDecoder(std::span<const uint8_t> module_bytes, uint32_t begin, uint32_t end);
  // A decoded constant expression (kept without its final `end`): the decoder yields its
  // instructions, then the closing `end`, at the module offsets they came from.
  explicit BodyDecoder(const ConstExpr& expr);

  // True once the `end` that closes the sequence has been decoded.
  bool at_end() const { return done_; }
  // Decodes the next instruction. Its br_targets stay valid until the next call.
  Result<void> next(Instr& out);
  // Module offset of the next byte to decode.
  uint32_t offset() const { return reader_.offset(); }
  // Nesting depth of blocks at this point (1 inside the function's own block).
  uint32_t depth() const { return depth_; }

 private:
  Result<void> decode_immediates(Instr& out, ImmKind imm);
  [[gnu::noinline]] Result<void> end_of_range(Instr& out);
  Error body_overrun() const;
  Result<void> zero_byte();
  Result<void> block_type(BlockType& out);

  Reader reader_;
  bool whole_range_;  // the closing `end` must be the last byte of the range
  bool implicit_end_ = false;  // the range ends where the closing `end` would be
  bool done_ = false;
  uint32_t depth_ = 1;
  // Kind of each open block inside the outermost one: whether an `else` may come next.
  static constexpr uint8_t kOpenOther = 0, kOpenIf = 1;
  std::vector<uint8_t> open_;
  std::vector<uint32_t> targets_;  // reused for every br_table
};

// Decodes the body of func_index, calling `Result<void> v.visit(const Instr&)` for each
// instruction, the final `end` included. Stops at the first error of either.
template <class Visitor>
Result<void> decode_body(const Module& m, uint32_t func_index, Visitor& v) {
  BodyDecoder d(m, func_index);
  Instr instr;
  while (!d.at_end()) {
    IRONCLAD_TRY(d.next(instr));
    IRONCLAD_TRY(v.visit(instr));
  }
  return {};
}

// Shared binary decoding of types (also used by the module decoder).
Result<ValType> read_val_type(Reader& r);  // "malformed value type"
Result<ValType> read_ref_type(Reader& r);  // "malformed reference type"
bool is_val_type_byte(uint8_t b);

}  // namespace ironclad::wasm
