// Unpacking downloaded archives (libarchive) for download-file: tar.gz and zip into a
// directory, gzip into one file. Every entry is checked before anything is written:
// absolute names, `..`, paths through a symlink, symlinks or hard links pointing outside the
// destination, devices and fifos are refused; the bytes written and the entries are capped
// (a decompression bomb is an error). The work happens in a temporary directory next to
// the destination that is renamed into place at the end, so a failure leaves nothing behind
// and the destination is either the old one or the whole new one.
#pragma once

#include <cstdint>
#include <filesystem>

#include "ironclad/error.h"

namespace ironclad::zed {

struct UnpackLimits {
  uint64_t max_bytes = 2ull << 30;      // total bytes of all files (sparse holes count)
  uint64_t max_entries = 200'000;       // entries of every kind
};

enum class ArchiveKind : uint8_t { GzipTar, Zip };

// Unpacks `archive_file` into the directory `destination` (replacing what was there).
// Messages name the entry and the reason ("archive entry ../evil escapes the destination").
Result<void> unpack_archive(const std::filesystem::path& archive_file, ArchiveKind kind,
                            const std::filesystem::path& destination, const UnpackLimits& limits);

// Decompresses the gzip file `gzip_file` into the file `destination` (replacing it).
Result<void> gunzip_file(const std::filesystem::path& gzip_file, const std::filesystem::path& destination,
                         const UnpackLimits& limits);

// Moves `staged` (a file or directory next to `destination`) into place: the old
// destination, if any, is renamed away first and removed only once the new one is in place.
Result<void> replace_with(const std::filesystem::path& staged, const std::filesystem::path& destination);

// A fresh name next to `destination` for staging: ".<name>.<tag>-XXXXXX" made by mkdtemp
// (as_directory) or mkstemp (the file is created empty, mode 0600).
Result<std::filesystem::path> make_staging_path(const std::filesystem::path& destination, const char* tag,
                                                bool as_directory);

}  // namespace ironclad::zed
