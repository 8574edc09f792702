// One loaded Zed extension: its component on the recovery ladder (host::RecoveringModule),
// the host API state its imports use, the deadline and the fresh instance after a timeout,
// and init-extension run on every new instance before anything else (zed_extension_api
// registers the extension there).
#pragma once

#include <memory>
#include <string>

#include "host/recovering_module.h"
#include "ironclad/zed.h"
#include "zed/host_api.h"
#include "zed/loader.h"
#include "zed/world_shapes.h"

namespace ironclad::zed {

class ZedExtensionImpl final : public ZedExtension {
 public:
  ZedExtensionImpl(LoadedExtension loaded, std::shared_ptr<HostApiState> state,
                   std::unique_ptr<host::RecoveringModule> module,
                   std::chrono::milliseconds call_timeout);

  const std::string& id() const override { return loaded_.manifest.id; }
  const std::string& name() const override { return loaded_.manifest.name; }
  const std::string& version() const override { return loaded_.manifest.version; }
  std::string api_version() const override { return loaded_.api_version.to_string(); }
  const std::string& world_folder() const override { return loaded_.world_folder; }
  std::vector<std::string> language_servers() const override;
  ExtensionStatus status() const override;
  const std::vector<std::string>& warnings() const override { return loaded_.manifest.warnings; }

  Result<void> init() override;
  Result<ZedAnswer<ZedCommand>> language_server_command(const std::string& server_id,
                                                        uint64_t worktree_id) override;
  Result<std::optional<ComponentValue>> call(std::string_view export_name,
                                             std::vector<ComponentValue> args) override;
  Result<ComponentValue> worktree_handle(uint64_t worktree_id) override;
  Result<ComponentValue> project_handle() override;
  std::vector<std::string> export_names() const override;

  // The type of the export `name` (as the extension's world declares it), or a Usage error
  // listing the exports. Valid as long as this extension is.
  Result<const component::FuncType*> export_type(std::string_view export_name);

 private:
  // One call: runs init-extension first on a new instance; a deadline becomes Timeout and a
  // fresh instance.
  Result<std::optional<ComponentValue>> call_once(std::string_view export_name,
                                                  std::vector<ComponentValue> args);
  Result<void> ensure_initialized();
  Error timed_out(std::string_view export_name, const Error& e);

  LoadedExtension loaded_;
  std::shared_ptr<HostApiState> state_;
  std::unique_ptr<host::RecoveringModule> module_;
  std::chrono::milliseconds call_timeout_;
  WorldShapes shapes_;
  const void* initialized_instance_ = nullptr;  // the instance init-extension last ran in
};

}  // namespace ironclad::zed
