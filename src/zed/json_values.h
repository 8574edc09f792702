// Component values as JSON, by their component type: what `ironclad zed call` reads as an
// export's arguments and prints as its result (docs/zed.md, "Calling any export").
//
//   bool, integers, floats   JSON booleans and numbers (integers range-checked, no fractions)
//   char, string             strings (a char: exactly one code point)
//   list<T>, tuple<...>      arrays
//   record                   objects keyed by the fields' kebab-case names (all of them)
//   option<T>                null or the value
//   enum                     the case's name
//   variant                  the case's name (no payload) or {"case-name": payload}
//   result<T, E>             {"ok": value} or {"error": value} (null for no payload)
//   flags                    an array of the names of the flags set
//   own/borrow handles       not read from JSON (the caller supplies them); printed as
//                            {"resource": "name", "handle": n}
//
// option<option<T>> cannot tell none from some(none) this way; such types are rare in the
// zed worlds (none of them has one) and read `null` as the outer none.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "component/types.h"
#include "ironclad/component.h"
#include "ironclad/error.h"

namespace ironclad::zed {

// The value `j` of type `t`. A mismatch is a Usage error "`where`: expected T, got K"
// where `where` grows with the path into the value ("argument 2 `items`[3].label").
Result<ComponentValue> value_from_json(const nlohmann::json& j, const component::ValType* t,
                                       const std::string& where);

// `v` (of type `t`) as JSON, record fields in their declared order. Values that do not fit the type
// (never from a call that succeeded) are printed by their own kind.
nlohmann::ordered_json value_to_json(const ComponentValue& v, const component::ValType* t);

// What a type is called in messages: "string", "list<string>", "record `command`".
std::string describe_type(const component::ValType* t);

}  // namespace ironclad::zed
