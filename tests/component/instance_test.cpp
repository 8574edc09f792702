// Instantiation of byte-built components: index spaces at run time line up with the static
// ones whatever mix of imports, definitions and aliases built them.
#include "component/instance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "component/loader.h"
#include "component_builder.h"
#include "interp/interpreter.h"

namespace ironclad::component {
namespace {

using namespace testing;

Result<std::unique_ptr<ComponentInstanceImpl>> instantiate(const Bytes& b,
                                                           const ComponentLinker& linker) {
  auto c = load_component(b, "t.wasm");
  if (!c.ok()) return std::move(c).error();
  return ComponentInstanceImpl::create(
      *c, linker, std::make_unique<runtime::Store>(interp::make_interpreter()));
}

TEST(ComponentInstance, ImportedAndDefinedCoreModulesKeepTheirIndices) {
  // (component
  //   (core module $A (func (export "f") (result i32) i32.const 7))
  //   (component $C
  //     (import "m" (core module (type (module))))   ;; core module 0: imported
  //     (core module $B (func (export "g") (result i32) i32.const 9))  ;; core module 1
  //     (core instance (instantiate 1))
  //     (alias core export 0 "g" (core func))
  //     (type (func (result u32)))
  //     (func (canon lift (core func 0)))
  //     (export "g" (func 0)))
  //   (instance (instantiate 0 (with "m" (core module 0))))
  //   (alias export 0 "g" (func))
  //   (export "g" (func 0)))
  // Before the fix, $C's definition of $B was looked up at module index 1 among its one
  // module definition: a read past the end.
  Bytes module_a = core_module({{"f", {}, {0x7f}, {0x41, 0x07}}});
  Bytes module_b = core_module({{"g", {}, {0x7f}, {0x41, 0x09}}});
  Bytes module_type{0x50, 0x00};
  Bytes imp;
  imp.add(extern_name("m")).u8(0x00).u8(0x11).u32(0);
  Bytes inst;
  inst.u8(0x00).u32(1).u32(0);
  Bytes alias;
  alias.u8(0x00).u8(0x00).u8(0x01).u32(0).name("g");
  Bytes lift;
  lift.u8(0x00).u8(0x00).u32(0).u32(0).u32(0);
  Bytes exp;
  exp.add(extern_name("g")).u8(0x01).u32(0).u8(0x00);
  Bytes inner = component({section(kCoreType, vec({module_type})), section(kImport, vec({imp})),
                           section(kCoreModule, module_b), section(kCoreInstance, vec({inst})),
                           section(kAlias, vec({alias})), section(kType, vec({functype({}, kU32)})),
                           section(kCanon, vec({lift})), section(kExport, vec({exp}))});
  Bytes outer_inst;
  outer_inst.u8(0x00).u32(0).u32(1).name("m").u8(0x00).u8(0x11).u32(0);
  Bytes outer_alias;
  outer_alias.u8(0x01).u8(0x00).u32(0).name("g");
  Bytes outer_exp;
  outer_exp.add(extern_name("g")).u8(0x01).u32(0).u8(0x00);
  Bytes outer =
      component({section(kCoreModule, module_a), section(kComponent, inner),
                 section(kInstance, vec({outer_inst})), section(kAlias, vec({outer_alias})),
                 section(kExport, vec({outer_exp}))});
  ComponentLinker linker;
  auto instance = instantiate(outer, linker);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  auto r = (*instance)->call("g", {});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, ComponentValue::u32(9));
}

}  // namespace
}  // namespace ironclad::component
