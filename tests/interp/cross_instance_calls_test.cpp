// Calls between instances under every tier (interp_tests and jit_tests): call_indirect
// through an imported table into another instance's functions (which see their own memory
// and globals), into a host function and into the caller's own functions; direct calls to
// imported wasm and host functions; the table's bounds, null and type checks, also after
// the table grew or was edited; traps inside the callee.
#include "test_support.h"

namespace ironclad::testing {
namespace {

using wasm::FuncType;

class CrossInstanceCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    auto provider_module = load_fixture("interp_calls_provider");
    ASSERT_TRUE(provider_module);
    auto provider = h.linker.instantiate(h.store, provider_module);
    ASSERT_TRUE(provider.ok()) << provider.error().describe();
    h.linker.define_instance("provider", **provider);
    h.linker.define_function(
        h.store, "host", "triple", FuncType{{ValType::I32}, {ValType::I32}},
        [this](runtime::HostContext&, const Value* a, Value* r) -> Result<void> {
          ++host_calls;
          r[0] = Value::from_i32(a[0].i32 * 3);
          return {};
        });
    h.instantiate();
    auto set_memory = (*provider)->get_export("set_memory");
    ASSERT_TRUE(set_memory.ok());
    ASSERT_TRUE(h.store.invoke(*set_memory->func, std::vector<Value>{I32(42)}).ok());
  }
  Harness h{"interp_calls_user"};
  int host_calls = 0;
};

TEST_F(CrossInstanceCalls, IndirectCalleesUseTheirOwnInstance) {
  ASSERT_TRUE(h.call("set_own_memory", {I32(7)}).ok());
  EXPECT_EQ(h.i32("call_v_i", {I32(0)}), 42u);  // the provider's memory, not the caller's
  EXPECT_EQ(h.i32("call_v_i", {I32(1)}), 101u);
  EXPECT_EQ(h.i32("call_v_i", {I32(1)}), 102u);  // the provider's global
  EXPECT_EQ(h.i32("call_i_i", {I32(2), I32(5)}), 6u);
}

TEST_F(CrossInstanceCalls, IndirectCallsCheckBoundsNullAndType) {
  EXPECT_EQ(h.trap("call_v_i", {I32(2)}), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(h.trap("call_i_i", {I32(0), I32(1)}), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(h.trap("call_v_i", {I32(3)}), TrapKind::UninitializedElement);
  EXPECT_EQ(h.trap("call_v_i", {I32(4)}), TrapKind::UndefinedElement);
  EXPECT_EQ(h.trap("call_v_i", {I32(0xFFFFFFFF)}), TrapKind::UndefinedElement);
  ASSERT_TRUE(h.call("put_null", {I32(0)}).ok());
  EXPECT_EQ(h.trap("call_v_i", {I32(0)}), TrapKind::UninitializedElement);
}

TEST_F(CrossInstanceCalls, IndirectCallsReachHostAndOwnFunctions) {
  ASSERT_TRUE(h.call("put_host", {I32(3)}).ok());
  EXPECT_EQ(h.i32("call_i_i", {I32(3), I32(7)}), 21u);
  EXPECT_EQ(host_calls, 1);
  EXPECT_EQ(h.trap("call_v_i", {I32(3)}), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(host_calls, 1);
  ASSERT_TRUE(h.call("set_own_memory", {I32(9)}).ok());
  ASSERT_TRUE(h.call("put_own", {I32(3)}).ok());
  EXPECT_EQ(h.i32("call_v_i", {I32(3)}), 9u);
}

TEST_F(CrossInstanceCalls, AGrownTableIsSeenByTheNextCall) {
  EXPECT_EQ(h.trap("call_i_i", {I32(4), I32(1)}), TrapKind::UndefinedElement);
  EXPECT_EQ(h.i32("grow_with_add1"), 4u);
  EXPECT_EQ(h.i32("call_i_i", {I32(4), I32(1)}), 2u);
  EXPECT_EQ(h.trap("call_i_i", {I32(5), I32(1)}), TrapKind::UndefinedElement);
}

TEST_F(CrossInstanceCalls, DirectCallsToImportedFunctions) {
  EXPECT_EQ(h.i32("call_add1", {I32(41)}), 42u);
  EXPECT_EQ(h.i32("call_divide", {I32(84), I32(2)}), 42u);
  EXPECT_EQ(h.trap("call_divide", {I32(1), I32(0)}), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(h.i32("call_triple", {I32(5)}), 15u);
  EXPECT_EQ(host_calls, 1);
}

}  // namespace
}  // namespace ironclad::testing
