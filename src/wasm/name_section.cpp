#include "wasm/name_section.h"

#include <optional>
#include <string>
#include <unordered_map>

#include "wasm/reader.h"

namespace ironclad::wasm {

// The name section is advisory: anything malformed in it drops the names, never the module.
void read_name_section(Module& m, const CustomSection& s) {
  Reader r(m.bytes, s.offset, s.offset + s.size);
  std::optional<std::string> module_name;
  std::unordered_map<uint32_t, std::string> names;
  auto parse = [&]() -> Result<void> {
    int last_id = -1;
    while (!r.at_end()) {
      IRONCLAD_TRY_ASSIGN(uint8_t id, r.u8());
      if (static_cast<int>(id) <= last_id) return r.error("name subsections out of order");
      last_id = id;
      IRONCLAD_TRY_ASSIGN(uint32_t size, r.u32());
      if (size > r.remaining()) return r.error("name subsection too long");
      Reader sub(m.bytes, r.offset(), r.offset() + size);
      if (id == 0) {
        IRONCLAD_TRY_ASSIGN(module_name, sub.name());
      } else if (id == 1) {
        IRONCLAD_TRY_ASSIGN(uint32_t n, sub.u32());
        for (uint32_t i = 0; i < n; ++i) {
          IRONCLAD_TRY_ASSIGN(uint32_t index, sub.u32());
          IRONCLAD_TRY_ASSIGN(std::string name, sub.name());
          names[index] = std::move(name);
        }
      } else {
        IRONCLAD_TRY(sub.skip(size));
      }
      if (!sub.at_end()) return sub.error("name subsection size mismatch");
      IRONCLAD_TRY(r.skip(size));
    }
    return {};
  };
  if (parse().ok()) {
    m.module_name = std::move(module_name);
    m.function_names = std::move(names);
  }
}

}  // namespace ironclad::wasm
