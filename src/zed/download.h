// download-file: fetch a URL into an extension's work directory, unpacked as the API's
// downloaded-file-type says. The path is the extension's string, resolved inside the work
// directory or refused; the download is staged next to its destination and renamed into
// place, so a failure (network, size cap, hostile archive) leaves nothing behind.
#pragma once

#include <filesystem>
#include <string>

#include "ironclad/error.h"
#include "zed/network.h"

namespace ironclad::zed {

// `work_dir` joined with the extension's `relative_path`, normalized; refused when it
// is empty, is the work directory itself, or lands outside it (lexically, or through a
// symlink on disk). An absolute path is accepted only when it is inside the work directory
// (Zed accepts those too: extensions build paths from their current directory).
Result<std::filesystem::path> resolve_download_destination(const std::filesystem::path& work_dir,
                                                           const std::string& relative_path);

Result<void> download_file(const NetworkOptions& options, const std::string& url,
                           const std::filesystem::path& work_dir, const std::string& relative_path,
                           DownloadedFileType type);

}  // namespace ironclad::zed
