// A module that decodes but does not validate, for the CLI's refusal paths.
#pragma once

#include <fstream>
#include <string>

namespace ironclad::cli::testing {

// Writes to `path` a function declared to return i32 whose body is empty: well-formed,
// invalid (type mismatch at the end of function 0).
inline void write_invalid_module(const std::string& path) {
  const unsigned char bytes[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
                                 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,        // type
                                 0x03, 0x02, 0x01, 0x00,                          // func
                                 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};             // code
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

}  // namespace ironclad::cli::testing
