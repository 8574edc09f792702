// Module decoding: every section, the section rules, and the spec's malformed cases.
#include <gtest/gtest.h>

#include "module_builder.h"
#include "wasm/decoder.h"

namespace ironclad::wasm {
namespace {

using namespace test;

std::string decode_error(Bytes b) {
  auto m = decode_module(std::move(b), "m.wasm");
  if (m.ok()) return "(ok)";
  EXPECT_EQ(m.error().kind, ErrorKind::Malformed);
  return m.error().message;
}

#define EXPECT_MALFORMED(bytes, phrase)                                        \
  do {                                                                         \
    std::string e_ = decode_error(bytes);                                      \
    EXPECT_NE(e_.find(phrase), std::string::npos) << "got: " << e_;            \
  } while (0)

TEST(Decoder, EmptyModule) {
  auto m = decode_module(header(), "m.wasm");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)->types.empty());
  EXPECT_TRUE((*m)->bodies.empty());
}

TEST(Decoder, HeaderErrors) {
  EXPECT_MALFORMED(Bytes{}, "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x01}), "unexpected end");
  EXPECT_MALFORMED((Bytes{0x00, 0x41, 0x53, 0x4D, 0x01, 0, 0, 0}), "magic header not detected");
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x02, 0, 0, 0}), "unknown binary version");
  EXPECT_EQ(decode_error(Bytes{0x00, 0x61, 0x73, 0x6D, 0x0D, 0, 0, 0}),
            "m.wasm: at offset 0x4: unknown binary version");
}

// A module using every section.
Bytes every_section() {
  return cat({
      header(),
      section(0, cat({name("before"), {1, 2, 3}})),
      section(1, vec({func_type({I32}, {I32}), func_type({}, {})})),
      section(2, vec({cat({name("env"), name("f"), {0x00, 0x00}}),
                      cat({name("env"), name("t"), {0x01, FUNCREF, 0x01, 0x01, 0x05}}),
                      cat({name("env"), name("m"), {0x02, 0x00, 0x01}}),
                      cat({name("env"), name("g"), {0x03, I32, 0x00}})})),
      section(3, vec({leb(0), leb(1)})),
      section(4, vec({{EXTERNREF, 0x00, 0x02}})),
      section(6, vec({{I64, 0x01, 0x42, 0x07, 0x0B}, {FUNCREF, 0x00, 0xD2, 0x02, 0x0B}})),
      section(7, vec({cat({name("add"), {0x00, 0x01}}), cat({name("mem"), {0x02, 0x00}})})),
      section(8, leb(2)),
      section(9, vec({{0x00, 0x41, 0x00, 0x0B, 0x01, 0x01},            // active, func indices
                      {0x01, 0x00, 0x01, 0x02},                        // passive
                      {0x03, 0x00, 0x01, 0x01},                        // declarative
                      {0x05, FUNCREF, 0x02, 0xD0, 0x70, 0x0B, 0xD2, 0x01, 0x0B},  // passive exprs
                      {0x06, 0x01, 0x41, 0x00, 0x0B, EXTERNREF, 0x01, 0xD0, 0x6F, 0x0B}})),
      section(12, leb(2)),
      section(10, vec({body({{2, I64}, {1, F32}}, {0x20, 0x00, 0x0B}), body({}, {0x0B})})),
      section(11, vec({cat({{0x00, 0x41, 0x10, 0x0B}, name("hi")}), cat({{0x01}, name("xyz")})})),
      section(0, cat({name("name"), section(0, name("mod")),
                      section(1, vec({cat({leb(1), name("add")}), cat({leb(2), name("start")})}))})),
  });
}

