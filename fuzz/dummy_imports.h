// Imports for arbitrary modules: for each import a host function, memory, table or global
// of exactly the requested type, so any valid module can be instantiated by the fuzzer.
#pragma once

#include <vector>

#include "ironclad/error.h"
#include "runtime/runtime.h"
#include "wasm/module.h"

namespace ironclad::fuzz {

// Host functions return zero values of their result types. Fails (and the input is
// skipped) when an import asks for more than the store's limits allow.
Result<std::vector<runtime::Extern>> make_dummy_imports(runtime::Store& store,
                                                        const wasm::Module& module);

}  // namespace ironclad::fuzz
