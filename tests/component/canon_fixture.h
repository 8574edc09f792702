// The C components of tests/component/canon (world ironclad:canon/canon, canon.wit): made
// with jco from the core modules CMake builds out of canon.c (one per string encoding), the
// host side of their `host` interface written against the public ComponentLinker API, an
// instance in either tier, and the one text rendering of values that the differential test
// compares with what jco + node print for the same calls (canon/run_calls.mjs renders alike).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/instance.h"
#include "component/loader.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "support/fixture_dir.h"
#include "test_env.h"

namespace ironclad::component::testing {

inline const char* kApi = "ironclad:canon/api#";
inline const char* kHost = "ironclad:canon/host";

// The string encodings canon.c is built for, as the fixtures are named.
inline const std::vector<std::string>& canon_encodings() {
  static const std::vector<std::string> all{"utf8", "utf16", "latin1"};
  return all;
}

// fixtures/canon_<encoding>.wasm, made from canon_<encoding>.core.wasm when missing or older
// (written under a temporary name and renamed: tests run in parallel processes).
inline std::string canon_component(const std::string& modules, const std::string& encoding) {
  std::string dir = ironclad::testing::fixture_dir();
  std::string core = dir + "/canon_" + encoding + ".core.wasm";
  std::string out = dir + "/canon_" + encoding + ".wasm";
  std::string wit = std::string(IRONCLAD_COMPONENT_TEST_CANON) + "/canon.wit";
  std::error_code ec;
  auto newest_input = std::max(fs::last_write_time(core, ec), fs::last_write_time(wit, ec));
  if (fs::exists(out, ec) && fs::last_write_time(out, ec) >= newest_input) return out;
  std::string tmp = out + "." + std::to_string(::getpid()) + ".tmp";
  RunResult r = run({"node", std::string(IRONCLAD_COMPONENT_TEST_CANON) + "/make_component.mjs",
                     modules, core, wit, encoding == "latin1" ? "compact-utf16" : encoding, tmp});
  if (r.status != 0) {
    ADD_FAILURE() << "making the " << encoding << " component failed: " << r.err;
    return "";
  }
  fs::rename(tmp, out, ec);
  return out;
}

inline std::unique_ptr<runtime::Tier> make_tier(const std::string& name) {
  if (name == "interp") return interp::make_interpreter();
  jit::JitConfig config;
  config.features = cpu::FeatureSet{cpu::X86::SSE2};
  config.host_verified = config.features;
  config.opt_level = 0;
  return jit::make_jit_tier(std::move(config));
}

// UTF-8 <-> code points (the host's strings are valid UTF-8: the ABI checked them).
inline std::vector<uint32_t> code_points(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); k++) cp = (cp << 6) | (s[i + k] & 0x3f);
    out.push_back(cp);
    i += n;
  }
  return out;
}