TEST(Decoder, EverySection) {
  auto r = decode_module(every_section(), "m.wasm");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Module& m = **r;
  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0].to_string(), "(i32) -> (i32)");
  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[1].kind, ExternKind::Table);
  EXPECT_EQ(m.imports[1].table.limits.max, 5u);
  EXPECT_EQ(m.num_imported_funcs, 1u);
  EXPECT_EQ(m.num_imported_tables, 1u);
  EXPECT_EQ(m.num_imported_memories, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);
  EXPECT_EQ(m.func_types, (std::vector<uint32_t>{0, 0, 1}));
  ASSERT_EQ(m.tables.size(), 2u);
  EXPECT_EQ(m.tables[1].elem_type, ValType::ExternRef);
  EXPECT_FALSE(m.tables[1].limits.max.has_value());
  ASSERT_EQ(m.globals.size(), 3u);
  EXPECT_TRUE(m.globals[1].type.mutable_);
  EXPECT_EQ(m.globals[1].init.bytes, (Bytes{0x42, 0x07}));
  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_EQ(m.find_export("mem")->kind, ExternKind::Memory);
  EXPECT_EQ(m.start, 2u);
  ASSERT_EQ(m.elements.size(), 5u);
  EXPECT_EQ(m.elements[0].mode, SegmentMode::Active);
  // The index form keeps the functions only (each a `ref.func`).
  EXPECT_TRUE(m.elements[0].items.empty());
  EXPECT_EQ(m.elements[0].func_indices, (std::vector<uint32_t>{1}));
  EXPECT_EQ(m.elements[0].size(), 1u);
  EXPECT_EQ(m.elements[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.elements[2].mode, SegmentMode::Declarative);
  EXPECT_EQ(m.elements[3].items.size(), 2u);
  EXPECT_EQ(m.elements[4].table_index, 1u);
  EXPECT_EQ(m.elements[4].elem_type, ValType::ExternRef);
  EXPECT_EQ(m.data_count, 2u);
  ASSERT_EQ(m.bodies.size(), 2u);
  EXPECT_EQ(m.bodies[0].num_locals, 3u);
  EXPECT_EQ(m.bodies[0].locals.size(), 2u);
  EXPECT_EQ(m.bytes[m.bodies[0].code_offset], 0x20);
  ASSERT_EQ(m.data.size(), 2u);
  EXPECT_EQ(m.data[0].bytes_size, 2u);
  EXPECT_EQ(m.bytes[m.data[0].bytes_offset], 'h');
  EXPECT_EQ(m.data[1].mode, SegmentMode::Passive);
  ASSERT_EQ(m.customs.size(), 2u);
  EXPECT_EQ(m.customs[0].name, "before");
  EXPECT_EQ(m.customs[0].size, 3u);
  EXPECT_EQ(m.module_name, "mod");
  EXPECT_EQ(m.function_display_name(1), "add");
  EXPECT_EQ(m.function_display_name(0), "func[0]");
  // ref.func 2 in a global, 1 in element segments, 1 exported; 0 nowhere.
  EXPECT_EQ(m.declared_func_refs, (std::vector<bool>{false, true, true}));
}

TEST(Decoder, SectionOrderAndDuplicates) {
  EXPECT_MALFORMED(cat({header(), section(3, vec({})), section(1, vec({}))}),
                   "unexpected content after last section");
  EXPECT_MALFORMED(cat({header(), section(1, vec({})), section(1, vec({}))}),
                   "unexpected content after last section");
  // The data count section goes before code, not after it.
  EXPECT_MALFORMED(cat({header(), section(10, vec({})), section(12, leb(0))}),
                   "unexpected content after last section");
  // Custom sections go anywhere.
  EXPECT_EQ(decode_error(cat({header(), section(0, name("a")), section(1, vec({})),
                              section(0, name("b"))})),
            "(ok)");
}

TEST(Decoder, SectionFraming) {
  EXPECT_MALFORMED(cat({header(), {0x0D, 0x00}}), "malformed section id");
  EXPECT_MALFORMED(cat({header(), {0x01, 0x05, 0x00}}), "length out of bounds");
  EXPECT_MALFORMED(cat({header(), section(1, {0x00, 0x00})}), "section size mismatch");
  EXPECT_MALFORMED(cat({header(), section(1, {0x02, 0x60, 0x00, 0x00})}),
                   "unexpected end of section or function");
  EXPECT_MALFORMED(cat({header(), {0x01}}), "unexpected end");
  EXPECT_MALFORMED(cat({header(), {0x00, 0x00}}), "unexpected end");  // custom, no name
  EXPECT_MALFORMED(cat({header(), section(0, {0x01, 0xFF})}), "malformed UTF-8 encoding");
}

