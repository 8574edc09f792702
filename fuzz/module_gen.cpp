#include "module_gen.h"

#include <cstring>
#include <string>

namespace ironclad::fuzz {
namespace {

using Bytes = std::vector<uint8_t>;

enum Ty : uint8_t { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c };
constexpr Ty kTypes[] = {I32, I64, F32, F64};

void uleb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void sleb(Bytes& out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
    out.push_back(more ? (b | 0x80) : b);
  }
}

void section(Bytes& module, uint8_t id, const Bytes& body) {
  module.push_back(id);
  uleb(module, body.size());
  module.insert(module.end(), body.begin(), body.end());
}

uint64_t splitmix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The input, read as a sequence of choices; past its end every choice is 0 (the simplest).
class Choices {
 public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t below(uint32_t n) { return n == 0 ? 0 : byte() % n; }
  bool done() const { return pos_ >= size_; }
  uint64_t word() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Signature {
  std::vector<Ty> params;  // params[0] is the i32 pointer seed
  Ty result = I32;
};

// Memory layout: [0, 2048) holds small words (every one a multiple of 4 below 1024), read
// as pointers; stores go 2048 bytes above the address they are given, so the pointer words
// stay as they were and an address stays below a few KiB.
constexpr uint32_t kStoreOffset = 2048;
constexpr uint32_t kPointerMask = 0x3fc;
constexpr int kMaxExprDepth = 5;
constexpr int kMaxStmtDepth = 3;
constexpr int kLoopCounters = 4;

uint8_t load_op(Ty t) { return t == I32 ? 0x28 : t == I64 ? 0x29 : t == F32 ? 0x2a : 0x2b; }
uint8_t store_op(Ty t) { return t == I32 ? 0x36 : t == I64 ? 0x37 : t == F32 ? 0x38 : 0x39; }
uint8_t natural_align(uint8_t op) {
  switch (op) {
    case 0x29: case 0x2b: case 0x37: case 0x39: return 3;
    case 0x2c: case 0x2d: case 0x30: case 0x31: case 0x3a: case 0x3c: return 0;
    case 0x2e: case 0x2f: case 0x32: case 0x33: case 0x3b: case 0x3d: return 1;
    default: return 2;
  }
}

class FunctionGen {
 public:
  FunctionGen(Choices& in, const std::vector<Signature>& sigs, size_t index)
      : in_(in), sigs_(sigs), index_(index), sig_(sigs[index]) {
    // Locals after the params: two of each type, two pointers, the loop counters.
    uint32_t next = static_cast<uint32_t>(sig_.params.size());
    for (Ty t : kTypes)
      for (int k = 0; k < 2; ++k) {
        value_locals_.push_back({t, next++});
        declared_.push_back(t);
      }
    for (int k = 0; k < 2; ++k) {
      pointers_.push_back(next++);
      declared_.push_back(I32);
    }
    for (int k = 0; k < kLoopCounters; ++k) {
      counters_.push_back(next++);
      declared_.push_back(I32);
    }
    for (uint32_t p = 1; p < sig_.params.size(); ++p) value_locals_.push_back({sig_.params[p], p});
  }

  Bytes body() {
    Bytes out;
    // Locals, one entry per declaration (no run-length grouping: simple and valid).
    uleb(out, declared_.size());
    for (Ty t : declared_) {
      uleb(out, 1);
      out.push_back(t);
    }
    // The pointers start inside the pointer region, whatever the caller passed.
    for (size_t k = 0; k < pointers_.size(); ++k) {
      local_get(out, 0);
      if (k) {
        i32_const(out, 3 * static_cast<int32_t>(k));
        out.push_back(0x76);  // i32.shr_u
      }
      i32_const(out, kPointerMask);
      out.push_back(0x71);  // i32.and
      local_op(out, 0x21, pointers_[k]);
    }
    const uint32_t statements = in_.below(7);
    for (uint32_t s = 0; s < statements && !in_.done(); ++s) statement(out, 0);
    value(out, sig_.result, 0);
    out.push_back(0x0b);
    Bytes sized;
    uleb(sized, out.size());
    sized.insert(sized.end(), out.begin(), out.end());
    return sized;
  }

 private:
  struct Local {
    Ty type;
    uint32_t index;
  };

