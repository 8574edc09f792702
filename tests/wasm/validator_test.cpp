// Validation: module rules and the operand/control stack typing of function bodies.
#include <gtest/gtest.h>

#include "module_builder.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace ironclad::wasm {
namespace {

using namespace test;

// "(ok)", or the error message; decode errors are prefixed "decode: ".
std::string check(Bytes b, ErrorKind expected_kind = ErrorKind::Invalid) {
  auto m = decode_module(std::move(b), "v.wasm");
  if (!m.ok()) return "decode: " + m.error().message;
  auto r = validate_module(**m, "v.wasm");
  if (r.ok()) return "(ok)";
  EXPECT_EQ(r.error().kind, expected_kind) << r.error().message;
  return r.error().message;
}

#define EXPECT_VALID(bytes) EXPECT_EQ(check(bytes), "(ok)")
#define EXPECT_INVALID(bytes, phrase)                                  \
  do {                                                                 \
    std::string e_ = check(bytes);                                     \
    EXPECT_NE(e_.find(phrase), std::string::npos) << "got: " << e_;    \
  } while (0)

Bytes void_type() { return func_type({}, {}); }
Bytes mem1() { return section(5, vec({{0x00, 0x01}})); }

TEST(Validator, SimpleFunctions) {
  EXPECT_VALID(one_func(func_type({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}));
  EXPECT_VALID(one_func(void_type(), {0x0B}));
  EXPECT_INVALID(one_func(func_type({}, {I32}), {0x0B}), "type mismatch");
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x01, 0x0B}), "type mismatch");
}

TEST(Validator, TypeMismatchMessageSaysWhereAndWhat) {
  std::string e = check(one_func(func_type({}, {I32}), {0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B}));
  EXPECT_EQ(e, "v.wasm: code section, function 0 at offset 0x21 (end): type mismatch: expected i32, got f64");
}

TEST(Validator, Locals) {
  EXPECT_VALID(one_func(void_type(), {0x20, 0x01, 0x21, 0x00, 0x0B}, {{2, I64}}));
  EXPECT_INVALID(one_func(void_type(), {0x20, 0x02, 0x1A, 0x0B}, {{2, I64}}), "unknown local 2");
  EXPECT_INVALID(one_func(func_type({I32}, {}), {0x42, 0x00, 0x21, 0x00, 0x0B}), "type mismatch");
  EXPECT_VALID(one_func(func_type({F32}, {F32}), {0x43, 0, 0, 0, 0, 0x22, 0x00, 0x0B}));
}

TEST(Validator, Globals) {
  Bytes globals = section(6, vec({{I32, 0x00, 0x41, 0x00, 0x0B}, {I64, 0x01, 0x42, 0x00, 0x0B}}));
  EXPECT_VALID(one_func(void_type(), {0x23, 0x00, 0x1A, 0x42, 0x01, 0x24, 0x01, 0x0B}, {}, globals));
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x01, 0x24, 0x00, 0x0B}, {}, globals), "global is immutable");
  EXPECT_INVALID(one_func(void_type(), {0x23, 0x02, 0x1A, 0x0B}, {}, globals), "unknown global 2");
}

TEST(Validator, ConstantExpressions) {
  auto with_globals = [](Bytes imports, Bytes globals) {
    return cat({header(), imports, section(6, globals)});
  };
  EXPECT_VALID(with_globals({}, vec({{V128, 0x00, 0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B}})));
  EXPECT_INVALID(with_globals({}, vec({{I32, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B}})),
                 "constant expression required");
  EXPECT_INVALID(with_globals({}, vec({{I32, 0x00, 0x01, 0x41, 0x00, 0x0B}})),
                 "constant expression required");
  EXPECT_INVALID(with_globals({}, vec({{I32, 0x00, 0x42, 0x00, 0x0B}})), "type mismatch");
  EXPECT_INVALID(with_globals({}, vec({{I32, 0x00, 0x0B}})), "type mismatch");
  EXPECT_INVALID(with_globals({}, vec({{I32, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0B}})), "type mismatch");
  // global.get sees imported immutable globals only.
  Bytes imported = section(2, vec({cat({name("m"), name("g"), {0x03, I32, 0x00}}),
                                   cat({name("m"), name("h"), {0x03, I32, 0x01}})}));
  EXPECT_VALID(with_globals(imported, vec({{I32, 0x00, 0x23, 0x00, 0x0B}})));
  EXPECT_INVALID(with_globals(imported, vec({{I32, 0x00, 0x23, 0x01, 0x0B}})),
                 "constant expression required");
  EXPECT_INVALID(with_globals({}, vec({{I32, 0x00, 0x41, 0x00, 0x0B}, {I32, 0x00, 0x23, 0x00, 0x0B}})),
                 "unknown global 0");
  EXPECT_INVALID(with_globals({}, vec({{FUNCREF, 0x00, 0xD2, 0x00, 0x0B}})), "unknown function 0");
}

