// The component binary format: what decodes and validates, and the errors that name the
// section, the item and the offset of what is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "component/loader.h"
#include "component/wit.h"
#include "component_builder.h"

namespace ironclad::component {
namespace {

using namespace testing;
using ::testing::HasSubstr;

Result<std::shared_ptr<const Component>> load(const Bytes& b) {
  return load_component(b, "t.wasm");
}

Error load_error(const Bytes& b) {
  auto c = load(b);
  EXPECT_FALSE(c.ok()) << "loaded a component that should fail";
  return c.ok() ? Error{} : c.error();
}

// A component whose core module exports `f` with the given core signature and body, lifted
// as `type` (a component function type) and exported as "f".
Bytes lifted_component(const Bytes& type, const CoreFunc& f, bool memory, const Bytes& options) {
  Bytes core_instance;  // (core instance (instantiate 0))
  core_instance.u8(0x00).u32(0).u32(0);
  std::vector<Bytes> aliases;
  aliases.push_back(Bytes{0x00, 0x00, 0x01}.u32(0).name("f"));  // core func 0
  if (memory) aliases.push_back(Bytes{0x00, 0x02, 0x01}.u32(0).name("memory"));
  Bytes lift;
  lift.u8(0x00).u8(0x00).u32(0).add(options).u32(0);
  Bytes exp;
  exp.add(extern_name("f")).u8(0x01).u32(0).u8(0x00);
  std::vector<CoreFunc> funcs{f};
  if (memory) {
    // A realloc for lifts that receive strings.
    funcs.push_back({"realloc", {0x7f, 0x7f, 0x7f, 0x7f}, {0x7f}, {0x41, 0x08}});
    aliases.push_back(Bytes{0x00, 0x00, 0x01}.u32(0).name("realloc"));
  }
  return component({section(kCoreModule, core_module(funcs, memory)),
                    section(kCoreInstance, vec({core_instance})), section(kAlias, vec(aliases)),
                    section(kType, vec({type})), section(kCanon, vec({lift})),
                    section(kExport, vec({exp}))});
}

TEST(ComponentBinary, ACoreModuleIsNotAComponent) {
  Bytes module{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Error e = load_error(module);
  EXPECT_EQ(e.kind, ErrorKind::Malformed);
  EXPECT_THAT(e.message, HasSubstr("t.wasm: component: not a component"));
  EXPECT_FALSE(is_component_binary(module));
  EXPECT_TRUE(is_component_binary(component({})));
}

TEST(ComponentBinary, AnotherVersionIsRejectedByName) {
  Bytes b = component({});
  b[4] = 0x0c;
  Error e = load_error(b);
  EXPECT_THAT(e.message, HasSubstr("unsupported component binary version 0xc"));
}

TEST(ComponentBinary, TheEmptyComponentLoads) {
  auto c = load(component({}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE((*c)->imports.empty());
  EXPECT_EQ(world_wit(**c), "package root:component;\n\nworld root {\n}\n");
}

TEST(ComponentBinary, UnknownSectionNamesItsOffset) {
  Error e = load_error(component({section(14, {})}));
  EXPECT_EQ(e.kind, ErrorKind::Malformed);
  EXPECT_THAT(e.message, HasSubstr("unknown section at offset 0x8"));
  EXPECT_THAT(e.message, HasSubstr("unknown section id 14"));
}

TEST(ComponentBinary, ASectionRunningPastTheEndIsMalformed) {
  Bytes b = component({});
  b.u8(kType).u32(100).u8(0x00);
  Error e = load_error(b);
  EXPECT_EQ(e.kind, ErrorKind::Malformed);
  EXPECT_THAT(e.message, HasSubstr("section size 100 runs past the end"));
}

TEST(ComponentBinary, TruncatedItemsAreMalformedAtTheirOffset) {
  Bytes type;
  type.u8(0x72).u32(1).name("a");  // a record field without its type
  Error e = load_error(component({section(kType, vec({type}))}));
  EXPECT_EQ(e.kind, ErrorKind::Malformed);
  EXPECT_THAT(e.message, HasSubstr("type section, type 0 at offset 0xb"));
  EXPECT_THAT(e.message, HasSubstr("unexpected end"));
}

TEST(ComponentBinary, AnEmptyRecordIsInvalid) {
  Error e = load_error(component({section(kType, vec({Bytes{0x72, 0x00}}))}));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("t.wasm: component, type section, type 0 at offset 0xb: record "
                                   "must have at least one field"));
}

TEST(ComponentBinary, LabelsMustBeKebabCaseAndStronglyUnique) {
  Bytes bad;
  bad.u8(0x72).u32(1).name("Foo_bar").u8(kU32);
  EXPECT_THAT(load_error(component({section(kType, vec({bad}))})).message,
              HasSubstr("field name `Foo_bar` is not a valid kebab-case label"));
  Bytes dup;
  dup.u8(0x6d).u32(2).name("a-b").name("A-B");
  EXPECT_THAT(load_error(component({section(kType, vec({dup}))})).message,
              HasSubstr("enum case name `A-B` conflicts with another"));
}

TEST(ComponentBinary, FlagsAreLimitedTo32) {
  Bytes flags;
  flags.u8(0x6e).u32(33);
  for (int i = 0; i < 33; ++i) flags.name("f" + std::to_string(i));
  EXPECT_THAT(load_error(component({section(kType, vec({flags}))})).message,
              HasSubstr("flags with 33 labels (at most 32)"));
}

TEST(ComponentBinary, HandlesMustNameResources) {
  Bytes own;
  own.u8(0x69).u32(0);
  Error e = load_error(component({section(kType, vec({Bytes{kU32}, own}))}));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("type 1 at offset"));
  EXPECT_THAT(e.message, HasSubstr("type 0 is a value type, not a resource type"));
}

TEST(ComponentBinary, AsyncTypesAreRefusedAsUnsupported) {
  Error e = load_error(component({section(kType, vec({Bytes{0x66, 0x00}}))}));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("stream types (async) are not supported"));
  Bytes async_func;
  async_func.u8(0x43).u32(0).u8(0x01).u8(0x00);
  EXPECT_THAT(load_error(component({section(kType, vec({async_func}))})).message,
              HasSubstr("async function types are not supported"));
}

TEST(ComponentBinary, BorrowsCannotBeReturned) {
  Bytes resource{0x3f, 0x7f, 0x00};
  Bytes borrow;
  borrow.u8(0x68).u32(0);
  Bytes func;
  func.u8(0x40).u32(0).u8(0x00).u32(1);
  EXPECT_THAT(load_error(component({section(kType, vec({resource, borrow, func}))})).message,
              HasSubstr("a function result cannot contain a borrow handle"));
}

TEST(ComponentBinary, DeeplyNestedTypesAreRefused) {
  std::vector<Bytes> types{Bytes{kU8}};
  for (uint32_t i = 0; i < 101; ++i) types.push_back(Bytes().u8(0x70).typeidx(i));
  Error e = load_error(component({section(kType, vec(types))}));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("type nesting deeper than 100"));
}

TEST(ComponentBinary, ExponentiallyLargeTypesAreRefusedQuickly) {
  // tuple<t, t> doubles the type's tree each time: 2^40 nodes from 40 definitions.
  std::vector<Bytes> types{Bytes{kU8}};
  for (uint32_t i = 0; i < 40; ++i) types.push_back(Bytes().u8(0x6f).u32(2).typeidx(i).typeidx(i));
  auto start = std::chrono::steady_clock::now();
  Error e = load_error(component({section(kType, vec(types))}));
  EXPECT_THAT(e.message, HasSubstr("type too large"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(ComponentBinary, StructurallyEqualTypesAreEqual) {
  // Two separately defined list<string> and record { a: list<string> } types are the same type.
  Bytes rec1, rec2;
  rec1.u8(0x72).u32(1).name("a").u32(0);
  rec2.u8(0x72).u32(1).name("a").u32(1);
  auto c = load(
      component({section(kType, vec({Bytes{0x70, kString}, Bytes{0x70, kString}, rec1, rec2}))}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& types = (*c)->types;
  EXPECT_TRUE(same_type(types[0].value, types[1].value));
  EXPECT_TRUE(same_type(types[2].value, types[3].value));
  EXPECT_FALSE(same_type(types[0].value, types[2].value));
}

TEST(ComponentBinary, ALiftedFunctionValidatesAndPrintsAsWit) {
  CoreFunc f{"f", {0x7f, 0x7f}, {}, {}};  // (string) -> () lifts from (i32, i32) -> ()
  Bytes options;
  options.u32(2).u8(0x03).u32(0).u8(0x04).u32(1);  // (memory 0) (realloc 1)
  auto c = load(lifted_component(functype({{"s", kString}}), f, true, options));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(world_wit(**c),
            "package root:component;\n\nworld root {\n\n  export f: func(s: string);\n}\n");
}

TEST(ComponentBinary, ALiftOfTheWrongCoreTypeNamesBoth) {
  CoreFunc f{"f", {0x7f}, {}, {}};  // (i32) -> (), but the type needs (i32, i32) -> ()
  Bytes options;
  options.u32(2).u8(0x03).u32(0).u8(0x04).u32(1);
  Error e = load_error(lifted_component(functype({{"s", kString}}), f, true, options));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("canon section, canon 0 at offset"));
  EXPECT_THAT(
      e.message,
      HasSubstr(
          "core function 0 has type (i32) -> (), but func(s: string) lifts from (i32, i32) -> ()"));
}

TEST(ComponentBinary, StringsNeedMemoryAndRealloc) {
  CoreFunc f{"f", {0x7f, 0x7f}, {}, {}};
  Bytes none;
  none.u32(0);
  EXPECT_THAT(load_error(lifted_component(functype({{"s", kString}}), f, true, none)).message,
              HasSubstr("canonical option `memory` is required"));
  Bytes memory_only;
  memory_only.u32(1).u8(0x03).u32(0);
  EXPECT_THAT(
      load_error(lifted_component(functype({{"s", kString}}), f, true, memory_only)).message,
      HasSubstr("canonical option `realloc` is required: the function receives strings or lists"));
}

TEST(ComponentBinary, ADuplicateCanonicalOptionIsInvalid) {
  CoreFunc f{"f", {}, {}, {}};
  Bytes options;
  options.u32(2).u8(0x00).u8(0x01);
  EXPECT_THAT(load_error(lifted_component(functype({}), f, false, options)).message,
              HasSubstr("string encoding twice"));
}

TEST(ComponentBinary, CoreInstantiationNeedsEveryImport) {
  Bytes module = core_module({{"f", {}, {}, {}}}, false, {{"env", "g"}});
  Bytes inst;
  inst.u8(0x00).u32(0).u32(0);
  Error e =
      load_error(component({section(kCoreModule, module), section(kCoreInstance, vec({inst}))}));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("core instance section, core instance 0 at offset"));
  EXPECT_THAT(e.message,
              HasSubstr("core module 0 imports `env` `g`, but no instance is given for `env`"));
}

TEST(ComponentBinary, CoreInstantiationChecksImportTypes) {
  Bytes provider = core_module({{"g", {0x7f}, {}, {0x0f}}});             // g: (i32) -> ()
  Bytes user = core_module({{"f", {}, {}, {}}}, false, {{"env", "g"}});  // imports g: () -> ()
  Bytes i0, i1;
  i0.u8(0x00).u32(0).u32(0);
  i1.u8(0x00).u32(1).u32(1).name("env").u8(0x12).u32(0);
  Error e = load_error(component({section(kCoreModule, provider), section(kCoreModule, user),
                                  section(kCoreInstance, vec({i0, i1}))}));
  EXPECT_THAT(
      e.message,
      HasSubstr(
          "imports `env` `g` as func () -> (), but core instance 0 exports func (i32) -> ()"));
}

TEST(ComponentBinary, AnInvalidInnerModuleNamesItAndWhereItStarts) {
  Bytes module = core_module({{"f", {}, {0x7f}, {}}});  // returns i32 but pushes nothing
  Error e = load_error(component({section(kCoreModule, module)}));
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_THAT(e.message, HasSubstr("t.wasm: component, core module 0: code section"));
  EXPECT_THAT(e.message, HasSubstr("(core module 0 starts at file offset 0xa"));
}

TEST(ComponentBinary, NestedComponentErrorsNameThePath) {
  Bytes inner = component({section(kType, vec({Bytes{0x72, 0x00}}))});
  Error e = load_error(component({section(kComponent, component({})), section(kComponent, inner)}));
  EXPECT_THAT(e.message, HasSubstr("t.wasm: component > component 1, type section, type 0"));
}

TEST(ComponentBinary, AliasOfAMissingExportIsInvalid) {
  Bytes itype;  // (type (instance (export "f" (func))))
  itype.u8(0x42).u32(2).u8(0x01).add(functype({})).u8(0x04).add(extern_name("f")).u8(0x01).u32(0);
  Bytes imp;
  imp.add(extern_name("i")).u8(0x05).u32(0);
  Bytes alias;
  alias.u8(0x01).u8(0x00).u32(0).name("g");
  Error e = load_error(component(
      {section(kType, vec({itype})), section(kImport, vec({imp})), section(kAlias, vec({alias}))}));
  EXPECT_THAT(e.message, HasSubstr("alias section, alias 0 at offset"));
  EXPECT_THAT(e.message, HasSubstr("instance 0 has no export `g`"));
}

TEST(ComponentBinary, ImportNamesAreCheckedAndStronglyUnique) {
  Bytes ft = functype({});
  Bytes a, b, bad;
  a.add(extern_name("do-it")).u8(0x01).u32(0);
  b.add(extern_name("DO-it")).u8(0x01).u32(0);
  bad.add(extern_name("do_it")).u8(0x01).u32(0);
  EXPECT_THAT(
      load_error(component({section(kType, vec({ft})), section(kImport, vec({a, b}))})).message,
      HasSubstr("import name `DO-it` conflicts with import `do-it`"));
  EXPECT_THAT(
      load_error(component({section(kType, vec({ft})), section(kImport, vec({bad}))})).message,
      HasSubstr("`do_it` is not a valid kebab-case name"));
}

TEST(ComponentBinary, ResourceNewNeedsAResourceOfThisComponent) {
  Bytes imp;
  imp.add(extern_name("r")).u8(0x03).u8(0x01);  // (import "r" (type (sub resource)))
  Bytes canon;
  canon.u8(0x02).u32(0);
  Error e = load_error(component({section(kImport, vec({imp})), section(kCanon, vec({canon}))}));
  EXPECT_THAT(e.message,
              HasSubstr("resource.new: type 0 is not a resource this component defines"));
}

TEST(ComponentBinary, InstantiationChecksArgumentsAgainstImports) {
  // (component $c (import "f" (func (param "x" u32)))) instantiated with a () -> () function.
  Bytes inner = component({section(kType, vec({functype({{"x", kU32}})})),
                           section(kImport, vec({Bytes().add(extern_name("f")).u8(0x01).u32(0)}))});
  Bytes outer_type = functype({});
  Bytes imp;
  imp.add(extern_name("g")).u8(0x01).u32(0);
  Bytes inst;
  inst.u8(0x00).u32(0).u32(1).name("f").u8(0x01).u32(0);
  Error e = load_error(component({section(kComponent, inner), section(kType, vec({outer_type})),
                                  section(kImport, vec({imp})), section(kInstance, vec({inst}))}));
  EXPECT_THAT(e.message, HasSubstr("instantiation argument `f` does not match the import: expected "
                                   "func(x: u32), found func()"));
}

TEST(ComponentBinary, StartAndValueDefinitionsAreUnsupported) {
  EXPECT_THAT(load_error(component({section(kStart, Bytes{0x00, 0x00, 0x00})})).message,
              HasSubstr("start functions (value definitions, a gated feature) are not supported"));
}

}  // namespace
}  // namespace ironclad::component