  void local_op(Bytes& out, uint8_t op, uint32_t index) {
    out.push_back(op);
    uleb(out, index);
  }
  void local_get(Bytes& out, uint32_t index) { local_op(out, 0x20, index); }
  void i32_const(Bytes& out, int32_t v) {
    out.push_back(0x41);
    sleb(out, v);
  }
  void memarg(Bytes& out, uint8_t op, uint32_t offset) {
    out.push_back(op);
    uleb(out, in_.below(2) ? natural_align(op) : 0);  // both alignment hints are valid
    uleb(out, offset);
  }

  void constant(Bytes& out, Ty t) {
    static constexpr int64_t kInts[] = {0, 1, -1, 2, 7, 31, 32, 63, 255, 0x7fffffff, INT32_MIN,
                                        1024, 0x12345678};
    const int64_t v = in_.below(2) ? kInts[in_.below(std::size(kInts))]
                                   : static_cast<int8_t>(in_.byte());
    switch (t) {
      case I32: i32_const(out, static_cast<int32_t>(v)); break;
      case I64:
        out.push_back(0x42);
        sleb(out, in_.below(4) == 0 ? static_cast<int64_t>(in_.word()) : v);
        break;
      case F32: {
        out.push_back(0x43);
        float f = static_cast<float>(v) * 0.75f;
        uint8_t b[4];
        std::memcpy(b, &f, 4);
        out.insert(out.end(), b, b + 4);
        break;
      }
      case F64: {
        out.push_back(0x44);
        double d = static_cast<double>(v) * 1.25;
        uint8_t b[8];
        std::memcpy(b, &d, 8);
        out.insert(out.end(), b, b + 8);
        break;
      }
    }
  }

  // An i32 address in [0, a few KiB): what compiled code computes to reach memory.
  void address(Bytes& out, int depth) {
    const uint32_t choice = depth >= kMaxExprDepth ? in_.below(2) * 6 : in_.below(12);
    switch (choice) {
      case 0: local_get(out, pointers_[in_.below(2)]); return;
      case 1:  // base + field
        address(out, depth + 1);
        i32_const(out, static_cast<int32_t>(in_.below(16) * 4));
        out.push_back(0x6a);
        return;
      case 2:  // base + base
        address(out, depth + 1);
        address(out, depth + 1);
        out.push_back(0x6a);
        return;
      case 3: {  // base + (index << k), either way round
        const bool index_first = in_.below(2);
        if (!index_first) address(out, depth + 1);
        value(out, I32, depth + 1);
        i32_const(out, 15);
        out.push_back(0x71);
        i32_const(out, static_cast<int32_t>(in_.below(4)));
        out.push_back(0x74);
        if (index_first) address(out, depth + 1);
        out.push_back(0x6a);
        return;
      }
      case 4:  // a pointer loaded from memory (the pointer region holds small words)
        address(out, depth + 1);
        memarg(out, 0x28, in_.below(16) * 4);
        return;
      case 5:  // a byte or half-word loaded from memory
        address(out, depth + 1);
        memarg(out, in_.below(2) ? 0x2d : 0x2f, in_.below(8));
        return;
      case 6: i32_const(out, static_cast<int32_t>(in_.below(256) * 4)); return;
      case 7: {  // a computed value, made a pointer
        value(out, I32, depth + 1);
        i32_const(out, kPointerMask);
        out.push_back(0x71);
        return;
      }
      case 8:  // remembered for later
        address(out, depth + 1);
        local_op(out, 0x22, pointers_[in_.below(2)]);
        return;
      case 9:  // one of two
        address(out, depth + 1);
        address(out, depth + 1);
        value(out, I32, depth + 1);
        out.push_back(0x1b);
        return;
      case 10:  // base + loaded offset (a field through an index read from memory)
        address(out, depth + 1);
        address(out, depth + 1);
        memarg(out, 0x28, in_.below(8) * 4);
        out.push_back(0x6a);
        return;
      default:  // loaded offset + constant (a table indexed by a loaded value)
        address(out, depth + 1);
        memarg(out, in_.below(2) ? 0x28 : 0x2d, in_.below(8) * 4);
        i32_const(out, static_cast<int32_t>(in_.below(32) * 4));
        out.push_back(0x6a);
        return;
    }
  }