inline std::string utf8(const std::vector<uint32_t>& cps) {
  std::string s;
  for (uint32_t cp : cps) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xc0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xe0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      s += static_cast<char>(0xf0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      s += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return s;
}

inline std::string reversed(const std::string& s) {
  auto cps = code_points(s);
  std::reverse(cps.begin(), cps.end());
  return utf8(cps);
}

inline uint32_t next_char(uint32_t c) {
  c += 1;
  if (c == 0xd800) return 0xe000;
  if (c == 0x110000) return 0;
  return c;
}

// The text both hosts print for a value: integers in decimal, floats by their bits (every NaN
// as `nan`: which NaN is the engine's choice outside the deterministic profile), chars and
// strings by code point, aggregates bracketed, cases by index, flags as their bits.
inline std::string render(const ComponentValue& v) {
  using K = ComponentValueKind;
  char buf[40];
  auto join = [](const std::vector<ComponentValue>& items) {
    std::string s;
    for (size_t i = 0; i < items.size(); i++) s += (i ? "," : "") + render(items[i]);
    return s;
  };
  switch (v.kind) {
    case K::Bool:
      return v.as_bool() ? "true" : "false";
    case K::S8:
    case K::S16:
    case K::S32:
    case K::S64:
      return std::to_string(v.as_s64());
    case K::U8:
    case K::U16:
    case K::U32:
    case K::U64:
      return std::to_string(v.as_u64());
    case K::F32:
      if (std::isnan(v.as_f32())) return "nan";
      std::snprintf(buf, sizeof buf, "f32:%08x", v.as_u32());
      return buf;
    case K::F64:
      if (std::isnan(v.as_f64())) return "nan";
      std::snprintf(buf, sizeof buf, "f64:%016llx", static_cast<unsigned long long>(v.bits));
      return buf;
    case K::Char:
      std::snprintf(buf, sizeof buf, "c:%x", v.as_u32());
      return buf;
    case K::String: {
      std::string s = "\"";
      for (uint32_t cp : code_points(v.text)) {
        if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\') {
          s += static_cast<char>(cp);
        } else {
          std::snprintf(buf, sizeof buf, "\\u{%x}", cp);
          s += buf;
        }
      }
      return s + "\"";
    }
    case K::List:
      return "[" + join(v.items) + "]";
    case K::Record:
      return "{" + join(v.items) + "}";
    case K::Tuple:
      return "(" + join(v.items) + ")";
    case K::Variant:
    case K::Enum:
    case K::Option:
    case K::Result: {
      std::string s = "#" + std::to_string(v.discriminant());
      if (v.payload()) s += "(" + render(*v.payload()) + ")";
      return s;
    }
    case K::Flags:
      return "flags:" + std::to_string(v.as_u32());
    case K::Own:
    case K::Borrow:
      return "handle";
  }
  return "?";
}

// The host side of interface ironclad:canon/host; canon/host.mjs is the same for node.
struct CanonHost {
  ComponentLinker linker;
  const ResourceType* blob = nullptr;
  std::map<uint32_t, std::vector<uint8_t>> blobs;
  uint32_t next_rep = 1;
  uint32_t drops = 0;
  std::vector<std::string> calls;  // the names of the host functions called, in order

