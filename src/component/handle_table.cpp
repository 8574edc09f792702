#include "component/instance_state.h"

namespace ironclad::component {

Result<HandleEntry*> HandleTable::get(uint32_t index) {
  if (index >= entries_.size() || entries_[index].type == nullptr) {
    return abi_trap("unknown handle index " + std::to_string(index));
  }
  return &entries_[index];
}

Result<uint32_t> HandleTable::add(HandleEntry entry) {
  if (!free_.empty()) {
    uint32_t i = free_.back();
    free_.pop_back();
    entries_[i] = entry;
    return i;
  }
  if (entries_.size() > kMaxLength) return abi_trap("handle table full (2^28 - 1 handles)");
  entries_.push_back(entry);
  return static_cast<uint32_t>(entries_.size() - 1);
}

Result<HandleEntry> HandleTable::remove(uint32_t index) {
  IRONCLAD_TRY_ASSIGN(HandleEntry * e, get(index));
  HandleEntry out = *e;
  *e = HandleEntry{};
  free_.push_back(index);
  return out;
}

size_t HandleTable::live() const {
  size_t n = 0;
  for (const HandleEntry& e : entries_) n += e.type != nullptr;
  return n;
}

std::optional<runtime::Extern> CoreInstanceRt::find(std::string_view name) const {
  if (instance) {
    auto e = instance->get_export(name);
    if (!e.ok()) return std::nullopt;
    return *e;
  }
  for (const auto& [n, e] : exports) {
    if (n == name) return e;
  }
  return std::nullopt;
}

}  // namespace ironclad::component