  void load(Bytes& out, Ty t, int depth) {
    address(out, depth + 1);
    // From the pointer region or from where stores went.
    const uint32_t offset = (in_.below(2) ? kStoreOffset : 0) + in_.below(4) * 4;
    if (t == I32 && in_.below(3) == 0) {
      static constexpr uint8_t kNarrow[] = {0x2c, 0x2d, 0x2e, 0x2f};
      memarg(out, kNarrow[in_.below(4)], offset);
    } else if (t == I64 && in_.below(3) == 0) {
      static constexpr uint8_t kNarrow[] = {0x30, 0x31, 0x32, 0x33, 0x34, 0x35};
      memarg(out, kNarrow[in_.below(6)], offset);
    } else {
      memarg(out, load_op(t), offset);
    }
  }

  uint8_t binary_op(Ty t) {
    switch (t) {
      case I32: {
        // Mostly the operators compiled code uses; division rarely (it traps on zero).
        static constexpr uint8_t kOps[] = {0x6a, 0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74,
                                           0x75, 0x76, 0x77, 0x78, 0x6e, 0x70};
        return kOps[in_.below(std::size(kOps))];
      }
      case I64: {
        static constexpr uint8_t kOps[] = {0x7c, 0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86,
                                           0x87, 0x88, 0x89, 0x80};
        return kOps[in_.below(std::size(kOps))];
      }
      case F32: return static_cast<uint8_t>(0x92 + in_.below(7));
      case F64: return static_cast<uint8_t>(0xa0 + in_.below(7));
    }
    return 0x6a;
  }

  void compare(Bytes& out, int depth) {
    const Ty t = kTypes[in_.below(4)];
    value(out, t, depth + 1);
    value(out, t, depth + 1);
    switch (t) {
      case I32: out.push_back(static_cast<uint8_t>(0x46 + in_.below(10))); return;
      case I64: out.push_back(static_cast<uint8_t>(0x51 + in_.below(10))); return;
      case F32: out.push_back(static_cast<uint8_t>(0x5b + in_.below(6))); return;
      case F64: out.push_back(static_cast<uint8_t>(0x61 + in_.below(6))); return;
    }
  }

  // A function after this one returning `t`, if any.
  bool call(Bytes& out, Ty t, int depth) {
    std::vector<size_t> callees;
    for (size_t j = index_ + 1; j < sigs_.size(); ++j)
      if (sigs_[j].result == t) callees.push_back(j);
    if (callees.empty()) return false;
    const size_t j = callees[in_.below(static_cast<uint32_t>(callees.size()))];
    address(out, depth + 1);
    for (size_t p = 1; p < sigs_[j].params.size(); ++p) value(out, sigs_[j].params[p], depth + 1);
    out.push_back(0x10);
    uleb(out, j);
    return true;
  }

  void convert_to(Bytes& out, Ty t, int depth) {
    switch (t) {
      case I32:
        if (in_.below(2)) {
          value(out, I64, depth + 1);
          out.push_back(0xa7);  // i32.wrap_i64
        } else {
          value(out, F32, depth + 1);
          out.push_back(0xbc);  // i32.reinterpret_f32
        }
        return;
      case I64:
        value(out, I32, depth + 1);
        out.push_back(in_.below(2) ? 0xac : 0xad);  // i64.extend_i32_s / _u
        return;
      case F32:
        value(out, I32, depth + 1);
        out.push_back(0xb2);  // f32.convert_i32_s
        return;
      case F64:
        if (in_.below(2)) {
          value(out, F32, depth + 1);
          out.push_back(0xbb);  // f64.promote_f32
        } else {
          value(out, I32, depth + 1);
          out.push_back(0xb7);  // f64.convert_i32_s
        }
        return;
    }
  }

  const Local& some_local(Ty t) {
    std::vector<const Local*> of_type;
    for (const Local& l : value_locals_)
      if (l.type == t) of_type.push_back(&l);
    return *of_type[in_.below(static_cast<uint32_t>(of_type.size()))];
  }

