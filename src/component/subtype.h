// Whether an item may be supplied for an import: the Component Model's subtyping (an
// instance may export more than expected, a component import less) with resource binding.
// The expected type's abstract resources (a `(sub resource)` import or export) are bound to
// the actual resources in declaration order, and every later use is checked against them.
#pragma once

#include <string>

#include "component/types.h"

namespace ironclad::component {

// `bind` grows with the bindings made; `why` says what did not match
// ("export `write`: expected func(...), found func(...)").
bool match_extern(TypeArena& arena, const ExternType& actual, const ExternType& expected,
                  TypeArena::ResourceMap& bind, std::string* why);

// The resources that occur in a type (handles, resource type definitions), each once.
void collect_resources(const ExternType& t, std::vector<const Resource*>& out);

}  // namespace ironclad::component
