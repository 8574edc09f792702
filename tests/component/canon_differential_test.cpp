// The canonical ABI against jco's: the C components of tests/component/canon, the same
// generated calls, run by Ironclad in the interpreter and in the JIT and by jco transpile +
// node (canon/run_calls.mjs with canon/host.mjs as the host, which answers as CanonHost);
// every returned value is rendered as text and the texts must be equal, call by call.
// Inputs come from a seeded generator: integers at their edges and random, NaNs with
// payloads, empty, long and non-ASCII strings (every UTF-8 length, no surrogates), nested
// options and results, empty lists, every flag combination and every enum case.
//
// jco 1.35 cannot transpile a latin1+utf16 component (its bindgen asserts utf8 or utf16), so
// the latin1 component is compared with Ironclad's own utf8 run instead: the same calls must
// give the same values, except str-units (the code units the guest saw, which differ).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "canon_fixture.h"

namespace ironclad::component {
namespace {

using namespace testing;
using V = ComponentValue;
using json = nlohmann::json;

constexpr uint64_t kSeed = 0x1c0ffee5eed;

struct Call {
  std::string fn;
  std::vector<V> args;  // for blob-take/-peek: a list<u8>, the blob's bytes; for @counter: s32s
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  uint64_t bits() { return rng_(); }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool coin() { return rng_() & 1; }

  // An edge value of a `width`-bit integer half the time, else random bits.
  uint64_t integer(int width, bool is_signed) {
    uint64_t mask = width == 64 ? ~0ull : (1ull << width) - 1;
    uint64_t min = is_signed ? (1ull << (width - 1)) : 0;
    uint64_t max = is_signed ? min - 1 : mask;
    const uint64_t edges[] = {0, 1, mask, min, max, min + 1, max - 1, 2, 0x7f, 0x80};
    uint64_t v = coin() ? edges[below(10)] : bits();
    return v & mask;
  }
  uint32_t f32_bits(bool nan_ok) {
    const uint32_t edges[] = {0,          0x80000000, 1,          0x807fffff, 0x7f7fffff,
                              0x7f800000, 0xff800000, 0x3f800000, 0xc0490fdb, 0x7fc00000,
                              0x7fa00001, 0xffc12345, 0x7f800001};
    for (;;) {
      uint32_t v = coin() ? edges[below(13)] : static_cast<uint32_t>(bits());
      if (nan_ok || !is_nan32(v)) return v;
    }
  }
  uint64_t f64_bits(bool nan_ok) {
    const uint64_t edges[] = {0,
                              0x8000000000000000ull,
                              1,
                              0x7fefffffffffffffull,
                              0x7ff0000000000000ull,
                              0xfff0000000000000ull,
                              0x3ff0000000000000ull,
                              0x400921fb54442d18ull,
                              0x7ff8000000000000ull,
                              0x7ff4000000000001ull,
                              0xfff8000000abcdefull,
                              0x7ff0000000000001ull};
    for (;;) {
      uint64_t v = coin() ? edges[below(12)] : bits();
      if (nan_ok || !is_nan64(v)) return v;
    }
  }
  uint32_t code_point() {
    switch (below(6)) {
      case 0:
        return 0x20 + below(0x5f);  // printable ASCII
      case 1:
        return below(0x20);  // controls, NUL included
      case 2:
        return 0x80 + below(0x80);  // the rest of latin1
      case 3:
        return 0x100 + below(0xd800 - 0x100);  // BMP below the surrogates
      case 4:
        return 0xe000 + below(0x10000 - 0xe000);  // BMP above them
      default:
        return 0x10000 + below(0x110000 - 0x10000);  // astral
    }
  }
  std::string string() {
    uint32_t n;
    switch (below(8)) {
      case 0:
        n = 0;
        break;
      case 1:
        n = 1;
        break;
      case 2:
        n = 1000 + below(1500);
        break;  // long
      default:
        n = below(24);
    }
    bool ascii = below(4) == 0, latin1 = below(4) == 0;
    std::vector<uint32_t> cps;
    for (uint32_t i = 0; i < n; i++) {
      uint32_t cp = code_point();
      if (ascii)
        cp = 0x20 + cp % 0x5f;
      else if (latin1)
        cp %= 0x100;
      cps.push_back(cp);
    }
    return testing::utf8(cps);
  }
  V bytes(uint32_t max) {
    std::vector<V> out;
    uint32_t n = coin() ? 0 : below(max);
    for (uint32_t i = 0; i < n; i++) out.push_back(V::u8(static_cast<uint8_t>(bits())));
    return V::list(std::move(out));
  }
  V f64() {
    V v = V::f64(0);
    v.bits = f64_bits(true);
    return v;
  }
  V f32() {
    V v = V::f32(0);
    v.bits = f32_bits(true);
    return v;
  }
  V point() {
    return V::record({V::s32(static_cast<int32_t>(integer(32, true))), f64(), V::string(string())});
  }
  V shape() {
    switch (below(4)) {
      case 0:
        return V::variant(0);
      case 1:
        return V::variant(1, f32());
      case 2:
        return V::variant(2, point());
      default:
        return V::variant(3, V::string(string()));
    }
  }
  V option_option_string() {
    switch (below(3)) {
      case 0:
        return V::none();
      case 1:
        return V::some(V::none());
      default:
        return V::some(V::some(V::string(string())));
    }
  }
  V bag() {
    V o = below(3) == 0 ? V::none()
          : coin()      ? V::some(V::none())
                        : V::some(V::some(V::u32(static_cast<uint32_t>(integer(32, false)))));
    std::vector<V> l;
    for (uint32_t i = 0, n = below(6); i < n; i++)
      l.push_back(coin() ? V::none() : V::some(V::s16(static_cast<int16_t>(integer(16, true)))));
    return V::record({V::tuple({V::u8(static_cast<uint8_t>(integer(8, false))), V::string(string()),
                                V::s64(static_cast<int64_t>(integer(64, true)))}),
                      o, coin() ? V::ok(V::string(string())) : V::err(V::enumeration(below(8))),
                      V::enumeration(below(8)), V::flags(below(32)), shape(), V::list(std::move(l)),
                      V::character(code_point())});
  }

