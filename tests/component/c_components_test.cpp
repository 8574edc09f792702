// Components built from C (tests/component/canon/canon.c, made into components of world
// ironclad:canon/canon by jco embed + jco new, once per string encoding) run in both tiers
// against a host written with the public ComponentLinker API: every value type crosses the
// boundary in both directions, strings in UTF-8, UTF-16 and latin1+UTF-16, resources of the
// guest and of the host with their destructors, and every canonical ABI rule for bad guest
// data traps with its message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "canon_fixture.h"

namespace ironclad::component {
namespace {

using namespace testing;
using ::testing::HasSubstr;
using V = ComponentValue;

// (encoding, tier)
class CComponent : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  void SetUp() override {
    std::string modules = npm_modules();
    if (modules.empty())
      GTEST_SKIP() << "the npm component tools are not installed (tools/npm/node_modules; "
                      "scripts/install-deps.sh installs them) or node is missing";
    file_ = canon_component(modules, encoding());
    ASSERT_FALSE(file_.empty());
    auto inst = canon_instance(file_, std::get<1>(GetParam()), host_);
    ASSERT_TRUE(inst.ok()) << inst.error().describe();
    instance_ = std::move(*inst);
  }
  const std::string& encoding() const { return std::get<0>(GetParam()); }

  V call(const std::string& name, std::vector<V> args) {
    auto r = instance_->call(kApi + name, std::move(args));
    if (!r.ok()) {
      ADD_FAILURE() << name << ": " << r.error().describe();
      return V::boolean(false);
    }
    if (!r->has_value()) return V::tuple({});
    return **r;
  }
  Error trap(const std::string& name, std::vector<V> args) {
    auto r = instance_->call(kApi + name, std::move(args));
    if (r.ok()) {
      ADD_FAILURE() << name << " returned " << (r->has_value() ? (*r)->to_string() : "nothing")
                    << " instead of trapping";
      return Error::make(ErrorKind::Internal, "no trap");
    }
    EXPECT_EQ(r.error().kind, ErrorKind::Trap) << r.error().describe();
    EXPECT_EQ(r.error().trap, TrapKind::CanonicalAbi) << r.error().describe();
    return r.error();
  }

