#include "dummy_imports.h"

namespace ironclad::fuzz {

Result<std::vector<runtime::Extern>> make_dummy_imports(runtime::Store& store,
                                                        const wasm::Module& module) {
  std::vector<runtime::Extern> imports;
  for (const wasm::Import& import : module.imports) {
    runtime::Extern ext;
    ext.kind = import.kind;
    switch (import.kind) {
      case wasm::ExternKind::Func: {
        wasm::FuncType type = module.types[import.func_type_index];
        ext.func = store.create_host_function(
            type, [results_types = type.results](runtime::HostContext&, const Value*,
                                                 Value* results) -> Result<void> {
              for (size_t i = 0; i < results_types.size(); ++i)
                results[i] = Value::zero(results_types[i]);
              return {};
            });
        break;
      }
      case wasm::ExternKind::Memory: {
        IRONCLAD_TRY_ASSIGN(ext.memory, store.create_memory(import.memory));
        break;
      }
      case wasm::ExternKind::Table:
        if (import.table.limits.min > store.limits().max_table_elements)
          return Error::make(ErrorKind::Exhausted, "imported table above the fuzzing cap");
        ext.table = store.create_table(import.table, Ref{});
        break;
      case wasm::ExternKind::Global:
        ext.global = store.create_global(import.global, Value::zero(import.global.type));
        break;
    }
    imports.push_back(ext);
  }
  return imports;
}

}  // namespace ironclad::fuzz