TEST(Decoder, HugeCountsFailBeforeAllocating) {
  // 2^32-1 types, imports, functions, ... in a few bytes: rejected without a reservation.
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    std::string e = decode_error(cat({header(), section(id, leb(0xFFFFFFFF))}));
    EXPECT_NE(e.find("length out of bounds"), std::string::npos) << int(id) << ": " << e;
  }
  EXPECT_MALFORMED(cat({header(), section(1, {0x01, 0x60, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}),
                   "length out of bounds");
  // A count the module could hold but its section cannot: diagnosed on the following bytes.
  EXPECT_MALFORMED(cat({header(), section(1, {0x05, 0x60}), Bytes(20, 0x00)}),
                   "malformed function type (expected 0x60) (reading past the end of the section");
}

TEST(Decoder, ContentsRunningPastTheSectionEndAreDiagnosedAsTheSpecDoes) {
  // A function section of 3 bytes whose index LEB continues into the following bytes:
  // the reference decoder reads on and finds an over-long LEB.
  Bytes m = cat({header(), section(1, vec({func_type({}, {})})), {0x03, 0x03, 0x01, 0x80, 0x80},
                 {0x80, 0x80, 0x80, 0x00}});
  std::string e = decode_error(m);
  EXPECT_NE(e.find("integer representation too long"), std::string::npos) << e;
  EXPECT_NE(e.find("reading past the end of the section at offset 0x13"), std::string::npos) << e;
}

TEST(Decoder, TypesImportsAndKinds) {
  EXPECT_MALFORMED(cat({header(), section(1, vec({{0x61, 0x00, 0x00}}))}), "malformed function type");
  EXPECT_MALFORMED(cat({header(), section(1, vec({{0xE0, 0x7F, 0x00, 0x00}}))}),
                   "integer representation too long");
  EXPECT_MALFORMED(cat({header(), section(1, vec({{0x60, 0x01, 0x40, 0x00}}))}),
                   "malformed value type");
  EXPECT_MALFORMED(cat({header(), section(2, vec({cat({name("a"), name("b"), {0x04, 0x00}})}))}),
                   "malformed import kind");
  EXPECT_MALFORMED(cat({header(), section(2, vec({cat({name("a"), name("b"), {0x03, I32, 0x02}})}))}),
                   "malformed mutability");
  EXPECT_MALFORMED(cat({header(), section(4, vec({{0x7F, 0x00, 0x00}}))}), "malformed reference type");
  EXPECT_MALFORMED(cat({header(), section(7, vec({cat({name("a"), {0x04, 0x00}})}))}),
                   "malformed export kind");
}

TEST(Decoder, Limits) {
  EXPECT_MALFORMED(cat({header(), section(5, vec({{0x02, 0x00}}))}), "integer too large");
  EXPECT_MALFORMED(cat({header(), section(5, vec({{0x81, 0x00, 0x00}}))}),
                   "integer representation too long");
  EXPECT_MALFORMED(cat({header(), section(5, vec({{0x00, 0x82, 0x80, 0x80, 0x80, 0x70}}))}),
                   "integer too large");
  auto m = decode_module(cat({header(), section(5, vec({cat({{0x01}, leb(1), leb(65536)})}))}), "m");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->memories[0].limits.min, 1u);
  EXPECT_EQ((*m)->memories[0].limits.max, 65536u);
}

TEST(Decoder, FunctionAndCodeCounts) {
  Bytes types = section(1, vec({func_type({}, {})}));
  EXPECT_MALFORMED(cat({header(), types, section(3, vec({leb(0), leb(0)})),
                        section(10, vec({body({}, {0x0B})}))}),
                   "function and code section have inconsistent lengths");
  EXPECT_MALFORMED(cat({header(), types, section(3, vec({leb(0)}))}),
                   "function and code section have inconsistent lengths");
  EXPECT_MALFORMED(cat({header(), types, section(10, vec({body({}, {0x0B})}))}),
                   "function and code section have inconsistent lengths");
  // A body larger than its section.
  EXPECT_MALFORMED(cat({header(), types, section(3, vec({leb(0)})), section(10, {0x01, 0x05, 0x00, 0x0B})}),
                   "length out of bounds");
}

