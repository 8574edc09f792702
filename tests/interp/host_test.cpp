// Calls between wasm and host functions under every tier (interp_tests and jit_tests):
// arguments and results of every scalar type, call_indirect to a host function, host errors
// passing through unchanged, re-entrance (wasm -> host -> wasm ...) and its bound on native
// nesting.
#include "test_support.h"

namespace ironclad::testing {
namespace {

using wasm::FuncType;

class HostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& s = h.store;
    h.linker.define_function(s, "host", "add", FuncType{{ValType::I32, ValType::I32}, {ValType::I32}},
                             [this](runtime::HostContext& ctx, const Value* a, Value* r) -> Result<void> {
                               ++add_calls;
                               caller = ctx.caller;
                               r[0] = Value::from_i32(a[0].i32 + a[1].i32);
                               return {};
                             });
    h.linker.define_function(s, "host", "reenter", FuncType{{ValType::I32}, {ValType::I32}},
                             [this](runtime::HostContext& ctx, const Value* a, Value* r) -> Result<void> {
                               auto f = h.instance->get_export("countdown");
                               if (!f.ok()) return f.error();
                               IRONCLAD_TRY_ASSIGN(auto out, ctx.store.invoke(*f->func, {{a[0]}}));
                               r[0] = out[0];
                               return {};
                             });
    h.linker.define_function(s, "host", "fail", FuncType{{}, {}},
                             [](runtime::HostContext&, const Value*, Value*) -> Result<void> {
                               return Error::make_exit(7);
                             });
    h.linker.define_function(
        s, "host", "mix", FuncType{{ValType::I64, ValType::F32, ValType::F64}, {ValType::F64, ValType::I64}},
        [](runtime::HostContext&, const Value* a, Value* r) -> Result<void> {
          r[0] = Value::from_f64(a[2].f64 + a[1].f32);
          r[1] = Value::from_i64(a[0].i64 * 2);
          return {};
        });
    h.instantiate();
  }
  Harness h{"interp_host"};
  int add_calls = 0;
  runtime::Instance* caller = nullptr;
};

TEST_F(HostTest, WasmCallsHostWithArgumentsAndCallerInstance) {
  EXPECT_EQ(h.i32("call_add", {I32(40), I32(2)}), 42u);
  EXPECT_EQ(add_calls, 1);
  EXPECT_EQ(caller, h.instance);
}

TEST_F(HostTest, CallIndirectReachesAHostFunction) {
  EXPECT_EQ(h.i32("add_indirect", {I32(5), I32(6)}), 11u);
  EXPECT_EQ(add_calls, 1);
}

TEST_F(HostTest, MixedTypesAndMultipleResultsCrossTheBoundary) {
  auto r = h.call("call_mix");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].f64, 3.75);
  EXPECT_EQ(static_cast<int64_t>((*r)[1].i64), -10);
}

TEST_F(HostTest, HostErrorsPropagateUnchanged) {
  auto r = h.call("call_fail");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Exit);
  EXPECT_EQ(r.error().exit_code, 7);
  EXPECT_EQ(h.i32("call_add", {I32(1), I32(1)}), 2u);  // still usable afterwards
}

TEST_F(HostTest, ReentrantCallsNest) {
  EXPECT_EQ(h.i32("countdown", {I32(50)}), 50u);
}

TEST_F(HostTest, DeepReentranceTrapsInsteadOfOverflowingTheNativeStack) {
  auto r = h.call("countdown", {I32(100000)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().trap, TrapKind::CallStackExhausted);
  EXPECT_EQ(h.i32("countdown", {I32(3)}), 3u);
}

TEST_F(HostTest, HostFunctionCalledDirectlyFromTheEmbedder) {
  auto f = h.linker.find("host", "add");
  ASSERT_NE(f, nullptr);
  auto r = h.store.invoke(*f->func, std::vector<Value>{I32(2), I32(3)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 5u);
}

}  // namespace
}  // namespace ironclad::testing
