// Where the build put the test fixtures (.wasm/.json/.text built from the sources at build
// time): $IRONCLAD_FIXTURES when set (ctest sets it), else the build's fixture directory,
// so a test binary also finds them when run by hand.
#pragma once

#include <cstdlib>
#include <string>

namespace ironclad::testing {

inline std::string fixture_dir() {
  const char* dir = std::getenv("IRONCLAD_FIXTURES");
  return (dir && *dir) ? dir : IRONCLAD_FIXTURE_DIR;
}

}  // namespace ironclad::testing
