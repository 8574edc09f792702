// libFuzzer target: bytes -> decode -> validate -> instantiate (imports satisfied by
// dummies of the right types) -> call every exported function with zero arguments, under
// a small fuel budget, a memory cap and a shallow call-depth limit. Any crash, sanitizer
// report or hang is a bug: bad input must only ever produce Error values.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dummy_imports.h"
#include "interp/interpreter.h"
#include "runtime/runtime.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace {

using namespace ironclad;

runtime::StoreLimits fuzzing_limits() {
  runtime::StoreLimits limits;
  limits.max_memory_pages = 256;  // 16 MiB per memory
  limits.max_table_elements = 4096;
  limits.max_call_depth = 256;
  limits.fuel = 20'000;  // per call: endless loops end quickly
  return limits;
}

void run_module(const uint8_t* data, size_t size) {
  auto decoded = wasm::decode_module(std::vector<uint8_t>(data, data + size), "fuzz.wasm");
  if (!decoded.ok()) return;
  if (!wasm::validate_module(**decoded, "fuzz.wasm").ok()) return;
  std::shared_ptr<const wasm::Module> module(std::move(*decoded));

  runtime::Store store(interp::make_interpreter(), fuzzing_limits());
  auto imports = fuzz::make_dummy_imports(store, *module);
  if (!imports.ok()) return;
  auto instance = store.instantiate(module, *imports);
  if (!instance.ok()) return;  // traps in segments or the start function are fine

  for (const wasm::Export& e : module->exports) {
    if (e.kind != wasm::ExternKind::Func) continue;
    runtime::FunctionInstance* func = (*instance)->funcs[e.index];
    std::vector<Value> args;
    for (ValType t : func->type->params) args.push_back(Value::zero(t));
    (void)store.invoke(*func, args);  // a trap or exhausted fuel is an expected outcome
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run_module(data, size);
  return 0;
}