  std::string file_;
  CanonHost host_;
  std::unique_ptr<ComponentInstanceImpl> instance_;
};

TEST_P(CComponent, ScalarsAtTheirEdgesCrossBothWays) {
  V out =
      call("scalars", {V::boolean(true), V::s8(-128), V::u8(255), V::s16(-32768), V::u16(65535),
                       V::s32(INT32_MAX), V::u32(UINT32_MAX), V::s64(INT64_MAX), V::u64(UINT64_MAX),
                       V::f32(1.5f), V::f64(-2.25), V::character(0x10ffff)});
  EXPECT_EQ(out, V::tuple({V::boolean(false), V::s8(-127), V::u8(0), V::s16(-32767), V::u16(0),
                           V::s32(INT32_MIN), V::u32(0), V::s64(INT64_MIN), V::u64(0), V::f32(3.0f),
                           V::f64(-4.5), V::character(0)}))
      << out.to_string();
  EXPECT_EQ(host_.calls, std::vector<std::string>{"h-scalars"});
  out = call("scalars",
             {V::boolean(false), V::s8(5), V::u8(0), V::s16(0), V::u16(1), V::s32(-1), V::u32(7),
              V::s64(-1), V::u64(1), V::f32(-0.0f), V::f64(1e308), V::character(0xd7ff)});
  EXPECT_EQ(render(out), "(true,6,1,1,2,0,8,0,2,f32:80000000,f64:7ff0000000000000,c:e000)");
}

// The deterministic profile: every NaN crossing the boundary becomes the canonical NaN, in
// both directions (CanonicalABI.md: canonicalize_nan32/64 when lifting, maybe_scramble_nan
// when lowering).
TEST_P(CComponent, NaNsAreCanonicalInBothDirections) {
  EXPECT_EQ(call("f32-from-bits", {V::u32(0x7fa00001)}).bits, 0x7fc00000u);
  EXPECT_EQ(call("f32-from-bits", {V::u32(0xffc12345)}).bits, 0x7fc00000u);
  EXPECT_EQ(call("f64-from-bits", {V::u64(0xfff0000000000abcull)}).bits, 0x7ff8000000000000ull);
  EXPECT_EQ(call("f32-from-bits", {V::u32(0x80000001)}).bits, 0x80000001u);  // not a NaN
  V payload32 = V::f32(0);
  payload32.bits = 0x7f800123;
  EXPECT_EQ(call("f32-bits", {payload32}).bits, 0x7fc00000u);
  V payload64 = V::f64(0);
  payload64.bits = 0xfff8000000000001ull;
  EXPECT_EQ(call("f64-bits", {payload64}).bits, 0x7ff8000000000000ull);
  EXPECT_EQ(call("f64-bits", {V::f64(-0.0)}).bits, 0x8000000000000000ull);
}

TEST_P(CComponent, StringsInTheComponentsEncoding) {
  for (std::string s : std::vector<std::string>{
           "", "a", "h\xc3\xa9llo \xc3\xbf", "\xe4\xb8\xad\xe6\x96\x87 \xd0\x96",
           "\xf0\x9f\x98\x80 astral \xf4\x8f\xbf\xbf", std::string(3000, 'x')}) {
    SCOPED_TRACE(s.substr(0, 40));
    EXPECT_EQ(call("str", {V::string(s)}), V::string(reversed(s) + "|" + s));
  }
  // The length word the guest receives: code units of its encoding; latin1+utf16 is latin1
  // while every character fits, else utf16 with the tag bit.
  const std::string latin = "h\xc3\xa9llo";       // 5 characters, 6 UTF-8 bytes
  const std::string cjk = "\xe4\xb8\xad!";        // 2 characters, 4 UTF-8 bytes
  const std::string astral = "\xf0\x9f\x98\x80";  // 1 character, a surrogate pair in UTF-16
  auto units = [&](const std::string& s) { return call("str-units", {V::string(s)}).as_u32(); };
  if (encoding() == "utf8") {
    EXPECT_EQ(units(latin), 6u);
    EXPECT_EQ(units(cjk), 4u);
    EXPECT_EQ(units(astral), 4u);
  } else if (encoding() == "utf16") {
    EXPECT_EQ(units(latin), 5u);
    EXPECT_EQ(units(cjk), 2u);
    EXPECT_EQ(units(astral), 2u);
  } else {
    EXPECT_EQ(units(latin), 5u);
    EXPECT_EQ(units(cjk), 0x80000002u);
    EXPECT_EQ(units(astral), 0x80000002u);
  }
  EXPECT_EQ(units(""), 0u);
}

TEST_P(CComponent, ListsRecordsVariantsEnumsFlagsOptionsResults) {
  EXPECT_EQ(render(call("bytes", {V::list({})})), "[0]");
  EXPECT_EQ(render(call("bytes", {V::list({V::u8(1), V::u8(0xff), V::u8(0x5a)})})), "[0,165,91,3]");
  V p1 = V::record({V::s32(INT32_MAX), V::f64(2.5), V::string("p\xc3\xa9")});
  V p2 = V::record({V::s32(-4), V::f64(-0.0), V::string("")});
  EXPECT_EQ(call("points", {V::list({p1, p2})}),
            V::list({CanonHost::point(p2), CanonHost::point(p1)}));
  EXPECT_EQ(call("points", {V::list({})}), V::list({}));
  for (V s : {V::variant(0), V::variant(1, V::f32(-1.25f)), V::variant(2, p1),
              V::variant(3, V::string("\xe2\x82\xac"))})
    EXPECT_EQ(call("e-shape", {s}), CanonHost::shape(s)) << s.to_string();
  for (uint32_t c = 0; c < 8; c++)
    EXPECT_EQ(call("e-color", {V::enumeration(c)}), V::enumeration((c + 1) % 8));
  for (uint32_t f = 0; f < 32; f++)
    EXPECT_EQ(call("e-perms", {V::flags(f)}), V::flags(f ^ 0b10101));
  EXPECT_EQ(call("opt", {V::none()}), V::some(V::none()));
  EXPECT_EQ(call("opt", {V::some(V::none())}), V::some(V::some(V::string("x"))));
  EXPECT_EQ(call("opt", {V::some(V::some(V::string("ab")))}), V::some(V::some(V::string("abab"))));
  EXPECT_EQ(call("opt", {V::some(V::some(V::string("")))}), V::none());
  EXPECT_EQ(call("res", {V::ok(V::u32(4000000000u))}), V::err(V::string("4000000000")));
  EXPECT_EQ(call("res", {V::err(V::string("\xe4\xb8\xad!"))}), V::ok(V::u32(2)));
  // bag flattens to 20 slots: passed through memory both ways, every kind nested inside.
  V bag = V::record({V::tuple({V::u8(255), V::string("ab\xc3\xa9"), V::s64(INT64_MIN + 1)}),
                     V::some(V::some(V::u32(7))), V::err(V::enumeration(6)), V::enumeration(3),
                     V::flags(0b11011), V::variant(2, p1),
                     V::list({V::some(V::s16(-3)), V::none(), V::some(V::s16(32767))}),
                     V::character(0xd7ff)});
  V expected = bag;
  expected.items[0] = V::tuple({V::u8(0),
                                V::string("\xc3\xa9"
                                          "ba"),
                                V::s64(INT64_MAX)});
  expected.items[6] = V::list({V::some(V::s16(32767)), V::none(), V::some(V::s16(-3))});
  expected.items[7] = V::character(0xe000);
  EXPECT_EQ(call("e-bag", {bag}), expected) << call("e-bag", {bag}).to_string();
}

// The guest's resource: constructor, methods through borrows, a take of the own handle that
// drops it inside (its destructor runs in the guest), and a drop by the host.
TEST_P(CComponent, GuestResourceWithDestructor) {
  V c = call("[constructor]counter", {V::s32(10)});
  ASSERT_EQ(c.kind, ComponentValueKind::Own);
  V borrowed = V::borrow(c.resource, c.rep());
  EXPECT_EQ(call("[method]counter.add", {borrowed, V::s32(5)}), V::s32(15));
  EXPECT_EQ(call("counter-get", {borrowed}), V::s32(15));
  EXPECT_EQ(call("counters-dropped", {}), V::u32(0));
  EXPECT_EQ(call("counter-take", {c}), V::s32(15));
  EXPECT_EQ(call("counters-dropped", {}), V::u32(1));
  V d = call("[constructor]counter", {V::s32(-1)});
  ASSERT_TRUE(instance_->drop(d).ok());
  EXPECT_EQ(call("counters-dropped", {}), V::u32(2));
  // The host holds the handles it received, as a component's table would: one it dropped or
  // moved into the component cannot be used, lent or dropped again (before, the guest got
  // the dangling representation and ran its destructor twice).
  for (const V& gone : {c, d}) {
    auto used =
        instance_->call(std::string(kApi) + "counter-get", {V::borrow(gone.resource, gone.rep())});
    ASSERT_FALSE(used.ok());
    EXPECT_EQ(used.error().kind, ErrorKind::Usage) << used.error().describe();
    EXPECT_THAT(used.error().message, HasSubstr("that the host does not hold"));
    auto dropped = instance_->drop(gone);
    ASSERT_FALSE(dropped.ok());
    EXPECT_EQ(dropped.error().kind, ErrorKind::Usage);
    auto moved = instance_->call(std::string(kApi) + "counter-take", {gone});
    EXPECT_FALSE(moved.ok());
  }
  EXPECT_EQ(call("counters-dropped", {}), V::u32(2));
  // A handle the host still holds keeps working.
  V e = call("[constructor]counter", {V::s32(3)});
  EXPECT_EQ(call("counter-get", {V::borrow(e.resource, e.rep())}), V::s32(3));
  EXPECT_EQ(call("counter-take", {e}), V::s32(3));
}

// The host's resource: made by the guest (constructor), lent to the host (borrow), dropped
// by the guest (the host's destructor runs); given to the guest as own and as borrow.
TEST_P(CComponent, HostResourceWithDestructor) {
  V made = call("blob-make", {V::list({V::u8(3), V::u8(4), V::u8(250)})});
  EXPECT_EQ(render(made), "(3,257,[3,4,250],1)");
  EXPECT_EQ(host_.drops, 1u);
  EXPECT_TRUE(host_.blobs.empty());
  V kept = host_.make_blob({1, 2});
  EXPECT_EQ(call("blob-peek", {V::borrow(host_.blob, kept.rep())}), V::u32(2));
  EXPECT_EQ(host_.drops, 1u);  // a borrow's drop ends the loan, not the resource
  EXPECT_EQ(call("blob-take", {kept}), V::u32(2));
  EXPECT_EQ(host_.drops, 2u);  // the guest owned it and dropped it
  EXPECT_TRUE(host_.blobs.empty());
}

// Every rule of the canonical ABI for bad data coming out of the guest.
TEST_P(CComponent, BadGuestDataTraps) {
  EXPECT_THAT(trap("bad-string", {V::u32(0)}).message,
              HasSubstr("string pointer/length out of bounds of memory"));
  std::string invalid = trap("bad-string", {V::u32(1)}).message;
  std::string misaligned = trap("bad-string", {V::u32(2)}).message;
  if (encoding() == "utf8") {
    EXPECT_THAT(invalid, HasSubstr("invalid utf-8"));
    EXPECT_THAT(misaligned, HasSubstr("string content out-of-bounds"));
  } else {
    EXPECT_THAT(invalid, HasSubstr("invalid utf-16"));
    EXPECT_THAT(misaligned, HasSubstr("unaligned pointer"));
  }
  EXPECT_THAT(trap("bad-char", {V::u32(0)}).message, HasSubstr("invalid `char` bit pattern"));
  EXPECT_THAT(trap("bad-char", {V::u32(1)}).message, HasSubstr("invalid `char` bit pattern"));
  EXPECT_THAT(trap("bad-shape", {}).message, HasSubstr("invalid variant discriminant"));
  EXPECT_THAT(trap("bad-color", {}).message, HasSubstr("invalid variant discriminant"));
  EXPECT_THAT(trap("bad-opt", {}).message, HasSubstr("invalid variant discriminant"));
  EXPECT_THAT(trap("bad-res", {}).message, HasSubstr("invalid variant discriminant"));
  EXPECT_THAT(trap("bad-points", {V::u32(0)}).message, HasSubstr("unaligned pointer"));
  EXPECT_THAT(trap("bad-points", {V::u32(1)}).message, HasSubstr("list content out-of-bounds"));
  EXPECT_THAT(trap("bad-points", {V::u32(2)}).message, HasSubstr("list content out-of-bounds"));
  EXPECT_THAT(trap("bad-counter", {}).message, HasSubstr("unknown handle index 99"));
  EXPECT_THAT(trap("bad-blob", {V::u32(0)}).message, HasSubstr("unknown handle index 42"));
  EXPECT_THAT(trap("bad-blob", {V::u32(1)}).message, HasSubstr("unknown handle index"));
  EXPECT_THAT(trap("bad-blob", {V::u32(2)}).message, HasSubstr("unknown handle index"));
  EXPECT_THAT(trap("bad-blob", {V::u32(3)}).message,
              HasSubstr("cannot remove owned resource while borrowed"));
  EXPECT_THAT(trap("bad-blob", {V::u32(4)}).message, HasSubstr("used with the wrong type"));
  V lent = host_.make_blob({9});
  EXPECT_THAT(trap("blob-keep", {V::borrow(host_.blob, lent.rep())}).message,
              HasSubstr("borrow handles still remain at the end of the call"));
  // Bad data in an import's arguments, a bad pointer for an import's result: the host
  // function is never called.
  host_.calls.clear();
  EXPECT_THAT(trap("bad-import", {V::u32(0)}).message,
              HasSubstr("string pointer/length out of bounds of memory"));
  if (encoding() == "utf8")
    EXPECT_THAT(trap("bad-import", {V::u32(1)}).message, HasSubstr("invalid utf-8"));
  EXPECT_THAT(trap("bad-import", {V::u32(3)}).message, HasSubstr("invalid variant discriminant"));
  EXPECT_TRUE(host_.calls.empty()) << host_.calls[0];
  // A misaligned result pointer for an import: the host ran, its answer cannot be stored.
  EXPECT_THAT(trap("bad-import", {V::u32(2)}).message, HasSubstr("unaligned pointer"));
}

std::string name(const ::testing::TestParamInfo<CComponent::ParamType>& info) {
  return std::get<0>(info.param) + "_" + std::get<1>(info.param);
}

INSTANTIATE_TEST_SUITE_P(Encodings, CComponent,
                         ::testing::Combine(::testing::Values("utf8", "utf16", "latin1"),
                                            ::testing::Values("interp", "jit")),
                         name);

}  // namespace
}  // namespace ironclad::component