TEST(Validator, LimitsAndMemories) {
  EXPECT_INVALID(cat({header(), section(5, vec({{0x01, 0x02, 0x01}}))}),
                 "size minimum must not be greater than maximum");
  EXPECT_INVALID(cat({header(), section(4, vec({{FUNCREF, 0x01, 0x02, 0x01}}))}),
                 "size minimum must not be greater than maximum");
  EXPECT_INVALID(cat({header(), section(5, vec({cat({{0x00}, leb(65537)})}))}),
                 "memory size must be at most 65536 pages (4GiB)");
  EXPECT_INVALID(cat({header(), section(5, vec({cat({{0x01, 0x00}, leb(65537)})}))}),
                 "memory size must be at most 65536 pages (4GiB)");
  EXPECT_VALID(cat({header(), section(5, vec({cat({{0x01}, leb(65536), leb(65536)})}))}));
  EXPECT_INVALID(cat({header(), section(5, vec({{0x00, 0x00}, {0x00, 0x00}}))}), "multiple memories");
  EXPECT_INVALID(cat({header(), section(2, vec({cat({name("a"), name("b"), {0x02, 0x00, 0x00}})})),
                      section(5, vec({{0x00, 0x00}}))}),
                 "multiple memories");
  // Several tables are fine in 2.0.
  EXPECT_VALID(cat({header(), section(4, vec({{FUNCREF, 0x00, 0x00}, {EXTERNREF, 0x00, 0x00}}))}));
}

TEST(Validator, ExportsAndStart) {
  Bytes base = cat({header(), section(1, vec({void_type(), func_type({I32}, {})})),
                    section(3, vec({leb(0), leb(1)}))});
  Bytes code = section(10, vec({body({}, {0x0B}), body({}, {0x0B})}));
  EXPECT_VALID(cat({base, section(7, vec({cat({name("a"), {0x00, 0x00}}), cat({name("b"), {0x00, 0x00}})})), code}));
  EXPECT_INVALID(cat({base, section(7, vec({cat({name("a"), {0x00, 0x00}}), cat({name("a"), {0x00, 0x01}})})), code}),
                 "duplicate export name");
  EXPECT_EQ(check(cat({base, section(7, vec({cat({name("a"), {0x00, 0x00}}), cat({name("a"), {0x00, 0x01}})})), code})),
            "v.wasm: export section, export \"a\": duplicate export name");
  EXPECT_INVALID(cat({base, section(7, vec({cat({name("a"), {0x00, 0x02}})})), code}), "unknown function 2");
  EXPECT_INVALID(cat({base, section(7, vec({cat({name("a"), {0x01, 0x00}})})), code}), "unknown table 0");
  EXPECT_INVALID(cat({base, section(7, vec({cat({name("a"), {0x02, 0x00}})})), code}), "unknown memory 0");
  EXPECT_INVALID(cat({base, section(7, vec({cat({name("a"), {0x03, 0x00}})})), code}), "unknown global 0");
  EXPECT_VALID(cat({base, section(8, leb(0)), code}));
  EXPECT_INVALID(cat({base, section(8, leb(1)), code}), "start function");
  EXPECT_INVALID(cat({base, section(8, leb(5)), code}), "unknown function 5");
  EXPECT_INVALID(cat({header(), section(3, vec({leb(0)})), section(10, vec({body({}, {0x0B})}))}),
                 "unknown type 0");
}

