// Typed host functions: the wasm type deduced from C++ signatures, argument and result
// conversion, the optional HostContext, and Result<T> for traps.
#include "runtime/typed_host.h"

#include <gtest/gtest.h>

#include <tuple>

#include "test_support.h"

namespace ironclad::runtime {
namespace {

using namespace testing;
using FT = wasm::FuncType;
constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64,
                  V = ValType::V128;

int64_t free_function(int64_t x, double) {
  return x;
}

TEST(TypedHost, DeducesScalarTypes) {
  auto add = [](int32_t a, uint32_t b) -> int32_t { return a + static_cast<int32_t>(b); };
  EXPECT_EQ(typed_func_type<decltype(add)>(), (FT{{I32, I32}, {I32}}));
  auto wide = [](int64_t, uint64_t, float, double) -> uint64_t { return 0; };
  EXPECT_EQ(typed_func_type<decltype(wide)>(), (FT{{I64, I64, F32, F64}, {I64}}));
  auto vec = [](V128 v) { return v; };
  EXPECT_EQ(typed_func_type<decltype(vec)>(), (FT{{V}, {V}}));
  EXPECT_EQ(typed_func_type<decltype(&free_function)>(), (FT{{I64, F64}, {I64}}));
  EXPECT_EQ(typed_func_type<decltype(free_function)>(), (FT{{I64, F64}, {I64}}));
}

TEST(TypedHost, PlainFunctionsWork) {
  auto store = make_store();
  FunctionInstance* f = create_typed_function(*store, &free_function);
  auto r = store->invoke(*f, std::vector<Value>{Value::from_i64(7), Value::from_f64(0)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i64, 7u);
}

TEST(TypedHost, DeducesVoidAndNoParameters) {
  auto nothing = [] {};
  EXPECT_EQ(typed_func_type<decltype(nothing)>(), (FT{{}, {}}));
  auto sink = [](float) {};
  EXPECT_EQ(typed_func_type<decltype(sink)>(), (FT{{F32}, {}}));
}

TEST(TypedHost, ATupleGivesSeveralResults) {
  auto split = [](int64_t x) {
    return std::tuple<int32_t, int32_t, double>(int32_t(x), int32_t(x >> 32), 0.5);
  };
  EXPECT_EQ(typed_func_type<decltype(split)>(), (FT{{I64}, {I32, I32, F64}}));
}

TEST(TypedHost, HostContextAndResultAreNotPartOfTheWasmType) {
  auto with_ctx = [](HostContext&, uint32_t) -> Result<int64_t> { return int64_t{1}; };
  EXPECT_EQ(typed_func_type<decltype(with_ctx)>(), (FT{{I32}, {I64}}));
  auto may_trap = [](HostContext&) -> Result<void> { return {}; };
  EXPECT_EQ(typed_func_type<decltype(may_trap)>(), (FT{{}, {}}));
  auto tuple_result = []() -> Result<std::tuple<float, float>> {
    return std::tuple<float, float>(1, 2);
  };
  EXPECT_EQ(typed_func_type<decltype(tuple_result)>(), (FT{{}, {F32, F32}}));
  auto mutable_lambda = [n = 0](int32_t) mutable { return ++n; };
  EXPECT_EQ(typed_func_type<decltype(mutable_lambda)>(), (FT{{I32}, {I32}}));
}

TEST(TypedHost, ConvertsArgumentsAndResults) {
  auto store = make_store();
  FunctionInstance* f = create_typed_function(*store, [](int32_t a, uint32_t b, int64_t c) {
    return std::tuple<int64_t, uint32_t>(c * a, b + 1);
  });
  auto r = store->invoke(*f, std::vector<Value>{Value::from_i32(static_cast<uint32_t>(-3)),
                                                Value::from_i32(0xFFFFFFFE), Value::from_i64(5)});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].type, I64);
  EXPECT_EQ(static_cast<int64_t>((*r)[0].i64), -15);
  EXPECT_EQ((*r)[1].type, I32);
  EXPECT_EQ((*r)[1].i32, 0xFFFFFFFFu);
}

TEST(TypedHost, FloatsAndVectorsRoundTrip) {
  auto store = make_store();
  FunctionInstance* f =
      create_typed_function(*store, [](float x, double y) { return double(x) + y; });
  auto r = store->invoke(*f, std::vector<Value>{Value::from_f32(1.5f), Value::from_f64(0.25)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].f64, 1.75);
  FunctionInstance* v = create_typed_function(*store, [](V128 x) {
    x.set_lane<uint32_t>(0, x.lane<uint32_t>(0) + 1);
    return x;
  });
  V128 in;
  in.set_lane<uint32_t>(0, 41);
  in.set_lane<uint32_t>(3, 9);
  auto rv = store->invoke(*v, std::vector<Value>{Value::from_v128(in)});
  ASSERT_TRUE(rv.ok());
  EXPECT_EQ((*rv)[0].v128.lane<uint32_t>(0), 42u);
  EXPECT_EQ((*rv)[0].v128.lane<uint32_t>(3), 9u);
}

TEST(TypedHost, AResultErrorTrapsTheCall) {
  auto store = make_store();
  FunctionInstance* f = create_typed_function(*store, [](int32_t x) -> Result<int32_t> {
    if (x < 0) return Error::make_trap(TrapKind::HostTrap, "negative input");
    return x * 2;
  });
  auto ok = store->invoke(*f, std::vector<Value>{Value::from_i32(4)});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].i32, 8u);
  auto bad = store->invoke(*f, std::vector<Value>{Value::from_i32(static_cast<uint32_t>(-1))});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().trap, TrapKind::HostTrap);
  EXPECT_EQ(bad.error().message, "negative input");
  FunctionInstance* exits =
      create_typed_function(*store, []() -> Result<void> { return Error::make_exit(3); });
  auto e = store->invoke(*exits, {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::Exit);
  EXPECT_EQ(e.error().exit_code, 3);
}

