// Reading a file that anyone able to write the directory may have planted: an extension's
// manifest, a crash report. It must be a regular file (a FIFO would block the host forever,
// a symlink to /dev/zero would read without end) of at most `max_bytes`, opened without
// blocking and read with that bound whatever its size said.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ironclad/error.h"

namespace ironclad::host {

// The whole file. Io error naming the file when it cannot be opened or read, Invalid when
// it is not a regular file or holds more than `max_bytes`.
Result<std::string> read_bounded_regular_file(const std::filesystem::path& file,
                                              size_t max_bytes);
// The same, as bytes (a module).
Result<std::vector<uint8_t>> read_bounded_regular_file_bytes(const std::filesystem::path& file,
                                                             size_t max_bytes);

}  // namespace ironclad::host