TEST(Validator, Blocks) {
  // block (result i32) i32.const 1 end drop
  EXPECT_VALID(one_func(void_type(), {0x02, I32, 0x41, 0x01, 0x0B, 0x1A, 0x0B}));
  EXPECT_INVALID(one_func(void_type(), {0x02, I32, 0x0B, 0x1A, 0x0B}), "type mismatch");
  // A block cannot see values from outside.
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x01, 0x02, 0x40, 0x1A, 0x0B, 0x0B}), "type mismatch");
  // Multi-value with a type index: (i32 i32) -> (i64 i32)
  Bytes types = section(1, vec({void_type(), func_type({I32, I32}, {I64, I32})}));
  Bytes rest = cat({section(3, vec({leb(0)}))});
  auto mod = [&](Bytes code) {
    return cat({header(), types, rest, section(10, vec({body({}, code)}))});
  };
  EXPECT_VALID(mod({0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0xAC, 0x41, 0x00, 0x0B, 0x1A, 0x1A, 0x0B}));
  EXPECT_INVALID(mod({0x41, 0x01, 0x02, 0x01, 0x0B, 0x1A, 0x1A, 0x0B}), "type mismatch");
  EXPECT_INVALID(mod({0x02, 0x07, 0x0B, 0x0B}), "unknown type 7");
  // loop's label takes the parameters: br 0 in a loop with params needs them.
  EXPECT_VALID(mod({0x41, 0x01, 0x41, 0x02, 0x03, 0x01, 0x0C, 0x00, 0x0B, 0x1A, 0x1A, 0x0B}));
}

TEST(Validator, IfElse) {
  // i32.const 1 if (result i32) i32.const 2 else i32.const 3 end drop
  EXPECT_VALID(one_func(void_type(), {0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0B, 0x1A, 0x0B}));
  // if with a result needs an else.
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x0B, 0x1A, 0x0B}), "type mismatch");
  // condition must be i32.
  EXPECT_INVALID(one_func(void_type(), {0x42, 0x01, 0x04, 0x40, 0x0B, 0x0B}), "type mismatch");
  // else branch types are checked too.
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x05, 0x42, 0x03, 0x0B, 0x1A, 0x0B}),
                 "type mismatch");
  // else outside if is malformed.
  EXPECT_NE(check(one_func(void_type(), {0x02, 0x40, 0x05, 0x0B, 0x0B}), ErrorKind::Malformed)
                .find("END opcode expected (else outside an if)"),
            std::string::npos);
}

TEST(Validator, Branches) {
  EXPECT_VALID(one_func(func_type({}, {I32}), {0x41, 0x01, 0x0C, 0x00, 0x0B}));
  EXPECT_INVALID(one_func(void_type(), {0x0C, 0x01, 0x0B}), "unknown label 1");
  EXPECT_INVALID(one_func(func_type({}, {I32}), {0x0C, 0x00, 0x0B}), "type mismatch");
  // br_if keeps the value: block (result i32) i32.const 1 i32.const 0 br_if 0 end
  EXPECT_VALID(one_func(func_type({}, {I32}), {0x02, I32, 0x41, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B, 0x0B}));
  EXPECT_INVALID(one_func(func_type({}, {I32}), {0x02, I32, 0x41, 0x01, 0x0D, 0x00, 0x0B, 0x0B}), "type mismatch");
  // return
  EXPECT_VALID(one_func(func_type({}, {I64}), {0x42, 0x01, 0x0F, 0x0B}));
  EXPECT_INVALID(one_func(func_type({}, {I64}), {0x41, 0x01, 0x0F, 0x0B}), "type mismatch");
}