TEST(TypedHost, TheContextReachesTheFunction) {
  auto store = make_store();
  Store* seen = nullptr;
  FunctionInstance* f =
      create_typed_function(*store, [&seen](HostContext& ctx) { seen = &ctx.store; });
  ASSERT_TRUE(store->invoke(*f, {}).ok());
  EXPECT_EQ(seen, store.get());
}

TEST(TypedHost, MoveOnlyAndStatefulCallablesWork) {
  auto store = make_store();
  auto counter = std::make_unique<int>(0);
  FunctionInstance* f =
      create_typed_function(*store, [c = std::move(counter)]() mutable { return ++*c; });
  ASSERT_TRUE(store->invoke(*f, {}).ok());
  auto r = store->invoke(*f, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 2u);
}

TEST(TypedHost, LinkerDefineTypedResolvesAnImportWithTheDeducedType) {
  auto store = make_store();
  Linker linker;
  linker.define_typed(*store, "env", "add", [](int32_t a, int32_t b) -> int32_t { return a + b; });
  define_typed(linker, *store, "env", "neg", [](double x) { return -x; });
  const Extern* add = linker.find("env", "add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(*add->func->type, (FT{{I32, I32}, {I32}}));
  auto r = store->invoke(*add->func, std::vector<Value>{Value::from_i32(2), Value::from_i32(40)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32, 42u);

  ModuleBuilder b;
  b.import_func("env", "add", b.type({I32, I32}, {I32}));
  b.import_func("env", "neg", b.type({F64}, {F64}));
  EXPECT_TRUE(linker.instantiate(*store, b.build()).ok());
  ModuleBuilder wrong;
  wrong.import_func("env", "neg", wrong.type({F32}, {F32}));
  auto w = linker.instantiate(*store, wrong.build());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("incompatible import type"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::runtime
