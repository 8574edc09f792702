#include "zed/world_shapes.h"

namespace ironclad::zed {

WorldShapes shapes_of(const std::string& folder) {
  WorldShapes s;
  const bool before_006 = folder == "since_v0.0.1" || folder == "since_v0.0.4";
  s.server_as_config_record = before_006;
  s.has_workspace_configuration = !before_006;
  s.has_project = !(before_006 || folder == "since_v0.0.6" || folder == "since_v0.1.0");
  return s;
}

}  // namespace ironclad::zed
