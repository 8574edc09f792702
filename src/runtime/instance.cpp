// Instance exports and the host's view of its caller.
#include "runtime/runtime.h"

namespace ironclad::runtime {

Memory* HostContext::memory() const {
  if (caller == nullptr || caller->memories.empty()) return nullptr;
  return caller->memories[0];
}

Result<Extern> Instance::get_export(std::string_view name) const {
  const wasm::Export* e = module ? module->find_export(name) : nullptr;
  if (e == nullptr) {
    return Error::make(ErrorKind::Usage, "unknown export: " + std::string(name));
  }
  Extern x;
  x.kind = e->kind;
  // The validator guarantees the index is in range; check anyway rather than trust it.
  auto out_of_range = [&](size_t size) -> Result<Extern> {
    return Error::make(ErrorKind::Internal, "export \"" + std::string(name) + "\" names " +
                                                wasm::to_string(e->kind) + " " +
                                                std::to_string(e->index) +
                                                " but the instance has " + std::to_string(size));
  };
  switch (e->kind) {
    case wasm::ExternKind::Func:
      if (e->index >= funcs.size()) return out_of_range(funcs.size());
      x.func = funcs[e->index];
      break;
    case wasm::ExternKind::Table:
      if (e->index >= tables.size()) return out_of_range(tables.size());
      x.table = tables[e->index];
      break;
    case wasm::ExternKind::Memory:
      if (e->index >= memories.size()) return out_of_range(memories.size());
      x.memory = memories[e->index];
      break;
    case wasm::ExternKind::Global:
      if (e->index >= globals.size()) return out_of_range(globals.size());
      x.global = globals[e->index];
      break;
  }
  return x;
}

}  // namespace ironclad::runtime
