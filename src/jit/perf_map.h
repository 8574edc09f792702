// Names for machine code in Linux perf's profiles: with IRONCLAD_PERF_MAP=1 every module of
// machine code installed (either tier's, loop entries included) appends one line per function
// to /tmp/perf-<pid>.map, the file perf reads for code it finds no symbols for (JIT
// interface of tools/perf/Documentation/jit-interface.txt). For profiling only: the file is
// never removed, and code space that is freed and reused keeps its old names.
#pragma once

#include "jit/module_compiler.h"

namespace ironclad::jit {

// Appends `code`'s functions, when IRONCLAD_PERF_MAP=1 (read once per process).
void add_to_perf_map(const CompiledModule& code);

}  // namespace ironclad::jit