TEST(Validator, BrTable) {
  // block (result i32) block (result i32) i32.const 1 i32.const 0 br_table 0 1 end end
  EXPECT_VALID(one_func(func_type({}, {I32}),
                        {0x02, I32, 0x02, I32, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x0B, 0x0B}));
  // Arity differs between targets.
  EXPECT_INVALID(one_func(void_type(),
                          {0x02, 0x40, 0x02, I32, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x0B, 0x0B}),
                 "type mismatch");
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x00, 0x0E, 0x01, 0x00, 0x05, 0x0B}), "unknown label 5");
  // In unreachable code a target's types need not match the others' exact types, only arity.
  EXPECT_VALID(one_func(void_type(), {0x02, 0x7F, 0x02, 0x7E, 0x00, 0x0E, 0x01, 0x00, 0x01,
                                      0x0B, 0x1A, 0x41, 0x00, 0x0B, 0x1A, 0x0B}));
}

TEST(Validator, PolymorphicStack) {
  // unreachable then any operator: the stack supplies what is needed.
  EXPECT_VALID(one_func(func_type({}, {I32}), {0x00, 0x6A, 0x0B}));
  EXPECT_VALID(one_func(func_type({}, {I32}), {0x00, 0x1A, 0x1A, 0x41, 0x01, 0x0B}));
  EXPECT_VALID(one_func(void_type(), {0x00, 0x1B, 0x1A, 0x0B}));  // select of unknowns
  EXPECT_VALID(one_func(func_type({}, {F64}), {0x00, 0x0F, 0x0B}));
  EXPECT_INVALID(one_func(func_type({}, {F64}), {0x0F, 0x0B}), "type mismatch");
  EXPECT_VALID(one_func(func_type({}, {I32}), {0x02, 0x40, 0x0C, 0x00, 0x0B, 0x00, 0x0B}));
  // Known values on the stack are still checked.
  EXPECT_INVALID(one_func(func_type({}, {I32}), {0x00, 0x42, 0x00, 0x6A, 0x0B}), "type mismatch");
  // Unreachability ends with the block: after it the stack is exact again.
  EXPECT_INVALID(one_func(void_type(), {0x02, 0x40, 0x00, 0x0B, 0x1A, 0x0B}), "type mismatch");
  // Values pushed after unreachable must match the block's results.
  EXPECT_INVALID(one_func(func_type({}, {I32}), {0x00, 0x42, 0x00, 0x0B}), "type mismatch");
  // ... and no extra values may be left.
  EXPECT_INVALID(one_func(void_type(), {0x00, 0x41, 0x00, 0x0B}), "type mismatch");
}

TEST(Validator, Select) {
  EXPECT_VALID(one_func(void_type(), {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x1A, 0x0B}));
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1B, 0x1A, 0x0B}), "type mismatch");
  // Untyped select may not pick references.
  EXPECT_INVALID(one_func(void_type(), {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A, 0x0B}), "type mismatch");
  EXPECT_VALID(one_func(void_type(), {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70, 0x1A, 0x0B}));
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x02, I32, I32, 0x1A, 0x0B}),
                 "invalid result arity");
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x00, 0x0B}),
                 "invalid result arity");
}

TEST(Validator, Calls) {
  Bytes types = section(1, vec({func_type({I32}, {I64}), void_type()}));
  Bytes funcs = section(3, vec({leb(0), leb(1)}));
  Bytes table = section(4, vec({{FUNCREF, 0x00, 0x01}}));
  auto mod = [&](Bytes code, Bytes tables) {
    return cat({header(), types, funcs, tables,
                section(10, vec({body({}, {0x42, 0x00, 0x0B}), body({}, code)}))});
  };
  EXPECT_VALID(mod({0x41, 0x01, 0x10, 0x00, 0x1A, 0x0B}, {}));
  EXPECT_INVALID(mod({0x10, 0x00, 0x1A, 0x0B}, {}), "type mismatch");
  EXPECT_INVALID(mod({0x10, 0x09, 0x0B}, {}), "unknown function 9");
  EXPECT_VALID(mod({0x41, 0x01, 0x41, 0x00, 0x11, 0x00, 0x00, 0x1A, 0x0B}, table));
  EXPECT_INVALID(mod({0x41, 0x00, 0x11, 0x01, 0x00, 0x0B}, {}), "unknown table 0");
  EXPECT_INVALID(mod({0x41, 0x00, 0x11, 0x05, 0x00, 0x0B}, table), "unknown type 5");
  EXPECT_INVALID(mod({0x41, 0x00, 0x11, 0x01, 0x00, 0x0B},
                     section(4, vec({{EXTERNREF, 0x00, 0x01}}))),
                 "type mismatch");
}