TEST(Decoder, TooManyLocals) {
  Bytes types = section(1, vec({func_type({}, {})}));
  Bytes code = cat({leb(2), leb(0xFFFFFFFF), {I32}, leb(2), {I64}, {0x0B}});
  EXPECT_MALFORMED(cat({header(), types, section(3, vec({leb(0)})),
                        section(10, cat({leb(1), leb(code.size()), code}))}),
                   "too many locals");
  // Within the limit is fine.
  auto m = decode_module(one_func(func_type({}, {}), {0x0B}, {{1000, I32}, {1000, V128}}), "m");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ((*m)->bodies[0].num_locals, 2000u);
}

TEST(Decoder, DataCount) {
  Bytes mem = section(5, vec({{0x00, 0x01}}));
  Bytes seg = cat({{0x01}, name("x")});
  EXPECT_MALFORMED(cat({header(), mem, section(12, leb(2)), section(11, vec({seg}))}),
                   "data count and data section have inconsistent lengths");
  EXPECT_MALFORMED(cat({header(), mem, section(12, leb(1))}),
                   "data count and data section have inconsistent lengths");
  EXPECT_EQ(decode_error(cat({header(), mem, section(12, leb(0))})), "(ok)");
  EXPECT_MALFORMED(cat({header(), mem, section(11, vec({{0x03}}))}), "malformed data segment kind");
  EXPECT_MALFORMED(cat({header(), mem, section(11, vec({{0x01, 0x05, 'a'}}))}), "length out of bounds");
  EXPECT_MALFORMED(cat({header(), mem, section(11, vec({{0x01, 0x03, 'a', 'b'}}))}), "unexpected end");
}

TEST(Decoder, ElementSegmentKinds) {
  EXPECT_MALFORMED(cat({header(), section(9, vec({{0x08}}))}), "malformed elements segment kind");
  EXPECT_MALFORMED(cat({header(), section(9, vec({{0x01, 0x01, 0x00}}))}), "malformed element kind");
  EXPECT_MALFORMED(cat({header(), section(9, vec({{0x05, 0x7F, 0x00}}))}), "malformed reference type");
  // A constant expression that runs off its section.
  EXPECT_MALFORMED(cat({header(), section(9, vec({{0x00, 0x41, 0x00}}))}), "unexpected end");
}

TEST(Decoder, MalformedNameSectionIsIgnored) {
  Bytes mod = one_func(func_type({}, {}), {0x0B});
  Bytes bad_names = section(0, cat({name("name"), {0x01, 0x10, 0x01}}));  // subsection overruns
  mod.insert(mod.end(), bad_names.begin(), bad_names.end());
  auto m = decode_module(mod, "m");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE((*m)->function_names.empty());
  EXPECT_EQ((*m)->customs.size(), 1u);
}

// Names are read in place (no copies); a name map out of the spec's index order is still
// used, sorted, and of an index named twice the later name counts.
TEST(Decoder, FunctionNamesInAnyOrderTheLaterNameCounts) {
  Bytes mod = one_func(func_type({}, {}), {0x0B});
  Bytes names = section(
      0, cat({name("name"), section(1, vec({cat({leb(2), name("b")}), cat({leb(0), name("zero")}),
                                            cat({leb(2), name("two")})}))}));
  mod.insert(mod.end(), names.begin(), names.end());
  auto m = decode_module(mod, "m");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ((*m)->function_names.size(), 2u);
  EXPECT_EQ((*m)->function_display_name(0), "zero");
  EXPECT_EQ((*m)->function_display_name(2), "two");
  EXPECT_EQ((*m)->function_display_name(1), "func[1]");
  EXPECT_FALSE((*m)->function_name(1).has_value());
}

TEST(Decoder, ErrorsSayWhereAndWhat) {
  std::string e = decode_error(cat({header(), section(1, vec({func_type({}, {})})),
                                    section(2, vec({cat({name("a"), name("b"), {0x00, 0x00}}),
                                                    cat({name("a"), name("c"), {0x07}})}))}));
  EXPECT_EQ(e, "m.wasm: import section, import 1 at offset 0x1b: malformed import kind 7");
}

}  // namespace
}  // namespace ironclad::wasm