  CanonHost() {
    blob = linker.define_resource(kHost, "blob", [this](uint32_t rep) {
      blobs.erase(rep);
      drops++;
    });
    using V = ComponentValue;
    using Args = std::vector<ComponentValue>;
    auto def = [this](const char* name, std::function<std::optional<V>(Args&)> fn) {
      linker.define_function(kHost, name, [this, name, fn](Args& a) -> Result<std::optional<V>> {
        calls.push_back(name);
        return fn(a);
      });
    };
    def("h-scalars", [](Args& a) -> std::optional<V> {
      return V::tuple({V::boolean(!a[0].as_bool()), V::s8(static_cast<int8_t>(a[1].as_s64() + 1)),
                       V::u8(static_cast<uint8_t>(a[2].as_u64() + 1)),
                       V::s16(static_cast<int16_t>(a[3].as_s64() + 1)),
                       V::u16(static_cast<uint16_t>(a[4].as_u64() + 1)),
                       V::s32(static_cast<int32_t>(static_cast<uint32_t>(a[5].as_u64()) + 1)),
                       V::u32(a[6].as_u32() + 1), V::s64(static_cast<int64_t>(a[7].as_u64() + 1)),
                       V::u64(a[8].as_u64() + 1), V::f32(a[9].as_f32() * 2.0f),
                       V::f64(a[10].as_f64() * 2.0), V::character(next_char(a[11].as_u32()))});
    });
    def("h-str", [](Args& a) -> std::optional<V> { return V::string(reversed(a[0].text)); });
    def("h-bytes", [](Args& a) -> std::optional<V> {
      std::vector<V> out;
      for (auto it = a[0].items.rbegin(); it != a[0].items.rend(); ++it)
        out.push_back(V::u8(static_cast<uint8_t>(it->as_u64() ^ 0x5a)));
      return V::list(std::move(out));
    });
    def("h-points", [](Args& a) -> std::optional<V> {
      std::vector<V> out;
      for (auto it = a[0].items.rbegin(); it != a[0].items.rend(); ++it) out.push_back(point(*it));
      return V::list(std::move(out));
    });
    def("h-shape", [](Args& a) -> std::optional<V> { return shape(a[0]); });
    def("h-color",
        [](Args& a) -> std::optional<V> { return V::enumeration((a[0].discriminant() + 1) % 8); });
    def("h-perms", [](Args& a) -> std::optional<V> { return V::flags(a[0].as_u32() ^ 0b10101); });
    def("h-opt", [](Args& a) -> std::optional<V> {
      const V& o = a[0];
      if (o.discriminant() == 0) return V::some(V::none());
      const V& inner = *o.payload();
      if (inner.discriminant() == 0) return V::some(V::some(V::string("x")));
      const std::string& s = inner.payload()->text;
      if (s.empty()) return V::none();
      return V::some(V::some(V::string(s + s)));
    });
    def("h-res", [](Args& a) -> std::optional<V> {
      const V& r = a[0];
      if (r.discriminant() == 0) return V::err(V::string(std::to_string(r.payload()->as_u32())));
      return V::ok(V::u32(static_cast<uint32_t>(code_points(r.payload()->text).size())));
    });
    def("h-bag", [](Args& a) -> std::optional<V> {
      V b = a[0];
      V& t = b.items[0];
      t.items[0] = V::u8(static_cast<uint8_t>(t.items[0].as_u64() + 1));
      t.items[1] = V::string(reversed(t.items[1].text));
      t.items[2] = V::s64(static_cast<int64_t>(0 - t.items[2].as_u64()));
      std::reverse(b.items[6].items.begin(), b.items[6].items.end());
      b.items[7] = V::character(next_char(b.items[7].as_u32()));
      return b;
    });
    linker.define_function(kHost, "[constructor]blob", [this](Args& a) -> Result<std::optional<V>> {
      std::vector<uint8_t> data;
      for (const V& b : a[0].items) data.push_back(static_cast<uint8_t>(b.as_u64()));
      return std::optional<V>(make_blob(std::move(data)));
    });
    linker.define_function(kHost, "[method]blob.size", [this](Args& a) -> Result<std::optional<V>> {
      return std::optional<V>(V::u32(static_cast<uint32_t>(blobs[a[0].rep()].size())));
    });
    linker.define_function(kHost, "[method]blob.read", [this](Args& a) -> Result<std::optional<V>> {
      std::vector<V> out;
      for (uint8_t b : blobs[a[0].rep()]) out.push_back(V::u8(b));
      return std::optional<V>(V::list(std::move(out)));
    });
    def("h-blob-sum", [this](Args& a) -> std::optional<V> {
      uint32_t sum = 0;
      for (uint8_t b : blobs[a[0].rep()]) sum += b;
      return V::u32(sum);
    });
    def("h-blob-drops", [this](Args&) -> std::optional<V> { return V::u32(drops); });
    def("h-lend-then-take", [](Args&) -> std::optional<V> { return std::nullopt; });
  }

  ComponentValue make_blob(std::vector<uint8_t> data) {
    uint32_t rep = next_rep++;
    blobs[rep] = std::move(data);
    return ComponentValue::own(blob, rep);
  }

  static ComponentValue point(const ComponentValue& p) {
    using V = ComponentValue;
    return V::record({V::s32(static_cast<int32_t>(p.items[0].as_u32() + 1)),
                      V::f64(-p.items[1].as_f64()), V::string(p.items[2].text + "!")});
  }
  static ComponentValue shape(const ComponentValue& s) {
    using V = ComponentValue;
    switch (s.discriminant()) {
      case 0:
        return V::variant(3, V::string("none"));
      case 1:
        return V::variant(1, V::f32(s.payload()->as_f32() * 2.0f));
      case 2: {
        V p = *s.payload();
        p.items[0] = V::s32(static_cast<int32_t>(p.items[0].as_u32() + 1));
        return V::variant(2, p);
      }
      default:
        return V::variant(3, V::string(s.payload()->text + "?"));
    }
  }
};

// An instance of the `encoding` component in `tier`, linked to `host`.
inline Result<std::unique_ptr<ComponentInstanceImpl>> canon_instance(const std::string& file,
                                                                     const std::string& tier,
                                                                     CanonHost& host) {
  auto c = load_component_file(file);
  if (!c.ok()) return std::move(c).error();
  runtime::StoreLimits limits;
  limits.fuel = 2'000'000'000;
  return ComponentInstanceImpl::create(*c, host.linker,
                                       std::make_unique<runtime::Store>(make_tier(tier), limits));
}

}  // namespace ironclad::component::testing
