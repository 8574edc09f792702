// Loading a component: decode the binary (the `0d 00 01 00` layer) and validate it in one
// pass, as the binary format is designed to be read. Nested core modules are decoded and
// validated by src/wasm; nested components recursively.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "component/model.h"
#include "ironclad/error.h"

namespace ironclad::component {

// Whether the bytes start with a component's preamble (magic, version 0x0d, layer 1).
bool is_component_binary(std::span<const uint8_t> bytes);

// Errors are Malformed (bad encoding) or Invalid (fails validation), naming the file, the
// component (nested ones by index), the section, the item and its offset, e.g.
// "ext.wasm: component, canon section, canon 3 at offset 0x5c1e: lift: core function 12
// has type (i32) -> (), expected (i32, i32) -> (i32)". Inner core modules' own errors keep
// their module-relative offsets and say which module ("core module 1 at offset 0x2f0").
// Async features (streams, futures, async functions and built-ins), value definitions,
// start functions and other gated features are Invalid errors saying they are unsupported.
Result<std::shared_ptr<const Component>> load_component(std::span<const uint8_t> bytes,
                                                        std::string_view name_for_errors);

// Reads the file, then load_component. Io errors name the path.
Result<std::shared_ptr<const Component>> load_component_file(const std::string& path);

}  // namespace ironclad::component