  void value(Bytes& out, Ty t, int depth) {
    const uint32_t choice = depth >= kMaxExprDepth ? in_.below(3) : in_.below(14);
    switch (choice) {
      case 0: local_get(out, some_local(t).index); return;
      case 1: constant(out, t); return;
      case 2: load(out, t, depth); return;
      case 3:
      case 4:
      case 5:
        value(out, t, depth + 1);
        value(out, t, depth + 1);
        out.push_back(binary_op(t));
        return;
      case 6:
        if (t == I32) {
          compare(out, depth);
          return;
        }
        break;
      case 7:
        out.push_back(0x23);  // global.get
        uleb(out, global_of(t));
        return;
      case 8: {
        // local.tee; half the time with the local's old value still on the stack (`x++`
        // used as a value), which makes the lowering copy the old value out before the
        // producer writes the local: a fused producer once got the copy inside its words.
        const uint32_t local = some_local(t).index;
        const bool old_value_below = in_.below(2);
        if (old_value_below) local_get(out, local);
        value(out, t, depth + 1);
        local_op(out, 0x22, local);  // local.tee
        if (old_value_below) out.push_back(binary_op(t));
        return;
      }
      case 9:
        if (call(out, t, depth)) return;
        break;
      case 10:
        value(out, t, depth + 1);
        value(out, t, depth + 1);
        value(out, I32, depth + 1);
        out.push_back(0x1b);  // select
        return;
      case 11: convert_to(out, t, depth); return;
      case 12:
        if (t == I32) {  // an address is an i32 value too
          address(out, depth + 1);
          return;
        }
        break;
      default: break;
    }
    // The operator with a load on one side: `x op *p`, `*p op x`.
    const bool load_first = in_.below(2);
    if (load_first) load(out, t, depth);
    value(out, t, depth + 1);
    if (!load_first) load(out, t, depth);
    out.push_back(binary_op(t));
  }

  static uint32_t global_of(Ty t) {
    return t == I32 ? 0 : t == I64 ? 1 : t == F32 ? 2 : 3;
  }

  void store(Bytes& out, int depth) {
    const Ty t = kTypes[in_.below(4)];
    const uint32_t offset = kStoreOffset + in_.below(8) * 4;
    if (in_.below(3) == 0) {
      // `*p = x op *p`: the same address twice, as compiled code writes it.
      Bytes addr;
      address(addr, depth + 1);
      out.insert(out.end(), addr.begin(), addr.end());
      const bool load_first = in_.below(2);
      if (load_first) {
        out.insert(out.end(), addr.begin(), addr.end());
        memarg(out, load_op(t), offset);
      }
      value(out, t, depth + 1);
      if (!load_first) {
        out.insert(out.end(), addr.begin(), addr.end());
        memarg(out, load_op(t), offset);
      }
      out.push_back(binary_op(t));
      memarg(out, store_op(t), offset);
      return;
    }
    address(out, depth + 1);
    value(out, t, depth + 1);
    if (t == I32 && in_.below(3) == 0) {
      memarg(out, in_.below(2) ? 0x3a : 0x3b, offset);
    } else if (t == I64 && in_.below(3) == 0) {
      static constexpr uint8_t kNarrow[] = {0x3c, 0x3d, 0x3e};
      memarg(out, kNarrow[in_.below(3)], offset);
    } else {
      memarg(out, store_op(t), offset);
    }
  }

  void statements(Bytes& out, int depth) {
    const uint32_t n = 1 + in_.below(3);
    for (uint32_t k = 0; k < n && !in_.done(); ++k) statement(out, depth);
  }

  void statement(Bytes& out, int depth) {
    const uint32_t choice = depth >= kMaxStmtDepth ? in_.below(4) : in_.below(10);
    switch (choice) {
      case 0: {
        const Ty t = kTypes[in_.below(4)];
        value(out, t, 1);
        local_op(out, 0x21, some_local(t).index);
        return;
      }
      case 1:
        address(out, 1);
        local_op(out, 0x21, pointers_[in_.below(2)]);
        return;
      case 2: store(out, 1); return;
      case 3: {
        const Ty t = kTypes[in_.below(4)];
        value(out, t, 1);
        out.push_back(0x24);  // global.set
        uleb(out, global_of(t));
        return;
      }
      case 4: {  // if / else
        value(out, I32, 1);
        out.push_back(0x04);
        out.push_back(0x40);
        statements(out, depth + 1);
        if (in_.below(2)) {
          out.push_back(0x05);
          statements(out, depth + 1);
        }
        out.push_back(0x0b);
        return;
      }
      case 5: {  // a counted loop: at most 4 iterations
        if (loops_open_ >= kLoopCounters) return statement(out, kMaxStmtDepth);
        const uint32_t counter = counters_[loops_open_++];
        i32_const(out, 0);
        local_op(out, 0x21, counter);
        out.push_back(0x02);
        out.push_back(0x40);
        out.push_back(0x03);
        out.push_back(0x40);
        local_get(out, counter);
        i32_const(out, static_cast<int32_t>(1 + in_.below(4)));
        out.push_back(0x4f);  // i32.ge_u
        out.push_back(0x0d);  // br_if 1: leave the block
        uleb(out, 1);
        statements(out, depth + 1);
        local_get(out, counter);
        i32_const(out, 1);
        out.push_back(0x6a);
        local_op(out, 0x21, counter);
        out.push_back(0x0c);  // br 0: again
        uleb(out, 0);
        out.push_back(0x0b);
        out.push_back(0x0b);
        --loops_open_;
        return;
      }
      case 6: {  // a block left early
        out.push_back(0x02);
        out.push_back(0x40);
        statements(out, depth + 1);
        value(out, I32, 1);
        out.push_back(0x0d);
        uleb(out, 0);
        statements(out, depth + 1);
        out.push_back(0x0b);
        return;
      }
      case 7: {  // an early return
        value(out, I32, 1);
        out.push_back(0x04);
        out.push_back(0x40);
        value(out, sig_.result, 1);
        out.push_back(0x0f);
        out.push_back(0x0b);
        return;
      }
      default: {  // a value computed for its effects (calls, tees) and dropped
        value(out, kTypes[in_.below(4)], 1);
        out.push_back(0x1a);
        return;
      }
    }
  }

