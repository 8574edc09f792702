#include "zed/download.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "zed/archive_unpack.h"
#include "zed/http_client.h"

namespace ironclad::zed {
namespace fs = std::filesystem;
namespace {

bool is_inside(const fs::path& root, const fs::path& path) {
  fs::path rel = path.lexically_relative(root);
  return !rel.empty() && rel != "." && *rel.begin() != "..";
}

Result<void> write_all(int fd, const std::vector<uint8_t>& chunk) {
  size_t done = 0;
  while (done < chunk.size()) {
    ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::make(ErrorKind::Io, std::string("cannot write the download: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

// Streams the response body of `url` into `file` (created empty by the caller).
Result<void> fetch_into(const NetworkOptions& options, const std::string& url, const fs::path& file) {
  HttpRequest request;
  request.url = url;
  request.follow_redirects = options.max_redirects;  // release assets redirect to a CDN
  TransferLimits limits{options.request_timeout, options.max_response_bytes, options.user_agent};
  IRONCLAD_TRY_ASSIGN(auto transfer, open_transfer(request, limits));
  if (transfer->status() < 200 || transfer->status() > 299)
    return Error::make(ErrorKind::Io,
                       "download failed with status " + status_text(transfer->status(), transfer->reason()));
  int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Error::make(ErrorKind::Io, std::string("cannot open the staging file: ") + std::strerror(errno));
  Result<void> result;
  for (;;) {
    auto chunk = transfer->next_chunk();
    if (!chunk) {
      result = std::move(chunk).error();
      break;
    }
    if (!*chunk) break;
    result = write_all(fd, **chunk);
    if (!result) break;
  }
  if (::close(fd) != 0 && result.ok())
    result = Error::make(ErrorKind::Io, std::string("cannot write the download: ") + std::strerror(errno));
  return result;
}

Result<void> store(const NetworkOptions& options, const fs::path& downloaded, const fs::path& destination,
                   DownloadedFileType type) {
  UnpackLimits limits{options.max_unpacked_bytes, options.max_archive_entries};
  switch (type) {
    case DownloadedFileType::Uncompressed:
      if (::chmod(downloaded.c_str(), 0644) != 0)
        return Error::make(ErrorKind::Io, std::string("cannot set permissions: ") + std::strerror(errno));
      return replace_with(downloaded, destination);
    case DownloadedFileType::Gzip: return gunzip_file(downloaded, destination, limits);
    case DownloadedFileType::GzipTar: return unpack_archive(downloaded, ArchiveKind::GzipTar, destination, limits);
    case DownloadedFileType::Zip: return unpack_archive(downloaded, ArchiveKind::Zip, destination, limits);
  }
  return Error::make(ErrorKind::Usage, "unknown downloaded-file-type");
}

}  // namespace

Result<fs::path> resolve_download_destination(const fs::path& work_dir, const std::string& relative_path) {
  auto refuse = [](const std::string& why) { return Error::make(ErrorKind::Usage, why); };
  if (relative_path.empty()) return refuse("the path is empty");
  if (relative_path.find('\0') != std::string::npos) return refuse("the path contains a NUL byte");
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  fs::path root = fs::canonical(work_dir, ec);
  if (ec) return Error::make(ErrorKind::Io, "the work directory " + work_dir.string() + " is unusable: " + ec.message());
  fs::path requested(relative_path);
  fs::path candidate = (requested.is_absolute() ? requested : root / requested).lexically_normal();
  if (!candidate.empty() && candidate.filename().empty()) candidate = candidate.parent_path();  // "bin/" is "bin"
  if (!is_inside(root, candidate)) {
    if (requested.is_absolute()) return refuse("the absolute path is outside the extension's work directory");
    return refuse("the path escapes the extension's work directory");
  }
  // On disk, an existing parent may be a symlink: its real location must be inside too.
  fs::path parent = candidate.parent_path();
  fs::path existing = parent;
  while (!fs::exists(fs::symlink_status(existing, ec)) && existing != root) existing = existing.parent_path();
  fs::path real = fs::canonical(existing, ec);
  if (ec) return Error::make(ErrorKind::Io, "cannot resolve " + existing.string() + ": " + ec.message());
  if (real != root && !is_inside(root, real)) return refuse("the path escapes the extension's work directory through a symlink");
  return candidate;
}

Result<void> download_file(const NetworkOptions& options, const std::string& url, const fs::path& work_dir,
                           const std::string& relative_path, DownloadedFileType type) {
  std::string what = "download-file " + url + " -> " + relative_path;
  auto prefixed = [&](Error error) {
    error.message = what + ": " + error.message;
    return error;
  };
  auto destination = resolve_download_destination(work_dir, relative_path);
  if (!destination) return prefixed(std::move(destination).error());
  // The parent directories this download makes are removed again if it fails.
  std::error_code ec;
  fs::path first_created;
  for (fs::path dir = destination->parent_path(); !fs::exists(fs::symlink_status(dir, ec)); dir = dir.parent_path())
    first_created = dir;
  fs::create_directories(destination->parent_path(), ec);
  if (ec) {
    if (!first_created.empty()) fs::remove_all(first_created, ec);
    return prefixed(Error::make(ErrorKind::Io, "cannot create " + destination->parent_path().string() + ": " + ec.message()));
  }
  Result<void> result;
  auto staging = make_staging_path(*destination, "download", false);
  if (staging) {
    result = fetch_into(options, url, *staging);
    if (result.ok()) result = store(options, *staging, *destination, type);
    fs::remove(*staging, ec);  // gone already when it was renamed into place
  } else {
    result = std::move(staging).error();
  }
  if (!result.ok()) {
    if (!first_created.empty()) fs::remove_all(first_created, ec);
    return prefixed(std::move(result).error());
  }
  return {};
}

}  // namespace ironclad::zed