TEST(Validator, MemoryInstructions) {
  auto mod = [](Bytes code, Bytes memory) { return one_func(void_type(), code, {}, memory); };
  EXPECT_VALID(mod({0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B}, mem1()));
  EXPECT_INVALID(mod({0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B}, mem1()),
                 "alignment must not be larger than natural");
  EXPECT_INVALID(mod({0x41, 0x00, 0x2C, 0x01, 0x00, 0x1A, 0x0B}, mem1()),
                 "alignment must not be larger than natural");
  EXPECT_INVALID(mod({0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B}, {}), "unknown memory");
  EXPECT_INVALID(mod({0x3F, 0x00, 0x1A, 0x0B}, {}), "unknown memory");
  EXPECT_INVALID(mod({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00, 0x0B}, {}), "unknown memory");
  EXPECT_VALID(mod({0x41, 0x00, 0x42, 0x00, 0x37, 0x03, 0x00, 0x0B}, mem1()));
  EXPECT_INVALID(mod({0x41, 0x00, 0x41, 0x00, 0x37, 0x03, 0x00, 0x0B}, mem1()), "type mismatch");
  EXPECT_VALID(mod({0x41, 0x01, 0x40, 0x00, 0x1A, 0x0B}, mem1()));
}

TEST(Validator, BulkMemoryAndDataSegments) {
  Bytes data = section(11, vec({cat({{0x01}, name("ab")})}));
  auto mod = [&](Bytes code, Bytes count) {
    return cat({header(), section(1, vec({void_type()})), section(3, vec({leb(0)})), mem1(), count,
                section(10, vec({body({}, code)})), data});
  };
  Bytes init = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B};
  EXPECT_VALID(mod(init, section(12, leb(1))));
  EXPECT_VALID(mod({0xFC, 0x09, 0x00, 0x0B}, section(12, leb(1))));
  EXPECT_INVALID(mod({0xFC, 0x09, 0x01, 0x0B}, section(12, leb(1))), "unknown data segment 1");
  EXPECT_EQ(check(mod(init, {}), ErrorKind::Malformed).find("data count section required") != std::string::npos, true);
  // Active segments need a memory and an i32 offset.
  EXPECT_INVALID(cat({header(), section(11, vec({cat({{0x00, 0x41, 0x00, 0x0B}, name("a")})}))}),
                 "unknown memory 0");
  EXPECT_INVALID(cat({header(), mem1(), section(11, vec({cat({{0x00, 0x42, 0x00, 0x0B}, name("a")})}))}),
                 "type mismatch");
}

TEST(Validator, TablesAndElements) {
  Bytes types = section(1, vec({void_type()}));
  Bytes funcs = section(3, vec({leb(0)}));
  Bytes tables = section(4, vec({{FUNCREF, 0x00, 0x01}, {EXTERNREF, 0x00, 0x01}}));
  auto mod = [&](Bytes code, Bytes elems) {
    return cat({header(), types, funcs, tables, elems, section(10, vec({body({}, code)}))});
  };
  Bytes elem = section(9, vec({{0x01, 0x00, 0x01, 0x00}}));  // passive funcref, declares func 0
  EXPECT_VALID(mod({0x41, 0x00, 0x25, 0x00, 0x1A, 0x0B}, {}));
  EXPECT_VALID(mod({0x41, 0x00, 0xD0, 0x6F, 0x26, 0x01, 0x0B}, {}));
  EXPECT_INVALID(mod({0x41, 0x00, 0xD0, 0x70, 0x26, 0x01, 0x0B}, {}), "type mismatch");
  EXPECT_INVALID(mod({0x41, 0x00, 0x25, 0x02, 0x1A, 0x0B}, {}), "unknown table 2");
  EXPECT_VALID(mod({0xD0, 0x70, 0x41, 0x01, 0xFC, 0x0F, 0x00, 0x1A, 0xFC, 0x10, 0x01, 0x1A, 0x0B}, {}));
  EXPECT_VALID(mod({0x41, 0x00, 0xD0, 0x6F, 0x41, 0x01, 0xFC, 0x11, 0x01, 0x0B}, {}));
  EXPECT_INVALID(mod({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x0B}, {}), "type mismatch");
  EXPECT_VALID(mod({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0xFC, 0x0D, 0x00, 0x0B}, elem));
  EXPECT_INVALID(mod({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x01, 0x0B}, elem), "type mismatch");
  EXPECT_INVALID(mod({0xFC, 0x0D, 0x03, 0x0B}, elem), "unknown elem segment 3");
  // Active segment type must match its table.
  EXPECT_INVALID(mod({0x0B}, section(9, vec({{0x02, 0x01, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00}}))),
                 "type mismatch");
  EXPECT_INVALID(mod({0x0B}, section(9, vec({{0x02, 0x05, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00}}))),
                 "unknown table 5");
}

