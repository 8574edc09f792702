// The world a component implements, as WIT text: what `ironclad component wit` prints, in
// the shape `wasm-tools component wit` (and `jco wit`) give it: imported and exported
// interfaces by name, the types the component's own functions use (`use` of interface
// types, definitions of its own), its imported and exported functions, resources with their
// methods.
#pragma once

#include <string>

#include "component/model.h"

namespace ironclad::component {

std::string world_wit(const Component& c);

// A value type as WIT writes it: named types by name, `borrow<r>`, an owned handle as `r`.
std::string wit_type(const ValType* t);
// "func(a: u32, b: string) -> result<_, string>"
std::string wit_func(const FuncType& f, bool skip_self = false);

}  // namespace ironclad::component
