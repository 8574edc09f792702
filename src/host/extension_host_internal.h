// What the engine's own code (and its tests) may ask of the extension host beyond the public
// API: extra host functions for extensions' imports. The public ExtensionHost offers WASI
// only; a module importing anything else fails to load with a Link error naming the imports.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ironclad/extension_host.h"
#include "runtime/runtime.h"

namespace ironclad::host {

struct HostHooks {
  // Called for every fresh instance of every extension, after WASI is defined: may define
  // more imports (the tests define one that fails the way a fault in generated code does).
  std::function<Result<void>(const std::string& extension_id, runtime::Linker& linker,
                             runtime::Store& store)>
      define_imports;
};

Result<std::unique_ptr<ExtensionHost>> create_extension_host(HostConfig config, HostHooks hooks);

}  // namespace ironclad::host
