// The interpreter's superinstructions (interp_tests only): each test first checks that the
// lowered code really uses the fused handler, then that it computes what the unfused
// instructions compute (bit for bit, including the rounding a fused multiply-add would
// change and NaN payloads), traps where they trap, at the boundary and not before, and
// reports the trap at the wasm instruction that trapped.
#include <bit>
#include <cmath>
#include <cstring>

#include "interp/code.h"
#include "interp/handlers.h"
#include "interp/handlers_fused.h"
#include "test_support.h"

namespace ironclad::testing {
namespace {

using interp::Handler;
using wasm::Opcode;

class FusedTest : public ::testing::Test {
 protected:
  void SetUp() override { h.instantiate(); }

  uint8_t* mem() { return h.instance->memories[0]->base; }
  double f64_at(uint32_t a) {
    double d;
    std::memcpy(&d, mem() + a, 8);
    return d;
  }
  uint64_t u64_at(uint32_t a) {
    uint64_t v;
    std::memcpy(&v, mem() + a, 8);
    return v;
  }
  void put_f64(uint32_t a, double d) { std::memcpy(mem() + a, &d, 8); }
  void put_u64(uint32_t a, uint64_t v) { std::memcpy(mem() + a, &v, 8); }
  void put_f32(uint32_t a, float f) { std::memcpy(mem() + a, &f, 4); }
  uint32_t u32_at(uint32_t a) {
    uint32_t v;
    std::memcpy(&v, mem() + a, 4);
    return v;
  }

  // Whether the export's lowered code (lowered by a first call) contains `handler`.
  bool uses(const std::string& name, Handler handler) {
    auto ext = h.instance->get_export(name);
    EXPECT_TRUE(ext.ok()) << name;
    if (!ext.ok() || handler == nullptr) return false;
    auto* code = static_cast<const interp::FuncCode*>(ext->func->tier_code);
    EXPECT_NE(code, nullptr) << name << " was not called yet";
    if (code == nullptr) return false;
    for (const interp::Word& w : code->words)
      if (w.handler == handler) return true;
    return false;
  }

  // The wasm opcode byte at the innermost frame of a trap.
  uint8_t trap_opcode(const std::string& name, std::vector<Value> args) {
    auto r = h.call(name, std::move(args));
    EXPECT_FALSE(r.ok()) << name << " did not trap";
    if (r.ok() || r.error().backtrace.empty()) return 0;
    EXPECT_EQ(r.error().trap, TrapKind::OutOfBoundsMemoryAccess);
    return h.module->bytes[r.error().backtrace[0].code_offset];
  }

