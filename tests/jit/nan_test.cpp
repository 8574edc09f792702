// The spec requires an arithmetic (quiet) NaN from arithmetic on a signalling NaN, also
// where LLVM would fold the operation away (x - 0 -> x, ...). These would return the
// signalling NaN unchanged without the quieting in translate_numeric.cpp.
#include "jit_harness.h"

namespace ironclad::jit::testing {
namespace {

constexpr uint32_t kSignallingF32 = 0x7FA00000;  // quiet bit (22) clear, payload set
constexpr uint64_t kSignallingF64 = 0x7FF4000000000000ull;

bool quiet_f32(const Result<std::vector<Value>>& r) {
  return r.ok() && ((*r)[0].i32 & 0x7FC00000u) == 0x7FC00000u;
}
bool quiet_f64(const Result<std::vector<Value>>& r) {
  return r.ok() && ((*r)[0].i64 & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
}

TEST(JitNaN, FoldableOperationsQuietSignallingNaNs) {
  Harness h("jit_nan");
  h.instantiate();
  Value s32 = Value::from_f32_bits(kSignallingF32);
  Value s64 = Value::from_f64_bits(kSignallingF64);
  EXPECT_TRUE(quiet_f32(h.call("sub_zero", {s32})));
  EXPECT_TRUE(quiet_f64(h.call("neg0_sub", {s64})));
  EXPECT_TRUE(quiet_f32(h.call("mul_one", {s32})));
  EXPECT_TRUE(quiet_f64(h.call("div_neg1", {s64})));
  EXPECT_TRUE(quiet_f32(h.call("min_self", {s32})));
  EXPECT_TRUE(quiet_f32(h.call("promote_demote", {s32})));
}

TEST(JitNaN, OrdinaryValuesAreUnchanged) {
  Harness h("jit_nan");
  h.instantiate();
  auto r = h.call("sub_zero", {F32(-0.0f)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 0x80000000u);  // -0 - 0 = -0
  auto d = h.call("div_neg1", {F64(2.5)});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)[0].f64, -2.5);
  auto p = h.call("promote_demote", {F32(1.5f)});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0].f32, 1.5f);
}

}  // namespace
}  // namespace ironclad::jit::testing
