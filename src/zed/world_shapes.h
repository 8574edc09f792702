// Where the zed:extension worlds differ in the shapes of the exports the host calls (the
// imports differ only positionally-compatibly: see host_api.h). One row per world folder.
#pragma once

#include <string>

namespace ironclad::zed {

struct WorldShapes {
  // Worlds before 0.0.6 pass a language server as `language-server-config { name,
  // language-name }`; later ones pass its id as a string.
  bool server_as_config_record = false;
  // Worlds from 0.0.6 on export language-server-workspace-configuration and the label calls.
  bool has_workspace_configuration = true;
  // Worlds from 0.2.0 on have the project resource (context servers: 0.5.0 on).
  bool has_project = true;
};

WorldShapes shapes_of(const std::string& world_folder);

}  // namespace ironclad::zed