  Harness h{"interp_fused"};
};

constexpr uint32_t kPageEnd = 65536;

// With both operands of the add NaN, wasm lets the result be either payload (made quiet):
// which one the hardware keeps depends on operand order in registers, fused or not. With
// one NaN operand the result is that one, quieted, exactly as unfused (checked above).
template <typename U>
void expect_one_of_the_nans(U result, U a, U b) {
  constexpr U quiet = sizeof(U) == 8 ? U{1} << 51 : U{1} << 22;
  EXPECT_TRUE(result == (a | quiet) || result == (b | quiet)) << std::hex << result;
}

TEST_F(FusedTest, MultiplyAddIntoMemoryRoundsTwiceLikeTheSeparateInstructions) {
  // x * q = 1 + 2^-29 + 2^-60 rounds to 1 + 2^-29; adding p = -(1 + 2^-29) gives 0.
  // A fused multiply-add (one rounding) would give 2^-60.
  const double x = 1.0 + 0x1p-30;
  put_f64(8, x);          // q[1] (q = 0, read at q + 8)
  put_f64(64, -(1.0 + 0x1p-29));
  ASSERT_TRUE(h.call("axpy", {I32(64), I32(0), F64(x)}).ok());
  EXPECT_TRUE(uses("axpy", interp::muladd_rmw_handler(Opcode::F64Mul, Opcode::F64Add, false)));
  EXPECT_EQ(f64_at(64), 0.0);
  EXPECT_FALSE(std::signbit(f64_at(64)));

  // Ordinary values, and NaN payloads: the same bits as the unfused function.
  const uint64_t nan_x = 0x7FF4000000000123ull, nan_p = 0xFFF8000000000456ull;
  const double xs[] = {2.5, -0.0, std::bit_cast<double>(nan_x), 1e308};
  const double ps[] = {1.25, 0.0, std::bit_cast<double>(nan_p), 1e308};
  for (double xv : xs)
    for (double pv : ps) {
      put_f64(8, 3.0);
      put_f64(64, pv);
      put_f64(128, pv);
      ASSERT_TRUE(h.call("axpy", {I32(64), I32(0), F64(xv)}).ok());
      ASSERT_TRUE(h.call("axpy_plain", {I32(128), I32(0), F64(xv)}).ok());
      if (std::isnan(xv) && std::isnan(pv))
        expect_one_of_the_nans(u64_at(64), nan_x, nan_p);
      else
        EXPECT_EQ(u64_at(64), u64_at(128)) << xv << " " << pv;
    }
}

TEST_F(FusedTest, MultiplyAddIntoMemoryChecksBothAddressesInOrder) {
  put_f64(8, 1.0);
  put_f64(kPageEnd - 8, 2.0);
  // p at the last f64 of memory is fine; one byte further traps, at the add's load.
  ASSERT_TRUE(h.call("axpy", {I32(kPageEnd - 8), I32(0), F64(1.0)}).ok());
  EXPECT_EQ(f64_at(kPageEnd - 8), 3.0);
  EXPECT_EQ(trap_opcode("axpy", {I32(kPageEnd - 7), I32(0), F64(1.0)}), 0x2B);  // f64.load
  // q + 8 wraps around 2^32 (to 0), as the i32.add does: not a trap.
  put_f64(0, 4.0);
  put_f64(64, 0.0);
  ASSERT_TRUE(h.call("axpy", {I32(64), I32(0xFFFFFFF8), F64(1.0)}).ok());
  EXPECT_EQ(f64_at(64), 4.0);
  // q out of bounds: the multiply's load traps first and p is left as it was.
  put_f64(64, 7.0);
  EXPECT_EQ(trap_opcode("axpy", {I32(64), I32(kPageEnd - 15), F64(1.0)}), 0x2B);
  EXPECT_EQ(f64_at(64), 7.0);
  // Both out of bounds: q is loaded first, so the trap is the multiply's load. Each load
  // has its own offset: the two traps above are at different instructions.
  auto at_p = h.call("axpy", {I32(kPageEnd), I32(0), F64(1.0)});
  auto at_q = h.call("axpy", {I32(64), I32(kPageEnd), F64(1.0)});
  auto both = h.call("axpy", {I32(kPageEnd), I32(kPageEnd), F64(1.0)});
  ASSERT_FALSE(at_p.ok());
  ASSERT_FALSE(at_q.ok());
  ASSERT_FALSE(both.ok());
  EXPECT_NE(at_p.error().backtrace[0].code_offset, at_q.error().backtrace[0].code_offset);
  EXPECT_EQ(both.error().backtrace[0].code_offset, at_q.error().backtrace[0].code_offset);
}

TEST_F(FusedTest, MultiplyAddWithTheTargetLoadedFirst) {
  // f32: p first, the same bits as unfused, and the traps in p-then-q order.
  const float xs[] = {1.5f, -3.0f, std::bit_cast<float>(0x7FA00001u), 1e38f};
  const float ps[] = {0.25f, std::bit_cast<float>(0xFFC00002u), 3e38f};
  for (float xv : xs)
    for (float pv : ps) {
      put_f32(0, 1.0f + 0x1p-12f);
      put_f32(100 + 4, pv);
      put_f32(200 + 4, pv);
      ASSERT_TRUE(h.call("axpy_p_first_f32", {I32(100), I32(0), F32(xv)}).ok());
      ASSERT_TRUE(h.call("axpy_p_first_f32_plain", {I32(200), I32(0), F32(xv)}).ok());
      if (std::isnan(xv) && std::isnan(pv))
        expect_one_of_the_nans(u32_at(104), std::bit_cast<uint32_t>(xv),
                               std::bit_cast<uint32_t>(pv));
      else
        EXPECT_EQ(u32_at(104), u32_at(204)) << xv << " " << pv;
    }
  EXPECT_TRUE(uses("axpy_p_first_f32",
                   interp::muladd_rmw_handler(Opcode::F32Mul, Opcode::F32Add, true)));
  auto at_p = h.call("axpy_p_first_f32", {I32(kPageEnd - 4), I32(0), F32(1)});
  auto at_q = h.call("axpy_p_first_f32", {I32(100), I32(kPageEnd - 3), F32(1)});
  auto both = h.call("axpy_p_first_f32", {I32(kPageEnd - 4), I32(kPageEnd - 3), F32(1)});
  ASSERT_FALSE(at_p.ok());
  ASSERT_FALSE(at_q.ok());
  ASSERT_FALSE(both.ok());
  EXPECT_NE(at_p.error().backtrace[0].code_offset, at_q.error().backtrace[0].code_offset);
  EXPECT_EQ(both.error().backtrace[0].code_offset, at_p.error().backtrace[0].code_offset);
  ASSERT_TRUE(h.call("axpy_p_first_f32", {I32(kPageEnd - 8), I32(0), F32(1)}).ok());

  // i32 wraps.
  put_u64(0, 0x10000);
  put_u64(8, 0xFFFFFFF0u);
  ASSERT_TRUE(h.call("axpy_p_first_i32", {I32(8), I32(0), I32(0x10001)}).ok());
  EXPECT_TRUE(uses("axpy_p_first_i32",
                   interp::muladd_rmw_handler(Opcode::I32Mul, Opcode::I32Add, true)));
  EXPECT_EQ(u32_at(8), 0xFFFFFFF0u + 0x00010000u * 0x10001u);

  // f32x4 lanes, q read at q + 16.
  const float b[4] = {1, 2, 3, 4}, c[4] = {10, 20, 30, std::bit_cast<float>(0x7FC00007u)};
  std::memcpy(mem() + 16, b, 16);
  std::memcpy(mem() + 320, c, 16);
  ASSERT_TRUE(h.call("axpy_f32x4", {I32(320), I32(0), F32(0.5f)}).ok());
  EXPECT_TRUE(uses("axpy_f32x4",
                   interp::muladd_rmw_handler(Opcode::F32x4Mul, Opcode::F32x4Add, true)));
  float r[4];
  std::memcpy(r, mem() + 320, 16);
  EXPECT_EQ(r[0], 10.5f);
  EXPECT_EQ(r[1], 21.0f);
  EXPECT_EQ(r[2], 31.5f);
  EXPECT_EQ(std::bit_cast<uint32_t>(r[3]), 0x7FC00007u);
  EXPECT_EQ(trap_opcode("axpy_f32x4", {I32(kPageEnd - 15), I32(0), F32(1)}), 0xFD);
}

TEST_F(FusedTest, LoadStoredStraightBackMovesTheBytes) {
  // move8: mem[p - 4 + 1] = mem[q + 1024]
  mem()[1024 + 5] = 0xA7;
  ASSERT_TRUE(h.call("move8", {I32(40), I32(5)}).ok());
  EXPECT_TRUE(uses("move8", interp::move_handler(Opcode::I32Load8U, Opcode::I32Store8)));
  EXPECT_EQ(mem()[37], 0xA7);
  // p - 4 wraps below zero: out of bounds (the store traps, after the load).
  EXPECT_EQ(trap_opcode("move8", {I32(2), I32(5)}), 0x3A);  // i32.store8
  EXPECT_EQ(trap_opcode("move8", {I32(40), I32(kPageEnd - 1024)}), 0x2D);  // i32.load8_u
  ASSERT_TRUE(h.call("move8", {I32(kPageEnd + 2), I32(kPageEnd - 1025)}).ok());  // last byte

  // A narrower store of a wider load keeps the low byte; the load's width is checked.
  put_u64(500, 0x44332211ull);
  ASSERT_TRUE(h.call("move32_to8", {I32(600), I32(500)}).ok());
  EXPECT_TRUE(uses("move32_to8", interp::move_handler(Opcode::I32Load, Opcode::I32Store8)));
  EXPECT_EQ(mem()[600], 0x11);
  EXPECT_EQ(mem()[601], 0x00);
  EXPECT_EQ(trap_opcode("move32_to8", {I32(600), I32(kPageEnd - 3)}), 0x28);  // i32.load
  EXPECT_EQ(mem()[600], 0x11);

  put_u64(716, 0x0123456789ABCDEFull);
  ASSERT_TRUE(h.call("move64", {I32(800), I32(700)}).ok());
  EXPECT_TRUE(uses("move64", interp::move_handler(Opcode::I64Load, Opcode::I64Store)));
  EXPECT_EQ(u64_at(808), 0x0123456789ABCDEFull);
  EXPECT_EQ(trap_opcode("move64", {I32(kPageEnd - 15), I32(700)}), 0x37);  // i64.store
}

TEST_F(FusedTest, TableLookupThroughALoadedIndex) {
  // lookup_s8: i32.load8_s offset=2 (i32.load8_u (q) + 100), sign-extended
  mem()[10] = 200;
  mem()[200 + 100 + 2] = 0x80;
  EXPECT_EQ(h.i32("lookup_s8", {I32(10)}), 0xFFFFFF80u);
  EXPECT_TRUE(uses("lookup_s8", interp::load_load_handler(Opcode::I32Load8U, Opcode::I32Load8S)));
  EXPECT_EQ(trap_opcode("lookup_s8", {I32(kPageEnd)}), 0x2D);  // the inner i32.load8_u

  // lookup_i64: i64.load (i32.load offset=4 (q) + 32): the sum wraps; the outer load traps
  // at its own offset.
  put_u64(24, 0xFFFFFFF0u);  // at q + 4 for q = 20
  put_u64(16, 0x1122334455667788ull);
  EXPECT_EQ(h.i64("lookup_i64", {I32(20)}), 0x1122334455667788ull);
  EXPECT_TRUE(uses("lookup_i64", interp::load_load_handler(Opcode::I32Load, Opcode::I64Load)));
  put_u64(24, kPageEnd - 32 - 7);
  EXPECT_EQ(trap_opcode("lookup_i64", {I32(20)}), 0x29);  // i64.load
  put_u64(24, kPageEnd - 32 - 8);
  EXPECT_EQ(h.i64("lookup_i64", {I32(20)}), 0u);
}

TEST_F(FusedTest, AdjacentPairsRunBothHalvesAndNeverEndAtAJumpTarget) {
  // The loop header is the first half of a pair (add, add), not the second half of one
  // with the constant before the loop; the loop ends with (add, compare-and-branch).
  EXPECT_EQ(h.i32("count", {I32(5)}), 20u);
  EXPECT_EQ(h.i32("count", {I32(1)}), 4u);
  const Handler add_imm = interp::binop_handler(Opcode::I32Add, true);
  EXPECT_TRUE(uses("count", interp::pair_handler(add_imm, add_imm, 3)));
  EXPECT_FALSE(uses("count", interp::pair_handler(interp::h_const64, add_imm, 3)));
  EXPECT_TRUE(uses("count", interp::pair_handler(
                                add_imm, interp::branch_compare_handler(Opcode::I32Ne, true, true),
                                3)));
  auto rotl = [](uint32_t v, int k) { return (v << k) | (v >> (32 - k)); };
  EXPECT_EQ(h.i32("mix", {I32(0xABCDE), I32(0x12345678)}),
            (0xABCDEu << 12) | rotl(0x12345678u ^ 0x5a5a5a5au, 7));
  EXPECT_TRUE(uses("mix", interp::pair_handler(interp::binop_handler(Opcode::I32Shl, true),
                                               interp::binop_handler(Opcode::I32Xor, true), 3)));
}

}  // namespace
}  // namespace ironclad::testing
