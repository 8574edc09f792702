// The standard `spectest` module that the official scripts import from: print functions
// and a global, table and memory of each kind, with the values the suite expects.
#pragma once

#include "ironclad/error.h"
#include "runtime/runtime.h"

namespace ironclad::cli::spectest {

// Defines every `spectest.*` import in `linker`, creating its objects in `store`.
// print* functions accept their arguments and do nothing: scripts never check output.
Result<void> define_spectest_module(runtime::Store& store, runtime::Linker& linker);

}  // namespace ironclad::cli::spectest