  Choices& in_;
  const std::vector<Signature>& sigs_;
  size_t index_;
  const Signature& sig_;
  std::vector<Local> value_locals_;
  std::vector<uint32_t> pointers_, counters_;
  std::vector<Ty> declared_;
  int loops_open_ = 0;
};

}  // namespace

std::vector<uint8_t> generate_module(const uint8_t* data, size_t size) {
  Choices in(data, size);
  uint64_t memory_seed = in.word();
  const size_t functions = 1 + in.below(4);
  std::vector<Signature> sigs(functions);
  for (Signature& s : sigs) {
    s.params.push_back(I32);
    const uint32_t more = in.below(4);
    for (uint32_t k = 0; k < more; ++k) s.params.push_back(kTypes[in.below(4)]);
    s.result = kTypes[in.below(4)];
  }

  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Bytes types, funcs, memory, globals, exports, code, data_section;
  uleb(types, functions);
  uleb(funcs, functions);
  for (size_t k = 0; k < functions; ++k) {
    types.push_back(0x60);
    uleb(types, sigs[k].params.size());
    for (Ty t : sigs[k].params) types.push_back(t);
    uleb(types, 1);
    types.push_back(sigs[k].result);
    uleb(funcs, k);
  }
  memory = {0x01, 0x00, 0x01};  // one memory, at least one page
  uleb(globals, 4);
  for (Ty t : kTypes) {
    globals.push_back(t);
    globals.push_back(0x01);  // mutable
    switch (t) {
      case I32: globals.push_back(0x41); sleb(globals, 24); break;
      case I64: globals.push_back(0x42); sleb(globals, -5); break;
      case F32: globals.insert(globals.end(), {0x43, 0x00, 0x00, 0xc0, 0x3f}); break;  // 1.5
      case F64: globals.insert(globals.end(), {0x44, 0, 0, 0, 0, 0, 0, 0x04, 0xc0}); break;  // -2.5
    }
    globals.push_back(0x0b);
  }
  uleb(exports, functions);
  for (size_t k = 0; k < functions; ++k) {
    const std::string name = "f" + std::to_string(k);
    uleb(exports, name.size());
    exports.insert(exports.end(), name.begin(), name.end());
    exports.push_back(0x00);
    uleb(exports, k);
  }
  uleb(code, functions);
  for (size_t k = 0; k < functions; ++k) {
    FunctionGen gen(in, sigs, k);
    Bytes body = gen.body();
    code.insert(code.end(), body.begin(), body.end());
  }
  // The pointer region: 512 words, each a multiple of 4 below 1024.
  uleb(data_section, 1);
  data_section.insert(data_section.end(), {0x00, 0x41, 0x00, 0x0b});
  uleb(data_section, kStoreOffset);
  for (uint32_t k = 0; k < kStoreOffset / 4; ++k) {
    const uint32_t word = static_cast<uint32_t>(splitmix(memory_seed)) & kPointerMask;
    for (int b = 0; b < 4; ++b) data_section.push_back(static_cast<uint8_t>(word >> (8 * b)));
  }
  section(module, 1, types);
  section(module, 3, funcs);
  section(module, 5, memory);
  section(module, 6, globals);
  section(module, 7, exports);
  section(module, 10, code);
  section(module, 11, data_section);
  return module;
}

}  // namespace ironclad::fuzz