TEST(Validator, References) {
  Bytes types = section(1, vec({void_type()}));
  Bytes funcs = section(3, vec({leb(0)}));
  auto mod = [&](Bytes code, Bytes extra) {
    return cat({header(), types, funcs, extra, section(10, vec({body({}, code)}))});
  };
  Bytes ref_func = {0xD2, 0x00, 0xD1, 0x1A, 0x0B};
  EXPECT_INVALID(mod(ref_func, {}), "undeclared function reference");
  EXPECT_VALID(mod(ref_func, section(7, vec({cat({name("f"), {0x00, 0x00}})}))));
  EXPECT_VALID(mod(ref_func, section(9, vec({{0x03, 0x00, 0x01, 0x00}}))));
  EXPECT_INVALID(mod({0xD2, 0x04, 0x1A, 0x0B}, {}), "unknown function 4");
  EXPECT_INVALID(mod({0x41, 0x00, 0xD1, 0x1A, 0x0B}, {}), "type mismatch");
}

TEST(Validator, Simd) {
  auto code = [](Bytes op) {
    return one_func(void_type(), cat({{0xFD, 0x0C}, Bytes(16, 0), op, {0x1A, 0x0B}}));
  };
  EXPECT_VALID(code({0xFD, 0x15, 0x0F}));
  EXPECT_INVALID(code({0xFD, 0x15, 0x10}), "invalid lane index");
  EXPECT_VALID(code({0xFD, 0x1D, 0x01}));
  EXPECT_INVALID(code({0xFD, 0x1D, 0x02}), "invalid lane index");
  Bytes shuffle = cat({{0xFD, 0x0C}, Bytes(16, 0), {0xFD, 0x0D}, Bytes(15, 31)});
  EXPECT_VALID(code(cat({shuffle, {31}})));
  EXPECT_INVALID(code(cat({shuffle, {32}})), "invalid lane index");
  // v128.load8_lane: memory, alignment, lane
  auto lane_load = [](uint8_t align, uint8_t lane) {
    return one_func(void_type(), cat({{0x41, 0x00, 0xFD, 0x0C}, Bytes(16, 0), {0xFD, 0x55, align, 0x00, lane, 0x1A, 0x0B}}),
                    {}, mem1());
  };
  EXPECT_VALID(lane_load(1, 7));
  EXPECT_INVALID(lane_load(2, 7), "alignment must not be larger than natural");
  EXPECT_INVALID(lane_load(1, 8), "invalid lane index");
  // Fixed signatures: i32x4.add wants two v128.
  EXPECT_INVALID(one_func(void_type(), {0x41, 0x00, 0x41, 0x00, 0xFD, 0xAE, 0x01, 0x1A, 0x0B}), "type mismatch");
}

TEST(Validator, MalformedBodyOutranksAnEarlierInvalidOne) {
  Bytes types = section(1, vec({void_type()}));
  Bytes funcs = section(3, vec({leb(0), leb(0)}));
  Bytes m = cat({header(), types, funcs,
                 section(10, vec({body({}, {0x41, 0x00, 0x0B}), body({}, {0xFF, 0x0B})}))});
  EXPECT_NE(check(m, ErrorKind::Malformed).find("illegal opcode"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::wasm
