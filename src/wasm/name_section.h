// The `name` custom section: the module name (subsection 0) and function names
// (subsection 1). Other subsections (local names, ...) are skipped.
#pragma once

#include "wasm/module.h"

namespace ironclad::wasm {

// Fills m.module_name and m.function_names from the payload of `section`. The section is
// advisory: if anything in it is malformed, nothing is taken from it and the module stands.
void read_name_section(Module& m, const CustomSection& section);

}  // namespace ironclad::wasm
