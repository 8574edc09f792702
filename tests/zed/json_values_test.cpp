// The JSON <-> component value mapping of `ironclad zed call` (src/zed/json_values.h) for the
// kinds the typed fixture's exports do not take: tuples, flags, results, chars, signed and
// float ranges. Types are built by hand (the mapping reads only their structure).
#include "zed/json_values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <limits>

namespace ironclad::zed {
namespace {

using component::TypeKind;
using component::ValType;
using nlohmann::json;

class JsonValues : public ::testing::Test {
 protected:
  const ValType* prim(TypeKind k) {
    types_.push_back(ValType{});
    types_.back().kind = k;
    return &types_.back();
  }
  const ValType* with(TypeKind k, const ValType* elem, const ValType* err = nullptr) {
    types_.push_back(ValType{});
    types_.back().kind = k;
    types_.back().elem = elem;
    types_.back().err = err;
    return &types_.back();
  }
  const ValType* labelled(TypeKind k, std::string name, std::vector<std::string> labels) {
    types_.push_back(ValType{});
    types_.back().kind = k;
    types_.back().name = std::move(name);
    types_.back().labels = std::move(labels);
    return &types_.back();
  }
  const ValType* tuple(std::vector<const ValType*> elems) {
    types_.push_back(ValType{});
    types_.back().kind = TypeKind::Tuple;
    for (const ValType* e : elems) types_.back().fields.push_back({"", e});
    return &types_.back();
  }
  // `j` read as `t` and printed back.
  json round_trip(const json& j, const ValType* t) {
    auto v = value_from_json(j, t, "argument 1 `x`");
    EXPECT_TRUE(v.ok()) << v.error().message;
    if (!v.ok()) return nullptr;
    return json::parse(value_to_json(*v, t).dump());
  }
  std::string error_of(const json& j, const ValType* t) {
    auto v = value_from_json(j, t, "argument 1 `x`");
    EXPECT_FALSE(v.ok());
    return v.ok() ? "" : v.error().message;
  }
  std::deque<ValType> types_;
};

TEST_F(JsonValues, ResultsTuplesFlagsAndCharsRoundTrip) {
  const ValType* s = prim(TypeKind::String);
  const ValType* r = with(TypeKind::Result, prim(TypeKind::U32), s);
  EXPECT_EQ(round_trip(json::parse(R"({"ok": 3})"), r), json::parse(R"({"ok": 3})"));
  EXPECT_EQ(round_trip(json::parse(R"({"error": "no"})"), r), json::parse(R"({"error": "no"})"));
  const ValType* unit = with(TypeKind::Result, nullptr, nullptr);
  EXPECT_EQ(round_trip(json::parse(R"({"ok": null})"), unit), json::parse(R"({"ok": null})"));
  const ValType* t = tuple({s, prim(TypeKind::Bool), prim(TypeKind::S8)});
  EXPECT_EQ(round_trip(json::parse(R"(["a", true, -128])"), t),
            json::parse(R"(["a", true, -128])"));
  const ValType* f = labelled(TypeKind::Flags, "perms", {"read", "write", "exec"});
  EXPECT_EQ(round_trip(json::parse(R"(["exec", "read"])"), f), json::parse(R"(["read", "exec"])"));
  EXPECT_EQ(round_trip(json::parse("[]"), f), json::parse("[]"));
  const ValType* c = prim(TypeKind::Char);
  EXPECT_EQ(round_trip(json("✓"), c), json("✓"));
  EXPECT_EQ(round_trip(json("\U0001F600"), c), json("\U0001F600"));
  const ValType* o = with(TypeKind::Option, prim(TypeKind::F64));
  EXPECT_EQ(round_trip(json(nullptr), o), json(nullptr));
  EXPECT_EQ(round_trip(json(0.5), o), json(0.5));
  const ValType* u64 = prim(TypeKind::U64);
  EXPECT_EQ(round_trip(json(18446744073709551615u), u64), json(18446744073709551615u));
  const ValType* s64 = prim(TypeKind::S64);
  EXPECT_EQ(round_trip(json(-9223372036854775807LL - 1), s64), json(-9223372036854775807LL - 1));
}

TEST_F(JsonValues, MismatchesNameThePathAndTheExpectedType) {
  const ValType* s = prim(TypeKind::String);
  const ValType* r = with(TypeKind::Result, prim(TypeKind::U32), s);
  EXPECT_EQ(error_of(json::parse(R"({"ok": 1, "error": "x"})"), r),
            "argument 1 `x`: expected result<u32, string>, got an object: {\"ok\": value} or "
            "{\"error\": value}");
  EXPECT_EQ(error_of(json::parse(R"({"error": 1})"), r),
            "argument 1 `x`.error: expected string, got an integer (1)");
  const ValType* t = tuple({s, prim(TypeKind::Bool)});
  EXPECT_EQ(error_of(json::parse(R"(["a"])"), t),
            "argument 1 `x`: expected tuple<string, bool>, got an array: 1 elements");
  EXPECT_EQ(error_of(json::parse(R"(["a", 1])"), t),
            "argument 1 `x`[1]: expected bool, got an integer (1)");
  const ValType* f = labelled(TypeKind::Flags, "perms", {"read", "write"});
  EXPECT_EQ(error_of(json::parse(R"(["exec"])"), f),
            "argument 1 `x`: expected flags `perms`, got a string (\"exec\"): the flags are read, "
            "write");
  const ValType* c = prim(TypeKind::Char);
  EXPECT_EQ(error_of(json("ab"), c),
            "argument 1 `x`: expected char, got a string (\"ab\"): not exactly one Unicode "
            "scalar value");
  EXPECT_EQ(error_of(json(""), c),
            "argument 1 `x`: expected char, got a string (\"\"): not exactly one Unicode scalar "
            "value");
  EXPECT_EQ(error_of(json(128), prim(TypeKind::S8)),
            "argument 1 `x`: expected s8, got an integer (128): out of range");
  EXPECT_EQ(error_of(json(1e300), prim(TypeKind::F32)),
            "argument 1 `x`: expected f32, got a number (1e+300): out of range");
  EXPECT_EQ(error_of(json("1"), prim(TypeKind::U8)),
            "argument 1 `x`: expected u8, got a string (\"1\")");
}

TEST_F(JsonValues, FloatsJsonCannotHoldPrintAsStrings) {
  const ValType* f = prim(TypeKind::F64);
  EXPECT_EQ(value_to_json(ComponentValue::f64(std::numeric_limits<double>::infinity()), f), "inf");
  EXPECT_EQ(value_to_json(ComponentValue::f64(-std::numeric_limits<double>::infinity()), f),
            "-inf");
  EXPECT_EQ(value_to_json(ComponentValue::f64(std::nan("")), f), "nan");
}

}  // namespace
}  // namespace ironclad::zed