  static bool is_nan32(uint32_t b) { return (b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff); }
  static bool is_nan64(uint64_t b) {
    return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull);
  }

 private:
  std::mt19937_64 rng_;
};

std::vector<Call> generate_calls(uint64_t seed) {
  Generator g(seed);
  std::vector<Call> calls;
  auto add = [&](std::string fn, std::vector<V> args) { calls.push_back({fn, std::move(args)}); };
  for (int i = 0; i < 60; i++) {
    V f32 = V::f32(0), f64 = V::f64(0);
    f32.bits = g.f32_bits(true);
    f64.bits = g.f64_bits(true);
    add("scalars",
        {V::boolean(g.coin()), V::s8(static_cast<int8_t>(g.integer(8, true))),
         V::u8(static_cast<uint8_t>(g.integer(8, false))),
         V::s16(static_cast<int16_t>(g.integer(16, true))),
         V::u16(static_cast<uint16_t>(g.integer(16, false))),
         V::s32(static_cast<int32_t>(g.integer(32, true))),
         V::u32(static_cast<uint32_t>(g.integer(32, false))),
         V::s64(static_cast<int64_t>(g.integer(64, true))), V::u64(g.integer(64, false)), f32, f64,
         V::character(i == 0   ? 0x10ffff
                      : i == 1 ? 0xd7ff
                               : g.code_point())});
  }
  // Which NaN a guest sees is the engine's choice outside the deterministic profile (jco
  // passes payloads through): f32-bits and f64-bits get no NaNs; their results show bits.
  for (int i = 0; i < 30; i++) {
    V f32 = V::f32(0), f64 = V::f64(0);
    f32.bits = g.f32_bits(false);
    f64.bits = g.f64_bits(false);
    add("f32-bits", {f32});
    add("f64-bits", {f64});
    add("f32-from-bits", {V::u32(g.f32_bits(true))});
    add("f64-from-bits", {V::u64(g.f64_bits(true))});
  }
  for (int i = 0; i < 60; i++) {
    std::string s = g.string();
    add("str", {V::string(s)});
    add("str-units", {V::string(s)});
  }
  for (int i = 0; i < 20; i++) add("bytes", {g.bytes(300)});
  for (int i = 0; i < 20; i++) {
    std::vector<V> points;
    for (uint32_t k = 0, n = g.coin() ? 0 : g.below(6); k < n; k++) points.push_back(g.point());
    add("points", {V::list(std::move(points))});
  }
  for (int i = 0; i < 30; i++) add("e-shape", {g.shape()});
  for (uint32_t c = 0; c < 8; c++) add("e-color", {V::enumeration(c)});
  for (uint32_t f = 0; f < 32; f++) add("e-perms", {V::flags(f)});
  for (int i = 0; i < 20; i++) add("opt", {g.option_option_string()});
  for (int i = 0; i < 20; i++)
    add("res", {g.coin() ? V::ok(V::u32(static_cast<uint32_t>(g.integer(32, false))))
                         : V::err(V::string(g.string()))});
  for (int i = 0; i < 30; i++) add("e-bag", {g.bag()});
  for (int i = 0; i < 8; i++) {
    add("blob-make", {g.bytes(40)});
    add("blob-take", {g.bytes(40)});
    add("blob-peek", {g.bytes(40)});
  }
  for (int i = 0; i < 5; i++) {
    std::vector<V> args;
    for (int k = 0; k < 4; k++) args.push_back(V::s32(static_cast<int32_t>(g.integer(32, true))));
    add("@counter", std::move(args));
  }
  return calls;
}

// The calls as run_calls.mjs reads them: integers as decimal strings, floats as their bits,
// chars as code points, cases as {c, v}, flags and enums as numbers.
json to_json(const V& v) {
  using K = ComponentValueKind;
  switch (v.kind) {
    case K::Bool:
      return v.as_bool();
    case K::S8:
    case K::S16:
    case K::S32:
    case K::S64:
      return std::to_string(v.as_s64());
    case K::U8:
    case K::U16:
    case K::U32:
    case K::U64:
    case K::F32:
    case K::F64:
      return std::to_string(v.as_u64());
    case K::Char:
    case K::Enum:
    case K::Flags:
      return v.as_u32();
    case K::String:
      return v.text;
    case K::List:
    case K::Record:
    case K::Tuple: {
      json a = json::array();
      for (const V& x : v.items) a.push_back(to_json(x));
      return a;
    }
    case K::Variant:
    case K::Option:
    case K::Result: {
      json o = {{"c", v.discriminant()}};
      if (v.payload()) o["v"] = to_json(*v.payload());
      return o;
    }
    default:
      return nullptr;
  }
}

std::vector<uint8_t> bytes_of(const V& list) {
  std::vector<uint8_t> out;
  for (const V& b : list.items) out.push_back(static_cast<uint8_t>(b.as_u64()));
  return out;
}

// Ironclad's line for each call, in `tier`.
std::vector<std::string> run_ironclad(const std::string& file, const std::string& tier,
                                      const std::vector<Call>& calls) {
  CanonHost host;
  auto inst = canon_instance(file, tier, host);
  if (!inst.ok()) {
    ADD_FAILURE() << inst.error().describe();
    return {};
  }
  ComponentInstanceImpl& instance = **inst;
  auto call = [&](const std::string& fn, std::vector<V> args) -> Result<V> {
    auto r = instance.call(kApi + fn, std::move(args));
    if (!r.ok()) return std::move(r).error();
    return r->has_value() ? **r : V::tuple({});
  };
  std::vector<std::string> lines;
  for (const Call& c : calls) {
    Result<std::string> line = [&]() -> Result<std::string> {
      if (c.fn == "blob-take") {
        IRONCLAD_TRY_ASSIGN(V r, call(c.fn, {host.make_blob(bytes_of(c.args[0]))}));
        return render(r);
      }
      if (c.fn == "blob-peek") {
        V blob = host.make_blob(bytes_of(c.args[0]));
        IRONCLAD_TRY_ASSIGN(V r, call(c.fn, {V::borrow(host.blob, blob.rep())}));
        return render(r);
      }
      if (c.fn == "@counter") {
        IRONCLAD_TRY_ASSIGN(V counter, call("[constructor]counter", {c.args[0]}));
        V borrowed = V::borrow(counter.resource, counter.rep());
        IRONCLAD_TRY_ASSIGN(V r1, call("[method]counter.add", {borrowed, c.args[1]}));
        IRONCLAD_TRY_ASSIGN(V r2, call("[method]counter.add", {borrowed, c.args[2]}));
        IRONCLAD_TRY_ASSIGN(V got, call("counter-get", {borrowed}));
        IRONCLAD_TRY_ASSIGN(V taken, call("counter-take", {counter}));
        IRONCLAD_TRY_ASSIGN(V dropped, call("counters-dropped", {}));
        IRONCLAD_TRY_ASSIGN(V other, call("[constructor]counter", {c.args[3]}));
        IRONCLAD_TRY(instance.drop(other));
        IRONCLAD_TRY_ASSIGN(V dropped2, call("counters-dropped", {}));
        return "(" + render(r1) + "," + render(r2) + "," + render(got) + "," + render(taken) + "," +
               render(dropped) + "," + render(dropped2) + ")";
      }
      IRONCLAD_TRY_ASSIGN(V r, call(c.fn, c.args));
      return render(r);
    }();
    lines.push_back(line.ok() ? *line : "trap: " + line.error().message);
  }
  return lines;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string describe_call(const Call& c) {
  std::string s = c.fn + "(";
  for (size_t i = 0; i < c.args.size(); i++) s += (i ? ", " : "") + render(c.args[i]);
  return s + ")";
}

// Compares two runs line by line; reports the first few differences with their calls.
void expect_same(const std::vector<Call>& calls, const std::vector<std::string>& expected,
                 const std::vector<std::string>& actual, const std::string& what,
                 bool skip_units = false) {
  ASSERT_EQ(expected.size(), calls.size());
  ASSERT_EQ(actual.size(), calls.size()) << what;
  int reported = 0;
  for (size_t i = 0; i < calls.size() && reported < 5; i++) {
    if (skip_units && calls[i].fn == "str-units") continue;
    if (expected[i] != actual[i]) {
      ADD_FAILURE() << what << ", call " << i << ": " << describe_call(calls[i]).substr(0, 400)
                    << "\n  expected: " << expected[i].substr(0, 400)
                    << "\n  actual:   " << actual[i].substr(0, 400);
      reported++;
    }
  }
}

class CanonDifferential : public ::testing::TestWithParam<std::string> {};

TEST_P(CanonDifferential, BothTiersReturnWhatJcoReturns) {
  IRONCLAD_REQUIRE_NPM_TOOLS(modules);
  const std::string& encoding = GetParam();
  std::string file = canon_component(modules, encoding);
  ASSERT_FALSE(file.empty());
  std::vector<Call> calls = generate_calls(kSeed);
  std::vector<std::string> interp = run_ironclad(file, "interp", calls);
  std::vector<std::string> jit = run_ironclad(file, "jit", calls);
  for (const std::string& line : interp) ASSERT_EQ(line.find("trap"), std::string::npos) << line;
  expect_same(calls, interp, jit, "jit against interp");

  if (encoding == "latin1") {
    std::string utf8_file = canon_component(modules, "utf8");
    ASSERT_FALSE(utf8_file.empty());
    expect_same(calls, run_ironclad(utf8_file, "interp", calls), interp,
                "latin1+utf16 against utf8 (jco cannot transpile latin1+utf16)", true);
    return;
  }

  // jco transpile into the build directory, then node runs the calls.
  fs::path out = fs::path(ironclad::testing::fixture_dir()) / "canon-jco" / encoding;
  std::error_code ec;
  if (!fs::exists(out / "canon.js", ec) ||
      fs::last_write_time(out / "canon.js", ec) < fs::last_write_time(file, ec)) {
    fs::path tmp = out.string() + "." + std::to_string(::getpid());
    RunResult t =
        run({modules + "/.bin/jco", "transpile", file, "-o", tmp.string(), "--name", "canon", "-q",
             "--no-typescript", "-M",
             std::string("ironclad:canon/host=") + IRONCLAD_COMPONENT_TEST_CANON + "/host.mjs"});
    ASSERT_EQ(t.status, 0) << "jco transpile: " << t.err;
    fs::remove_all(out, ec);
    fs::rename(tmp, out, ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  fs::path calls_file = out.string() + "." + std::to_string(::getpid()) + ".calls.json";
  {
    json j = json::array();
    for (const Call& c : calls) {
      json args = json::array();
      for (const V& a : c.args) args.push_back(to_json(a));
      j.push_back({{"fn", c.fn}, {"args", args}});
    }
    std::ofstream(calls_file) << j.dump();
  }
  RunResult r = run({"node", std::string(IRONCLAD_COMPONENT_TEST_CANON) + "/run_calls.mjs",
                     (out / "canon.js").string(), calls_file.string()});
  if (!std::getenv("CANON_KEEP_CALLS")) fs::remove(calls_file, ec);
  ASSERT_EQ(r.status, 0) << r.err;
  expect_same(calls, split_lines(r.out), interp, "Ironclad (interp) against jco");
}

INSTANTIATE_TEST_SUITE_P(Encodings, CanonDifferential,
                         ::testing::Values("utf8", "utf16", "latin1"));

}  // namespace
}  // namespace ironclad::component
